import { useCallback, useEffect, useRef, useState } from 'react';
import type { CheckEvent, Outcome } from '../check/types.js';
import { applyEvent, crashOutcome, startRun, stopRun, type CheckRun } from './check-state.js';

/** The check runner's signature (src/check/run.ts), injected so tests can script it. */
export type RunCheck = (opts: { workspaceDir: string; level: string; signal?: AbortSignal }) => AsyncGenerator<CheckEvent, Outcome>;

interface Active {
  controller: AbortController;
  finished: Promise<void>;
}

export interface CheckRunner {
  run: CheckRun | undefined;
  running: boolean;
  /** Starts checking `level`. A running check is aborted first and waited for: never two at once. */
  start(level: string): void;
  /** Aborts the running check, if any, and resolves once it has wound down (its VM stopped). */
  stop(): Promise<void>;
}

/**
 * Runs checks off the render path: events update state as they arrive, and `onOutcome` gets the outcome of
 * every run that finished (not of aborted ones).
 */
export function useCheckRunner(runCheck: RunCheck, workspaceDir: string, onOutcome: (o: Outcome) => void): CheckRunner {
  const [run, setRun] = useState<CheckRun>();
  const active = useRef<Active | undefined>(undefined);
  const outcomeRef = useRef(onOutcome);
  outcomeRef.current = onOutcome;

  const start = useCallback(
    (level: string) => {
      const previous = active.current;
      previous?.controller.abort();
      const controller = new AbortController();
      const finished = (async () => {
        await previous?.finished;
        if (controller.signal.aborted) return;
        setRun(startRun(level));
        const outcome = await consume(runCheck({ workspaceDir, level, signal: controller.signal }), controller.signal, (event) =>
          setRun((r) => r && applyEvent(r, event, Date.now())),
        ).catch((err: unknown) => {
          const crashed = crashOutcome(level, err);
          setRun((r) => r && applyEvent(r, { type: 'done', outcome: crashed }, Date.now()));
          return undefined;
        });
        if (controller.signal.aborted) setRun((r) => r && stopRun(r));
        else if (outcome) outcomeRef.current(outcome);
        if (active.current?.controller === controller) active.current = undefined;
      })();
      active.current = { controller, finished };
      setRun((r) => (r?.status === 'running' ? stopRun(r) : r));
    },
    [runCheck, workspaceDir],
  );

  const stop = useCallback(async () => {
    const current = active.current;
    if (!current) return;
    current.controller.abort();
    await current.finished;
  }, []);

  // Leaving the TUI must not leave a VM behind.
  useEffect(() => () => active.current?.controller.abort(), []);

  return { run, running: run?.status === 'running', start, stop };
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
