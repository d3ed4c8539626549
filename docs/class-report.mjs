#!/usr/bin/env node
// Takes docs/class-report.png from a real run: grades a small made-up class with real VMs (reference
// solutions of different levels, some with a known mistake from lessons/*/wrong/, a stub, a runtime that
// does not build), then screenshots its class.html in Debian's headless chromium.
//
//   npm run build && node docs/class-report.mjs [OUT.png]
//
// Needs the VM assets (`rubber-workshop setup`) and chromium (`apt-get install -y chromium`).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { screenshot } from '../scripts/chromium.mjs';
import { wholeLessons } from '../scripts/whole-lessons.mjs';

const repo = path.resolve(import.meta.dirname, '..');
const level = '04';
const out = path.resolve(process.argv[2] ?? path.join(repo, 'docs/class-report.png'));
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-class-report-'));
// The lessons' files whole, as the level chain makes them; a wrong variant's starts with its description lines.
const lessons = wholeLessons();
const read = (f) => fs.readFileSync(f, 'utf8');
const solution = (l) => read(path.join(lessons[l], 'solution.ts'));
/** A level's solution with one of its known mistakes in it. */
const mistake = (l, name) => read(path.join(lessons[l], 'wrong', `${name}.ts`));

const klass = {
  ana: solution(level),
  ben: solution(level),
  chen: mistake('03', 'old-root-left-mounted'),
  dara: mistake('03', 'old-root-left-mounted'),
  emil: mistake('03', 'no-chdir-after-pivot'),
  fatou: mistake('02', 'forgot-ms-private'),
  gus: read(path.join(lessons['00'], 'stub.ts')),
  hana: `${solution(level)}\nconst = ;\n`,
  ivo: solution('03'),
  jun: mistake('01', 'no-proc'),
};

try {
  for (const [name, rd] of Object.entries(klass)) {
    fs.mkdirSync(path.join(root, 'class', name), { recursive: true });
    fs.writeFileSync(path.join(root, 'class', name, 'rd.ts'), rd);
    fs.copyFileSync(path.join(repo, 'src/linux/index.ts'), path.join(root, 'class', name, 'linux.ts'));
  }
  const grades = path.join(root, 'grades');
  const r = spawnSync(process.execPath, [path.join(repo, 'dist/cli.js'), 'grade', path.join(root, 'class'), '--level', level, '--out', grades], { stdio: 'inherit', env: { ...process.env, NO_COLOR: '1' } });
  if (r.status !== 0) throw new Error(`grade exited ${r.status}`);
  screenshot(`file://${path.join(grades, 'class.html')}`, out, { width: 1100, height: 1300 });
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
