import os from 'node:os';
import path from 'node:path';
import { findWorkspace, initWorkspace } from '../workspace.js';
import { parseCommand, type Command } from '../cli/args.js';
import * as v from 'valibot';
import { UsageError } from '../errors.js';
import { readJsonFileIfValid } from '../json-file.js';
import { shellQuote } from '../vm/exec.js';

export const INIT = {
  name: 'init',
  synopsis: 'rubber-workshop init [DIR]',
  about: `Makes DIR (default: this folder) a workspace: rd.ts at level 00, linux.ts (the toolkit), and
.rubber-workshop/ for your progress. Files already there are kept as they are, but for linux.ts, which is
brought up to this version (an edited copy is backed up first, in .rubber-workshop/backups).

Options:
  -h, --help   show this help
`,
  options: {},
  maxPositionals: 1,
} as const;

/** `rubber-workshop init [DIR]`: makes DIR (default: here) a workspace, keeping whatever is already there. */
export async function init(argv: string[]): Promise<number> {
  const parsed = parseCommand(INIT, argv);
  if (!parsed) return 0;
  const given = parsed.positionals[0] ?? '.';
  // A quoted ~ reaches us as it is: it would make a folder named ~ here, not one in the home folder.
  if (given === '~' || given.startsWith('~/'))
    throw new UsageError(`${given} starts with a ~ the shell did not expand (was it quoted?): write ${path.join(os.homedir(), given.slice(1))}`);
  // README's set-up runs from the clone's folder: a bare `init` there would make the tool's own sources a workspace.
  if (isToolFolder(path.resolve(given)))
    throw new UsageError(`${given === '.' ? 'this folder' : given} is rubber-workshop's own (its clone): make your workspace elsewhere, e.g. rubber-workshop init ~/rd-workspace`);
  // A workspace inside another one is a second workspace, whose progress and rd.ts are its own: say so.
  const outer = findWorkspace(path.dirname(path.resolve(given)));
  const report = initWorkspace(path.resolve(given));
  const fromHere = path.relative(process.cwd(), report.dir) || '.';
  const home = os.homedir();
  const rel = !fromHere.startsWith('..') ? fromHere
    : report.dir.startsWith(home + path.sep) ? `~/${path.relative(home, report.dir)}` : report.dir;
  if (outer && outer !== report.dir) console.log(`Note: this is inside the workspace ${outer}; it is another workspace, with its own rd.ts and progress.`);
  if (report.created.length) console.log(`Created in ${rel}: ${report.created.join(', ')}`);
  if (report.kept.length) console.log(`Kept as they were: ${report.kept.join(', ')}`);
  const updated = report.toolkitUpdated;
  if (updated) console.log(`Updated linux.ts to this version of the toolkit${updated.backup ? ` (your edited copy: ${path.relative(report.dir, updated.backup)})` : ''}`);
  console.log(`\nNext: ${rel === '.' ? '' : `cd ${forShell(rel)} && `}rubber-workshop   (or: rubber-workshop check)`);
  console.log('For editor type-checking of rd.ts, run npm install there once (optional).');
  return 0;
}

/** A folder holding rubber-workshop itself: its package.json names the tool. */
function isToolFolder(dir: string): boolean {
  return readJsonFileIfValid(path.join(dir, 'package.json'), v.object({ name: v.string() }))?.name === 'rubber-workshop';
}

/** A path to paste into a shell: quoted where it needs it, a leading ~/ left for the shell to expand. */
function forShell(p: string): string {
  if (/^[\w@%+=:,./~-]+$/.test(p)) return p;
  return p.startsWith('~/') ? `~/${shellQuote([p.slice(2)])}` : shellQuote([p]);
}

export const command: Command = { spec: INIT, main: init };
