import { execInVm } from '../vm/exec.js';
import { requireVm } from './vm-ready.js';
import { paint } from '../ui/term.js';

/** `rubber-workshop vm exec [--timeout S] [--timings] -- CMD…`: runs a command as root in a fresh VM. */
export async function vmExec(argv: string[], signal: AbortSignal): Promise<number> {
  let timeoutS = 60;
  let timings = false;
  const args = [...argv];
  while (args.length && args[0] !== '--') {
    const opt = args.shift()!;
    if (opt === '--timeout' && args.length) timeoutS = Number(args.shift());
    else if (opt === '--timings') timings = true;
    else throw new UsageError(`vm exec: unknown option ${opt} (options: --timeout SECONDS, --timings)`);
  }
  if (args[0] === '--') args.shift();
  if (!args.length) throw new UsageError('vm exec needs a command: rubber-workshop vm exec -- uname -a');
  if (!(timeoutS > 0)) throw new UsageError('vm exec: --timeout takes seconds, e.g. --timeout 30');

  const { assets, accel } = await requireVm();
  const run = execInVm({ assets, accel: accel.accel, argv: args, timeoutMs: timeoutS * 1000, signal });
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
    if (ev.type === 'log') process.stdout.write(ev.line + '\n');
    else if (ev.type === 'booted' && timings) process.stderr.write(`[timing] guest ready after ${ev.ms} ms\n`);
  }
}

export class UsageError extends Error {}
