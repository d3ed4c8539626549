import type { CheckResult } from '../check/types.js';

/** A level's score: the share of its checks that passed. */
export interface LevelScore {
  passed: number;
  total: number;
  /** passed / total, 0 when none of the level's checks ran (e.g. the runtime did not build). */
  score: number;
}

/**
 * Scores each of `levels` from the checks that ran. A run that stopped with an error still scores the
 * checks that came before it; a level none of whose checks ran scores 0.
 */
export function scoreLevels(results: readonly CheckResult[], levels: readonly string[]): Record<string, LevelScore> {
  return Object.fromEntries(
    levels.map((level) => {
      const own = results.filter((r) => r.level === level);
      const passed = own.filter((r) => r.status === 'pass').length;
      return [level, { passed, total: own.length, score: own.length ? round(passed / own.length, 4) : 0 }];
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
