import path from 'node:path';
import { useCallback, useEffect, useMemo, useReducer } from 'react';
import { Box, Text, useApp } from 'ink';
import type { Level } from '../lessons.js';
import type { Progress } from '../progress.js';
import { resetLevel, workspaceFiles } from '../workspace.js';
import { passTrace } from '../report/reference-trace.js';
import { checkingHere, destination, hasTrace, initialState, openEntry, openLevel, reduce, runHere, type Notice, type Tone } from './app-state.js';
import { CheckPanel } from './check-panel.js';
import { editorCommand, editorFailure, spawnDetached, spawnInTerminal, todoLine, type EditorLaunch } from './editor.js';
import { useSavedProgress, useStepAside, useTerminalSize, useWatch } from './hooks.js';
import { passRecap } from './lesson.js';
import { readLesson, readRd, readSolutionView } from './level-files.js';
import { LevelList } from './level-list.js';
import { LevelScreen, type Action, type Panel } from './level-screen.js';
import { Markdown } from './markdown.js';
import { KeyRouter } from './keys.js';
import { HelpPanel, HintsPanel, SolutionPanel } from './panels.js';
import { useCheckRunner, type RunCheck } from './use-check.js';

export interface Editors {
  /** Starts an editor that opens its own window. */
  detached(launch: EditorLaunch): Promise<void>;
  /** Runs an editor in this terminal; the TUI has stepped aside by then. */
  inTerminal(launch: EditorLaunch): Promise<void>;
}

export interface AppProps {
  workspaceDir: string;
  levels: Level[];
  progress: Progress;
  runCheck: RunCheck;
  /** Shown when the TUI opens, e.g. that a corrupt progress file was kept aside. */
  startupNotice?: Notice;
  env?: NodeJS.ProcessEnv;
  editors?: Editors;
  watchDebounceMs?: number;
  /** Aborting it quits as the q key does (stopping a running check first), e.g. on SIGTERM. */
  signal?: AbortSignal;
  /** `rubber-workshop shell`, run on this terminal by the v key. */
  shell?: EditorLaunch;
}

const defaultEditors: Editors = { detached: spawnDetached, inTerminal: spawnInTerminal };

const PANEL_TITLES: Record<Panel, string> = {
  lesson: 'lesson',
  check: 'check',
  hints: 'hints',
  solution: 'reference solution',
  help: 'keys',
};

/**
 * The whole TUI: a level list and one screen per level, with checks, watch, hints, solution, reset and editor.
 * Its state is app-state.ts's reducer; this component carries out the effects and draws the state.
 */
export function App({ workspaceDir, levels, progress: initial, runCheck, startupNotice, env = process.env, editors = defaultEditors, watchDebounceMs, signal, shell }: AppProps) {
  const { exit } = useApp();
  const { rows } = useTerminalSize();
  // The lazy initializer reads the first lesson once, on mount.
  const [state, dispatch] = useReducer(reduce, undefined, () => initialState(levels, initial, readLesson, startupNotice));
  const say = (text: string, tone?: Tone) => dispatch({ type: 'say', text, tone });
  const level = openLevel(state);
  const entry = openEntry(state);
  const run = runHere(state);
  const { panel, foreground, quitting } = state;

  useSavedProgress(workspaceDir, state.progress, dispatch);
  const { start: startRun, stop: stopRun } = useCheckRunner(runCheck, workspaceDir, dispatch);
  const startCheck = () => {
    dispatch({ type: 'check' });
    startRun(level.id);
  };
  const watch = useWatch(state.watching, workspaceDir, startCheck, watchDebounceMs);
  useStepAside(foreground, editors.inTerminal, dispatch);

  const open = (index: number) => dispatch({ type: 'open', index, lesson: readLesson(levels[index]!) });

  const quit = useCallback(async () => {
    dispatch({ type: 'key', key: 'quit' });
    await stopRun();
    exit();
  }, [stopRun, exit]);

  useEffect(() => {
    if (!signal) return;
    const onAbort = () => void quit();
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort);
    return () => signal.removeEventListener('abort', onAbort);
  }, [signal, quit]);

  // Keys whose work is outside the state do it here; the reducer decides what every key shows. s reads the
  // files it compares on each press (the reducer opens them only once the level passed).
  const act = (key: Action) => {
    const to = destination(state, key);
    if (to !== undefined) return open(to);
    if (key === 'check' && !checkingHere(state)) return startCheck();
    if (key === 'quit') return void quit();
    dispatch({ type: 'key', key, ...(key === 'solution' && { solution: readSolutionView(workspaceDir, level) }) });
    if (key === 'yes' && state.confirmReset) reset();
    else if (key === 'stop' && state.run?.status === 'running') void stopRun().then(() => say('Check stopped.'));
    else if (key === 'edit') edit();
    else if (key === 'shell' && shell) dispatch({ type: 'step-aside', foreground: { program: 'shell', launch: shell } });
  };

  const reset = () => {
    try {
      const backup = resetLevel(workspaceDir, level.id, levels);
      // The reset itself is not a save by the learner: don't let watch re-check the stub.
      watch.resync();
      say(backup ? `rd.ts is now level ${level.id}'s stub. Your previous file: ${path.relative(workspaceDir, backup)}` : `rd.ts is now level ${level.id}'s stub.`, 'good');
    } catch (err) {
      say((err as Error).message, 'bad');
    }
  };

  const edit = () => {
    const launch = editorCommand(env, workspaceFiles(workspaceDir).rd, todoLine(readRd(workspaceDir), level.id));
    if (launch.terminal) return dispatch({ type: 'step-aside', foreground: { program: 'editor', launch } });
    editors.detached(launch).then(
      () => say(`Opened rd.ts in ${launch.command}.`),
      (err: unknown) => say(editorFailure(launch, err), 'bad'),
    );
  };

  const recap = useMemo(() => passRecap(state.lesson), [state.lesson]);
  const body = (() => {
    switch (panel) {
      case 'check':
        return run ? (
          <CheckPanel
            run={run}
            title={level.title}
            hints={{ revealed: entry.hintsRevealed, total: level.hints.length }}
            next={levels[state.index + 1]}
            recap={recap}
            traceShown={state.traceShown}
          />
        ) : (
          <Text>No check of this level yet: press c to run one.</Text>
        );
      case 'hints':
        return <HintsPanel hints={level.hints} revealed={entry.hintsRevealed} />;
      case 'solution':
        return <SolutionPanel {...state.solution!} myTrace={run?.outcome && passTrace(run.outcome, level.id)} />;
      case 'help':
        return <HelpPanel workspaceDir={workspaceDir} />;
      case 'lesson':
        return <Markdown source={state.lesson} />;
    }
  })();

  return (
    <KeyRouter active={!foreground && !quitting}>
      <Box flexDirection="column" height={rows - 1} display={foreground ? 'none' : 'flex'}>
        {state.screen === 'list' ? (
          <LevelList
            levels={levels}
            progress={state.progress}
            selected={state.listSelection}
            onSelect={(index) => dispatch({ type: 'select', index })}
            onOpen={open}
            onQuit={() => void quit()}
          />
        ) : (
          <LevelScreen
            id={level.id}
            title={level.title}
            position={state.index + 1}
            count={levels.length}
            entry={entry}
            panel={panel}
            panelTitle={PANEL_TITLES[panel]}
            checking={state.run?.status === 'running' ? state.run.level : undefined}
            watching={state.watching}
            notice={quitting ? { text: 'Stopping the check…', tone: 'info' } : state.notice}
            confirm={state.confirmReset ? `Replace rd.ts with level ${level.id}'s stub? Your file is backed up first.` : undefined}
            passed={entry.passedEver}
            trace={hasTrace(state) && panel === 'check' ? (state.traceShown ? 'shown' : 'hidden') : undefined}
            onAction={act}
          >
            {body}
          </LevelScreen>
        )}
      </Box>
    </KeyRouter>
  );
}
