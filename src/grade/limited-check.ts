import type { CheckEvent, CheckResult, Outcome } from '../check/types.js';

/** What the check runner (src/check/run.ts) accepts. */
export interface CheckOptions {
  workspaceDir: string;
  level: string;
  signal?: AbortSignal;
  /** The workspace `workspaceDir` is a copy of: its node_modules, which the copy links, must lie in it. */
  origin?: string;
}

/** The check runner: yields events, ends with `{ type: 'done', outcome }` and returns the outcome. */
export type RunCheck = (opts: CheckOptions) => AsyncGenerator<CheckEvent, Outcome>;

export interface LimitedCheck {
  runCheck: RunCheck;
  workspaceDir: string;
  /** See {@link CheckOptions}. */
  origin?: string;
  level: string;
  timeoutMs: number;
  /** The grading run's signal: when it aborts, the check is abandoned and gives no outcome. */
  signal?: AbortSignal;
  /** Told the stage ("boot") or check ("03/old-root-gone") being worked on. */
  onProgress?: (what: string) => void;
  /** Ends the check as soon as a result makes this true: it then gives `{ stoppedAt }`, that result. */
  stopAt?: (result: CheckResult) => boolean;
}

/**
 * Runs one check under a time limit and turns every way it can go wrong into an outcome: a runner that
 * throws, stops without a verdict, or outlives the limit (even one that ignores its abort signal) gives
 * an "error" outcome that keeps the checks reported so far. Returns undefined only when the grading run
 * itself was interrupted, since that is no fault of the learner's and the submission must be graded later.
 */
export async function limitedCheck(opts: LimitedCheck): Promise<Outcome | { stoppedAt: CheckResult } | undefined> {
  const started = Date.now();
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, opts.timeoutMs);
  const interrupt = () => controller.abort();
  opts.signal?.addEventListener('abort', interrupt, { once: true });
  if (opts.signal?.aborted) controller.abort();
  const stopped = new Promise<'stopped'>((resolve) => {
    if (controller.signal.aborted) resolve('stopped');
    controller.signal.addEventListener('abort', () => resolve('stopped'), { once: true });
  });

  const results: CheckResult[] = [];
  let outcome: Outcome | undefined;
  let abandoned = false;
  let failure: string | undefined;
  let stoppedAt: CheckResult | undefined;
  let events: AsyncGenerator<CheckEvent, Outcome> | undefined;
  try {
    events = opts.runCheck({ workspaceDir: opts.workspaceDir, origin: opts.origin, level: opts.level, signal: controller.signal });
    for (;;) {
      const step = await Promise.race([events.next(), stopped]);
      if (step === 'stopped') break;
      const event = step.done ? { type: 'done' as const, outcome: step.value } : step.value;
      if (event.type === 'done') {
        outcome = event.outcome;
        // A runner that honours the abort reports it as its own error; the time limit is the real reason.
        abandoned = timedOut;
        break;
      }
      if (event.type === 'result') {
        results.push(event.result);
        if (opts.stopAt?.(event.result)) {
          stoppedAt = event.result;
          break;
        }
      } else if (event.type === 'stage') opts.onProgress?.(event.stage);
      else if (event.type === 'check-start') opts.onProgress?.(`${event.level}/${event.name}`);
    }
  } catch (err) {
    failure = err instanceof Error ? err.message : String(err);
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', interrupt);
    // Lets the runner's own clean-up (stopping its VM) run; it is not waited for, as it may hang too.
    if (!outcome) controller.abort();
    events?.return(undefined as never).catch(() => {});
  }

  if (opts.signal?.aborted && !timedOut) return undefined;
  if (stoppedAt) return { stoppedAt };
  const ms = Date.now() - started;
  if (timedOut && (!outcome || abandoned)) {
    const seconds = Math.round(opts.timeoutMs / 1000);
    return {
      verdict: 'error',
      level: opts.level,
      results: outcome?.results ?? results,
      error: `the checks did not finish within ${seconds} s: the runtime may hang (give more time with --timeout)`,
      tail: outcome?.tail ?? [],
      ms,
    };
  }
  if (outcome) return outcome;
  const error = failure ? `the checker failed: ${failure}` : 'the checker stopped without a verdict';
  return { verdict: 'error', level: opts.level, results, error, tail: [], ms };
}
