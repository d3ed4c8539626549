import fs from 'node:fs';
import type { Level } from '../lessons.js';
import { readReferenceTrace } from '../report/reference-trace.js';
import { workspaceFiles } from '../workspace.js';
import type { SolutionView } from './app-state.js';

/**
 * The files the TUI shows, read when a key asks for them (never while rendering). A file that is missing
 * or unreadable shows as a fallback text: the screen stays up and says what is missing.
 */

/** A level's lesson, read when the level opens. */
export function readLesson(level: Level): string {
  return readOr(level.lessonFile, `The lesson for level ${level.id} is missing (${level.lessonFile}).`);
}

/** The learner's rd.ts, empty when there is none yet. */
export function readRd(workspaceDir: string): string {
  return readOr(workspaceFiles(workspaceDir).rd, '');
}

/** What the solution panel compares, read when it opens. */
export function readSolutionView(workspaceDir: string, level: Level): SolutionView {
  return { mine: readRd(workspaceDir), solution: textOr(level.solution, ''), reference: readReferenceTrace(level) };
}

function textOr(make: () => string, fallback: string): string {
  try {
    return make();
  } catch {
    return fallback;
  }
}

const readOr = (file: string, fallback: string) => textOr(() => fs.readFileSync(file, 'utf8'), fallback);
