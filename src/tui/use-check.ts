import { useCallback, useEffect, useRef } from 'react';
import type { CheckEvent, Outcome } from '../check/types.js';
import type { AppAction } from './app-state.js';
import { crashOutcome } from './check-state.js';

/** The check runner's signature (src/check/run.ts), injected so tests can script it. */
export type RunCheck = (opts: { workspaceDir: string; level: string; signal?: AbortSignal }) => AsyncGenerator<CheckEvent, Outcome>;

interface Active {
  controller: AbortController;
  finished: Promise<void>;
}

export interface CheckRunner {
  /** Starts checking `level`. A running check is aborted first and waited for: never two at once. */
  start(level: string): void;
  /** Aborts the running check, if any, and resolves once it has wound down (its VM stopped). */
  stop(): Promise<void>;
}

/**
 * Runs checks off the render path, reporting to the app's reducer: each event as it arrives, and as
 * 'checked' the outcome of every run that finished (not of aborted ones).
 */
export function useCheckRunner(runCheck: RunCheck, workspaceDir: string, dispatch: (action: AppAction) => void): CheckRunner {
  const active = useRef<Active | undefined>(undefined);

  const start = useCallback(
    (level: string) => {
      const previous = active.current;
      previous?.controller.abort();
      const controller = new AbortController();
      const finished = (async () => {
        await previous?.finished;
        if (controller.signal.aborted) return;
        dispatch({ type: 'run-started', level });
        const outcome = await consume(runCheck({ workspaceDir, level, signal: controller.signal }), controller.signal, (event) =>
          dispatch({ type: 'run-event', event, now: Date.now() }),
        ).catch((err: unknown) => {
          dispatch({ type: 'run-event', event: { type: 'done', outcome: crashOutcome(level, err) }, now: Date.now() });
          return undefined;
        });
        if (controller.signal.aborted) dispatch({ type: 'run-aborted' });
        else if (outcome) dispatch({ type: 'checked', outcome, at: new Date() });
        if (active.current?.controller === controller) active.current = undefined;
      })();
      active.current = { controller, finished };
      dispatch({ type: 'run-superseded' });
    },
    [runCheck, workspaceDir, dispatch],
  );

  const stop = useCallback(async () => {
    const current = active.current;
    if (!current) return;
    current.controller.abort();
    await current.finished;
  }, []);

  // Leaving the TUI must not leave a VM behind.
  useEffect(() => () => active.current?.controller.abort(), []);

  return { start, stop };
}

/** Feeds events to `onEvent` until the runner's final `done`; events after an abort are dropped. */
async function consume(gen: AsyncGenerator<CheckEvent, Outcome>, signal: AbortSignal, onEvent: (e: CheckEvent) => void): Promise<Outcome | undefined> {
  let outcome: Outcome | undefined;
  for await (const event of gen) {
    if (signal.aborted) continue;
    onEvent(event);
    if (event.type === 'done') outcome = event.outcome;
  }
  return outcome;
}
