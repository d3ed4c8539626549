import fs from 'node:fs';
import path from 'node:path';
import { GradeError } from './errors.js';

/** One learner's work to grade. */
export interface Submission {
  /** The workspace folder (the one holding rd.ts), absolute and with symlinks resolved: its identity. */
  dir: string;
  /** A readable name for the learner: the folder's own name, or the name of the learner's folder in a class folder. */
  name: string;
  /** Why it cannot be graded (no rd.ts, listed but missing); it still gets a result saying so. */
  problem?: string;
}

/** How deep below a learner's folder rd.ts is looked for (a clone may hold the workspace in a subfolder). */
const NESTED_DEPTH = 2;

/**
 * Finds the submissions named by `paths`: a workspace (a folder with rd.ts), a folder of learners' folders
 * (each one a submission, even one without rd.ts, so no learner goes missing), or a list file naming
 * workspace folders, one a line. The same folder named twice is graded once. Sorted by folder.
 */
export function discoverSubmissions(paths: readonly string[], cwd: string = process.cwd()): Submission[] {
  const found = new Map<string, Submission>();
  const add = (s: Submission) => {
    if (!found.has(s.dir)) found.set(s.dir, s);
  };
  for (const given of paths) {
    const full = path.resolve(cwd, given);
    const stat = statOrUndefined(full);
    if (!stat) throw new GradeError(`${given}: no such file or folder`);
    if (stat.isFile()) listFile(full, given).forEach(add);
    else if (hasRd(full)) add(workspace(full));
    else classFolder(full, given).forEach(add);
  }
  return [...found.values()].sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
}

function listFile(file: string, given: string): Submission[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new GradeError(`${given}: cannot read it (${(err as NodeJS.ErrnoException).code})`);
  }
  const entries = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  if (entries.length === 0) throw new GradeError(`${given}: lists no workspace folders`);
  const base = path.dirname(file);
  return entries.map((entry) => {
    const dir = path.resolve(base, entry);
    if (!statOrUndefined(dir)?.isDirectory()) return { dir, name: path.basename(dir), problem: `listed in ${given}, but there is no folder ${entry}` };
    return learnerFolder(dir);
  });
}

/** Folders that hold no learner's work: hidden ones, packages, and the one a fresh ext4 volume has at its root. */
const holdsNoLearner = (name: string) => name.startsWith('.') || name === 'node_modules' || name === 'lost+found';

function classFolder(dir: string, given: string): Submission[] {
  const learners = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => isFolder(d, dir) && !holdsNoLearner(d.name))
    .map((d) => learnerFolder(path.join(dir, d.name)));
  if (learners.length === 0) throw new GradeError(`${given}: no rd.ts in it, and no learner folders either`);
  return learners;
}

/** A learner's folder: the workspace itself, or one holding exactly one workspace somewhere below it. */
function learnerFolder(dir: string): Submission {
  const name = path.basename(dir);
  if (hasRd(dir)) return workspace(dir, name);
  const nested = findNested(dir, NESTED_DEPTH);
  if (nested.length === 1) return workspace(nested[0]!, name);
  const real = realpath(dir);
  if (nested.length === 0) return { dir: real, name, problem: 'no rd.ts in this folder' };
  return { dir: real, name, problem: `several workspaces in this folder (${nested.map((n) => path.relative(dir, n)).join(', ')}): list the one to grade` };
}

function findNested(dir: string, depth: number): string[] {
  if (depth === 0) return [];
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((d) => d.isDirectory() && !holdsNoLearner(d.name))
    .flatMap((d) => {
      const sub = path.join(dir, d.name);
      return hasRd(sub) ? [sub] : findNested(sub, depth - 1);
    });
}

function workspace(dir: string, name: string = path.basename(dir)): Submission {
  return { dir: realpath(dir), name };
}

function hasRd(dir: string): boolean {
  return statOrUndefined(path.join(dir, 'rd.ts'))?.isFile() ?? false;
}

/** Symlinked learner folders count as folders: a class is often assembled from links. */
function isFolder(d: fs.Dirent, parent: string): boolean {
  return d.isDirectory() || (d.isSymbolicLink() && (statOrUndefined(path.join(parent, d.name))?.isDirectory() ?? false));
}

function statOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch {
    return undefined;
  }
}

function realpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}
