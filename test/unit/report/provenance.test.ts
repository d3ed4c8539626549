import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkersDigest, digestEntries, provenanceFor, readSources, sourcesDigest, SourcesError, toolProvenance } from '../../../src/check/provenance.js';
import { version } from '../../../src/version.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'provenance-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const write = (name: string, content: string) => {
  fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
  fs.writeFileSync(path.join(dir, name), content);
};
const sha = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

describe('sourcesDigest', () => {
  it('records each source file\'s sha256, so `sha256sum rd.ts` confirms it', async () => {
    write('rd.ts', 'console.log(1)\n');
    write('linux.ts', 'export {}\n');
    expect((await sourcesDigest(dir)).files).toEqual({ 'rd.ts': sha('console.log(1)\n'), 'linux.ts': sha('export {}\n') });
  });

  it('covers the files of node_modules that rd.ts imports, and no others: code kept there is graded too', async () => {
    write('rd.ts', "import { run } from 'helper'; run();\n");
    write('node_modules/helper/package.json', '{"name": "helper", "main": "index.js"}\n');
    write('node_modules/helper/index.js', 'exports.run = () => console.log("the real runtime");\n');
    write('node_modules/unused/index.js', 'module.exports = 1;\n');
    const digest = await sourcesDigest(dir);
    expect(Object.keys(digest.files).sort()).toEqual(['node_modules/helper/index.js', 'rd.ts']);
    write('node_modules/helper/index.js', 'exports.run = () => console.log("another runtime");\n');
    expect((await sourcesDigest(dir)).sha256).not.toBe(digest.sha256);
  });

  it('reads nothing outside the workspace to list them: an import of /dev/zero is refused, not read for ever', async () => {
    write('rd.ts', "import zero from '/dev/zero'; import { run } from 'helper'; run(zero);\n");
    write('node_modules/helper/index.js', 'exports.run = () => {};\n');
    write('tsconfig.json', '{"extends": "/dev/zero"}\n');
    expect(Object.keys((await sourcesDigest(dir)).files)).toEqual(['rd.ts', 'tsconfig.json']);
  });

  it('changes when a file changes, is renamed, or bytes move between files', async () => {
    write('rd.ts', 'ab');
    write('linux.ts', 'c');
    const before = (await sourcesDigest(dir)).sha256;
    write('rd.ts', 'a');
    write('linux.ts', 'bc');
    expect((await sourcesDigest(dir)).sha256).not.toBe(before);
    expect(digestEntries([{ name: 'a.ts', content: Buffer.from('x') }])).not.toBe(digestEntries([{ name: 'b.ts', content: Buffer.from('x') }]));
  });

  it('is the same whatever order the files are listed in', () => {
    const a = { name: 'rd.ts', content: Buffer.from('1') };
    const b = { name: 'linux.ts', content: Buffer.from('2') };
    expect(digestEntries([a, b])).toBe(digestEntries([b, a]));
  });

  it('takes modules rd.ts may import but not tool state, git data, dependencies or other files', () => {
    write('rd.ts', '');
    write('lib/util.ts', '');
    write('config.json', '{}');
    write('.rubber-workshop/progress.json', '{}');
    write('.git/HEAD', 'ref: refs/heads/main\n');
    write('node_modules/koffi/index.js', '');
    write('notes.md', '');
    expect(readSources(dir).map((e) => e.name).sort()).toEqual(['config.json', 'lib/util.ts', 'rd.ts']);
  });

  it('refuses a folder with far too many sources, which is not a workspace', () => {
    for (let i = 0; i < 201; i++) write(`f${i}.ts`, '');
    expect(() => readSources(dir)).toThrow(SourcesError);
  });

  it('refuses a source larger than 8 MiB unread: a sparse one of gigabytes costs nothing on disk, and gigabytes of memory read', () => {
    write('rd.ts', '');
    write('notes.json', '');
    fs.truncateSync(path.join(dir, 'notes.json'), 64 << 20);
    // Bytes this process reads (all threads), from Linux's /proc/self/io.
    const readBytes = () => Number(/^rchar: (\d+)$/m.exec(fs.readFileSync('/proc/self/io', 'utf8'))![1]);
    const before = readBytes();
    expect(() => readSources(dir)).toThrow(SourcesError);
    expect(readBytes() - before).toBeLessThan(1 << 20);
  });
});

describe('tool provenance', () => {
  it('digests the checker scripts by name and content, and takes the VM digest from the VM layer', async () => {
    write('checkers/00.sh', 'check a\n');
    write('checkers/lib.sh', 'pass() { :; }\n');
    const checkers = path.join(dir, 'checkers');
    const first = await toolProvenance(async () => 'vm-digest', checkers);
    expect(first).toEqual({ toolVersion: version, checkersSha256: checkersDigest(checkers), vmAssetsDigest: 'vm-digest' });
    fs.appendFileSync(path.join(checkers, '00.sh'), 'pass\n');
    expect(checkersDigest(checkers)).not.toBe(first.checkersSha256);
  });

  it('puts learner and tool together for check --json', async () => {
    write('rd.ts', 'x');
    const p = await provenanceFor(dir, async () => 'vm');
    expect(p.sources).toEqual({ 'rd.ts': sha('x') });
    expect(p.vmAssetsDigest).toBe('vm');
    expect(p.checkersSha256).toMatch(/^[0-9a-f]{64}$/);
  });
});
