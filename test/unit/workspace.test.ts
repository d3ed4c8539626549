import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadLevels } from '../../src/lessons.js';
import { writeChain } from './lesson-files.js';
import { loadProgress } from '../../src/progress.js';
import { findWorkspace, initWorkspace, refreshToolkit, resetLevel, WorkspaceError, type Sources } from '../../src/workspace.js';

let tmp: string;
let ws: string;
let sources: Sources;

/** A two-level lessons folder and a toolkit file, so these tests don't depend on the real lessons. */
function fixture(root: string): Sources {
  const lessons = path.join(root, 'lessons');
  const levels = [['00', '00-first', 'first'], ['01', '01-second', 'second']] as const;
  fs.mkdirSync(lessons, { recursive: true });
  fs.writeFileSync(path.join(lessons, 'manifest.json'), JSON.stringify({ levels: levels.map(([id, dir, title]) => ({ id, dir, title })) }));
  for (const [, dir] of levels) fs.mkdirSync(path.join(lessons, dir));
  writeChain(lessons, levels.map(([id, dir]) => ({ dir, stub: `// stub ${id}\n`, solution: `// solution ${id}\n` })));
  const toolkitFile = path.join(root, 'toolkit.ts');
  fs.writeFileSync(toolkitFile, 'export const version = 1;\n');
  return { levels: loadLevels(lessons), toolkitFile };
}

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-workspace-'));
  sources = fixture(path.join(tmp, 'pkg'));
  ws = path.join(tmp, 'ws');
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

const read = (name: string) => fs.readFileSync(path.join(ws, name), 'utf8');

describe('initWorkspace', () => {
  it('creates rd.ts from level 00, the toolkit copy, editor config and progress', () => {
    const report = initWorkspace(ws, sources);
    expect(report.created.sort()).toEqual(['.gitignore', '.rubber-workshop/progress.json', 'linux.ts', 'package.json', 'rd.ts', 'tsconfig.json']);
    expect(read('rd.ts')).toBe('// stub 00\n');
    expect(read('linux.ts')).toMatch(/^\/\/ rubber-workshop toolkit [0-9a-f]{16}\n\/\/ Do not edit/);
    expect(read('linux.ts')).toContain('export const version = 1;');
    const tsconfig = JSON.parse(read('tsconfig.json'));
    expect(tsconfig.compilerOptions).toMatchObject({ strict: true, module: 'NodeNext', moduleResolution: 'NodeNext' });
    const pkg = JSON.parse(read('package.json'));
    expect(pkg).toMatchObject({ private: true, type: 'module' });
    expect(Object.keys(pkg.devDependencies).sort()).toEqual(['@types/node', 'koffi']);
    expect(loadProgress(ws, ['00', '01']).progress.current).toBe('00');
  });

  it('never overwrites an existing rd.ts or progress', () => {
    fs.mkdirSync(ws);
    fs.writeFileSync(path.join(ws, 'rd.ts'), 'my work');
    initWorkspace(ws, sources);
    const progressText = read('.rubber-workshop/progress.json').replace('"00"', '"01"');
    fs.writeFileSync(path.join(ws, '.rubber-workshop/progress.json'), progressText);
    const again = initWorkspace(ws, sources);
    expect(read('rd.ts')).toBe('my work');
    expect(loadProgress(ws, ['00', '01']).progress.current).toBe('01');
    expect(again.created).toEqual([]);
  });

  it('writes nothing when the package is missing a stub', () => {
    fs.rmSync(sources.levels[0]!.stubFile.stored);
    expect(() => initWorkspace(ws, sources)).toThrow(WorkspaceError);
    expect(() => initWorkspace(ws, sources)).toThrow(/missing level 00's stub .*reinstall/);
    expect(fs.existsSync(ws)).toBe(false);
  });

  it('brings an edited linux.ts up to date and says where the edited copy went', () => {
    initWorkspace(ws, sources);
    fs.appendFileSync(path.join(ws, 'linux.ts'), '// my edit\n');
    const again = initWorkspace(ws, sources);
    expect(again.created).toEqual([]);
    expect(again.kept).not.toContain('linux.ts');
    expect(fs.readFileSync(again.toolkitUpdated!.backup!, 'utf8')).toContain('// my edit');
    expect(read('linux.ts')).not.toContain('// my edit');
  });

  it('writes nothing when the toolkit is missing', () => {
    fs.rmSync(sources.toolkitFile);
    expect(() => initWorkspace(ws, sources)).toThrow(/missing the toolkit/);
    expect(fs.existsSync(ws)).toBe(false);
  });
});

describe('findWorkspace', () => {
  it('walks up to the folder holding .rubber-workshop/', () => {
    initWorkspace(ws, sources);
    const deep = path.join(ws, 'a', 'b');
    fs.mkdirSync(deep, { recursive: true });
    expect(findWorkspace(deep)).toBe(ws);
    expect(findWorkspace(ws)).toBe(ws);
  });

  it('gives undefined outside any workspace', () => {
    expect(findWorkspace(tmp)).toBeUndefined();
  });
});

describe('refreshToolkit', () => {
  it('leaves an up-to-date copy alone', () => {
    initWorkspace(ws, sources);
    expect(refreshToolkit(ws, sources.toolkitFile)).toEqual({ written: false });
  });

  it('replaces an outdated copy without a backup', () => {
    initWorkspace(ws, sources);
    fs.writeFileSync(sources.toolkitFile, 'export const version = 2;\n');
    expect(refreshToolkit(ws, sources.toolkitFile)).toEqual({ written: true });
    expect(read('linux.ts')).toContain('version = 2');
  });

  it('backs up a copy the learner edited before replacing it', () => {
    initWorkspace(ws, sources);
    fs.appendFileSync(path.join(ws, 'linux.ts'), '// my helper\n');
    fs.writeFileSync(sources.toolkitFile, 'export const version = 2;\n');
    const { written, backup } = refreshToolkit(ws, sources.toolkitFile);
    expect(written).toBe(true);
    expect(fs.readFileSync(backup!, 'utf8')).toContain('// my helper');
    expect(read('linux.ts')).not.toContain('// my helper');
  });
});

describe('resetLevel', () => {
  it("backs up the learner's rd.ts and puts the level's stub in place", () => {
    initWorkspace(ws, sources);
    fs.writeFileSync(path.join(ws, 'rd.ts'), 'my work');
    const backup = resetLevel(ws, '01', sources.levels);
    expect(read('rd.ts')).toBe('// stub 01\n');
    expect(path.dirname(backup!)).toBe(path.join(ws, '.rubber-workshop', 'backups'));
    expect(fs.readFileSync(backup!, 'utf8')).toBe('my work');
  });

  it('keeps every backup when reset twice in a row', () => {
    initWorkspace(ws, sources);
    fs.writeFileSync(path.join(ws, 'rd.ts'), 'first');
    const a = resetLevel(ws, '00', sources.levels);
    fs.writeFileSync(path.join(ws, 'rd.ts'), 'second');
    const b = resetLevel(ws, '00', sources.levels);
    expect(a).not.toBe(b);
    expect(fs.readFileSync(a!, 'utf8')).toBe('first');
    expect(fs.readFileSync(b!, 'utf8')).toBe('second');
  });

  it('names the levels when asked for one that does not exist', () => {
    initWorkspace(ws, sources);
    expect(() => resetLevel(ws, '42', sources.levels)).toThrow('There is no level 42; levels are 00, 01.');
  });
});
