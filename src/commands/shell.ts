import { runShell } from '../vm/shell.js';
import { ESCAPE_KEY } from '../vm/terminal.js';
import { bundleWorkspaceRd } from '../check/bundle.js';
import { requireSavedVm } from './saved-guest.js';
import { parseCommand, type Command } from '../cli/args.js';
import { UserError } from '../errors.js';
import { attach, connectSession } from '../vm/attach.js';
import { paint } from '../ui/term.js';

/** The guest's interactive shell: the prompt names the VM and the folder. */
const INTERACTIVE_SHELL = ['env', 'PS1=\\h:\\w# ', 'sh', '-i'];

export const SHELL = {
  name: 'shell',
  synopsis: 'rubber-workshop shell [--attach]',
  about: `A root shell in a throwaway VM, as a check's rd runs in, with your workspace's rd.ts as the rd
command. exit or ${ESCAPE_KEY} leaves, and nothing is kept. It needs a terminal; without one, run commands
with rubber-workshop vm exec --rd -- CMD….

Options:
  --attach     a second terminal on the running shell's VM (${ESCAPE_KEY} detaches; the VM goes on)
  -h, --help   show this help
`,
  options: { attach: { type: 'boolean', default: false } },
} as const;

/**
 * `rubber-workshop shell`: a root shell in a throwaway VM, where rd runs in a check, with your rd.ts as `rd`;
 * `--attach`: a second terminal on it.
 */
export async function shell(argv: string[], signal: AbortSignal): Promise<number> {
  const parsed = parseCommand(SHELL, argv);
  if (!parsed) return 0;
  if (!process.stdin.isTTY) throw new UserError('shell needs a terminal; without one, run commands with: rubber-workshop vm exec --rd -- CMD…');
  if (parsed.values.attach) return attachToSession();
  return onTerminal(INTERACTIVE_SHELL, signal, `a root shell in a throwaway VM, your rd.ts is rd (rd trace: what its last run did); exit or ${ESCAPE_KEY} leaves, and nothing is kept`);
}

/**
 * Runs `argv` (with the workspace's rd.ts installed as `rd`) in a fresh VM on this terminal, and returns its
 * exit status: 130 when the escape key ended it, 2 when the VM could not run it.
 */
export async function onTerminal(argv: string[], signal: AbortSignal, banner: string): Promise<number> {
  const rd = await bundleWorkspaceRd();
  const { assets, accel } = await requireSavedVm();
  process.stderr.write(paint('dim', `rubber-workshop: ${banner}`, false) + '\n');
  const end = await runShell({ assets, accel: accel.accel, argv, rd, input: process.stdin, output: process.stdout, signal });
  // Whatever the guest left the terminal in (colours, a hidden cursor), the learner's prompt comes back plain.
  if (end.reason !== 'exited') process.stdout.write('\x1b[0m\x1b[?25h\n');
  if (end.reason === 'exited') return end.code!;
  if (end.reason === 'escaped') process.stderr.write(`rubber-workshop: left with ${ESCAPE_KEY}; the VM is gone\n`);
  else if (end.reason === 'failed') process.stderr.write(`rubber-workshop: the VM stopped before the session ended${end.error ? `: ${end.error}` : ''}\n`);
  return end.reason === 'failed' ? 2 : 130;
}

/** `rubber-workshop shell --attach`: a second terminal on the newest running shell's VM, in the same sandbox. */
async function attachToSession(): Promise<number> {
  const session = await connectSession();
  if (!session) throw new UserError('no shell is running to attach to: start one with rubber-workshop shell (in another terminal)');
  process.stderr.write(paint('dim', `rubber-workshop: a second shell in the running VM; ${ESCAPE_KEY} detaches (the VM goes on)`, false) + '\n');
  const how = await attach(session, { input: process.stdin, output: process.stdout });
  process.stderr.write(how === 'detached' ? `\nrubber-workshop: detached; the VM goes on\n` : `\nrubber-workshop: the VM has ended\n`);
  return 0;
}

export const command: Command = { spec: SHELL, main: shell };
