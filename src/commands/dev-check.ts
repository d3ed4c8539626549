import os from 'node:os';
import { loadLevels, wrongSource, type Level } from '../lessons.js';
import { runCheck } from '../check/run.js';
import { checksHoldingBefore, partOf } from '../check/checkers.js';
import type { CheckResult, Outcome } from '../check/types.js';
import { toolkitSource } from '../workspace.js';
import { paint, Status, useColour } from '../ui/term.js';
import { parseCommand, wholeNumber, type Command } from '../cli/args.js';
import { levelId } from '../cli/level.js';
import { runPool } from '../pool.js';

export const DEV_CHECK = {
  name: 'dev check',
  synopsis: 'rubber-workshop dev check [LEVEL…] [--jobs N]',
  about: `For lesson authors: proves that the checks tell right from wrong, each run in a fresh VM. Every
level's stub, and the level before's solution, fail each check of the level (but those its checker says
hold before it), every solution passes its level (the last: levels 00 to it, every check there is), and every
wrong variant (wrong/*.patch) fails the check it names (run with the part of the checker that declares it,
stopped as soon as that check has failed).
Default: every level. Exit status: 0 all as they must be, 1 not.

Options:
  --jobs N     VMs run at once (default: the number of CPUs)
  -h, --help   show this help
`,
  options: { jobs: { type: 'string' } },
  maxPositionals: Infinity,
} as const;

/** One run dev check makes, and what its outcome must be. */
export interface Expectation {
  level: Level;
  label: string;
  /** The runtime's whole text, made from the lesson chain. */
  source: () => string;
  /** Check 00..level (the last solution) or this level alone (the rest). */
  only: boolean;
  /** With `only`: these parts of the level's checker alone (a wrong variant: the part with the check it names). */
  parts?: number[];
  /** null if the outcome is as it must be, else what is wrong. */
  judge: (o: Outcome) => string | null;
  /** A result that settles the judgement (a wrong variant's named check failed): the run stops there. */
  settles?: (r: CheckResult) => boolean;
}

const failedNames = (o: Outcome) => o.results.filter((r) => r.status === 'fail').map((r) => `${r.level}/${r.name}`);
/** What went wrong, with each failed check's message (its first 300 characters): an author sees why at once. */
export const why = (o: Outcome) =>
  o.verdict === 'error'
    ? `could not run: ${o.error}`
    : `failed ${failedNames(o).join(', ')}${o.results.filter((r) => r.status === 'fail').map((r) => `\n      ${r.level}/${r.name}: ${r.message.slice(0, 300)}`).join('')}`;

/**
 * Every stub, and the solution of the level before, fail their level's checks; every solution passes its level,
 * the last 00..it; every wrong variant fails the check it names.
 */
export function expectations(levels: Level[]): Expectation[] {
  const all = loadLevels();
  const last = all.at(-1)!.id;
  return levels.flatMap((level) => {
    const before = all[all.findIndex((l) => l.id === level.id) - 1];
    return [
      notYetDone(level, 'the stub', level.stub, 'stub'),
      // The stub already takes the level's new flags; a runtime of the level before does not, and refuses every
      // value of them: a refusal check it passed would score that runtime for work it never did.
      ...(before ? [notYetDone(level, `level ${before.id}'s solution`, before.solution)] : []),
      ...levelExpectations(level, level.id === last),
    ];
  });
}

/**
 * A runtime without the level's work (its stub, or the level before's solution) fails each check of the level;
 * `what` names it in a problem, `name` in the label.
 */
function notYetDone(level: Level, what: string, source: () => string, name = what): Expectation {
  return {
    level, label: `${level.id} ${name} fails`, source, only: true,
    judge: (o) => {
      if (o.verdict !== 'fail') return o.verdict === 'pass' ? `${what} passes: its checks cannot tell it from a solution` : why(o);
      // A check it passes would score work not done yet.
      const holding = checksHoldingBefore(level.id);
      const passed = o.results.filter((r) => r.status === 'pass' && !holding.includes(r.name)).map((r) => `${r.level}/${r.name}`);
      return passed.length ? `${what} passes ${passed.join(', ')}: a check must need its level's work (or say "# holds before this level: NAME" in the checker, and why)` : null;
    },
  };
}

/**
 * Its solution passes the level; the last level's passes 00..it. Solutions are each other's patches, so the
 * last one holds every earlier patch and meets every level's checks (each solution run cumulatively took 1849 s
 * of dev check's 6631 s of VM time, on 2 cores under TCG). Each wrong variant fails the check it names.
 */
function levelExpectations(level: Level, last: boolean): Expectation[] {
  return [
    {
      level, label: `${level.id} solution passes ${last ? '00–' : ''}${level.id}`, source: level.solution, only: !last,
      judge: (o) => (o.verdict === 'pass' ? null : why(o)),
    },
    ...level.wrong.map((w): Expectation => ({
      level, label: `${level.id} wrong/${w.name} fails ${w.fails}`, source: () => wrongSource(w), only: true, parts: namedPart(level.id, w.fails),
      settles: (r) => r.status === 'fail' && `${r.level}/${r.name}` === w.fails,
      judge: (o) => {
        if (o.verdict === 'error') return why(o);
        const failed = failedNames(o);
        if (failed.includes(w.fails)) return null;
        return failed.length ? `expected ${w.fails} to fail, but failed ${failed.join(', ')}` : `passes every check ("${w.mistake}" goes unnoticed)`;
      },
    })),
  ];
}

/** The part of `level`'s checker that declares the check "LL/name" (alone, it shows whether that check fails), if any. */
function namedPart(level: string, check: string): number[] | undefined {
  const [of, name] = check.split('/');
  const part = of === level && name ? partOf(level, name) : undefined;
  return part === undefined ? undefined : [part];
}

/** Checks one lesson file as its expectation says, in fresh VMs (one unless `vms`); `problem` is null when it behaved. */
export async function runExpectation(e: Expectation, signal?: AbortSignal, vms?: number): Promise<{ outcome?: Outcome; problem: string | null }> {
  const started = Date.now();
  const results: CheckResult[] = [];
  // The text stands in for an rd.ts in the level's folder, so build errors point at "rd.ts".
  const run = runCheck({ workspaceDir: e.level.dir, source: e.source(), toolkit: toolkitSource, level: e.level.id, only: e.only, parts: e.parts, signal, vms });
  for await (const ev of run) {
    if (ev.type === 'done') return { outcome: ev.outcome, problem: e.judge(ev.outcome) };
    if (ev.type !== 'result') continue;
    results.push(ev.result);
    // Leaving the loop ends the run and its VMs (runCheck's finally): the checks after it cannot change the verdict.
    if (e.settles?.(ev.result)) {
      const outcome: Outcome = { verdict: 'fail', level: e.level.id, results, tail: [], ms: Date.now() - started };
      return { outcome, problem: e.judge(outcome) };
    }
  }
  return { problem: 'no outcome' };
}

/** The levels a dev command names (`3` or `03`), every level if none. */
export function levelsNamed(wanted: string[]): Level[] {
  const all = loadLevels();
  const ids = wanted.map((text) => levelId(text, all.map((l) => l.id)));
  return ids.length ? all.filter((l) => ids.includes(l.id)) : all;
}

/** `rubber-workshop dev check [LEVEL…] [--jobs N]`: for lesson authors, proves the checkers can tell right from wrong. */
export async function devCheck(argv: string[], signal: AbortSignal): Promise<number> {
  const parsed = parseCommand(DEV_CHECK, argv);
  if (!parsed) return 0;
  const jobs = parsed.values.jobs === undefined ? Math.max(1, os.availableParallelism()) : wholeNumber('--jobs', parsed.values.jobs, 1);
  const levels = levelsNamed(parsed.positionals);

  const colour = useColour();
  const status = new Status(process.stdout);
  const todo = expectations(levels);
  let done = 0;
  let bad = 0;
  const runOne = async (e: Expectation) => {
    const { outcome, problem } = await runExpectation(e, signal);
    done++;
    if (problem) bad++;
    const mark = problem ? paint('red', '✗', colour) : paint('green', '✓', colour);
    status.log(`${mark} ${e.label} ${paint('dim', `${((outcome?.ms ?? 0) / 1000).toFixed(1)} s`, colour)}${problem ? `\n    ${problem}` : ''}`);
    status.start(`${done}/${todo.length} runs done`);
  };
  await runPool(todo, jobs, runOne, signal);
  status.stop();
  console.log(bad ? paint('red', `${bad} of ${todo.length} runs not as they must be.`, colour) : paint('green', `All ${todo.length} runs as they must be.`, colour));
  return bad ? 1 : 0;
}

export const command: Command = { spec: DEV_CHECK, main: devCheck };
