import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { ClassSummary } from '../../src/grade/summary.js';
import type { GradeResult } from '../../src/grade/result.js';
import { assetsDigest } from '../../src/vm/assets.js';
import { wrongSource } from '../../src/lessons.js';
import { level, repo, rw } from './helpers.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-e2e-grade-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** A learner's workspace as `init` makes it, with `rd` as rd.ts. */
function learner(name: string, rd: string): void {
  const dir = path.join(root, 'class', name);
  fs.mkdirSync(path.join(dir, '.rubber-workshop'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'rd.ts'), rd);
  fs.copyFileSync(path.join(repo, 'src/linux/index.ts'), path.join(dir, 'linux.ts'));
}

function treeDigest(dir: string): string {
  const hash = crypto.createHash('sha256');
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true }).sort((a, b) => (a.parentPath + a.name).localeCompare(b.parentPath + b.name))) {
    const p = path.join(entry.parentPath, entry.name);
    hash.update(`${p}\0`);
    if (entry.isFile()) hash.update(fs.readFileSync(p));
  }
  return hash.digest('hex');
}

function grade(...argv: string[]) {
  const r = rw(['grade', ...argv], { cwd: root });
  return { code: r.status, stderr: r.stderr };
}

const read = <T>(file: string): T => JSON.parse(fs.readFileSync(path.join(root, 'grades', file), 'utf8')) as T;

describe('rubber-workshop grade', () => {
  test('grades a class with known scores, leaves the workspaces alone, and grades nobody twice on --resume', async () => {
    const level00 = level('00');
    const solution = level00.solution();
    learner('solved', solution);
    learner('no-signal-report', wrongSource(level00.wrong.find((w) => w.name === 'no-signal-report')!));
    learner('stub', level00.stub());
    learner('syntax-error', `${solution}\nconst = 1;\n`);
    learner('hangs', 'setInterval(() => {}, 1000);\n');
    const before = treeDigest(path.join(root, 'class'));

    const first = grade('class', '--level', '00', '--jobs', '2');
    expect(first.stderr).toContain('Grading 5 workspaces up to level 00');
    expect(first.code).toBe(0);

    const summary = read<ClassSummary>('class.json');
    const got = Object.fromEntries(summary.learners.map((l) => [l.learner, [l.status, l.scores['00']]]));
    expect(got).toEqual({
      solved: ['pass', 1],
      'no-signal-report': ['fail', 0.8889], // 8 of level 00's 9 checks
      stub: ['fail', 0],
      'syntax-error': ['error', 0],
      hangs: [got.hangs?.[0], 0],
    });
    // A hanging runtime fails each check at the checkers' rd timeout, unless the runner's time budget for
    // the whole run ends first (a slow boot under load): either way it scores 0 and says why.
    expect(['fail', 'error']).toContain(got.hangs?.[0]);
    expect(read<GradeResult>('results/no-signal-report.json').reason).toMatch(/^00\/signal: /);
    expect(read<GradeResult>('results/syntax-error.json').reason).toContain('rd.ts does not build');
    expect(read<GradeResult>('results/hangs.json').reason).toContain('did not finish within');
    expect(read<GradeResult>('results/solved.json').provenance).toMatchObject({ vm_assets_digest: await assetsDigest() });
    expect(fs.readFileSync(path.join(root, 'grades/class.csv'), 'utf8').trim().split('\r\n')).toHaveLength(6);
    expect(treeDigest(path.join(root, 'class'))).toBe(before);

    const gradedAt = read<GradeResult>('results/solved.json').graded_at;
    const resumed = grade('class', '--level', '00', '--resume');
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain('Nothing to grade');
    expect(read<GradeResult>('results/solved.json').graded_at).toBe(gradedAt);
  });
});
