import fs from 'node:fs';
import path from 'node:path';
import { execInVm } from '../vm/exec.js';
import { bundleRuntime } from '../check/bundle.js';
import { findWorkspace } from '../workspace.js';
import { requireVm } from '../vm/ready.js';
import { paint } from '../ui/term.js';
import { onTerminal } from './shell.js';
import { ESCAPE_KEY } from '../vm/terminal.js';

/**
 * `rubber-workshop vm exec [--timeout S] [--timings] [--rd [--trace]] -- CMD…`: runs a command as root in a
 * fresh VM; with --rd, the workspace's rd.ts is there as the `rd` command, and with --trace what it did is
 * shown after the command.
 */
export async function vmExec(argv: string[], signal: AbortSignal): Promise<number> {
  let timeoutS = 60;
  let timings = false;
  let withRd = false;
  let trace = false;
  const args = [...argv];
  while (args.length && args[0] !== '--') {
    const opt = args.shift()!;
    if (opt === '--timeout' && args.length) timeoutS = Number(args.shift());
    else if (opt === '--timings') timings = true;
    else if (opt === '--rd') withRd = true;
    else if (opt === '--trace') trace = true;
    else throw new UsageError(`vm exec: unknown option ${opt} (options: --timeout SECONDS, --timings, --rd, --trace)`);
  }
  if (trace && !withRd) throw new UsageError('vm exec: --trace shows what your rd did: use it with --rd');
  if (args[0] === '--') args.shift();
  if (!args.length) throw new UsageError('vm exec needs a command: rubber-workshop vm exec -- uname -a');
  if (!(timeoutS > 0)) throw new UsageError('vm exec: --timeout takes seconds, e.g. --timeout 30');

  const rd = withRd ? await bundleWorkspaceRd() : undefined;
  const { assets, accel } = await requireVm();
  const run = execInVm({ assets, accel: accel.accel, argv: args, timeoutMs: timeoutS * 1000, signal, rd, trace });
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

/**
 * `rubber-workshop rd [--trace] ARGS…`: your runtime, run by hand in a fresh VM (vm exec --rd -- rd ARGS…);
 * --trace comes before rd's own arguments, which are all rd's.
 */
export function rdByHand(argv: string[], signal: AbortSignal): Promise<number> {
  const trace = argv[0] === '--trace';
  const rdArgs = trace ? argv.slice(1) : argv;
  if (!rdArgs.length) {
    throw new UsageError('usage: rubber-workshop rd [--trace] run [-i IMAGE] … -- CMD [ARGS…]   (runs your rd.ts in a fresh VM; --trace: then what it did)');
  }
  // On a terminal, the learner's keys and window reach the command (rd run -i busybox /bin/sh is interactive);
  // with output piped, or with --trace (the calls come after the output), it comes plain, as vm exec gives it.
  if (!trace && process.stdin.isTTY && process.stdout.isTTY) {
    return onTerminal(['rd', ...rdArgs], signal, `rd ${rdArgs.join(' ')} in a throwaway VM; ${ESCAPE_KEY} leaves`);
  }
  return vmExec(['--rd', ...(trace ? ['--trace'] : []), '--', 'rd', ...rdArgs], signal);
}

export async function bundleWorkspaceRd(): Promise<string> {
  const dir = findWorkspace() ?? (fs.existsSync('rd.ts') ? process.cwd() : undefined);
  if (!dir) throw new UsageError('this needs your rd.ts: run it inside your workspace, the folder that holds rd.ts (rubber-workshop init DIR makes one)');
  const bundle = await bundleRuntime(path.join(dir, 'rd.ts'));
  if (!bundle.ok) throw new UsageError(`rd.ts does not build:\n${bundle.error}`);
  return bundle.code;
}

export class UsageError extends Error {}
