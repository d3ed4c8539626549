import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CheckResult, Outcome } from '../../src/check/types.js';
import {
  freshProgress,
  loadProgress,
  mergeProgress,
  progressFile,
  progressProblem,
  recordCheck,
  recordOutcome,
  revealHint,
  saveProgress,
  type Progress,
} from '../../src/progress.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-progress-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const IDS = ['00', '01', '02', '03'];
const result = (level: string, name: string, status: 'pass' | 'fail'): CheckResult => ({ level, name, status, message: '', ms: 5 });
const outcome = (level: string, verdict: Outcome['verdict'], results: CheckResult[]): Outcome => ({ verdict, level, results, tail: [], ms: 100 });

describe('loadProgress', () => {
  it('gives fresh progress at level 00 when there is no file', () => {
    expect(loadProgress(dir, IDS)).toEqual({ progress: { version: 1, current: '00', levels: {} } });
  });

  it('reads back what saveProgress wrote', () => {
    const p = recordOutcome(freshProgress('03'), outcome('03', 'pass', [result('03', 'a', 'pass')]));
    saveProgress(dir, p);
    expect(loadProgress(dir, IDS).progress).toEqual(p);
  });

  it('keeps a corrupt file aside and starts fresh', () => {
    fs.mkdirSync(path.dirname(progressFile(dir)), { recursive: true });
    fs.writeFileSync(progressFile(dir), '{"version": 1, "current": "0');
    const loaded = loadProgress(dir, IDS);
    expect(loaded.progress).toEqual(freshProgress());
    expect(loaded.corrupt!.copy).toMatch(/progress\.json\.corrupt-\d{4}-/);
    expect(loaded.corrupt!.problem).toMatch(/^\.rubber-workshop\/progress\.json: not valid JSON/);
    expect(fs.readFileSync(loaded.corrupt!.copy, 'utf8')).toBe('{"version": 1, "current": "0');
    expect(fs.existsSync(progressFile(dir))).toBe(false);
  });

  it.each([
    [{ version: 1, current: '02', levels: { '01': { passedEver: 'yes' } } }, 'levels.01.passedEver: expected true or false, got "yes"'],
    [{ version: 1, current: '02', levels: { '01': { passedEver: true, checksPassed: 1.5, checksTotal: 2, hintsRevealed: 0 } } }, 'levels.01.checksPassed: expected a whole number'],
    [{ version: 1, levels: {} }, 'current: missing'],
    [{ version: '1', current: '00', levels: {} }, 'version: expected 1, got "1"'],
    [{ version: 1, current: '99', levels: {} }, 'current: "99" is not a level of this version (00–03)'],
  ])('treats valid JSON of the wrong shape as corrupt, naming the field: %j', (data, problem) => {
    fs.mkdirSync(path.dirname(progressFile(dir)), { recursive: true });
    fs.writeFileSync(progressFile(dir), JSON.stringify(data));
    expect(loadProgress(dir, IDS).corrupt!.problem).toBe(`.rubber-workshop/progress.json: ${problem}`);
  });

  it('keeps a later version\'s file where it is, and says to update', () => {
    fs.mkdirSync(path.dirname(progressFile(dir)), { recursive: true });
    fs.writeFileSync(progressFile(dir), JSON.stringify({ version: 2, current: '00', levels: {}, more: true }));
    expect(() => loadProgress(dir, IDS)).toThrow('.rubber-workshop/progress.json was written by a newer rubber-workshop: update rubber-workshop');
    expect(fs.existsSync(progressFile(dir))).toBe(true);
  });
});

describe('progressProblem', () => {
  it('says what is wrong with the file and leaves it where it is', () => {
    expect(progressProblem(dir, IDS)).toBeUndefined();
    saveProgress(dir, freshProgress('02'));
    expect(progressProblem(dir, IDS)).toBeUndefined();
    fs.writeFileSync(progressFile(dir), '{"version": 1, "current": "07", "levels": {}}');
    expect(progressProblem(dir, IDS)).toBe('.rubber-workshop/progress.json: current: "07" is not a level of this version (00–03)');
    expect(fs.existsSync(progressFile(dir))).toBe(true);
  });
});

describe('saveProgress', () => {
  it('replaces the file by rename, leaving no temp files behind', () => {
    saveProgress(dir, freshProgress());
    const inodeBefore = fs.statSync(progressFile(dir)).ino;
    saveProgress(dir, freshProgress('01'));
    expect(fs.statSync(progressFile(dir)).ino).not.toBe(inodeBefore);
    expect(fs.readdirSync(path.dirname(progressFile(dir)))).toEqual(['progress.json']);
  });

  it('keeps a pass another process recorded meanwhile', () => {
    const inTui = freshProgress('02');
    const elsewhere = recordOutcome(freshProgress('02'), outcome('02', 'pass', [result('02', 'a', 'pass')]));
    saveProgress(dir, elsewhere);
    const written = saveProgress(dir, revealHint(inTui, '02', 3));
    expect(written.levels['02']).toMatchObject({ passedEver: true, verdict: 'pass', hintsRevealed: 1 });
    expect(loadProgress(dir, IDS).progress).toEqual(written);
  });
});

describe('recordOutcome', () => {
  it('records verdict, counts and time without touching the input', () => {
    const p = freshProgress();
    const now = new Date('2024-05-01T10:00:00Z');
    const next = recordOutcome(p, outcome('00', 'fail', [result('00', 'a', 'pass'), result('00', 'b', 'fail')]), now);
    expect(p.levels).toEqual({});
    expect(next.levels['00']).toEqual({
      verdict: 'fail', passedEver: false, lastCheckAt: '2024-05-01T10:00:00.000Z', checksPassed: 1, checksTotal: 2, hintsRevealed: 0,
    });
  });

  it('never forgets a pass when a later check fails', () => {
    let p = recordOutcome(freshProgress(), outcome('01', 'pass', [result('01', 'a', 'pass')]));
    p = recordOutcome(p, outcome('01', 'fail', [result('01', 'a', 'fail')]));
    expect(p.levels['01']).toMatchObject({ verdict: 'fail', passedEver: true, checksPassed: 0, checksTotal: 1 });
  });

  it('keeps the last verdict when no check ran (no VM here, rd.ts not building), and records a run cut short', () => {
    const passed = recordOutcome(freshProgress(), outcome('01', 'pass', [result('01', 'a', 'pass')]), new Date('2024-05-01T10:00:00Z'));
    expect(recordOutcome(passed, outcome('01', 'error', []))).toBe(passed);
    const cut = recordOutcome(passed, outcome('01', 'error', [result('01', 'a', 'pass')]));
    expect(cut.levels['01']).toMatchObject({ verdict: 'error', passedEver: true, checksPassed: 1, checksTotal: 1 });
  });

  it('keeps revealed hints', () => {
    const p = recordOutcome(revealHint(freshProgress(), '04', 2), outcome('04', 'fail', []));
    expect(p.levels['04']!.hintsRevealed).toBe(1);
  });
});

describe('revealHint', () => {
  it('stops at the number of hints available', () => {
    let p: Progress = freshProgress();
    for (let i = 0; i < 5; i++) p = revealHint(p, '00', 2);
    expect(p.levels['00']!.hintsRevealed).toBe(2);
  });
});

describe('mergeProgress', () => {
  it('takes the later check but keeps passes and hints from both', () => {
    const older = recordOutcome(revealHint(revealHint(freshProgress('05'), '05', 3), '05', 3),
      outcome('05', 'pass', [result('05', 'a', 'pass')]), new Date('2024-01-01T00:00:00Z'));
    const newer = recordOutcome(freshProgress('06'), outcome('05', 'fail', [result('05', 'a', 'fail')]), new Date('2024-01-02T00:00:00Z'));
    const merged = mergeProgress(older, newer);
    expect(merged.current).toBe('06');
    expect(merged.levels['05']).toEqual({
      verdict: 'fail', passedEver: true, lastCheckAt: '2024-01-02T00:00:00.000Z', checksPassed: 0, checksTotal: 1, hintsRevealed: 2,
    });
  });
});

describe('recordCheck: passing the level one is on moves one on, as in the workshop', () => {
  const ids = ['00', '01', '02'];
  it('a pass of the current level makes the next one current', () => {
    expect(recordCheck(freshProgress('01'), outcome('01', 'pass', [result('01', 'a', 'pass')]), ids).current).toBe('02');
  });
  it('a fail, a pass of another level, or a pass of the last level leaves current where it is', () => {
    expect(recordCheck(freshProgress('01'), outcome('01', 'fail', [result('01', 'a', 'fail')]), ids).current).toBe('01');
    expect(recordCheck(freshProgress('02'), outcome('01', 'pass', [result('01', 'a', 'pass')]), ids).current).toBe('02');
    expect(recordCheck(freshProgress('02'), outcome('02', 'pass', [result('02', 'a', 'pass')]), ids).current).toBe('02');
  });
});
