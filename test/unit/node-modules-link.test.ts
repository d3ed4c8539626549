// A workspace's node_modules must lie in the workspace: committed as a link to another learner's folder
// (`node_modules -> ../alice`), it would bundle alice's runtime as bob's, none of it in bob's sources digest.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bundleRuntime } from '../../src/check/bundle.js';
import { sourcesDigest } from '../../src/check/provenance.js';
import { runGrade } from '../../src/grade/grade.js';
import type { RunCheck } from '../../src/grade/limited-check.js';
import type { GradeResult } from '../../src/grade/result.js';
import { initWorkspace } from '../../src/workspace.js';
import { fakeCheckers } from './grade/fake-check.js';

const REFUSED = 'node_modules is a link to ../alice, outside the workspace: packages must be installed in the workspace (npm install)';

let root: string;
let classDir: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-unit-modules-'));
  classDir = path.join(root, 'class');
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

function write(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

/** alice's workspace, with a runtime of her own; bob's, whose node_modules links to it and whose rd.ts is one line. */
function aliceAndBob(bobRd: string): { alice: string; bob: string } {
  const alice = path.join(classDir, 'alice');
  const bob = path.join(classDir, 'bob');
  write(path.join(alice, 'rd.ts'), "import { run } from './linux.ts'; run();\n");
  write(path.join(alice, 'linux.ts'), 'export const run = () => console.log("alice\'s runtime");\n');
  write(path.join(alice, 'helper', 'index.js'), 'exports.run = () => console.log("alice\'s helper");\n');
  write(path.join(bob, 'rd.ts'), bobRd);
  fs.symlinkSync('../alice', path.join(bob, 'node_modules'));
  return { alice, bob };
}

/** A workspace with a package installed as npm installs it: a folder in node_modules, and a link in its .bin. */
function installed(dir: string): void {
  write(path.join(dir, 'rd.ts'), "import { run } from 'helper'; run('alone');\n");
  write(path.join(dir, 'node_modules', 'helper', 'package.json'), '{"name": "helper", "main": "index.js", "bin": "cli.js"}\n');
  write(path.join(dir, 'node_modules', 'helper', 'index.js'), 'exports.run = (x) => console.log("installed", x);\n');
  write(path.join(dir, 'node_modules', 'helper', 'cli.js'), '');
  fs.mkdirSync(path.join(dir, 'node_modules', '.bin'));
  fs.symlinkSync('../helper/cli.js', path.join(dir, 'node_modules', '.bin', 'helper'));
}

/** Adds a package that npm links to a folder of the workspace (an npm workspace's package), and uses it. */
function linkedPackage(dir: string): void {
  write(path.join(dir, 'rd.ts'), "import { run } from 'helper'; import { alias } from 'alias'; run(alias);\n");
  write(path.join(dir, 'packages', 'alias', 'index.js'), 'exports.alias = "linked";\n');
  fs.symlinkSync('../packages/alias', path.join(dir, 'node_modules', 'alias'));
}

async function bundleAndRun(entry: string): Promise<string> {
  const bundle = await bundleRuntime(entry);
  if (!bundle.ok) throw new Error(bundle.error);
  const file = path.join(root, bundle.file);
  fs.writeFileSync(file, bundle.code);
  const r = spawnSync(process.execPath, [file], { encoding: 'utf8' });
  return r.stdout + r.stderr;
}

describe('a node_modules link out of the workspace', () => {
  it('is refused by the bundle, whether rd.ts imports a file in it or a package', async () => {
    for (const rd of ["import './node_modules/rd.ts';\n", "import { run } from 'helper'; run();\n"]) {
      fs.rmSync(classDir, { recursive: true, force: true });
      const { bob } = aliceAndBob(rd);
      expect(await bundleRuntime(path.join(bob, 'rd.ts'))).toEqual({ ok: false, error: REFUSED });
    }
  });

  it('is refused when the link is absolute, and when a link inside node_modules leads out', async () => {
    const { alice, bob } = aliceAndBob("import { run } from 'helper'; run();\n");
    fs.rmSync(path.join(bob, 'node_modules'));
    fs.symlinkSync(alice, path.join(bob, 'node_modules'));
    expect(await bundleRuntime(path.join(bob, 'rd.ts'))).toEqual({ ok: false, error: REFUSED });
    fs.rmSync(path.join(bob, 'node_modules'));
    fs.mkdirSync(path.join(bob, 'node_modules'));
    fs.symlinkSync('../../alice/helper', path.join(bob, 'node_modules', 'helper'));
    expect(await bundleRuntime(path.join(bob, 'rd.ts'))).toEqual({ ok: false, error: 'node_modules/helper is a link out of the workspace: remove it' });
  });

  it('puts none of the other folder in the sources digest', async () => {
    const { bob } = aliceAndBob("import './node_modules/rd.ts';\n");
    expect(Object.keys((await sourcesDigest(bob)).files)).toEqual(['rd.ts']);
  });

  it('gives that workspace an error result in a grade, before any check runs, and grades the others', async () => {
    aliceAndBob("import './node_modules/rd.ts';\n");
    installed(path.join(classDir, 'carol'));
    const out = path.join(root, 'grades');
    const checkers = path.join(root, 'checkers');
    fakeCheckers(checkers, ['00']);
    const graded: string[] = [];
    // Bundles the copy as src/check/run.ts does; passes when it builds.
    const runCheck: RunCheck = async function* (opts) {
      graded.push(path.basename(opts.workspaceDir));
      const bundle = await bundleRuntime(path.join(opts.workspaceDir, 'rd.ts'), undefined, undefined, opts.origin);
      const results = bundle.ok ? ['a', 'b'].map((name) => ({ level: '00', name, status: 'pass' as const, message: '', ms: 1 })) : [];
      const outcome = { verdict: bundle.ok ? 'pass' as const : 'error' as const, level: '00', results, tail: [], ms: 1, ...(!bundle.ok && { error: bundle.error }) };
      yield { type: 'done', outcome };
      return outcome;
    };
    await runGrade(
      { paths: [classDir], out, jobs: 1, level: '00', timeoutMs: 60_000, resume: false, retryErrors: false },
      { runCheck, assetsDigest: async () => 'assets', levels: ['00'], checkersDir: checkers },
    );
    const result = (learner: string): GradeResult => JSON.parse(fs.readFileSync(path.join(out, 'results', `${learner}.json`), 'utf8'));
    expect(result('bob')).toMatchObject({ status: 'error', reason: REFUSED });
    expect(Object.keys(result('bob').provenance.sources)).toEqual(['rd.ts']);
    expect(graded.sort()).toEqual(['alice', 'carol']);
    expect(result('carol')).toMatchObject({ status: 'pass', reason: null });
    expect(Object.keys(result('carol').provenance.sources).sort()).toEqual(['node_modules/helper/index.js', 'rd.ts']);
  });
});

describe('a node_modules folder in the workspace', () => {
  it('still bundles, with npm\'s own links in it, and its files are in the sources digest', async () => {
    const carol = path.join(classDir, 'carol');
    installed(carol);
    expect(await bundleAndRun(path.join(carol, 'rd.ts'))).toBe('installed alone\n');
    linkedPackage(carol);
    expect(await bundleAndRun(path.join(carol, 'rd.ts'))).toBe('installed linked\n');
    expect(Object.keys((await sourcesDigest(carol)).files).sort()).toEqual(['node_modules/helper/index.js', 'packages/alias/index.js', 'rd.ts']);
  });

  it('may be a link to a folder in the workspace, whose files are in the sources digest too', async () => {
    const carol = path.join(classDir, 'carol');
    installed(carol);
    linkedPackage(carol);
    fs.mkdirSync(path.join(carol, 'vendor'));
    fs.renameSync(path.join(carol, 'node_modules'), path.join(carol, 'vendor', 'node_modules'));
    fs.symlinkSync('vendor/node_modules', path.join(carol, 'node_modules'));
    fs.rmSync(path.join(carol, 'vendor', 'node_modules', 'alias'));
    fs.symlinkSync('../../packages/alias', path.join(carol, 'vendor', 'node_modules', 'alias'));
    expect(await bundleAndRun(path.join(carol, 'rd.ts'))).toBe('installed linked\n');
    expect(Object.keys((await sourcesDigest(carol)).files).sort()).toEqual(['packages/alias/index.js', 'rd.ts', 'vendor/node_modules/helper/index.js']);
  });
});

describe('the .gitignore init writes', () => {
  it('keeps a node_modules link out of git, as it keeps the folder', () => {
    const ws = path.join(root, 'ws');
    initWorkspace(ws);
    spawnSync('git', ['init', '-q'], { cwd: ws });
    fs.symlinkSync('../alice', path.join(ws, 'node_modules'));
    expect(spawnSync('git', ['check-ignore', '-q', 'node_modules'], { cwd: ws }).status).toBe(0);
  });
});
