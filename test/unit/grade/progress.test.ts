import { describe, expect, it } from 'vitest';
import { gradeProgress } from '../../../src/grade/progress.js';
import { clock } from '../../../src/report/text.js';
import type { GradeEvent } from '../../../src/grade/grade.js';
import type { GradeResult } from '../../../src/grade/result.js';
import { classSummary, rowFromResult } from '../../../src/grade/summary.js';

/** Collects what is written, like a pipe (no TTY) or a terminal. */
function sink(tty: boolean) {
  const chunks: string[] = [];
  const stream = { isTTY: tty, columns: 60, write: (s: string) => chunks.push(s) > 0 } as unknown as NodeJS.WriteStream;
  return { stream, text: () => chunks.join('') };
}

const result = (learner: string, status: GradeResult['status'], total: number, reason: string | null): GradeResult => ({
  version: 1,
  learner,
  path: `/class/${learner}`,
  status,
  reason,
  level: '01',
  scores: {},
  total,
  max: 2,
  time_ms: 65_000,
  graded_at: '2025-01-01T00:00:00.000Z',
  provenance: { sources_sha256: 's', sources: {}, tool_version: '1', checkers_sha256: 'c', vm_assets_digest: 'v' },
  report: { version: 1, status, message: null, level: '01', passed: 0, failed: 0, tests: [], time_ms: 0 },
});

function run(tty: boolean, colour: boolean): string {
  const out = sink(tty);
  const progress = gradeProgress({ stream: out.stream, colour, cwd: '/home/t' });
  const graded = [result('alice', 'pass', 2, null), result('bob', 'error', 0.5, '\x1b[31mrd.ts does not build:\nrd.ts:3:1: error')];
  const events: GradeEvent[] = [
    { type: 'plan', submissions: 3, toGrade: 2, kept: 1, regraded: { 'the sources changed': 1 }, jobs: 4, level: '01', out: '/home/t/grades' },
    { type: 'start', learner: 'alice' },
    { type: 'progress', learner: 'alice', what: '00/runs-command' },
    { type: 'graded', result: graded[0]!, done: 1, toGrade: 2 },
    { type: 'start', learner: 'bob' },
    { type: 'graded', result: graded[1]!, done: 2, toGrade: 2 },
    {
      type: 'end',
      summary: classSummary(graded.map((g) => rowFromResult(g, `results/${g.learner}.json`)), '01', ['00', '01'], { toolVersion: '1', checkersSha256: 'c', vmAssetsDigest: 'v' }, new Date(0)),
      interrupted: false,
      ms: 130_000,
      files: ['/home/t/grades/class.csv', '/home/t/grades/class.json', '/home/t/grades/class.html'],
    },
  ];
  events.forEach(progress.onEvent);
  progress.close();
  return out.text();
}

describe('gradeProgress', () => {
  it('without a terminal writes plain lines only: plan, one per learner, totals', () => {
    expect(run(false, false).split('\n')).toEqual([
      'Grading 2 workspaces up to level 01, 2 at a time; 1 kept from the last run; graded again: 1 because the sources changed. Results go to grades/.',
      '[1/2] alice        pass     2/2   1:05',
      '[2/2] bob          error 0.50/2   1:05  rd.ts does not build: rd.ts:3:1: error',
      'Graded 2 in 2:10 (0.9 per minute): 1 pass, 0 fail, 1 error.',
      'Class summary: grades/class.csv, grades/class.json, grades/class.html',
      '',
    ]);
  });

  it('on a terminal adds a live line naming who is graded and at which check, and clears it at the end', () => {
    const text = run(true, true);
    expect(text).toContain('\r\x1b[2K');
    expect(text).toContain('alice 00/runs-command');
    expect(text).toMatch(/\x1b\[32mpass/);
    expect(text.endsWith('\r\x1b[2K') || text.endsWith('\n')).toBe(true);
  });

  it('never passes a learner\'s escape codes through to the terminal', () => {
    expect(run(true, false)).not.toContain('\x1b[31m');
  });

  it('says which share of the class a shard grades', () => {
    const out = sink(false);
    const progress = gradeProgress({ stream: out.stream, colour: false, cwd: '/home/t' });
    progress.onEvent({ type: 'plan', submissions: 2, shard: { index: 1, count: 2 }, classSize: 3, toGrade: 2, kept: 0, regraded: {}, jobs: 1, level: '00', out: '/home/t/g/shard-1-of-2' });
    progress.close();
    progress.onEvent({ type: 'plan', submissions: 0, shard: { index: 4, count: 4 }, classSize: 3, toGrade: 0, kept: 0, regraded: {}, jobs: 1, level: '00', out: '/home/t/g/shard-4-of-4' });
    progress.close();
    expect(out.text().split('\n')).toEqual([
      "Grading 2 workspaces of shard 1/2 (2 of the class's 3) up to level 00, 1 at a time. Results go to g/shard-1-of-2/.",
      "Nothing to grade: shard 4/4 is empty, the class's 3 workspaces all went to the other shards.",
      '',
    ]);
  });

  it('says what is graded again alone after a time limit, and marks those lines', () => {
    const out = sink(false);
    const progress = gradeProgress({ stream: out.stream, colour: false, cwd: '/home/t' });
    progress.onEvent({ type: 'plan', submissions: 2, toGrade: 2, kept: 0, regraded: {}, jobs: 2, level: '01', out: '/home/t/g' });
    progress.onEvent({ type: 'graded', result: result('alice', 'fail', 1, '00/stdout: rd did not finish within 20 s'), done: 1, toGrade: 2 });
    progress.onEvent({ type: 'graded', result: result('bob', 'pass', 2, null), done: 2, toGrade: 2 });
    progress.onEvent({ type: 'regrade', learners: ['alice'], jobs: 2 });
    progress.onEvent({ type: 'graded', result: result('alice', 'pass', 2, null), done: 2, toGrade: 2, again: true });
    progress.close();
    expect(out.text().split('\n').slice(3)).toEqual([
      'A time limit decided one result while 2 ran at once, when a busy machine can slow a correct runtime past it: grading alice again, one at a time. A new result replaces the first; a check that runs out of time again confirms it.',
      '[again] alice        pass     2/2   1:05',
      '',
    ]);
  });

  it('writes no colour when colour is off (NO_COLOR)', () => {
    expect(run(false, false)).not.toContain('\x1b[');
  });
});

describe('clock', () => {
  it('formats durations as m:ss or h:mm:ss', () => {
    expect([clock(0), clock(65_000), clock(3_723_000)]).toEqual(['0:00', '1:05', '1:02:03']);
  });
});

describe('result lines on a terminal', () => {
  it('cut the reason to the terminal width', () => {
    const lines = run(true, false).split(/\r\x1b\[2K|\n/).filter((l) => l.startsWith('[2/2] bob'));
    expect(lines).toHaveLength(1);
    expect(lines[0]!.length).toBeLessThanOrEqual(60);
    expect(lines[0]!.endsWith('…')).toBe(true);
  });
});
