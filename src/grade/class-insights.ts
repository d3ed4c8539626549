import type { JsonCheck } from '../report/json.js';
import type { GradeResult } from './result.js';

/** A check that some learners failed before any other: where they got stuck. */
export interface FirstFailure {
  level: string;
  name: string;
  /** The learners whose first failed check this is, in name order. */
  learners: string[];
  /** The failure message most of them got (the checkers' messages are written to teach). */
  message: string;
  /** How many different messages they got. */
  messages: number;
}

/** The first check a result failed, in the order the checks ran; undefined if none failed. */
export function firstFailed(result: GradeResult): JsonCheck | undefined {
  return result.report.tests.find((t) => t.status === 'fail');
}

/**
 * The checks the class fails first, most learners first: a learner stuck on a check cannot show what
 * they understood after it, so the first failure is the one that says what the class misunderstands.
 */
export function firstFailures(results: readonly GradeResult[]): FirstFailure[] {
  const byCheck = new Map<string, { level: string; name: string; learners: string[]; messages: Map<string, number> }>();
  for (const result of results) {
    const check = firstFailed(result);
    if (!check) continue;
    const id = `${check.level}/${check.name}`;
    const entry = byCheck.get(id) ?? { level: check.level, name: check.name, learners: [] as string[], messages: new Map<string, number>() };
    entry.learners.push(result.learner);
    entry.messages.set(check.message, (entry.messages.get(check.message) ?? 0) + 1);
    byCheck.set(id, entry);
  }
  return [...byCheck.values()]
    .map(({ level, name, learners, messages }) => ({
      level,
      name,
      learners: learners.sort(),
      message: [...messages].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0],
      messages: messages.size,
    }))
    .sort((a, b) => b.learners.length - a.learners.length || (a.level + a.name < b.level + b.name ? -1 : 1));
}
