import fs from 'node:fs';
import path from 'node:path';
import { checkersDir } from '../paths.js';
import type { CpioEntry } from '../vm/cpio.js';

/** Levels 00..level, in order: checking a level re-checks every level before it. */
export function levelsUpTo(level: string, all: string[]): string[] {
  const at = all.indexOf(level);
  if (at < 0) throw new Error(`no level ${level}`);
  return all.slice(0, at + 1);
}

/**
 * The levels of a check dealt out to `vms` VMs that run at once. The level being checked goes first, in the
 * first VM, so that its verdict comes first; the earlier levels (regression checks) go, heaviest first, to
 * whichever VM has the least work so far, weighed by the container starts their checkers make.
 */
export function planRuns(levels: string[], vms: number, dir = checkersDir): string[][] {
  const current = levels[levels.length - 1]!;
  const runs = Array.from({ length: Math.max(1, Math.min(vms, levels.length)) }, () => ({ levels: [] as string[], cost: 0 }));
  runs[0]!.levels.push(current);
  runs[0]!.cost = containerStarts(current, dir);
  const earlier = levels.slice(0, -1).map((l) => ({ l, cost: containerStarts(l, dir) })).sort((a, b) => b.cost - a.cost);
  for (const { l, cost } of earlier) {
    const run = runs.reduce((least, r) => (r.cost < least.cost ? r : least));
    run.levels.push(l);
    run.cost += cost;
  }
  return runs.map((r, i) => (i === 0 ? [current, ...r.levels.slice(1).sort()] : r.levels.sort()));
}

/** How many containers a checker starts (its rd and probe calls): what a level's checks cost, roughly. */
function containerStarts(level: string, dir: string): number {
  const text = fs.readFileSync(path.join(dir, `${level}.sh`), 'utf8');
  return 1 + [...text.matchAll(/^\s*(?:probe|rd|rd_split|rd_start) /gm)].length;
}

/**
 * The checks a checker script must report, read from its `check NAME` lines. The host knows them in advance,
 * so a run that stops early, or a checker that was tampered with, cannot pass by reporting less.
 */
export function expectedChecks(level: string, dir = checkersDir): string[] {
  const text = fs.readFileSync(path.join(dir, `${level}.sh`), 'utf8');
  return [...text.matchAll(/^\s*check\s+([\w.-]+)\s*(?:#.*)?$/gm)].map((m) => m[1]);
}

/** What every checker script runs with: the API, and the pointers into rd's trace that it sources. */
export const CHECKER_LIB = ['lib.sh', 'pointers.sh'];

/** The checker scripts a run needs, for the payload. */
export function checkerFiles(levels: string[], dir = checkersDir): CpioEntry[] {
  const file = (name: string): CpioEntry => ({ path: `checkers/${name}`, type: 'file', data: fs.readFileSync(path.join(dir, name)) });
  return [{ path: 'checkers', type: 'dir' }, ...[...CHECKER_LIB, ...levels.map((l) => `${l}.sh`)].map(file)];
}
