import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';

/** How to open a file at a line. `terminal` editors take over the terminal, so the TUI steps aside. */
export interface EditorLaunch {
  command: string;
  args: string[];
  terminal: boolean;
}

type LineStyle = 'plus' | 'colon' | 'goto' | 'none';

/** Editors whose line syntax we know; anything else is opened on the file alone, in the terminal. */
const KNOWN: Record<string, { style: LineStyle; terminal: boolean }> = {
  vi: { style: 'plus', terminal: true },
  vim: { style: 'plus', terminal: true },
  nvim: { style: 'plus', terminal: true },
  view: { style: 'plus', terminal: true },
  nano: { style: 'plus', terminal: true },
  pico: { style: 'plus', terminal: true },
  emacs: { style: 'plus', terminal: true },
  emacsclient: { style: 'plus', terminal: true },
  micro: { style: 'plus', terminal: true },
  kak: { style: 'plus', terminal: true },
  joe: { style: 'plus', terminal: true },
  mg: { style: 'plus', terminal: true },
  hx: { style: 'colon', terminal: true },
  helix: { style: 'colon', terminal: true },
  code: { style: 'goto', terminal: false },
  // code-server's own command (entry.js) takes no -g: it opens FILE:LINE at the line.
  'code-server': { style: 'colon', terminal: false },
  'code-insiders': { style: 'goto', terminal: false },
  codium: { style: 'goto', terminal: false },
  cursor: { style: 'goto', terminal: false },
  subl: { style: 'colon', terminal: false },
  zed: { style: 'colon', terminal: false },
  gedit: { style: 'plus', terminal: false },
};

/**
 * $VISUAL, else $EDITOR, else VS Code's command as PATH has it (`code -g file:line`), or code-server's, which is
 * all its terminal has (the classroom image's IDE).
 */
export function editorCommand(env: NodeJS.ProcessEnv, file: string, line: number): EditorLaunch {
  const configured = (env.VISUAL || env.EDITOR || '').trim();
  const vscode = ['code', 'code-server'].map((c) => onPath(c, env.PATH)).find(Boolean) ?? 'code';
  const [command = vscode, ...extra] = configured ? configured.split(/\s+/) : [vscode];
  const known = KNOWN[path.basename(command)];
  // A VS Code server's command line for its terminals (…/bin/remote-cli/, whatever its name) is VS Code's: -g.
  const style = path.basename(path.dirname(command)) === 'remote-cli' ? 'goto' : known?.style ?? 'none';
  const at = {
    plus: [`+${line}`, file],
    colon: [`${file}:${line}`],
    goto: ['-g', `${file}:${line}`],
    none: [file],
  }[style];
  // Unknown editors are assumed to run in the terminal: stepping aside needlessly is harmless, drawing over one is not.
  return { command, args: [...extra, ...at], terminal: known?.terminal ?? true };
}

/** Where `command` is on PATH, or undefined. */
function onPath(command: string, PATH = ''): string | undefined {
  return PATH.split(path.delimiter).map((dir) => path.join(dir || '.', command)).find((file) => {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * The line to open rd.ts at: the first TODO comment that names `level` ("TODO(03)", "TODO … level 03"),
 * else the first TODO comment, else line 1. Only comments that start with TODO count, not prose that
 * mentions one ("look for TODO").
 */
export function todoLine(source: string, level: string): number {
  const lines = source.split('\n');
  const todo = /^\s*(\/\/|\/?\*+)\s*TODO\b/;
  const namesLevel = new RegExp(`TODO\\s*\\(\\s*${level}\\s*\\)|TODO\\b.*\\blevel ${level}\\b`);
  const first = (match: (line: string) => boolean) => lines.findIndex(match) + 1;
  return first((l) => todo.test(l) && namesLevel.test(l)) || first((l) => todo.test(l)) || 1;
}

/** Starts a window-opening editor and lets it run on its own; resolves once it started (or rejects). */
export function spawnDetached(launch: EditorLaunch): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(launch.command, launch.args, { detached: true, stdio: 'ignore' });
    child.once('error', reject);
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}

/** Runs a terminal editor on the inherited terminal; resolves when it exits. */
export function spawnInTerminal(launch: EditorLaunch): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(launch.command, launch.args, { stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', () => resolve());
  });
}

/** The learner-facing sentence for a failed editor start. */
export function editorFailure(launch: EditorLaunch, err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    return `Could not start "${launch.command}": not found. Set $EDITOR to your editor's command and try again, or open rd.ts in your editor yourself.`;
  }
  return `Could not start "${launch.command}": ${(err as Error).message}`;
}
