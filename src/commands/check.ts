import fs from 'node:fs';
import path from 'node:path';
import { CANCELLED, defaultVms, keepSpareVms, runCheck } from '../check/run.js';
import { keepSpares } from '../vm/spare.js';
import { watchFiles } from '../tui/watch.js';
import { expectedChecks, levelsUpTo } from '../check/checkers.js';
import type { Outcome } from '../check/types.js';
import { loadLevels } from '../lessons.js';
import { refreshToolkit, workspaceFiles, workspaceHere } from '../workspace.js';
import { corruptNotice, loadProgress, recordCheck, saveProgress } from '../progress.js';
import { exitCodeFor } from '../report/exit-code.js';
import { toJson } from '../report/json.js';
import { toJunit } from '../report/junit.js';
import { toTap } from '../report/tap.js';
import { formatSummary, LevelBlocks } from '../report/human.js';
import { provenanceFor } from '../check/provenance.js';
import { assetsDigest } from '../vm/assets.js';
import { writeFileAtomic } from '../atomic.js';
import { Status, useColour } from '../ui/term.js';
import { parseCommand, type Command } from '../cli/args.js';
import { levelId } from '../cli/level.js';
import { UsageError } from '../errors.js';
import { SAVING, savedOrNot } from './saved-guest.js';

export const CHECK = {
  name: 'check',
  synopsis: 'rubber-workshop check [LEVEL] [--watch | --json | --tap | --junit FILE]',
  about: `Checks your workspace's rd.ts in a fresh VM: the checks of levels 00 to LEVEL (default: the level you
are on). A pass moves you on to the next level. Exit status: 0 pass, 1 fail, 2 could not run.

Options:
  --watch        check again on every save of rd.ts or linux.ts, until Ctrl-C (a VM is kept ready between saves)
  --json         the results as JSON on standard output (the summary goes to standard error)
  --tap          the results as TAP on standard output
  --junit FILE   also write the results as a JUnit XML report to FILE
  -h, --help     show this help
`,
  options: {
    watch: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    tap: { type: 'boolean', default: false },
    junit: { type: 'string' },
  },
  maxPositionals: 1,
} as const;

interface CheckArgs {
  level?: string;
  watch: boolean;
  json: boolean;
  tap: boolean;
  junit?: string;
}

/** The arguments after `check`; undefined for --help (printed). */
export function parseCheckArgs(argv: string[]): CheckArgs | undefined {
  const parsed = parseCommand(CHECK, argv);
  if (!parsed) return undefined;
  const { values: { watch, json, tap, junit }, positionals: [given] } = parsed;
  if (json && tap) throw new UsageError('choose one of --json and --tap (both write to standard output)');
  if (watch && (json || tap || junit !== undefined)) throw new UsageError('--watch prints results as they come, for you to read: leave out --json, --tap and --junit');
  if (junit === '') throw new UsageError('--junit needs the name of the file to write');
  if (junit !== undefined && fs.statSync(junit, { throwIfNoEntry: false })?.isDirectory())
    throw new UsageError(`--junit ${junit} is a folder: name the file to write, e.g. ${path.join(junit, 'results.xml')}`);
  return { watch, json, tap, junit, level: given === undefined ? undefined : levelId(given, loadLevels().map((l) => l.id)) };
}

/** `rubber-workshop check [LEVEL]`: checks the workspace's rd.ts in a fresh VM; exit 0 pass, 1 fail, 2 could not run. */
export async function check(argv: string[], signal: AbortSignal): Promise<number> {
  const args = parseCheckArgs(argv);
  if (!args) return 0;
  const dir = workspaceHere();
  if (fs.existsSync(workspaceFiles(dir).linux)) {
    const refreshed = refreshToolkit(dir);
    if (refreshed.written) say(args, `linux.ts updated to this version of the toolkit${refreshed.backup ? ` (your edited copy: ${path.relative(dir, refreshed.backup)})` : ''}.`);
  }
  if (!args.watch) return exitCodeFor((await checkOnce(dir, args, signal)).verdict);
  return watchAndCheck(dir, args, signal);
}

/**
 * --watch: a check now and after every save, in a spare VM restored while the learner edits (src/vm/spare.ts).
 * A save during a check stops it and starts another. Ends on Ctrl-C, with the last check's exit status.
 */
async function watchAndCheck(dir: string, args: CheckArgs, signal: AbortSignal): Promise<number> {
  // Not waited for: when it must save the booted guest first, the first check shows that save as it waits too.
  void keepSpareVms();
  let current: AbortController | undefined;
  let saved: () => void = () => {};
  const watcher = watchFiles(dir, ['rd.ts', 'linux.ts'], () => {
    current?.abort();
    saved();
  });
  let verdict: Outcome['verdict'] = 'error';
  const ended = new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
  try {
    while (!signal.aborted) {
      current = new AbortController();
      const stop = () => current?.abort();
      signal.addEventListener('abort', stop);
      const changed = new Promise<void>((resolve) => (saved = resolve));
      const outcome = await checkOnce(dir, args, current.signal);
      signal.removeEventListener('abort', stop);
      if (signal.aborted) break;
      if (outcome.error === CANCELLED) {
        process.stdout.write('\nSaved: checking again.\n');
        continue;
      }
      verdict = outcome.verdict;
      process.stdout.write('\nWatching rd.ts and linux.ts: save to check again, Ctrl-C to end.\n');
      await Promise.race([changed, ended]);
    }
  } finally {
    watcher.close();
    keepSpares(0);
  }
  return exitCodeFor(verdict);
}

/** Prints a line for the learner: on standard error when standard output carries --json or --tap. */
const say = (args: CheckArgs, line: string) => (args.json || args.tap ? process.stderr : process.stdout).write(line + '\n');

/** One check of the workspace, shown as it goes; records progress and writes the reports asked for. */
async function checkOnce(dir: string, args: CheckArgs, signal: AbortSignal): Promise<Outcome> {
  const files = workspaceFiles(dir);
  const tracked = fs.existsSync(files.state);
  const levelIds = loadLevels().map((l) => l.id);
  const { progress, corrupt } = tracked ? loadProgress(dir, levelIds) : { progress: undefined };
  const level = args.level ?? progress?.current ?? '00';
  const machine = args.json || args.tap;
  const colour = !machine && useColour();
  if (corrupt) say(args, corruptNotice(dir, corrupt));

  const status = new Status(process.stderr, process.stdout);
  const stageText = { bundle: 'bundling rd.ts', save: SAVING, boot: 'starting the VM', checks: 'running the checks' } as const;
  let outcome: Outcome | undefined;
  const blocks = new LevelBlocks(level, new Map(levelsUpTo(level, levelIds).map((l) => [l, expectedChecks(l).length])), colour);
  const running = new Set<string>(); // the checks running now, "level name" (levels and parts run side by side)
  for await (const ev of runCheck({ workspaceDir: dir, level, signal, vms: defaultVms() })) {
    if (ev.type === 'stage') status.start(stageText[ev.stage]);
    else if (ev.type === 'saved') status.done(savedOrNot(ev.ok, ev.ms));
    else if (ev.type === 'check-start') {
      running.add(`${ev.level} ${ev.name}`);
      status.start(`checking ${[...running].join(' · ')}`);
    } else if (ev.type === 'result') {
      running.delete(`${ev.result.level} ${ev.result.name}`);
      if (!machine) for (const line of blocks.add(ev.result)) status.log(line);
    } else if (ev.type === 'done') outcome = ev.outcome;
  }
  if (!outcome) throw new Error('the check ended without an outcome');
  if (outcome.error === CANCELLED && args.watch) {
    status.stop();
    return outcome;
  }
  if (!machine) for (const line of blocks.rest()) status.log(line);
  status.stop();

  if (tracked && outcome.error !== CANCELLED) saveProgress(dir, recordCheck(progress!, outcome, levelIds));
  const provenance = args.json || args.junit ? await provenanceFor(dir, assetsDigest) : undefined;
  if (args.json) process.stdout.write(toJson(outcome, provenance));
  if (args.tap) process.stdout.write(toTap(outcome));
  if (args.junit) writeFileAtomic(path.resolve(args.junit), toJunit(outcome, { provenance }));
  say(args, formatSummary(outcome, colour));
  return outcome;
}

export const command: Command = { spec: CHECK, main: check };
