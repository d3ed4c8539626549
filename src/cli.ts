// React (in the TUI) picks its build from NODE_ENV when first imported; learners get the fast one.
process.env.NODE_ENV ??= 'production';

import { SetupError } from './vm/assets.js';
import { MissingToolError } from '../rootfs-scripts/host-tools.mjs';
import { WorkspaceError } from './workspace.js';
import { SourcesError } from './check/provenance.js';
import { DeployError } from './deploy/error.js';
import { LessonError } from './lesson-chain.js';
import { ImageError } from './images/error.js';
import { rdByHand, UsageError, vmExec } from './commands/vm-exec.js';
import { setup } from './commands/setup.js';
import { version } from './version.js';

const HELP = `rubber-workshop ${version} — build a container runtime in TypeScript, level by level

Usage:
  rubber-workshop                     open the workshop (in a workspace folder, on a terminal)
  rubber-workshop init [DIR]          make DIR (default: here) a workspace with rd.ts at level 00
  rubber-workshop check [LEVEL]       check rd.ts in a fresh VM (levels 00..LEVEL; default: your current level)
        --json | --tap | --junit FILE  machine-readable results; exit 0 pass, 1 fail, 2 could not run
  rubber-workshop grade PATH…         for instructors: grade many workspaces (see grade --help)
  rubber-workshop setup [--debian]    build the VM assets (kernel, guest root, images) into the cache
  rubber-workshop doctor              check this machine, with the command that fixes each problem
  rubber-workshop deploy WHAT …       for instructors: Kubernetes manifests for a class (see deploy --help)
  rubber-workshop rd run … -- CMD…    run your rd.ts by hand, as root in a fresh VM
  rubber-workshop shell [--attach]    a root shell in a fresh VM, with your rd.ts as rd (Ctrl-] leaves);
                                      --attach: a second terminal on the running one
  rubber-workshop image add NAME FILE add your own image: a rootfs tarball, a docker/podman save or OCI archive
  rubber-workshop image ls | rm NAME  the images added (for rd run -i NAME), or remove one
  rubber-workshop vm exec -- CMD…     run a command as root in a fresh VM (--rd: with your rd.ts as rd)
  rubber-workshop dev check [LEVEL…]  for lesson authors: stubs fail, solutions pass, wrong variants fail
  rubber-workshop dev lessons export|import DIR
                                      for lesson authors: the lessons' files whole in DIR, and edits back
  rubber-workshop dev traces [LEVEL…] for lesson authors: record each solution's trace for the TUI's s
  rubber-workshop --version | --help

Environment: RUBBER_WORKSHOP_CACHE (assets folder), RUBBER_WORKSHOP_ACCEL=kvm|tcg,
RUBBER_WORKSHOP_KERNEL + RUBBER_WORKSHOP_MODULES, RUBBER_WORKSHOP_BUSYBOX, RUBBER_WORKSHOP_QEMU, NO_COLOR.
`;

type Command = (argv: string[], signal: AbortSignal) => Promise<number>;

const commands: Record<string, Command> = {
  setup: (argv) => setup(argv),
  init: async (argv) => (await import('./commands/init.js')).init(argv),
  check: async (argv, signal) => (await import('./commands/check.js')).check(argv, signal),
  grade: async (argv, signal) => (await import('./commands/grade.js')).grade(argv, signal),
  dev: async (argv, signal) => {
    const [sub, ...rest] = argv;
    if (sub === 'lessons') return (await import('./commands/dev-lessons.js')).devLessons(rest);
    if (sub === 'traces') return (await import('./commands/dev-traces.js')).devTraces(rest, signal);
    if (sub !== 'check') throw new UsageError('usage: rubber-workshop dev check [LEVEL…] [--jobs N] | dev lessons export|import DIR | dev traces [LEVEL…]');
    return (await import('./commands/dev-check.js')).devCheck(rest, signal);
  },
  doctor: async () => (await import('./commands/doctor.js')).doctor(),
  deploy: async (argv) => (await import('./commands/deploy.js')).deploy(argv),
  rd: (argv, signal) => rdByHand(argv, signal),
  image: async (argv, signal) => (await import('./commands/image.js')).image(argv, signal),
  shell: async (argv, signal) => (await import('./commands/shell.js')).shell(argv, signal),
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
  const command: Command | undefined = name === undefined
    ? async (_argv, signal) => (await import('./commands/workshop.js')).workshop(signal)
    : commands[name];
  if (!command) throw new UsageError(`unknown command "${name}" (see rubber-workshop --help)`);

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
    if ([UsageError, SetupError, MissingToolError, WorkspaceError, SourcesError, DeployError, LessonError, ImageError].some((known) => err instanceof known)) {
      process.stderr.write(`rubber-workshop: ${(err as Error).message}\n`);
    } else {
      const e = err as Error;
      process.stderr.write(`rubber-workshop: internal error: ${e?.message ?? String(err)}\n`);
      if (process.env.RUBBER_WORKSHOP_DEBUG) process.stderr.write(`${e?.stack}\n`);
      else process.stderr.write('Set RUBBER_WORKSHOP_DEBUG=1 for details, and please report it.\n');
    }
    process.exitCode = 2;
  },
);
