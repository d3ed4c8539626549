import { describe, expect, it } from 'vitest';
import { classSummary, pendingRow, summaryCsv, type ClassRow } from '../../../src/grade/summary.js';
import { scoreLevels, totalScore } from '../../../src/grade/score.js';
import type { CheckResult } from '../../../src/check/types.js';

const tool = { toolVersion: '1.0.0', checkersSha256: 'c'.repeat(64), vmAssetsDigest: 'v' };
const row = (over: Partial<ClassRow>): ClassRow => ({
  learner: 'alice',
  path: '/class/alice',
  status: 'fail',
  scores: { '00': 1, '01': 0.5 },
  total: 1.5,
  max: 2,
  time_ms: 42_345,
  reason: null,
  sources_sha256: 'a'.repeat(64),
  result_file: 'results/alice.json',
  ...over,
});

describe('summaryCsv', () => {
  it('writes one row per learner with a score per level, total, time and status', () => {
    const csv = summaryCsv(classSummary([row({})], '01', ['00', '01'], tool, new Date(0)));
    expect(csv).toBe(
      'learner,status,00,01,total,max,time_s,reason,path,sources_sha256,result_file\r\n' +
        `alice,fail,1,0.5,1.5,2,42.3,,/class/alice,${'a'.repeat(64)},results/alice.json\r\n`,
    );
  });

  it('quotes commas, quotes and line breaks, and keeps learner text from running as a formula', () => {
    const csv = summaryCsv(classSummary([row({ learner: '=HYPERLINK("x")', reason: 'rd.ts:1: error: "a, b"\n  line' })], '01', ['00', '01'], tool, new Date(0)));
    const cells = csv.split('\r\n')[1]!;
    expect(cells.startsWith(`"'=HYPERLINK(""x"")",fail,`)).toBe(true);
    expect(cells).toContain(',"rd.ts:1: error: ""a, b"" line",');
    // Split at semicolons (many locales' separator), a reason's "; =cmd" would be a formula cell of its own.
    const semicolons = summaryCsv(classSummary([row({ reason: 'x; =cmd|calc' })], '01', ['00', '01'], tool, new Date(0)));
    expect(semicolons.split('\r\n')[1]).toContain(',"x; =cmd|calc",');
    // Split at tabs (an import dialog's choice), a cell would start with "=SUM…": a tab in a reason is a space, and a
    // cell holding one (a folder's name) is quoted.
    const tabs = summaryCsv(classSummary([row({ learner: 'a\t=2', reason: 'let a\t=SUM(1+1)*cmd|A0\t=2' })], '01', ['00', '01'], tool, new Date(0)));
    expect(tabs.split('\r\n')[1]).toMatch(/^"a\t=2",.*,let a =SUM\(1\+1\)\*cmd\|A0 =2,/);
  });

  it('lists learners a stopped run did not reach as pending, so none goes missing', () => {
    const summary = classSummary([row({}), pendingRow('bob', '/class/bob', ['00', '01'])], '01', ['00', '01'], tool, new Date(0));
    expect(summary.counts).toEqual({ pass: 0, fail: 1, error: 0, pending: 1 });
    expect(summaryCsv(summary).split('\r\n')[2]).toMatch(/^bob,pending,0,0,0,2,0\.0,not graded yet/);
  });
});

describe('scoreLevels', () => {
  const r = (level: string, status: 'pass' | 'fail'): CheckResult => ({ level, name: `${level}-${status}`, status, message: '', ms: 1 });

  it('scores a level by the share of its checks that passed, and a level that never ran as 0', () => {
    const scores = scoreLevels([r('00', 'pass'), r('00', 'pass'), r('01', 'pass'), r('01', 'fail'), r('01', 'fail')], ['00', '01', '02'], { '00': 2, '01': 3, '02': 2 });
    expect(scores).toEqual({
      '00': { passed: 2, total: 2, score: 1 },
      '01': { passed: 1, total: 3, score: 0.3333 },
      '02': { passed: 0, total: 2, score: 0 },
    });
    expect(totalScore(scores)).toBe(1.33);
  });

  it('ignores results of levels outside the graded range', () => {
    expect(scoreLevels([r('05', 'pass')], ['00'], { '00': 1 })).toEqual({ '00': { passed: 0, total: 1, score: 0 } });
  });

  it('counts a check that never reported as failed: a run cut short scores only what passed', () => {
    // Level 01 declares four checks; two passed and then the run stopped (an error, a time limit, a result
    // that never arrived): half, not all of it.
    expect(scoreLevels([r('00', 'pass'), r('01', 'pass'), r('01', 'pass')], ['00', '01'], { '00': 1, '01': 4 })).toEqual({
      '00': { passed: 1, total: 1, score: 1 },
      '01': { passed: 2, total: 4, score: 0.5 },
    });
  });
});
