import type { CheckResult } from '../check/types.js';

/** A level's score: the share of its checks that passed. */
export interface LevelScore {
  passed: number;
  total: number;
  /** passed / total: total is every check the level declares, whether it reported or not. */
  score: number;
}

/**
 * Scores each of `levels` against the checks its checker declares (`declared`, a count per level): a check
 * that never reported counts as failed, so a run that stops early (an error, a time limit, a result the
 * learner's output kept from arriving) scores only what passed, never a share of what happened to report.
 */
export function scoreLevels(results: readonly CheckResult[], levels: readonly string[], declared: Readonly<Record<string, number>>): Record<string, LevelScore> {
  return Object.fromEntries(
    levels.map((level) => {
      const own = results.filter((r) => r.level === level);
      const passed = own.filter((r) => r.status === 'pass').length;
      const total = Math.max(declared[level] ?? 0, own.length);
      return [level, { passed, total, score: total ? round(passed / total, 4) : 0 }];
    }),
  );
}

/** Sum of the level scores: each level is worth one point. */
export function totalScore(scores: Record<string, LevelScore>): number {
  return round(Object.values(scores).reduce((sum, s) => sum + s.score, 0), 2);
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
