import fs from 'node:fs';
import path from 'node:path';
import type { Outcome, Verdict } from './check/types.js';
import { writeFileAtomic } from './atomic.js';

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

export interface LoadedProgress {
  progress: Progress;
  /** Set when progress.json could not be read: where the unreadable file was kept. */
  corruptCopy?: string;
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
 * Reads the workspace's progress. A missing file gives fresh progress. A file that cannot be parsed is
 * renamed to `progress.json.corrupt-<time>` (so nothing is destroyed) and fresh progress is returned,
 * with `corruptCopy` telling the caller where the old file went.
 */
export function loadProgress(workspaceDir: string): LoadedProgress {
  const file = progressFile(workspaceDir);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { progress: freshProgress() };
    throw err;
  }
  const progress = parseProgress(text);
  if (progress) return { progress };
  const corruptCopy = `${file}.corrupt-${timestamp()}`;
  fs.renameSync(file, corruptCopy);
  return { progress: freshProgress(), corruptCopy };
}

/**
 * Writes progress atomically (temp file in the same folder, fsync, rename). What is already on disk is
 * merged in first, so a pass or a hint recorded meanwhile by another rubber-workshop process is kept.
 * Returns what was written.
 */
export function saveProgress(workspaceDir: string, p: Progress): Progress {
  const file = progressFile(workspaceDir);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const onDisk = readIfValid(file);
  const merged = onDisk ? mergeProgress(onDisk, p) : p;
  writeFileAtomic(file, `${JSON.stringify(merged, null, 2)}\n`);
  return merged;
}

/** Records a finished check in the progress (pure: returns a new object). */
export function recordOutcome(p: Progress, outcome: Outcome, now: Date = new Date()): Progress {
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

function readIfValid(file: string): Progress | undefined {
  try {
    return parseProgress(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Parses and validates a progress file; undefined when it is not one. */
export function parseProgress(text: string): Progress | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(data) || data.version !== 1 || typeof data.current !== 'string' || !isRecord(data.levels)) return undefined;
  const levels: Record<string, LevelProgress> = {};
  for (const [id, raw] of Object.entries(data.levels)) {
    const entry = parseLevel(raw);
    if (!entry) return undefined;
    levels[id] = entry;
  }
  return { version: 1, current: data.current, levels };
}

const VERDICTS: readonly unknown[] = ['pass', 'fail', 'error'] satisfies Verdict[];

function parseLevel(raw: unknown): LevelProgress | undefined {
  if (!isRecord(raw)) return undefined;
  const { verdict, passedEver, lastCheckAt, checksPassed, checksTotal, hintsRevealed } = raw;
  if (verdict !== undefined && !VERDICTS.includes(verdict)) return undefined;
  if (typeof passedEver !== 'boolean') return undefined;
  if (lastCheckAt !== undefined && typeof lastCheckAt !== 'string') return undefined;
  if (!isCount(checksPassed) || !isCount(checksTotal) || !isCount(hintsRevealed)) return undefined;
  return {
    ...(verdict !== undefined && { verdict: verdict as Verdict }),
    passedEver,
    ...(lastCheckAt !== undefined && { lastCheckAt }),
    checksPassed,
    checksTotal,
    hintsRevealed,
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isCount(v: unknown): v is number {
  return Number.isInteger(v) && (v as number) >= 0;
}

/** A file-name-safe UTC time, e.g. 2024-05-01T10-20-30-123Z. */
export function timestamp(now: Date = new Date()): string {
  return now.toISOString().replace(/[:.]/g, '-');
}
