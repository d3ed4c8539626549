/** One observation a checker made inside the VM. */
export interface CheckResult {
  /** Two-digit level id the check belongs to, e.g. "03". */
  level: string;
  /** Short stable name, e.g. "old-root-gone". */
  name: string;
  status: 'pass' | 'fail';
  /** What went wrong, written to teach (empty on pass). */
  message: string;
  expected?: string;
  actual?: string;
  /** The command the checker ran, as the learner could type it in the VM. */
  command?: string;
  /** The last lines that command printed (bounded). */
  output?: string;
  /**
   * What rd says it did during that command: the last calls it made through linux.ts, a line each, after a
   * mark: "!" the call the failure points at, "*" a call that matters to the level, " " any other. It comes
   * from the learner's program: it explains a failure, it never decides one.
   */
  trace?: string;
  ms: number;
}

/** pass: every expected check passed; fail: a check failed; error: could not run (build error, VM, timeout). */
export type Verdict = 'pass' | 'fail' | 'error';

export interface Outcome {
  verdict: Verdict;
  /** The level that was checked (checks of 00..level ran). */
  level: string;
  results: CheckResult[];
  /** Why the run could not finish, for verdict "error" (or a harness-level failure). */
  error?: string;
  /** Last lines the VM printed, for context on failure or error. */
  tail: string[];
  ms: number;
}

/** 'save' only when the saved guest is missing (once after an update: src/vm/snapshot.ts's guestToSave). */
export type Stage = 'bundle' | 'save' | 'boot' | 'checks';

export type CheckEvent =
  /** Every check the run will report, in the scripts' order, before any runs. */
  | { type: 'plan'; checks: { level: string; name: string }[] }
  | { type: 'stage'; stage: Stage }
  /** After the 'save' stage: whether the booted guest was saved (if not, runs boot from scratch). */
  | { type: 'saved'; ok: boolean; ms: number }
  | { type: 'check-start'; level: string; name: string }
  | { type: 'result'; result: CheckResult }
  | { type: 'log'; line: string }
  | { type: 'done'; outcome: Outcome };
