import { UserError } from '../rootfs-scripts/user-error.mjs';

export { UserError };

/** What a usage error shows besides its message: the command and its synopsis. */
export interface Usage {
  /** As typed after rubber-workshop, e.g. "vm exec". */
  name: string;
  /** Its usage line(s), e.g. "rubber-workshop vm exec [options] -- CMD…". */
  synopsis: string;
}

/** Arguments a command cannot take; shown with the command's usage when the command is known. */
export class UsageError extends UserError {
  constructor(message: string, readonly usage?: Usage) {
    super(message);
  }
}

/** The lines a user sees for an error they can act on: `rubber-workshop[ COMMAND]: MESSAGE`, then the usage. */
export function userErrorText(err: UserError): string {
  if (!(err instanceof UsageError) || !err.usage) return `rubber-workshop: ${err.message}\n`;
  const { name, synopsis } = err.usage;
  return `rubber-workshop ${name}: ${err.message}\nUsage: ${synopsis}\nSee \`rubber-workshop ${name} --help\`.\n`;
}

/** The short lines for an error nobody expected: what it said, and how to report it. */
export function internalErrorText(err: unknown, env = process.env): string {
  const e = err as Error | undefined;
  const head = `rubber-workshop: internal error: ${e?.message ?? String(err)}\n`;
  return head + (env.RUBBER_WORKSHOP_DEBUG ? `${e?.stack}\n` : 'Set RUBBER_WORKSHOP_DEBUG=1 for details, and please report it.\n');
}

/** What each file-system error a user can meet says, and what to do about it. */
const FILE_ERRORS: Record<string, string> = {
  EACCES: 'permission denied: choose a folder you may write, or fix its owner or mode',
  EPERM: 'not permitted: choose a folder you may write, or fix its owner or mode',
  EROFS: 'the file system is read-only: choose a folder on another one',
  ENOSPC: 'no space left on the device: free some and try again',
  ENOTDIR: 'a part of that path is a file, not a folder: choose another path, or move the file',
  EISDIR: 'that is a folder, where a file belongs: give a file name',
  EEXIST: 'something else is already there: move it aside, or choose another path',
  ENOENT: 'no such file or folder',
};

/**
 * The line for a file-system error on a path the user chose or set up (a read-only folder, a file where a folder
 * goes), which is theirs to fix, not a bug to report; undefined for any other error.
 */
export function fileErrorText(err: unknown): string | undefined {
  const e = err as NodeJS.ErrnoException | undefined;
  const what = e?.code && FILE_ERRORS[e.code];
  if (!what || !e?.path) return undefined;
  const verb = { mkdir: 'make', mkdtemp: 'make a folder in', open: 'open', rename: 'rename', unlink: 'remove', rmdir: 'remove', copyfile: 'copy' }[e.syscall ?? ''] ?? 'use';
  return `rubber-workshop: cannot ${verb} ${e.path}: ${what}\n`;
}
