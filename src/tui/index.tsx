import path from 'node:path';
import { render } from 'ink';
import type { CheckEvent, Outcome } from '../check/types.js';
import { loadLevels, type Level } from '../lessons.js';
import { corruptNotice, loadProgress, type LoadedProgress } from '../progress.js';
import { refreshToolkit, WorkspaceError } from '../workspace.js';
import { App, type Editors } from './app.js';
import { spawnDetached, spawnInTerminal, type EditorLaunch } from './editor.js';
import type { Notice } from './app-state.js';
import { makeTheme, ThemeProvider } from './theme.js';
import type { RunCheck } from './use-check.js';

export type { RunCheck } from './use-check.js';

export interface TuiOptions {
  workspaceDir: string;
  /** The check runner; defaults to src/check/run.ts, loaded on first use. */
  runCheck?: RunCheck;
  levels?: Level[];
  /** Quits the TUI (stopping a running check first) when aborted, e.g. on SIGTERM. */
  signal?: AbortSignal;
}

const ENTER_ALT_SCREEN = '\x1b[?1049h\x1b[H';
const LEAVE_ALT_SCREEN = '\x1b[?1049l';

/**
 * The interactive workshop: lessons, checks, watch mode, hints, solutions. Runs on the alternate screen
 * (the learner's scrollback stays as it was) until the learner quits; a running check is stopped first.
 * Needs a terminal: see {@link tuiUnavailableMessage}.
 */
export async function runTui(opts: TuiOptions): Promise<void> {
  const workspaceDir = path.resolve(opts.workspaceDir);
  const levels = opts.levels ?? loadLevels();
  const { progress, corrupt } = loadProgress(workspaceDir, levels.map((l) => l.id));
  const notice = startupNotice(workspaceDir, corrupt);
  const stdout = process.stdout;
  const leave = () => stdout.write(LEAVE_ALT_SCREEN);
  stdout.write(ENTER_ALT_SCREEN);
  process.once('exit', leave);
  try {
    const app = render(
      <ThemeProvider theme={makeTheme()}>
        <App workspaceDir={workspaceDir} levels={levels} progress={progress} runCheck={opts.runCheck ?? loadRunCheck} startupNotice={notice} editors={terminalEditors()} signal={opts.signal} shell={{ command: process.execPath, args: [process.argv[1]!, 'shell'], terminal: true }} />
      </ThemeProvider>,
      { exitOnCtrlC: false },
    );
    // Spare VMs, restored and warmed up while the learner reads and edits, make the first check quick too.
    if (!opts.runCheck) void import('../check/run.js').then((m) => m.keepSpareVms(), () => {});
    await app.waitUntilExit();
  } finally {
    if (!opts.runCheck) (await import('../vm/spare.js')).keepSpares(0);
    process.off('exit', leave);
    leave();
  }
}

/** Why the TUI cannot run here (no terminal on stdin or stdout), as a sentence for the learner; undefined if it can. */
export function tuiUnavailableMessage(stdin: { isTTY?: boolean } = process.stdin, stdout: { isTTY?: boolean } = process.stdout): string | undefined {
  if (stdin.isTTY && stdout.isTTY) return undefined;
  return 'rubber-workshop needs a terminal for its interactive view. To check your work without one, run: rubber-workshop check [LEVEL]';
}

/** Imports the check runner (and the VM code behind it) only when the first check starts. */
async function* loadRunCheck(opts: { workspaceDir: string; level: string; signal?: AbortSignal }): AsyncGenerator<CheckEvent, Outcome> {
  const { defaultVms, runCheck } = await import('../check/run.js');
  return yield* runCheck({ ...opts, vms: defaultVms() });
}

/** What the learner should know on opening: a corrupt progress file kept aside, a refreshed or backed-up linux.ts. */
export function startupNotice(workspaceDir: string, corrupt: LoadedProgress['corrupt']): Notice | undefined {
  const notes: string[] = [];
  if (corrupt) notes.push(corruptNotice(workspaceDir, corrupt));
  try {
    const refreshed = refreshToolkit(workspaceDir);
    if (refreshed.written) notes.push('linux.ts was updated to this version of the toolkit.');
    if (refreshed.backup) notes.push(`Your edited linux.ts was kept as ${path.relative(workspaceDir, refreshed.backup)}.`);
  } catch (err) {
    if (!(err instanceof WorkspaceError)) throw err;
    notes.push(err.message);
  }
  if (notes.length === 0) return undefined;
  return { text: notes.join(' '), tone: corrupt ? 'bad' : 'info' };
}

/** Editors for a real terminal: a terminal editor gets the screen and the keyboard to itself while it runs. */
function terminalEditors(): Editors {
  return {
    detached: spawnDetached,
    async inTerminal(launch: EditorLaunch) {
      // Ink has released raw mode; stop reading too, or keystrokes meant for the editor land here.
      process.stdin.pause();
      process.stdout.write(LEAVE_ALT_SCREEN);
      try {
        await spawnInTerminal(launch);
      } finally {
        process.stdout.write(`${ENTER_ALT_SCREEN}\x1b[2J`);
      }
    },
  };
}
