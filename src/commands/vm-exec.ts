import { execInVm } from '../vm/exec.js';
import { bundleWorkspaceRd } from '../check/bundle.js';
import { requireSavedVm } from './saved-guest.js';
import { paint } from '../ui/term.js';
import { parseCommand, wholeNumber, type Command } from '../cli/args.js';
import { UsageError } from '../errors.js';

export const VM_EXEC = {
  name: 'vm exec',
  synopsis: 'rubber-workshop vm exec [--timeout SECONDS] [--timings] [--rd [--trace]] -- CMD…',
  about: `Runs CMD as root in a fresh VM and prints what it prints; exits with its exit status (2: the VM could
not run it). Everything after -- is the command's, untouched. Its input is empty: what you pipe in does not
reach it (in rubber-workshop shell, it does).

Options:
  --timeout SECONDS  stop the VM after this long (default 60)
  --timings          say when the guest was ready
  --rd               with your workspace's rd.ts as the rd command
  --trace            with --rd: then show what your rd did (its system calls into linux.ts)
  -h, --help         show this help
`,
  options: {
    timeout: { type: 'string', default: '60' },
    timings: { type: 'boolean', default: false },
    rd: { type: 'boolean', default: false },
    trace: { type: 'boolean', default: false },
  },
  passThrough: 'after --',
} as const;

/**
 * `rubber-workshop vm exec [--timeout S] [--timings] [--rd [--trace]] -- CMD…`: runs a command as root in a
 * fresh VM; with --rd, the workspace's rd.ts is there as the `rd` command, and with --trace what it did is
 * shown after the command.
 */
export async function vmExec(argv: string[], signal: AbortSignal): Promise<number> {
  const parsed = parseCommand(VM_EXEC, argv);
  if (!parsed) return 0;
  const { values: v, passed: command } = parsed;
  const timeoutS = wholeNumber('--timeout', v.timeout, 1);
  if (v.trace && !v.rd) throw new UsageError('--trace shows what your rd did: use it with --rd');
  if (!command.length) throw new UsageError('give the command after --, e.g. rubber-workshop vm exec -- uname -a');

  const rd = v.rd ? await bundleWorkspaceRd() : undefined;
  const { assets, accel } = await requireSavedVm();
  const run = execInVm({ assets, accel: accel.accel, argv: command, timeoutMs: timeoutS * 1000, signal, rd, trace: v.trace });
  for (;;) {
    const next = await run.next();
    if (next.done) {
      const end = next.value;
      if (end.code !== null) {
        process.stderr.write(paint('dim', `exit status ${end.code} (${(end.ms / 1000).toFixed(1)} s, ${accel.accel})`, false) + '\n');
        return end.code;
      }
      const why = end.reason === 'timeout' ? `the command did not finish within ${timeoutS} s (raise it with --timeout)`
        : end.reason === 'aborted' ? 'interrupted'
        : `the VM stopped without reporting an exit status${end.qemuError ? `: ${end.qemuError.split('\n').slice(-3).join(' ')}` : ''}`;
      process.stderr.write(`rubber-workshop: ${why}\n`);
      return 2;
    }
    const ev = next.value;
    // The command's stderr to stderr; lines of the guest's own (the kernel, the harness) too.
    if (ev.type === 'log') (ev.stream === 'stdout' ? process.stdout : process.stderr).write(ev.line + '\n');
    else if (ev.type === 'booted' && v.timings) process.stderr.write(`[timing] guest ready after ${ev.ms} ms\n`);
  }
}

export const command: Command = { spec: VM_EXEC, main: vmExec };
