import type { CheckEvent, CheckResult, Outcome, Stage } from '../check/types.js';

export const STAGES: readonly Stage[] = ['bundle', 'save', 'boot', 'checks'];

export interface StageRow {
  stage: Stage;
  status: 'waiting' | 'running' | 'done' | 'failed';
  startedAt?: number;
  ms?: number;
}

export interface CheckRow {
  level: string;
  name: string;
  /** Set once the check began (false: planned, not begun). */
  started: boolean;
  /** Set once the check reported. */
  result?: CheckResult;
}

/** Everything the check panel shows about one run, built from its event stream. */
export interface CheckRun {
  level: string;
  status: 'running' | 'done' | 'stopped';
  stages: StageRow[];
  checks: CheckRow[];
  /** The last lines the VM printed while running. */
  log: string[];
  outcome?: Outcome;
}

const LOG_LINES = 12;

export function startRun(level: string): CheckRun {
  return { level, status: 'running', stages: STAGES.map((stage) => ({ stage, status: 'waiting' })), checks: [], log: [] };
}

/** Folds one event into the run (pure). Stage times are measured here: events carry none. */
export function applyEvent(run: CheckRun, event: CheckEvent, now: number): CheckRun {
  switch (event.type) {
    case 'stage': {
      // A stage may come back (boot, after a save it found needed): the stages after the one starting wait again.
      const at = STAGES.indexOf(event.stage);
      const waiting: StageRow['status'] = 'waiting';
      return { ...run, stages: run.stages.map((row, i) => (i < at ? finish(row, now) : i === at ? { ...row, status: 'running', startedAt: now } : { stage: row.stage, status: waiting })) };
    }
    case 'plan':
      return { ...run, checks: event.checks.map(({ level, name }) => ({ level, name, started: false })) };
    case 'check-start':
      return { ...run, checks: upsert(run.checks, { level: event.level, name: event.name, started: true }) };
    case 'result':
      return { ...run, checks: upsert(run.checks, { level: event.result.level, name: event.result.name, started: true, result: event.result }) };
    case 'log':
      return { ...run, log: [...run.log, event.line].slice(-LOG_LINES) };
    case 'saved':
      // A failed save is shown as one, though the run goes on: it boots from scratch instead.
      return event.ok ? run : { ...run, stages: run.stages.map((row) => (row.stage === 'save' ? finish(row, now, 'failed') : row)) };
    case 'done': {
      // A run that could not finish stopped in the stage that was running.
      const ended = event.outcome.verdict === 'error' ? 'failed' : 'done';
      return { ...run, status: 'done', outcome: event.outcome, stages: run.stages.map((row) => finish(row, now, ended)) };
    }
  }
}

/** The row in place of the planned or begun one of its check (none reported yet), or added at the end. */
function upsert(rows: CheckRow[], row: CheckRow): CheckRow[] {
  const at = rows.findIndex((c) => c.level === row.level && c.name === row.name && !c.result);
  return at < 0 ? [...rows, row] : rows.map((c, i) => (i === at ? row : c));
}

export function stopRun(run: CheckRun): CheckRun {
  return { ...run, status: 'stopped' };
}

function finish(row: StageRow, now: number, status: 'done' | 'failed' = 'done'): StageRow {
  return row.status === 'running' ? { ...row, status, ms: now - (row.startedAt ?? now) } : row;
}

/** An outcome for a runner that threw instead of reporting, so the learner still sees why. */
export function crashOutcome(level: string, err: unknown): Outcome {
  const message = err instanceof Error ? err.message : String(err);
  return { verdict: 'error', level, results: [], error: message, tail: [], ms: 0 };
}
