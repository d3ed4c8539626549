// The level chain on a copy of the real lessons: exporting and importing without edits changes nothing, a fix
// made at one level flows into every later file, a patch that no longer fits is an error naming it, and the
// manifest's mistakes are errors naming the file and the field.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportChain, importChain, LessonError } from '../../src/lesson-chain.js';
import { chainFiles, loadLevels, wrongSource, type Level } from '../../src/lessons.js';
import { lessonsDir } from '../../src/paths.js';
import { devLessons } from '../../src/commands/dev-lessons.js';
import { UsageError, UserError } from '../../src/errors.js';
import { writeChain } from './lesson-files.js';

let tmp: string;
let lessons: string;
let out: string;

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-chain-'));
  lessons = path.join(tmp, 'lessons');
  out = path.join(tmp, 'whole');
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

const copyLessons = () => fs.cpSync(lessonsDir, lessons, { recursive: true });
const load = () => loadLevels(lessons);
const exportTo = (dir: string) => exportChain(chainFiles(load()), dir);
const importFrom = (dir: string) => importChain(chainFiles(load(), dir, lessons), dir);

/** Every file under `dir`, by relative path, with its bytes. */
function tree(dir: string): Record<string, string> {
  const files = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => fs.statSync(path.join(dir, f)).isFile());
  return Object.fromEntries(files.sort().map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
}

/** Every whole file of the chain, by its name. */
const wholeFiles = (levels: Level[]): Record<string, string> => Object.fromEntries(levels.flatMap((l) => [
  [`${l.id} stub`, l.stub()],
  [`${l.id} solution`, l.solution()],
  ...l.wrong.map((w) => [`${l.id} wrong/${w.name}`, wrongSource(w)]),
]));

describe('export and import', () => {
  it('are the identity when nothing was edited: no stored byte changes, and a second export is the first', () => {
    copyLessons();
    const stored = tree(lessons);
    exportTo(out);
    const exported = tree(out);
    expect(Object.keys(exported)).toContain('03-pivot-root/wrong/no-chdir-after-pivot.ts');
    expect(exported['00-fork-exec/stub.ts']).toBe(load()[0]!.stub());
    expect(importFrom(out)).toEqual([]);
    expect(tree(lessons)).toEqual(stored);
    exportTo(path.join(tmp, 'again'));
    expect(tree(path.join(tmp, 'again'))).toEqual(exported);
  });

  it('carry a fix made at level 00 into every later stub, solution and wrong variant, and nothing else', () => {
    copyLessons();
    const before = wholeFiles(load());
    const anchor = 'function parseRunArgs(args: string[]): Options {';
    const fixed = (text: string) => text.replace(anchor, `// A fix made at level 00.\n${anchor}`);
    exportTo(out);
    const solution00 = path.join(out, '00-fork-exec/solution.ts');
    fs.writeFileSync(solution00, fixed(fs.readFileSync(solution00, 'utf8')));
    const written = importFrom(out);
    expect(written).toContain('lessons/00-fork-exec/solution.ts');
    // Materialising never shifts a hunk: the later patches whose lines moved were made again.
    expect(written).toContain('lessons/10-setuid/solution.patch');
    const after = wholeFiles(load());
    for (const [name, text] of Object.entries(before)) expect(after[name], name).toBe(fixed(text));
  });

  it('keep an edit made at a later level as it is', () => {
    copyLessons();
    const before = wholeFiles(load());
    exportTo(out);
    const stub03 = path.join(out, '03-pivot-root/stub.ts');
    const edited = fs.readFileSync(stub03, 'utf8').replace('// TODO 2:', '// TODO 2 (reworded):');
    fs.writeFileSync(stub03, edited);
    expect(importFrom(out)).toEqual(['lessons/03-pivot-root/stub.patch']);
    const after = wholeFiles(load());
    for (const [name, text] of Object.entries(before)) expect(after[name], name).toBe(name === '03 stub' ? edited : text);
  });

  it('refuse an edit a later patch cannot be carried over, naming that patch, and write nothing', () => {
    copyLessons();
    const stored = tree(lessons);
    exportTo(out);
    const solution00 = path.join(out, '00-fork-exec/solution.ts');
    // Level 00's stub rewrites this line: with it changed underneath, the patch has nothing to fit.
    const line = fs.readFileSync(path.join(lessons, '00-fork-exec/stub.patch'), 'utf8').split('\n').find((l) => l.startsWith('-') && !l.startsWith('---'))!.slice(1);
    fs.writeFileSync(solution00, fs.readFileSync(solution00, 'utf8').replace(line, `${line} // changed`));
    const where = path.join(out, '00-fork-exec/stub.ts');
    expect(() => importFrom(out)).toThrow(new RegExp(`^lessons/00-fork-exec/stub\\.patch does not fit the edited 00-fork-exec/solution\\.ts \\(the lines of hunk "@@ -7,9 \\+7,9 @@" stand nowhere in the file\\): make the edit in ${where} too, then import again$`));
    expect(tree(lessons)).toEqual(stored);
  });

  it('take a wrong variant an author added as a whole file, with its description lines', () => {
    copyLessons();
    exportTo(out);
    const level = load()[3]!;
    const text = level.solution().replace('linux.chdir(\'/\');', 'linux.chdir(\'/tmp\');');
    fs.writeFileSync(path.join(out, '03-pivot-root/wrong/cwd-in-tmp.ts'), `// wrong: starts the command in /tmp\n// fails: 03/some-check\n${text}`);
    expect(importFrom(out)).toEqual(['lessons/03-pivot-root/wrong/cwd-in-tmp.patch']);
    const variant = load()[3]!.wrong.find((w) => w.name === 'cwd-in-tmp')!;
    expect(variant).toMatchObject({ mistake: 'starts the command in /tmp', fails: '03/some-check' });
    expect(wrongSource(variant)).toBe(text);
  });
});

describe('materialising', () => {
  it('fails on a patch whose lines moved; export writes the rest and says so, and import mends it', () => {
    copyLessons();
    const before = wholeFiles(load());
    const patch = path.join(lessons, '05-uts-namespace/solution.patch');
    const text = fs.readFileSync(patch, 'utf8');
    fs.writeFileSync(patch, text.replace(/^@@ -(\d+)/m, (_, n) => `@@ -${Number(n) + 2}`));
    expect(() => load()[5]!.solution()).toThrow(/^lessons\/05-uts-namespace\/solution\.patch no longer applies .*: rubber-workshop dev lessons export DIR, then import DIR, carries it over/);
    const problems = exportTo(out);
    expect(problems).toEqual([expect.stringMatching(/^lessons\/05-uts-namespace\/solution\.patch no longer applies/)]);
    expect(fs.existsSync(path.join(out, '04-overlayfs/solution.ts'))).toBe(true);
    expect(fs.existsSync(path.join(out, '05-uts-namespace/solution.ts'))).toBe(false);
    expect(importFrom(out)).toEqual(['lessons/05-uts-namespace/solution.patch']);
    expect(fs.readFileSync(patch, 'utf8')).toBe(text);
    expect(wholeFiles(load())).toEqual(before);
  });

  it('fails naming the patch that no longer applies, for its level and every later one', () => {
    copyLessons();
    const patch = path.join(lessons, '02-mount-namespace/solution.patch');
    const text = fs.readFileSync(patch, 'utf8');
    const context = text.split('\n').find((l) => l.startsWith(' ') && l.trim().length > 10)!;
    fs.writeFileSync(patch, text.replace(context, `${context} // drifted`));
    const levels = load();
    expect(() => levels[1]!.solution()).not.toThrow();
    for (const make of [levels[2]!.solution, levels[5]!.stub, () => wrongSource(levels[9]!.wrong[0]!)]) {
      expect(make).toThrow(LessonError);
      expect(make).toThrow(/^lessons\/02-mount-namespace\/solution\.patch no longer applies to 01-chroot-image\/solution\.ts \(line \d+ is ".*", the patch expects ".* \/\/ drifted"\)/);
    }
  });

  it('names a missing stored file', () => {
    copyLessons();
    fs.rmSync(path.join(lessons, '04-overlayfs/stub.patch'));
    expect(() => load()[4]!.stub()).toThrow('lessons/04-overlayfs/stub.patch is missing');
  });
});

describe('the manifest', () => {
  /** A lessons folder with these manifest entries and a folder for each "dir" that names one. */
  function manifest(levels: unknown, extra: Record<string, unknown> = {}): void {
    fs.mkdirSync(lessons, { recursive: true });
    for (const l of Array.isArray(levels) ? levels : []) if (typeof l?.dir === 'string') fs.mkdirSync(path.join(lessons, l.dir), { recursive: true });
    fs.writeFileSync(path.join(lessons, 'manifest.json'), JSON.stringify({ levels, ...extra }));
  }
  const first = { id: '00', dir: '00-a', title: 'first' };

  it.each([
    ['a misspelt field', [first, { id: '01', dir: '01-b', titel: 'second' }], /lessons\/manifest\.json: levels\[1\]\.titel is not a field/],
    ['a missing field', [{ id: '00', dir: '00-a' }], /lessons\/manifest\.json: levels\[0\]\.title: missing/],
    ['an id that is not two digits', [{ ...first, id: '1' }], /levels\[0\]\.id: expected a two-digit level id/],
    ['an id twice', [first, { ...first, dir: '00-b' }], /levels\[1\]\.id "00" is already the id of lessons\/manifest\.json levels\[0\]/],
    ['a field of the wrong type', [first, { id: '01', dir: 1, title: 'x' }], /levels\[1\]\.dir: expected a string, got 1/],
    ['levels that are not a list', { '00': first }, /lessons\/manifest\.json: levels: expected a list/],
  ])('names file and field for %s', (_what, levels, message) => {
    manifest(levels);
    expect(() => load()).toThrow(UserError);
    expect(() => load()).toThrow(message);
  });

  it('names a folder that is not beside it', () => {
    manifest([first]);
    fs.writeFileSync(path.join(lessons, 'manifest.json'), JSON.stringify({ levels: [first, { id: '01', dir: '01-gone', title: 'x' }] }));
    expect(() => load()).toThrow('lessons/manifest.json: levels[1].dir "01-gone" is not a folder beside the manifest');
  });

  it('names an unknown top-level field and a file that is not JSON', () => {
    manifest([first], { level: [] });
    expect(() => load()).toThrow('lessons/manifest.json: level is not a field');
    fs.writeFileSync(path.join(lessons, 'manifest.json'), '{ "levels": [');
    expect(() => load()).toThrow(/^lessons\/manifest\.json: not valid JSON/);
  });

  it('adds a level, and a pack of levels in a folder of its own, without touching src/', () => {
    manifest([first], { packs: ['extra'] });
    fs.mkdirSync(path.join(lessons, 'extra/01-more'), { recursive: true });
    fs.writeFileSync(path.join(lessons, 'extra/manifest.json'), JSON.stringify({ levels: [{ id: '01', dir: '01-more', title: 'more' }] }));
    writeChain(lessons, [
      { dir: '00-a', stub: 'a\n// TODO\n', solution: 'a\nb\n' },
      { dir: 'extra/01-more', stub: 'a\nb\n// TODO\n', solution: 'a\nb\nc\n' },
    ]);
    const levels = load();
    expect(levels.map((l) => [l.id, l.title])).toEqual([['00', 'first'], ['01', 'more']]);
    expect(fs.readFileSync(path.join(lessons, 'extra/01-more/solution.patch'), 'utf8')).toMatch(/^--- 00-a\/solution\.ts\n\+\+\+ extra\/01-more\/solution\.ts\n/);
    expect(levels[1]!.solution()).toBe('a\nb\nc\n');
    expect(levels[1]!.stub()).toBe('a\nb\n// TODO\n');
    fs.writeFileSync(path.join(lessons, 'extra/manifest.json'), JSON.stringify({ levels: [{ id: '00', dir: '01-more', title: 'more' }] }));
    expect(() => load()).toThrow('lessons/extra/manifest.json: levels[0].id "00" is already the id of lessons/manifest.json levels[0]');
  });

  it('asks for the whole files of a level that has none yet', () => {
    manifest([first]);
    expect(() => importChain(chainFiles(load(), out, lessons), out)).toThrow(`lessons/00-a/solution.ts is missing and ${path.join(out, '00-a/solution.ts')} too: write the whole file there, then import`);
  });
});

describe('rubber-workshop dev lessons', () => {
  it('exports the real lessons whole', async () => {
    expect(await devLessons(['export', out])).toBe(0);
    expect(fs.readFileSync(path.join(out, '10-setuid/solution.ts'), 'utf8')).toBe(loadLevels()[10]!.solution());
  });

  it('refuses a folder inside lessons/ and a missing DIR, with a usage line', async () => {
    await expect(devLessons(['export', path.join(lessonsDir, 'whole')])).rejects.toThrow(/inside the lessons folder/);
    await expect(devLessons(['import', path.join(tmp, 'none')])).rejects.toThrow(/does not exist: make it with rubber-workshop dev lessons export/);
    await expect(devLessons(['push', out])).rejects.toThrow(UsageError);
  });
});
