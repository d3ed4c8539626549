import { SetupError } from './vm/assets.js';
import { UsageError, vmExec } from './commands/vm-exec.js';
import { setup } from './commands/setup.js';
import { version } from './version.js';

const HELP = `rubber-workshop ${version} — build a container runtime in TypeScript, level by level

Usage:
  rubber-workshop                     open the workshop (in a workspace folder, on a terminal)
  rubber-workshop setup               build the VM assets (kernel, guest root, images) into the cache
  rubber-workshop doctor              check this machine, with the command that fixes each problem
  rubber-workshop vm exec -- CMD…     run a command as root in a fresh VM
  rubber-workshop --version | --help

Environment: RUBBER_WORKSHOP_CACHE (assets folder), RUBBER_WORKSHOP_ACCEL=kvm|tcg,
RUBBER_WORKSHOP_KERNEL + RUBBER_WORKSHOP_MODULES, RUBBER_WORKSHOP_BUSYBOX, RUBBER_WORKSHOP_QEMU, NO_COLOR.
`;

type Command = (argv: string[], signal: AbortSignal) => Promise<number>;

const commands: Record<string, Command> = {
  setup: () => setup(),
  doctor: async () => (await import('./commands/doctor.js')).doctor(),
  vm: (argv, signal) => {
    const [sub, ...rest] = argv;
    if (sub !== 'exec') throw new UsageError('usage: rubber-workshop vm exec -- CMD…');
    return vmExec(rest, signal);
  },
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(version + '\n');
    return 0;
  }
  const command = name === undefined ? undefined : commands[name];
  if (!command) throw new UsageError(name ? `unknown command "${name}" (see rubber-workshop --help)` : HELP);

  const controller = new AbortController();
  let interrupted = false;
  const onSignal = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const code = await command(rest, controller.signal);
  return interrupted ? 130 : code;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError || err instanceof SetupError) {
      process.stderr.write(`rubber-workshop: ${err.message}\n`);
    } else {
      const e = err as Error;
      process.stderr.write(`rubber-workshop: internal error: ${e?.message ?? String(err)}\n`);
      if (process.env.RUBBER_WORKSHOP_DEBUG) process.stderr.write(`${e?.stack}\n`);
      else process.stderr.write('Set RUBBER_WORKSHOP_DEBUG=1 for details, and please report it.\n');
    }
    process.exitCode = 2;
  },
);
