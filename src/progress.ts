import fs from 'node:fs';
import path from 'node:path';
import type { Outcome, Verdict } from './check/types.js';
import * as v from 'valibot';
import { writeFileAtomic } from './atomic.js';
import { FileFormatError, readJsonFile, readJsonFileIfValid, type Schema } from './json-file.js';
import { UserError } from './errors.js';

/** The folder inside a workspace that holds rubber-workshop's own state. */
export const STATE_DIR = '.rubber-workshop';

/** What the learner has done on one level. */
export interface LevelProgress {
  /** Verdict of the last check of this level, if it was ever checked. */
  verdict?: Verdict;
  /** True once any check of this level passed; never goes back to false. */
  passedEver: boolean;
  /** ISO time of the last check. */
  lastCheckAt?: string;
  /** Checks that passed in the last check run (a run of level N covers levels 00..N). */
  checksPassed: number;
  checksTotal: number;
  /** How many of the level's tiered hints the learner has revealed. */
  hintsRevealed: number;
}

export interface Progress {
  version: 1;
  /** The level the learner is working on. */
  current: string;
  /** Keyed by two-digit level id. */
  levels: Record<string, LevelProgress>;
}

const count = v.pipe(v.number(), v.integer('expected a whole number'), v.minValue(0, 'expected a whole number'));

/** progress.json, as saveProgress writes it. */
export const ProgressFile: Schema<Progress> = v.object({
  version: v.literal(1),
  current: v.string(),
  levels: v.record(v.string(), v.object({
    verdict: v.optional(v.picklist(['pass', 'fail', 'error'] satisfies Verdict[])),
    passedEver: v.boolean(),
    lastCheckAt: v.optional(v.string()),
    checksPassed: count,
    checksTotal: count,
    hintsRevealed: count,
  })),
});

export interface LoadedProgress {
  progress: Progress;
  /** Set when progress.json could not be read: what is wrong with it, and where the file was kept. */
  corrupt?: { problem: string; copy: string };
}

/** `<workspace>/.rubber-workshop/progress.json` */
export function progressFile(workspaceDir: string): string {
  return path.join(workspaceDir, STATE_DIR, 'progress.json');
}

export function freshProgress(current = '00'): Progress {
  return { version: 1, current, levels: {} };
}

export function emptyLevelProgress(): LevelProgress {
  return { passedEver: false, checksPassed: 0, checksTotal: 0, hintsRevealed: 0 };
}

/** The entry for a level, or an empty one if the level was never touched. */
export function levelProgress(p: Progress, level: string): LevelProgress {
  return p.levels[level] ?? emptyLevelProgress();
}

/**
 * Reads the workspace's progress. A missing file gives fresh progress. A file that is not valid progress
 * is renamed to `progress.json.corrupt-<time>` (so nothing is destroyed) and fresh progress is returned,
 * with `corrupt` saying what was wrong and where the old file went (see {@link corruptNotice}).
 */
export function loadProgress(workspaceDir: string, levelIds: string[]): LoadedProgress {
  const file = progressFile(workspaceDir);
  try {
    return { progress: readProgress(workspaceDir, levelIds) ?? freshProgress() };
  } catch (err) {
    if (!(err instanceof FileFormatError)) throw err;
    const copy = `${file}.corrupt-${timestamp()}`;
    fs.renameSync(file, copy);
    return { progress: freshProgress(), corrupt: { problem: err.message, copy } };
  }
}

/** The workspace's progress, or undefined without a file; a FileFormatError for a file that is not valid progress. */
function readProgress(workspaceDir: string, levelIds: string[]): Progress | undefined {
  const file = progressFile(workspaceDir);
  const shown = path.relative(workspaceDir, file);
  try {
    const progress = readJsonFile(file, ProgressFile, shown);
    // (A level this version does not have, by a hand's edit or a later version's workspace: nothing to open.)
    if (!levelIds.includes(progress.current))
      throw new FileFormatError(`${shown}: current: "${progress.current}" is not a level of this version (${levelIds[0]}–${levelIds.at(-1)})`);
    return progress;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if (err instanceof FileFormatError && newerVersion(file)) throw new UserError(`${shown} was written by a newer rubber-workshop: update rubber-workshop (your progress is kept as it is)`);
    throw err;
  }
}

/** Whether the progress file says it is of a later version than this one reads (nothing to set aside: update). */
function newerVersion(file: string): boolean {
  try {
    const version = (JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: unknown }).version;
    return typeof version === 'number' && version > 1;
  } catch {
    return false;
  }
}

/** What is wrong with the workspace's progress file, or undefined (also without one); touches nothing. */
export function progressProblem(workspaceDir: string, levelIds: string[]): string | undefined {
  try {
    readProgress(workspaceDir, levelIds);
    return undefined;
  } catch (err) {
    if (err instanceof UserError) return err.message;
    throw err;
  }
}

/** What a learner is told when their progress file was bad: what was wrong, and how to get it back. */
export function corruptNotice(workspaceDir: string, corrupt: NonNullable<LoadedProgress['corrupt']>): string {
  const copy = path.relative(workspaceDir, corrupt.copy);
  return `Your progress file could not be read (${corrupt.problem}). It was kept as ${copy}, and progress starts fresh; `
    + `your rd.ts is untouched. To get your progress back, fix ${corrupt.problem.includes('not valid JSON') ? 'it' : 'that field'} in ${copy} and move it back to ${path.relative(workspaceDir, progressFile(workspaceDir))}.`;
}

/**
 * Writes progress atomically (temp file in the same folder, fsync, rename). What is already on disk is
 * merged in first, so a pass or a hint recorded meanwhile by another rubber-workshop process is kept.
 * Returns what was written.
 */
export function saveProgress(workspaceDir: string, p: Progress): Progress {
  const file = progressFile(workspaceDir);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const onDisk = readJsonFileIfValid(file, ProgressFile);
  const merged = onDisk ? mergeProgress(onDisk, p) : p;
  writeFileAtomic(file, `${JSON.stringify(merged, null, 2)}\n`);
  return merged;
}

/**
 * Records a finished check in the progress (pure: returns a new object). A check that ran no check at all (no
 * VM here, rd.ts missing or not building) says nothing of the level: its last verdict stays.
 */
export function recordOutcome(p: Progress, outcome: Outcome, now: Date = new Date()): Progress {
  if (outcome.verdict === 'error' && outcome.results.length === 0) return p;
  const before = levelProgress(p, outcome.level);
  const entry: LevelProgress = {
    ...before,
    verdict: outcome.verdict,
    passedEver: before.passedEver || outcome.verdict === 'pass',
    lastCheckAt: now.toISOString(),
    checksPassed: outcome.results.filter((r) => r.status === 'pass').length,
    checksTotal: outcome.results.length,
  };
  return { ...p, levels: { ...p.levels, [outcome.level]: entry } };
}

/**
 * Records a finished check and, when it passed the level the learner is on, moves them on to the next of
 * `levelIds` (pure): the workshop and `rubber-workshop check` advance alike.
 */
export function recordCheck(p: Progress, outcome: Outcome, levelIds: readonly string[], now: Date = new Date()): Progress {
  const recorded = recordOutcome(p, outcome, now);
  const next = levelIds[levelIds.indexOf(outcome.level) + 1];
  return outcome.verdict === 'pass' && next && p.current === outcome.level ? setCurrentLevel(recorded, next) : recorded;
}

/** Reveals one more hint of `level`, up to `available` (pure). */
export function revealHint(p: Progress, level: string, available: number): Progress {
  const before = levelProgress(p, level);
  const hintsRevealed = Math.min(before.hintsRevealed + 1, available);
  return { ...p, levels: { ...p.levels, [level]: { ...before, hintsRevealed } } };
}

export function setCurrentLevel(p: Progress, level: string): Progress {
  return { ...p, current: level };
}

/**
 * Combines two records of the same workspace without losing anything earned: passes and revealed hints
 * from either side are kept; the more recent check supplies verdict, time and counts. `current` comes
 * from `mine`.
 */
export function mergeProgress(theirs: Progress, mine: Progress): Progress {
  const levels: Record<string, LevelProgress> = { ...theirs.levels };
  for (const [id, m] of Object.entries(mine.levels)) {
    const t = theirs.levels[id];
    if (!t) {
      levels[id] = m;
      continue;
    }
    const latest = (t.lastCheckAt ?? '') > (m.lastCheckAt ?? '') ? t : m;
    levels[id] = {
      ...latest,
      passedEver: t.passedEver || m.passedEver,
      hintsRevealed: Math.max(t.hintsRevealed, m.hintsRevealed),
    };
  }
  return { version: 1, current: mine.current, levels };
}

/** A file-name-safe UTC time, e.g. 2024-05-01T10-20-30-123Z. */
export function timestamp(now: Date = new Date()): string {
  return now.toISOString().replace(/[:.]/g, '-');
}
