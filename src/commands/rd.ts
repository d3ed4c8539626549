import { parseCommand, type Command } from '../cli/args.js';
import { UsageError } from '../errors.js';
import { ESCAPE_KEY } from '../vm/terminal.js';
import { onTerminal } from './shell.js';
import { vmExec } from './vm-exec.js';

export const RD = {
  name: 'rd',
  synopsis: 'rubber-workshop rd [--trace] run [-i IMAGE] … -- CMD [ARGS…]',
  about: `Runs your workspace's rd.ts as root in a fresh VM, with these arguments: what a check's \`rd run …\`
does, by hand. Every argument from the first one on is rd's, untouched (but --help and -h before a --
are this help). On a terminal, your keys and window reach the command (${ESCAPE_KEY} leaves); piped, its
output comes plain, as vm exec gives it, and its input is empty: \`echo x | rubber-workshop rd run -- cat\`
prints nothing (in rubber-workshop shell, \`echo x | rd run -- cat\` prints x).

Options (before rd's arguments):
  --trace      then show what your rd did (its system calls into linux.ts)
  -h, --help   show this help
`,
  options: { trace: { type: 'boolean', default: false } },
  passThrough: 'from the first argument',
} as const;

/** `rubber-workshop rd [--trace] ARGS…`: your runtime, run by hand in a fresh VM (vm exec --rd -- rd ARGS…). */
export async function rdByHand(argv: string[], signal: AbortSignal): Promise<number> {
  const parsed = parseCommand(RD, argv);
  if (!parsed) return 0;
  const { values: { trace }, passed: rdArgs } = parsed;
  if (!rdArgs.length) throw new UsageError("give rd's arguments, e.g. rubber-workshop rd run -i busybox -- /bin/sh");
  // With --trace the calls come after the output, so it runs plain, as vm exec gives it.
  if (!trace && process.stdin.isTTY && process.stdout.isTTY) {
    return onTerminal(['rd', ...rdArgs], signal, `rd ${rdArgs.join(' ')} in a throwaway VM; ${ESCAPE_KEY} leaves`);
  }
  return vmExec(['--rd', ...(trace ? ['--trace'] : []), '--', 'rd', ...rdArgs], signal);
}

export const command: Command = { spec: RD, main: rdByHand };
