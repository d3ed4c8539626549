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
