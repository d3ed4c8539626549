import fs from 'node:fs';
import path from 'node:path';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Box, Text, useApp } from 'ink';
import type { Level } from '../lessons.js';
import { levelProgress, recordCheck, revealHint, setCurrentLevel, type Progress } from '../progress.js';
import { resetLevel, workspaceFiles } from '../workspace.js';
import type { Outcome } from '../check/types.js';
import { passTrace, readReferenceTrace } from '../report/reference-trace.js';
import { CheckPanel, shownFailure } from './check-panel.js';
import { editorCommand, editorFailure, spawnDetached, spawnInTerminal, todoLine, type EditorLaunch } from './editor.js';
import { useNotice, useProgress, useTerminalSize, useWatch, type Notice } from './hooks.js';
import { passRecap } from './lesson.js';
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

/** The whole TUI: a level list and one screen per level, with checks, watch, hints, solution, reset and editor. */
export function App({ workspaceDir, levels, progress: initial, runCheck, startupNotice, env = process.env, editors = defaultEditors, watchDebounceMs, signal, shell }: AppProps) {
  const { exit } = useApp();
  const { rows } = useTerminalSize();
  const files = workspaceFiles(workspaceDir);
  const { notice, say, clear } = useNotice(startupNotice);
  const { progress, update } = useProgress(workspaceDir, initial, (m) => say(m, 'bad'));
  const startIndex = Math.max(0, levels.findIndex((l) => l.id === initial.current));
  const [screen, setScreen] = useState<'list' | 'level'>('level');
  const [index, setIndex] = useState(startIndex);
  const [listSelection, setListSelection] = useState(startIndex);
  const [panel, setPanel] = useState<Panel>('lesson');
  const [watching, setWatching] = useState(false);
  const [confirmReset, setConfirmReset] = useState(false);
  // A program that has the terminal to itself for a while (a terminal editor, the VM shell).
  const [foreground, setForeground] = useState<{ launch: EditorLaunch; back: string; failed: (err: unknown) => string }>();
  const [quitting, setQuitting] = useState(false);
  const [traceShown, setTraceShown] = useState(false);
  const level = levels[index]!;
  const entry = levelProgress(progress, level.id);

  const onOutcome = useCallback(
    (outcome: Outcome) => update((p) => recordCheck(p, outcome, levels.map((l) => l.id))),
    [levels, update],
  );
  const checker = useCheckRunner(runCheck, workspaceDir, onOutcome);
  const { start: startRun, stop: stopRun } = checker;
  const runHere = checker.run?.level === level.id ? checker.run : undefined;
  const hasTrace = Boolean(shownFailure(runHere?.outcome)?.trace);

  const startCheck = useCallback(() => {
    clear();
    startRun(level.id);
    setPanel('check');
  }, [startRun, level.id, clear]);
  const watch = useWatch(watching, workspaceDir, startCheck, watchDebounceMs);

  const open = useCallback(
    (i: number) => {
      const target = levels[i]!;
      setIndex(i);
      setListSelection(i);
      setScreen('level');
      setPanel('lesson');
      setConfirmReset(false);
      clear();
      if (progress.current !== target.id) update((p) => setCurrentLevel(p, target.id));
    },
    [levels, progress.current, update, clear],
  );

  const quit = useCallback(async () => {
    setQuitting(true);
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

  const act = (action: Action) => {
    if (confirmReset) {
      setConfirmReset(false);
      if (action === 'yes') doReset();
      else if (action === 'no') say('Reset cancelled; rd.ts is unchanged.');
      if (action !== 'quit') return;
    }
    switch (action) {
      case 'check':
        if (checker.running && checker.run?.level === level.id) say('A check is already running; x stops it.');
        else startCheck();
        return;
      case 'stop':
        if (checker.running) void stopRun().then(() => say('Check stopped.'));
        return;
      case 'watch':
        setWatching((w) => !w);
        say(watching ? 'Watch off.' : 'Watching rd.ts and linux.ts: every save re-checks this level. (Saves not noticed? Press c.)');
        return;
      case 'hint':
        return showHint();
      case 'solution':
        if (entry.passedEver) setPanel('solution');
        else say(`The reference solution opens after level ${level.id} passes. Stuck? Press h for a hint.`);
        return;
      case 'trace':
        if (!hasTrace) say("t shows what rd did, once a check that ran rd has failed.");
        else if (panel !== 'check') {
          setPanel('check');
          setTraceShown(true);
        } else setTraceShown((shown) => !shown);
        return;
      case 'reset':
        setConfirmReset(true);
        return;
      case 'edit':
        return edit();
      case 'shell':
        if (shell) setForeground({ launch: shell, back: 'Back from the VM; it is gone.', failed: (err) => `Could not start the shell: ${(err as Error).message}` });
        return;
      case 'next':
      case 'prev': {
        const to = index + (action === 'next' ? 1 : -1);
        if (to >= 0 && to < levels.length) open(to);
        else say(action === 'next' ? 'This is the last level.' : 'This is the first level.');
        return;
      }
      case 'continue':
        if (panel === 'check' && runHere?.outcome?.verdict === 'pass' && index + 1 < levels.length) open(index + 1);
        return;
      case 'list':
        setListSelection(index);
        setScreen('list');
        return;
      case 'help':
        setPanel(panel === 'help' ? 'lesson' : 'help');
        return;
      case 'toggle':
        if (panel === 'lesson' && !runHere) say('No check of this level yet: press c to run one.');
        else setPanel(panel === 'lesson' ? 'check' : 'lesson');
        return;
      case 'back':
        if (panel === 'lesson') setScreen('list');
        else setPanel('lesson');
        return;
      case 'quit':
        void quit();
        return;
    }
  };

  const showHint = () => {
    const total = level.hints.length;
    if (total === 0) {
      say('This level has no hints.');
      return;
    }
    // The first press on another panel shows what was revealed; only then does a press reveal more.
    if (panel !== 'hints' && entry.hintsRevealed > 0) {
      setPanel('hints');
      return;
    }
    if (entry.hintsRevealed < total) update((p) => revealHint(p, level.id, total));
    setPanel('hints');
  };

  const doReset = () => {
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
    const source = readOr(files.rd, '');
    const launch = editorCommand(env, files.rd, todoLine(source, level.id));
    if (launch.terminal) {
      setForeground({ launch, back: 'Back from the editor.', failed: (err) => editorFailure(launch, err) });
      return;
    }
    editors.detached(launch).then(
      () => say(`Opened rd.ts in ${launch.command}.`),
      (err: unknown) => say(editorFailure(launch, err), 'bad'),
    );
  };

  // A terminal program runs once the TUI has stepped aside (input released, output cleared). Ink writes at
  // most 30 frames a second, so wait a frame for the cleared screen to be written first.
  useEffect(() => {
    if (!foreground) return;
    const timer = setTimeout(() => {
      editors.inTerminal(foreground.launch).then(
        () => say(foreground.back),
        (err: unknown) => say(foreground.failed(err), 'bad'),
      ).finally(() => setForeground(undefined));
    }, 50);
    return () => clearTimeout(timer);
  }, [foreground, editors, say]);

  const lesson = useMemo(() => readOr(level.lessonFile, `The lesson for level ${level.id} is missing (${level.lessonFile}).`), [level]);
  const body = (() => {
    switch (panel) {
      case 'check':
        return runHere ? (
          <CheckPanel
            run={runHere}
            title={level.title}
            hints={{ revealed: entry.hintsRevealed, total: level.hints.length }}
            next={levels[index + 1]}
            recap={passRecap(lesson)}
            traceShown={traceShown}
          />
        ) : (
          <Text>No check of this level yet: press c to run one.</Text>
        );
      case 'hints':
        return <HintsPanel hints={level.hints} revealed={entry.hintsRevealed} />;
      case 'solution':
        return (
          <SolutionPanel
            mine={readOr(files.rd, '')}
            solution={textOr(level.solution, '')}
            reference={readReferenceTrace(level)}
            myTrace={runHere?.outcome && passTrace(runHere.outcome, level.id)}
          />
        );
      case 'help':
        return <HelpPanel workspaceDir={workspaceDir} />;
      case 'lesson':
        return <Markdown source={lesson} />;
    }
  })();

  return (
    <KeyRouter active={!foreground && !quitting}>
      <Box flexDirection="column" height={rows - 1} display={foreground ? 'none' : 'flex'}>
        {screen === 'list' ? (
          <LevelList levels={levels} progress={progress} selected={listSelection} onSelect={setListSelection} onOpen={open} onQuit={() => void quit()} />
        ) : (
          <LevelScreen
            id={level.id}
            title={level.title}
            position={index + 1}
            count={levels.length}
            entry={entry}
            panel={panel}
            panelTitle={PANEL_TITLES[panel]}
            checking={checker.running ? checker.run?.level : undefined}
            watching={watching}
            notice={quitting ? { text: 'Stopping the check…', tone: 'info' } : notice}
            confirm={confirmReset ? `Replace rd.ts with level ${level.id}'s stub? Your file is backed up first.` : undefined}
            passed={entry.passedEver}
            trace={hasTrace && panel === 'check' ? (traceShown ? 'shown' : 'hidden') : undefined}
            onAction={act}
          >
            {body}
          </LevelScreen>
        )}
      </Box>
    </KeyRouter>
  );
}

function textOr(make: () => string, fallback: string): string {
  try {
    return make();
  } catch {
    return fallback;
  }
}

const readOr = (file: string, fallback: string) => textOr(() => fs.readFileSync(file, 'utf8'), fallback);
