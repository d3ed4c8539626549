// Every stub, solution and wrong variant compiles the way a learner's editor compiles rd.ts: next to the
// toolkit as linux.ts, under the tsconfig `rubber-workshop init` writes. (The repo's tsconfig excludes lessons/.)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLevels, wrongSource } from '../../src/lessons.js';
import { initWorkspace, packageSources } from '../../src/workspace.js';
import { packageRoot } from '../../src/paths.js';

interface LessonFile {
  label: string;
  text: () => string;
}

const lessonFiles: LessonFile[] = loadLevels().flatMap((level) => [
  { label: `${level.id} stub`, text: level.stub },
  { label: `${level.id} solution`, text: level.solution },
  ...level.wrong.map((w) => ({ label: `${level.id} wrong/${w.name}`, text: () => wrongSource(w) })),
]);

let tmp: string;
const diagnostics = new Map<string, string[]>();

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-typecheck-'));
  // One workspace made by init gives the learner's tsconfig and linux.ts; each lesson file gets a copy of it.
  const template = path.join(tmp, 'template');
  initWorkspace(template, packageSources());
  // @types/node and koffi, as `npm install` in a workspace provides them.
  fs.symlinkSync(path.join(packageRoot, 'node_modules'), path.join(tmp, 'node_modules'));

  const roots = lessonFiles.map((lesson, i) => {
    const dir = path.join(tmp, `ws${i}`);
    fs.mkdirSync(dir);
    for (const name of ['linux.ts', 'tsconfig.json', 'package.json']) fs.copyFileSync(path.join(template, name), path.join(dir, name));
    fs.writeFileSync(path.join(dir, 'rd.ts'), lesson.text());
    return path.join(dir, 'rd.ts');
  });

  const configFile = path.join(template, 'tsconfig.json');
  const config = ts.parseJsonConfigFileContent(ts.readConfigFile(configFile, ts.sys.readFile).config, ts.sys, template);
  expect(config.errors).toEqual([]);
  expect(config.options.strict).toBe(true);
  // One program for all of them: the standard library and @types/node are parsed once.
  const program = ts.createProgram(roots, config.options);
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const file = d.file?.fileName ?? '(global)';
    const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
    const text = `${where ? `${path.basename(file)}:${where.line + 1}:${where.character + 1}: ` : ''}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    const key = d.file ? path.dirname(file) : '(global)';
    diagnostics.set(key, [...(diagnostics.get(key) ?? []), text]);
  }
}, 120_000);

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('lesson files compile as a learner\'s rd.ts', () => {
  it('finds lesson files to compile', () => {
    expect(lessonFiles.length).toBeGreaterThan(0);
  });

  it.each(lessonFiles.map((lesson, i) => [lesson.label, i] as const))('%s', (_label, i) => {
    expect(diagnostics.get(path.join(tmp, `ws${i}`)) ?? []).toEqual([]);
  });

  it('reports no errors outside the workspaces', () => {
    expect(diagnostics.get('(global)') ?? []).toEqual([]);
  });
});
