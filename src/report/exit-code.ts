import type { Verdict } from '../check/types.js';

/**
 * Exit codes of `rubber-workshop check`: 0 every check passed, 1 a check failed, 2 the checks could not
 * run (the runtime did not build, the VM is missing or crashed, the run timed out).
 */
export const EXIT_CODES = { pass: 0, fail: 1, error: 2 } as const satisfies Record<Verdict, number>;

export function exitCodeFor(verdict: Verdict): number {
  return EXIT_CODES[verdict];
}

/** For `--help` texts and the README. */
export const EXIT_CODES_HELP =
  'Exit status: 0 all checks passed, 1 a check failed, 2 could not run (build error, VM missing or crashed, timeout).';
