import fs from 'node:fs';
import path from 'node:path';
import { MAX_READ_BYTES, readLearnerFile } from '../learner-file.js';

/**
 * The commit checked out in a git clone, read from .git without running git (which may be absent, and
 * would refuse a clone owned by another user). Undefined when `dir` is not the top of a clone.
 */
export function gitCommit(dir: string): string | undefined {
  const gitDir = resolveGitDir(path.join(dir, '.git'));
  if (!gitDir) return undefined;
  const head = read(path.join(gitDir, 'HEAD'));
  if (!head) return undefined;
  // A ref names a file under refs/: `ref: ../../dev/zero` would have the grader read anything of the machine's.
  const ref = /^ref: (refs\/\S+)/.exec(head)?.[1];
  if (!ref || ref.split('/').includes('..')) return asSha(head);
  // A worktree keeps its refs in the main repository, named by `commondir`.
  const common = read(path.join(gitDir, 'commondir'));
  const refDirs = [gitDir, ...(common ? [path.resolve(gitDir, common)] : [])];
  for (const d of refDirs) {
    const loose = asSha(read(path.join(d, ref)) ?? '');
    if (loose) return loose;
    const packed = read(path.join(d, 'packed-refs'))?.split('\n').find((l) => l.endsWith(` ${ref}`));
    if (packed) return asSha(packed);
  }
  return undefined;
}

/** .git is a folder, or in worktrees and submodules a file saying `gitdir: PATH`. */
function resolveGitDir(dotGit: string): string | undefined {
  try {
    if (fs.statSync(dotGit).isDirectory()) return dotGit;
  } catch {
    return undefined;
  }
  const target = /^gitdir: (.+)$/m.exec(read(dotGit) ?? '')?.[1]?.trim();
  return target ? path.resolve(path.dirname(dotGit), target) : undefined;
}

function asSha(text: string): string | undefined {
  return /^([0-9a-f]{40}|[0-9a-f]{64})\b/.exec(text.trim())?.[1];
}

/** A file of the learner's .git, unless it is missing, larger than the grader reads, or no regular file. */
function read(file: string): string | undefined {
  try {
    return readLearnerFile(file, MAX_READ_BYTES)?.toString('utf8');
  } catch {
    return undefined;
  }
}
