import fs from 'node:fs';
import path from 'node:path';
import { defaultVms, runCheck } from '../check/run.js';
import { expectedChecks, levelsUpTo } from '../check/checkers.js';
import type { Outcome } from '../check/types.js';
import { loadLevels } from '../lessons.js';
import { findWorkspace, refreshToolkit, workspaceFiles } from '../workspace.js';
import { loadProgress, recordCheck, saveProgress } from '../progress.js';
import { exitCodeFor } from '../report/exit-code.js';
import { toJson } from '../report/json.js';
import { toJunit } from '../report/junit.js';
import { toTap } from '../report/tap.js';
import { formatSummary, LevelBlocks } from '../report/human.js';
import { provenanceFor } from '../check/provenance.js';
import { assetsDigest } from '../vm/assets.js';
import { writeFileAtomic } from '../atomic.js';
import { Status, useColour } from '../ui/term.js';
import { UsageError } from './vm-exec.js';

interface CheckArgs {
  level?: string;
  json: boolean;
  tap: boolean;
  junit?: string;
}

export function parseCheckArgs(argv: string[]): CheckArgs {
  const args: CheckArgs = { json: false, tap: false };
  const ids = loadLevels().map((l) => l.id);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') args.json = true;
    else if (a === '--tap') args.tap = true;
    else if (a === '--junit') {
      args.junit = argv[++i];
      if (!args.junit) throw new UsageError('--junit needs a file name: rubber-workshop check --junit results.xml');
    } else if (/^\d{1,2}$/.test(a) && !args.level) {
      args.level = a.padStart(2, '0');
      if (!ids.includes(args.level)) throw new UsageError(`there is no level ${a}: levels are ${ids[0]}–${ids.at(-1)}`);
    } else throw new UsageError(`check: unexpected "${a}" (usage: rubber-workshop check [LEVEL] [--json | --tap | --junit FILE])`);
  }
  if (args.json && args.tap) throw new UsageError('choose one of --json and --tap (both write to standard output)');
  return args;
}

/** `rubber-workshop check [LEVEL]`: checks the workspace's rd.ts in a fresh VM; exit 0 pass, 1 fail, 2 could not run. */
export async function check(argv: string[], signal: AbortSignal): Promise<number> {
  const args = parseCheckArgs(argv);
  const dir = findWorkspace() ?? (fs.existsSync('rd.ts') ? process.cwd() : undefined);
  if (!dir) throw new UsageError('no workspace here: run rubber-workshop init, then check from inside that folder');
  const files = workspaceFiles(dir);
  const tracked = fs.existsSync(files.state);
  const { progress } = tracked ? loadProgress(dir) : { progress: undefined };
  const level = args.level ?? progress?.current ?? '00';
  const machine = args.json || args.tap;
  const colour = !machine && useColour();
  const say = (line: string) => (machine ? process.stderr : process.stdout).write(line + '\n');

  if (fs.existsSync(files.linux)) {
    const refreshed = refreshToolkit(dir);
    if (refreshed.written) say(`linux.ts updated to this version of the toolkit${refreshed.backup ? ` (your edited copy: ${path.relative(dir, refreshed.backup)})` : ''}.`);
  }

  const status = new Status();
  const stageText = { bundle: 'bundling rd.ts', boot: 'starting the VM', checks: 'running the checks' } as const;
  let outcome: Outcome | undefined;
  const blocks = new LevelBlocks(level, new Map(levelsUpTo(level, loadLevels().map((l) => l.id)).map((l) => [l, expectedChecks(l).length])), colour);
  const running = new Map<string, string>(); // level → the check it runs now (levels run side by side)
  for await (const ev of runCheck({ workspaceDir: dir, level, signal, vms: defaultVms() })) {
    if (ev.type === 'stage') status.start(stageText[ev.stage]);
    else if (ev.type === 'check-start') {
      running.set(ev.level, ev.name);
      status.start(`checking ${[...running].map(([l, name]) => `${l} ${name}`).join(' · ')}`);
    } else if (ev.type === 'result') {
      running.delete(ev.result.level);
      if (!machine) for (const line of blocks.add(ev.result)) status.log(line);
    } else if (ev.type === 'done') outcome = ev.outcome;
  }
  if (!machine) for (const line of blocks.rest()) status.log(line);
  status.stop();
  if (!outcome) throw new Error('the check ended without an outcome');

  if (tracked && outcome.error !== 'the check was cancelled') saveProgress(dir, recordCheck(progress!, outcome, loadLevels().map((l) => l.id)));
  const provenance = args.json || args.junit ? await provenanceFor(dir, assetsDigest) : undefined;
  if (args.json) process.stdout.write(toJson(outcome, provenance));
  if (args.tap) process.stdout.write(toTap(outcome));
  if (args.junit) writeFileAtomic(path.resolve(args.junit), toJunit(outcome, { provenance }));
  (machine ? process.stderr : process.stdout).write(formatSummary(outcome, colour) + '\n');
  return exitCodeFor(outcome.verdict);
}
