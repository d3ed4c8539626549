import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleRuntime } from '../../src/check/bundle.js';

// The learner's rd.ts as the guest runs it: CommonJS where the code allows (a cheaper start under TCG), an ES
// module where it needs one. Each bundle is run here by the host's node, under the name the guest gives it.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-unit-bundle-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function bundleAndRun(source: string): Promise<{ file: string; out: string }> {
  const entry = path.join(dir, 'rd.ts');
  const bundle = await bundleRuntime(entry, undefined, source);
  if (!bundle.ok) throw new Error(bundle.error);
  const file = path.join(dir, bundle.file);
  fs.writeFileSync(file, bundle.code);
  const r = spawnSync(process.execPath, [file, 'run'], { encoding: 'utf8' });
  return { file: bundle.file, out: r.stdout + r.stderr };
}

describe('bundleRuntime', () => {
  it('makes CommonJS of code that allows it, strict as the module it was written as', async () => {
    const { file, out } = await bundleAndRun(`
      import fs from 'node:fs';
      import { spawnSync } from 'node:child_process';
      function strict(this: unknown) { return this === undefined; }
      console.log(process.argv[2], typeof fs.readFileSync, typeof spawnSync, strict());`);
    expect(file).toBe('rd.cjs');
    expect(out).toBe('run function function true\n');
  });

  it('makes an ES module of code with a top-level await', async () => {
    const { file, out } = await bundleAndRun(`const n = await Promise.resolve(2); console.log('awaited', n);`);
    expect(file).toBe('rd.mjs');
    expect(out).toBe('awaited 2\n');
  });

  it('makes an ES module of code that reads import.meta (empty in CommonJS)', async () => {
    const { file, out } = await bundleAndRun(`import { fileURLToPath } from 'node:url'; console.log(fileURLToPath(import.meta.url).endsWith('rd.mjs'));`);
    expect(file).toBe('rd.mjs');
    expect(out).toBe('true\n');
  });

  it("says where code does not build, as the learner's editor would point at it", async () => {
    const bundle = await bundleRuntime(path.join(dir, 'rd.ts'), undefined, 'const x = ;\n');
    expect(bundle).toEqual({ ok: false, error: expect.stringMatching(/^rd\.ts:1:11: error: Unexpected ";"\n {4}const x = ;$/) });
  });

  it('says that linux.ts is gone, and how to get it back, when an import of it fails for that', async () => {
    const ws = fs.mkdtempSync(path.join(dir, 'no-toolkit-'));
    const bundle = await bundleRuntime(path.join(ws, 'rd.ts'), undefined, "import * as linux from './linux.js';\nlinux.unshare(0);\n");
    expect(bundle).toEqual({ ok: false, error: expect.stringContaining('Could not resolve "./linux.js"\n    import * as linux from \'./linux.js\';\n    (linux.ts is not in the workspace: rubber-workshop init puts it back, and keeps your rd.ts)') });
  });

  it('reads only files in the workspace: an import of another folder\'s file or of one elsewhere is refused', async () => {
    const ws = path.join(dir, 'alice');
    fs.mkdirSync(path.join(ws, 'lib'), { recursive: true });
    fs.writeFileSync(path.join(ws, 'lib', 'own.ts'), 'export const own = 1;\n');
    fs.writeFileSync(path.join(dir, 'bob.json'), '{"secret": "bob\'s"}\n');
    const entry = path.join(ws, 'rd.ts');
    expect(await bundleRuntime(entry, undefined, "import { own } from './lib/own'; console.log(own);")).toMatchObject({ ok: true });
    for (const source of ["import bob from '../bob.json'; console.log(bob);", `import x from '${path.join(dir, 'bob.json')}'; console.log(x);`]) {
      const bundle = await bundleRuntime(entry, undefined, source);
      expect(bundle).toEqual({ ok: false, error: expect.stringContaining('bob.json is outside the workspace: rd.ts may import only files in its own folder') });
    }
    // A link inside the workspace to a file outside it is outside too.
    fs.symlinkSync(path.join(dir, 'bob.json'), path.join(ws, 'linked.json'));
    expect(await bundleRuntime(entry, undefined, "import x from './linked.json'; console.log(x);")).toMatchObject({ ok: false });
  });

  it("starts esbuild again once its process is gone: one learner's bundle cannot fail another's", async () => {
    expect(await bundleRuntime(path.join(dir, 'rd.ts'), undefined, 'console.log(1);')).toMatchObject({ ok: true });
    const children = fs.readdirSync(`/proc/${process.pid}/task`)
      .flatMap((t) => fs.readFileSync(`/proc/${process.pid}/task/${t}/children`, 'utf8').split(' ').filter(Boolean).map(Number));
    const esbuild = children.filter((pid) => fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--service='));
    expect(esbuild).toHaveLength(1);
    process.kill(esbuild[0]!, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const [a, b] = await Promise.all([2, 3].map((n) => bundleRuntime(path.join(dir, 'rd.ts'), undefined, `console.log(${n});`)));
    expect([a, b]).toMatchObject([{ ok: true, code: expect.stringContaining('console.log(2)') }, { ok: true, code: expect.stringContaining('console.log(3)') }]);
  });

  it("reads no tsconfig.json: its extends would quote any file of the machine's in the error, or read /dev/zero for ever", async () => {
    const ws = path.join(dir, 'carol');
    fs.mkdirSync(ws);
    fs.writeFileSync(path.join(ws, 'rd.ts'), 'console.log("carol");\n');
    for (const extended of ['/proc/self/environ', '/dev/zero']) {
      fs.writeFileSync(path.join(ws, 'tsconfig.json'), JSON.stringify({ extends: extended }));
      expect(await bundleRuntime(path.join(ws, 'rd.ts'))).toMatchObject({ ok: true, code: expect.stringContaining('carol') });
    }
  });

  it("reads no package.json or Yarn file that is a link out of the workspace, a FIFO or too large: esbuild's resolver reads them itself", async () => {
    const ws = fs.mkdtempSync(path.join(dir, '..', 'rw-unit-resolver-'));
    try {
      fs.writeFileSync(path.join(ws, 'rd.ts'), "import leak from 'leak'; console.log(leak);\n");
      const pkg = path.join(ws, 'node_modules', 'leak', 'package.json');
      fs.mkdirSync(path.dirname(pkg), { recursive: true });
      const refused = async (file: string, make: () => void, why: string) => {
        make();
        const bundle = await bundleRuntime(path.join(ws, 'rd.ts'));
        fs.rmSync(file);
        expect(bundle).toEqual({ ok: false, error: `${path.relative(ws, file)} ${why}` });
      };
      // /proc/self/environ is esbuild's environment, the grader's: it was quoted in the learner's result.
      await refused(pkg, () => fs.symlinkSync('/proc/self/environ', pkg), 'is a link out of the workspace: remove it');
      await refused(pkg, () => spawnSync('mkfifo', [pkg]), 'is a FIFO, a socket or a device, not a file: remove it');
      await refused(pkg, () => (fs.writeFileSync(pkg, ''), fs.truncateSync(pkg, 9 << 20)), 'is larger than 8 MiB');
      const pnp = path.join(ws, '.pnp.data.json');
      await refused(pnp, () => fs.symlinkSync('/proc/self/environ', pnp), 'is a link out of the workspace: remove it');
    } finally {
      fs.rmSync(ws, { recursive: true, force: true });
    }
  });

  it('loads no module larger than 8 MiB: a sparse one costs its learner nothing, and the grader its size', async () => {
    const ws = fs.mkdtempSync(path.join(dir, '..', 'rw-unit-big-'));
    try {
      fs.writeFileSync(path.join(ws, 'big.js'), '');
      fs.truncateSync(path.join(ws, 'big.js'), 9 << 20);
      expect(await bundleRuntime(path.join(ws, 'rd.ts'), undefined, "import './big.js';")).toEqual({ ok: false, error: `rd.ts:1:8: error: ${path.join(ws, 'big.js')} is larger than 8 MiB\n    import './big.js';` });
    } finally {
      fs.rmSync(ws, { recursive: true, force: true });
    }
  });

  it('quotes no line of a file out of the workspace, and no escape sequence of the learner\'s', async () => {
    const ws = path.join(dir, 'dave');
    fs.mkdirSync(ws);
    const toolkit = path.join(dir, 'toolkit.ts');
    fs.writeFileSync(toolkit, 'const secret = ;\n');
    const bundle = await bundleRuntime(path.join(ws, 'rd.ts'), toolkit, "import './linux.js';");
    expect(bundle).toEqual({ ok: false, error: '../toolkit.ts:1:16: error: Unexpected ";"' });
    const escapes = await bundleRuntime(path.join(ws, 'rd.ts'), undefined, 'const x = ; // \x1b[2K\x1b[1A\x1b]52;c;Y3VybA==\x07\x1b[8m hidden\n');
    expect(escapes).toEqual({ ok: false, error: 'rd.ts:1:11: error: Unexpected ";"\n    const x = ; //  hidden' });
  });
});
