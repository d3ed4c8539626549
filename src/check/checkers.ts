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
 * A checker script cut where it may be: a line `# part: …` starts a part that needs nothing of the parts
 * before it, only the script's head (everything before its first part: functions, settings). Parts of one
 * level may run in different VMs; a script without such lines is one part.
 */
export interface CheckerParts {
  head: string;
  parts: string[];
}

/** The head and parts of a level's checker script. */
export function checkerParts(level: string, dir = checkersDir): CheckerParts {
  const text = fs.readFileSync(path.join(dir, `${level}.sh`), 'utf8');
  const starts = [...text.matchAll(/^# part:/gm)].map((m) => m.index);
  if (!starts.length) return { head: '', parts: [text] };
  return { head: text.slice(0, starts[0]), parts: starts.map((s, i) => text.slice(s, starts[i + 1] ?? text.length)) };
}

/** Some parts of one level's checker, to run in one VM (all of them: the script as it is). */
export interface LevelRun {
  level: string;
  parts: number[];
}

/**
 * The checks of levels 00..current dealt out to `vms` VMs that run at once, as parts of checkers (see
 * checkerParts). The level being checked goes first in every VM that runs some of it, its parts spread out so
 * that its verdict comes first; then the earlier levels' parts (regression checks), heaviest first, each to
 * whichever VM has the least work so far, weighed by the container starts they make. Within a VM, a level
 * runs once, its parts in the script's order; the earlier levels in level order.
 */
export function planRuns(levels: string[], vms: number, dir = checkersDir): LevelRun[][] {
  const current = levels[levels.length - 1]!;
  const runs = Array.from({ length: Math.max(1, vms) }, () => ({ units: [] as { level: string; part: number }[], cost: 0 }));
  const unitsOf = (level: string) => {
    const { head, parts } = checkerParts(level, dir);
    return parts.map((text, part) => ({ level, part, cost: 1 + containerStarts(head) + containerStarts(text) }));
  };
  const deal = (units: { level: string; part: number; cost: number }[]) => {
    for (const u of units.sort((a, b) => b.cost - a.cost)) {
      const run = runs.reduce((least, r) => (r.cost < least.cost ? r : least));
      run.units.push(u);
      run.cost += u.cost;
    }
  };
  deal(unitsOf(current));
  deal(levels.slice(0, -1).flatMap(unitsOf));
  return runs
    .filter((r) => r.units.length)
    .map((r) => {
      const order = [current, ...levels.slice(0, -1)].filter((l) => r.units.some((u) => u.level === l));
      return order.map((level) => ({ level, parts: r.units.filter((u) => u.level === level).map((u) => u.part).sort((a, b) => a - b) }));
    });
}

/** How many containers a piece of checker starts (its rd and probe calls): what its checks cost, roughly. */
function containerStarts(text: string): number {
  return [...text.matchAll(/^\s*(?:probe|rd|rd_split|rd_start) /gm)].length;
}

/**
 * The checks a checker script must report, read from its `check NAME` lines. The host knows them in advance,
 * so a run that stops early, or a checker that was tampered with, cannot pass by reporting less.
 */
export function expectedChecks(level: string, dir = checkersDir): string[] {
  return checkNames(fs.readFileSync(path.join(dir, `${level}.sh`), 'utf8'));
}

/**
 * The checks of a level that hold before its work is done, each declared in its checker by a line
 * `# holds before this level: NAME — why` (dev check lets the level's stub, the previous level's runtime, pass
 * those and no other).
 */
export function checksHoldingBefore(level: string, dir = checkersDir): string[] {
  const text = fs.readFileSync(path.join(dir, `${level}.sh`), 'utf8');
  return [...text.matchAll(/^# holds before this level: ([\w.-]+)/gm)].map((m) => m[1]!);
}

/** The index of the part of a level's checker that declares `check`, or undefined. */
export function partOf(level: string, check: string, dir = checkersDir): number | undefined {
  const at = checkerParts(level, dir).parts.findIndex((text) => checkNames(text).includes(check));
  return at < 0 ? undefined : at;
}

/** The checks some parts of a level's checker declare, in the script's order. */
export function partChecks(level: string, parts: number[], dir = checkersDir): string[] {
  return checkerParts(level, dir).parts.flatMap((text, i) => (parts.includes(i) ? checkNames(text) : []));
}

/** The names of the checks a piece of checker script declares, in order (its `check NAME` lines). */
function checkNames(text: string): string[] {
  return [...text.matchAll(/^\s*check\s+([\w.-]+)\s*(?:#.*)?$/gm)].map((m) => m[1]);
}

/** What every checker script runs with: the API, and the pointers into rd's trace that it sources. */
export const CHECKER_LIB = ['lib.sh', 'pointers.sh'];

/** The checker scripts one VM's run needs, for the payload: each level's head and the parts it runs there. */
export function checkerFiles(run: LevelRun[], dir = checkersDir): CpioEntry[] {
  const lib = (name: string): CpioEntry => ({ path: `checkers/${name}`, type: 'file', data: fs.readFileSync(path.join(dir, name)) });
  const level = ({ level, parts }: LevelRun): CpioEntry => {
    const script = checkerParts(level, dir);
    return { path: `checkers/${level}.sh`, type: 'file', data: script.head + parts.map((i) => script.parts[i]).join('') };
  };
  return [{ path: 'checkers', type: 'dir' }, ...CHECKER_LIB.map(lib), ...run.map(level)];
}
