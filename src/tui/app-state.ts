import type { CheckEvent, Outcome } from '../check/types.js';
import type { Level } from '../lessons.js';
import { levelProgress, recordCheck, revealHint, setCurrentLevel, type LevelProgress, type Progress } from '../progress.js';
import type { ReferenceTrace } from '../report/reference-trace.js';
import { shownFailure } from './check-panel.js';
import { applyEvent, startRun, stopRun, type CheckRun } from './check-state.js';
import type { EditorLaunch } from './editor.js';
import type { Action as Key, Panel } from './level-screen.js';

/**
 * Everything the TUI shows, changed only by {@link reduce}: a pure fold of key presses and of what effects
 * report (file contents read, check events, progress saved, a program that came back). The effects
 * themselves (checks, files, editors, saving) live in App's key handler and hooks.
 */

export type Tone = 'info' | 'good' | 'bad';
export interface Notice {
  text: string;
  tone: Tone;
}

/** What the solution panel compares, read from disk when it opens. */
export interface SolutionView {
  mine: string;
  solution: string;
  reference?: ReferenceTrace;
}

/** A program that has the terminal to itself for a while (a terminal editor, the VM shell). */
export interface Foreground {
  program: 'editor' | 'shell';
  launch: EditorLaunch;
}

export interface AppState {
  levels: readonly Level[];
  progress: Progress;
  screen: 'list' | 'level';
  /** The open level. */
  index: number;
  /** The level the list points at. */
  listSelection: number;
  panel: Panel;
  /** The open level's lesson, read when it opened. */
  lesson: string;
  /** Read each time the solution panel opens. */
  solution?: SolutionView;
  /** The latest check, of whichever level. */
  run?: CheckRun;
  watching: boolean;
  confirmReset: boolean;
  traceShown: boolean;
  foreground?: Foreground;
  quitting: boolean;
  notice?: Notice;
}

export type AppAction =
  /** A key; `solution` is read for s, which opens it once the level passed. */
  | { type: 'key'; key: Key; solution?: SolutionView }
  /** A level opens (from n, p, enter after a pass, or the list) with its lesson read. */
  | { type: 'open'; index: number; lesson: string }
  | { type: 'select'; index: number }
  | { type: 'say'; text: string; tone?: Tone }
  /** A check of the open level starts: by c, or by a save while watching. */
  | { type: 'check' }
  | { type: 'run-started'; level: string }
  | { type: 'run-event'; event: CheckEvent; now: number }
  /** A newer check replaces the running one, which shows as stopped while it winds down. */
  | { type: 'run-superseded' }
  /** The check was aborted: whatever it got to, it did not count. */
  | { type: 'run-aborted' }
  /** A check finished: its outcome goes into the progress. */
  | { type: 'checked'; outcome: Outcome; at: Date }
  /** `from` was saved and came back merged with the file as `to`. */
  | { type: 'saved'; from: Progress; to: Progress }
  | { type: 'step-aside'; foreground: Foreground }
  | { type: 'came-back'; notice: Notice };

export function initialState(levels: readonly Level[], progress: Progress, lesson: (level: Level) => string, notice?: Notice): AppState {
  const index = Math.max(0, levels.findIndex((l) => l.id === progress.current));
  return {
    levels, progress, screen: 'level', index, listSelection: index, panel: 'lesson', lesson: lesson(levels[index]!),
    watching: false, confirmReset: false, traceShown: false, quitting: false, notice,
  };
}

export function reduce(state: AppState, action: AppAction): AppState {
  switch (action.type) {
    case 'key':
      return pressed(state, action.key, action.solution);
    case 'open': {
      const id = state.levels[action.index]!.id;
      const progress = state.progress.current === id ? state.progress : setCurrentLevel(state.progress, id);
      return { ...state, progress, index: action.index, listSelection: action.index, screen: 'level', panel: 'lesson', lesson: action.lesson, confirmReset: false, notice: undefined };
    }
    case 'select':
      return { ...state, listSelection: action.index };
    case 'say':
      return say(state, action.text, action.tone);
    case 'check':
      return { ...state, notice: undefined, panel: 'check' };
    case 'run-started':
      return { ...state, run: startRun(action.level) };
    case 'run-event':
      return state.run ? { ...state, run: applyEvent(state.run, action.event, action.now) } : state;
    case 'run-superseded':
      return state.run?.status === 'running' ? { ...state, run: stopRun(state.run) } : state;
    case 'run-aborted':
      return state.run ? { ...state, run: stopRun(state.run) } : state;
    case 'checked':
      return { ...state, progress: recordCheck(state.progress, action.outcome, state.levels.map((l) => l.id), action.at) };
    case 'saved':
      // A change made while saving stays; it is saved next.
      return state.progress === action.from ? { ...state, progress: action.to } : state;
    case 'step-aside':
      return { ...state, foreground: action.foreground };
    case 'came-back':
      return { ...state, foreground: undefined, notice: action.notice };
  }
}

/** The open level's check, if the latest check is of it. */
export function runHere(state: AppState): CheckRun | undefined {
  return state.run?.level === openLevel(state).id ? state.run : undefined;
}

/** Whether a check of the open level is running, which c does not start twice. */
export function checkingHere(state: AppState): boolean {
  return runHere(state)?.status === 'running';
}

/** Whether the open level's check failed with a trace of rd's calls for t to show. */
export function hasTrace(state: AppState): boolean {
  return Boolean(shownFailure(runHere(state)?.outcome)?.trace);
}

/** The level n, p or enter (on a pass) moves to; undefined where it goes nowhere. */
export function destination(state: AppState, key: Key): number | undefined {
  const passed = state.panel === 'check' && runHere(state)?.outcome?.verdict === 'pass';
  const to = key === 'next' || (key === 'continue' && passed) ? state.index + 1 : key === 'prev' ? state.index - 1 : undefined;
  return to !== undefined && to >= 0 && to < state.levels.length ? to : undefined;
}

export const openLevel = (state: AppState): Level => state.levels[state.index]!;
export const openEntry = (state: AppState): LevelProgress => levelProgress(state.progress, openLevel(state).id);

const say = (state: AppState, text: string, tone: Tone = 'info'): AppState => ({ ...state, notice: { text, tone } });

/**
 * What a key changes. Keys whose work is an effect change nothing here (x, e, v), or only part: c starts
 * as the 'check' action, y's reset reports through 'say', and moves between levels arrive as 'open'.
 */
function pressed(state: AppState, key: Key, solution: SolutionView | undefined): AppState {
  if (state.confirmReset) {
    const closed = { ...state, confirmReset: false };
    if (key === 'no') return say(closed, 'Reset cancelled; rd.ts is unchanged.');
    if (key !== 'quit') return closed;
    state = closed;
  }
  const level = openLevel(state);
  const entry = openEntry(state);
  switch (key) {
    case 'check':
      return checkingHere(state) ? say(state, 'A check is already running; x stops it.') : state;
    case 'watch':
      return say(
        { ...state, watching: !state.watching },
        state.watching ? 'Watch off.' : 'Watching rd.ts and linux.ts: every save re-checks this level. (Saves not noticed? Press c.)',
      );
    case 'hint':
      return hint(state, level, entry);
    case 'solution':
      if (!entry.passedEver) return say(state, `The reference solution opens after level ${level.id} passes. Stuck? Press h for a hint.`);
      return { ...state, panel: 'solution', solution };
    case 'trace':
      if (!hasTrace(state)) {
        // A failure without a trace: rd made no call through linux.ts (a stub, or an error before any).
        const failed = shownFailure(runHere(state)?.outcome);
        return say(state, failed ? 'rd made no call through linux.ts in this failed check: t has nothing to show.' : 't shows what rd did, once a check that ran rd has failed.');
      }
      return state.panel === 'check' ? { ...state, traceShown: !state.traceShown } : { ...state, panel: 'check', traceShown: true };
    case 'reset':
      return { ...state, confirmReset: true };
    case 'next':
    case 'prev':
      return say(state, key === 'next' ? 'This is the last level.' : 'This is the first level.');
    case 'list':
      return { ...state, listSelection: state.index, screen: 'list' };
    case 'help':
      return { ...state, panel: state.panel === 'help' ? 'lesson' : 'help' };
    case 'toggle':
      if (state.panel === 'lesson' && !runHere(state)) return say(state, 'No check of this level yet: press c to run one.');
      return { ...state, panel: state.panel === 'lesson' ? 'check' : 'lesson' };
    case 'back':
      return state.panel === 'lesson' ? { ...state, screen: 'list' } : { ...state, panel: 'lesson' };
    case 'quit':
      return { ...state, quitting: true };
    case 'stop':
    case 'edit':
    case 'shell':
    case 'continue':
    case 'yes':
    case 'no':
      return state;
  }
}

/** The first press on another panel shows what was revealed; only then does a press reveal more. */
function hint(state: AppState, level: Level, entry: LevelProgress): AppState {
  const total = level.hints.length;
  if (total === 0) return say(state, 'This level has no hints.');
  const reveal = (state.panel === 'hints' || entry.hintsRevealed === 0) && entry.hintsRevealed < total;
  return { ...state, panel: 'hints', progress: reveal ? revealHint(state.progress, level.id, total) : state.progress };
}
