import { describe, expect, it } from 'vitest';
import type { CheckEvent } from '../../../src/check/types.js';
import type { Level } from '../../../src/lessons.js';
import { freshProgress, recordOutcome } from '../../../src/progress.js';
import { checkingHere, destination, initialState, reduce, type AppAction, type AppState } from '../../../src/tui/app-state.js';
import type { Action as Key } from '../../../src/tui/level-screen.js';
import { eventsFor, outcomeOf, result } from './fixture.js';

// The reducer reads only a level's id, title and hints; the rest of a Level is files it never touches.
const level = (id: string, hints = [`Hint one for ${id}.`, `Hint two for ${id}.`]) => ({ id, title: `title ${id}`, hints }) as unknown as Level;
const LEVELS = [level('00'), level('01'), level('02', [])];
const lesson = (l: Level) => `lesson ${l.id}`;
const passing = (id = '00') => outcomeOf(id, [result(id, 'a', 'pass')]);
const failing = (extra = {}) => outcomeOf('00', [result('00', 'a', 'fail', extra)]);

const fresh = (current = '00') => initialState(LEVELS, freshProgress(current), lesson);
/** Applies the actions in turn, checking on the way that no action changes the state it was given. */
const after = (state: AppState, ...actions: AppAction[]) =>
  actions.reduce((s, action) => {
    const before = JSON.stringify(s);
    const next = reduce(s, action);
    expect(JSON.stringify(s)).toBe(before);
    return next;
  }, state);
const keys = (state: AppState, ...pressed: Key[]) => after(state, ...pressed.map((key): AppAction => ({ type: 'key', key })));
/** A whole check of the open level, as the runner reports it. */
const checked = (state: AppState, outcome = failing()): AppState =>
  after(
    state,
    { type: 'check' },
    { type: 'run-started', level: outcome.level },
    ...eventsFor(outcome).map((event: CheckEvent): AppAction => ({ type: 'run-event', event, now: 0 })),
    { type: 'checked', outcome, at: new Date(0) },
  );
const notice = (state: AppState) => state.notice?.text;

describe('opening', () => {
  it('starts on the current level, its lesson read, with the startup notice', () => {
    const s = initialState(LEVELS, freshProgress('01'), lesson, { text: 'progress kept aside', tone: 'bad' });
    expect(s).toMatchObject({ screen: 'level', index: 1, listSelection: 1, panel: 'lesson', lesson: 'lesson 01', notice: { text: 'progress kept aside' } });
  });

  it('starts on the first level when the current one is not in the chain', () => {
    expect(fresh('99').index).toBe(0);
  });

  it('opens a level on its lesson, makes it current and clears the notice and a pending reset', () => {
    const s = after(keys(fresh(), 'watch', 'reset'), { type: 'open', index: 2, lesson: 'lesson 02' });
    expect(s).toMatchObject({ screen: 'level', index: 2, listSelection: 2, panel: 'lesson', lesson: 'lesson 02', confirmReset: false, notice: undefined });
    expect(s.progress.current).toBe('02');
  });

  it('keeps the progress as it is when the level opened is already current, so nothing is saved', () => {
    const s = fresh();
    expect(after(s, { type: 'open', index: 0, lesson: 'x' }).progress).toBe(s.progress);
  });
});

describe('moving between levels', () => {
  it('n and p go one level on or back, and say so at either end', () => {
    expect(destination(fresh(), 'next')).toBe(1);
    expect(destination(fresh('01'), 'prev')).toBe(0);
    expect(destination(fresh(), 'prev')).toBeUndefined();
    expect(notice(keys(fresh(), 'prev'))).toBe('This is the first level.');
    expect(notice(keys(fresh('02'), 'next'))).toBe('This is the last level.');
  });

  it('enter moves on only from the check panel of a pass', () => {
    expect(destination(fresh(), 'continue')).toBeUndefined();
    expect(destination(checked(fresh()), 'continue')).toBeUndefined();
    const passed = checked(fresh(), passing());
    expect(destination(passed, 'continue')).toBe(1);
    expect(destination(keys(passed, 'toggle'), 'continue')).toBeUndefined();
    expect(keys(passed, 'continue')).toBe(passed);
  });
});

describe('list', () => {
  it('l shows the list pointing at the open level; selecting moves the pointer only', () => {
    const s = after(keys(fresh('01'), 'list'), { type: 'select', index: 2 });
    expect(s).toMatchObject({ screen: 'list', index: 1, listSelection: 2 });
  });

  it('esc goes from another panel to the lesson, and from the lesson to the list', () => {
    const s = keys(fresh(), 'help', 'back');
    expect(s).toMatchObject({ screen: 'level', panel: 'lesson' });
    expect(keys(s, 'back').screen).toBe('list');
  });
});

describe('panels', () => {
  it('? opens the keys and closes them again', () => {
    expect(keys(fresh(), 'help').panel).toBe('help');
    expect(keys(fresh(), 'help', 'help').panel).toBe('lesson');
  });

  it('tab switches between the lesson and the last check, once there is one', () => {
    expect(keys(fresh(), 'toggle')).toMatchObject({ panel: 'lesson', notice: { text: 'No check of this level yet: press c to run one.' } });
    const s = checked(fresh());
    expect(keys(s, 'toggle').panel).toBe('lesson');
    expect(keys(s, 'toggle', 'toggle').panel).toBe('check');
  });

  it("tab does not show another level's check", () => {
    const s = after(checked(fresh()), { type: 'open', index: 1, lesson: '' });
    expect(notice(keys(s, 'toggle'))).toBe('No check of this level yet: press c to run one.');
  });
});

describe('checks', () => {
  it('a check clears the notice and shows the check panel', () => {
    expect(after(keys(fresh(), 'watch'), { type: 'check' })).toMatchObject({ panel: 'check', notice: undefined });
  });

  it('c while this level is being checked only says so', () => {
    const s = after(fresh(), { type: 'check' }, { type: 'run-started', level: '00' });
    expect(checkingHere(s)).toBe(true);
    expect(notice(keys(s, 'check'))).toBe('A check is already running; x stops it.');
    expect(checkingHere(after(s, { type: 'open', index: 1, lesson: '' }))).toBe(false);
  });

  it('folds the events of a run into it', () => {
    const s = checked(fresh());
    expect(s.run).toMatchObject({ level: '00', status: 'done', outcome: { verdict: 'fail' } });
    expect(s.run!.checks.map((c) => c.result?.status)).toEqual(['fail']);
  });

  it('a superseded run shows as stopped if it was running, and a finished one stays as it ended', () => {
    const running = after(fresh(), { type: 'run-started', level: '00' });
    expect(after(running, { type: 'run-superseded' }).run!.status).toBe('stopped');
    expect(after(checked(fresh()), { type: 'run-superseded' }).run!.status).toBe('done');
  });

  it('an aborted run shows as stopped', () => {
    expect(after(fresh(), { type: 'run-started', level: '00' }, { type: 'run-aborted' }).run!.status).toBe('stopped');
    expect(after(fresh(), { type: 'run-aborted' }).run).toBeUndefined();
  });

  it('records each outcome, and a pass of the current level makes the next one current', () => {
    const failed = checked(fresh());
    expect(failed.progress.levels['00']).toMatchObject({ verdict: 'fail', passedEver: false });
    const passed = checked(fresh(), passing());
    expect(passed.progress.levels['00']).toMatchObject({ verdict: 'pass', passedEver: true });
    expect(passed.progress.current).toBe('01');
    expect(passed.index).toBe(0);
  });
});

describe('watch', () => {
  it('w turns watching on and off, saying what it does', () => {
    const on = keys(fresh(), 'watch');
    expect(on.watching).toBe(true);
    expect(notice(on)).toMatch(/^Watching rd.ts and linux.ts: every save re-checks this level/);
    const off = keys(on, 'watch');
    expect(off.watching).toBe(false);
    expect(notice(off)).toBe('Watch off.');
  });
});

describe('hints', () => {
  it('h reveals one hint more per press, up to the last', () => {
    const once = keys(fresh(), 'hint');
    expect(once.panel).toBe('hints');
    expect(once.progress.levels['00']!.hintsRevealed).toBe(1);
    expect(keys(once, 'hint', 'hint', 'hint').progress.levels['00']!.hintsRevealed).toBe(2);
  });

  it('h from another panel first shows the hints already revealed', () => {
    const s = keys(keys(fresh(), 'hint'), 'help', 'hint');
    expect(s.panel).toBe('hints');
    expect(s.progress.levels['00']!.hintsRevealed).toBe(1);
  });

  it('says so for a level without hints', () => {
    const s = keys(fresh('02'), 'hint');
    expect(s).toMatchObject({ panel: 'lesson', notice: { text: 'This level has no hints.' } });
  });
});

describe('solution', () => {
  const view = { mine: 'mine', solution: 'theirs' };
  it('stays closed until the level passed', () => {
    const s = after(fresh(), { type: 'key', key: 'solution', solution: view });
    expect(s.panel).toBe('lesson');
    expect(s.solution).toBeUndefined();
    expect(notice(s)).toBe('The reference solution opens after level 00 passes. Stuck? Press h for a hint.');
  });

  it('opens with the files read for it once the level passed', () => {
    const passed = initialState(LEVELS, recordOutcome(freshProgress(), passing()), lesson);
    expect(after(passed, { type: 'key', key: 'solution', solution: view })).toMatchObject({ panel: 'solution', solution: view });
  });
});

describe('trace', () => {
  const traced = () => checked(fresh(), failing({ trace: '*init 1 unshare(0) = 0' }));
  it('t says when it can show something, until a failure carries a trace', () => {
    expect(notice(keys(fresh(), 'trace'))).toBe('t shows what rd did, once a check that ran rd has failed.');
    expect(notice(keys(checked(fresh()), 'trace'))).toBe('rd made no call through linux.ts in this failed check: t has nothing to show.');
  });

  it('t shows the trace and hides it again; from another panel it goes to the check with the trace shown', () => {
    const s = traced();
    expect(keys(s, 'trace').traceShown).toBe(true);
    expect(keys(s, 'trace', 'trace').traceShown).toBe(false);
    expect(keys(s, 'trace', 'trace', 'back', 'trace')).toMatchObject({ panel: 'check', traceShown: true });
  });
});

describe('reset', () => {
  it('r asks first; n cancels and says the file is unchanged', () => {
    const asking = keys(fresh(), 'reset');
    expect(asking.confirmReset).toBe(true);
    expect(keys(asking, 'no')).toMatchObject({ confirmReset: false, notice: { text: 'Reset cancelled; rd.ts is unchanged.' } });
  });

  it('y closes the question (the reset reports through a notice)', () => {
    const s = after(keys(fresh(), 'reset', 'yes'), { type: 'say', text: 'rd.ts is now the stub', tone: 'good' });
    expect(s).toMatchObject({ confirmReset: false, notice: { text: 'rd.ts is now the stub', tone: 'good' } });
  });

  it('q while asking closes the question and quits', () => {
    expect(keys(fresh(), 'reset', 'quit')).toMatchObject({ confirmReset: false, quitting: true });
  });
});

describe('effects reported back', () => {
  it('takes the merged progress a save returns, unless the progress changed meanwhile', () => {
    const s = keys(fresh(), 'hint');
    const merged = { ...s.progress, current: '01' };
    expect(after(s, { type: 'saved', from: s.progress, to: merged }).progress).toBe(merged);
    const moved = keys(s, 'hint');
    expect(after(moved, { type: 'saved', from: s.progress, to: merged }).progress).toBe(moved.progress);
  });

  it('steps aside for a terminal program and comes back with what it said', () => {
    const launch = { command: 'vim', args: [], terminal: true };
    const aside = after(fresh(), { type: 'step-aside', foreground: { program: 'editor', launch } });
    expect(aside.foreground).toEqual({ program: 'editor', launch });
    const back = after(aside, { type: 'came-back', notice: { text: 'Back from the editor.', tone: 'info' } });
    expect(back).toMatchObject({ foreground: undefined, notice: { text: 'Back from the editor.' } });
  });

  it('keys whose work is an effect leave the state as it was', () => {
    const s = fresh();
    for (const key of ['stop', 'edit', 'shell', 'yes', 'no'] as const) expect(keys(s, key)).toBe(s);
  });
});
