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
