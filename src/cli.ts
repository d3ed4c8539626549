// React (in the TUI) picks its build from NODE_ENV when first imported; learners get the fast one.
process.env.NODE_ENV ??= 'production';

import { withUsage } from './cli/args.js';
import { findCommand } from './cli/commands.js';
import { fileErrorText, internalErrorText, UserError, userErrorText } from './errors.js';
import { outliveReader } from './ui/term.js';
import { version } from './version.js';

outliveReader(process.stdout);
outliveReader(process.stderr);

const HELP = `rubber-workshop ${version} — build a container runtime in TypeScript, level by level

Usage:
  rubber-workshop                     open the workshop (in a workspace folder, on a terminal)
  rubber-workshop init [DIR]          make DIR (default: here) a workspace with rd.ts at level 00
  rubber-workshop check [LEVEL]       check rd.ts in a fresh VM (levels 00..LEVEL; default: your current level)
        --watch                        again on every save, until Ctrl-C
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
  rubber-workshop --version | --help   (COMMAND --help: the usage and options of each command)

Environment: RUBBER_WORKSHOP_CACHE (assets folder), RUBBER_WORKSHOP_IMAGES (added images' folder),
RUBBER_WORKSHOP_ACCEL=kvm|tcg, RUBBER_WORKSHOP_VMS (VMs one check runs at once), RUBBER_WORKSHOP_SPARES,
RUBBER_WORKSHOP_SNAPSHOT=0, RUBBER_WORKSHOP_KERNEL + RUBBER_WORKSHOP_MODULES, RUBBER_WORKSHOP_BUSYBOX,
RUBBER_WORKSHOP_QEMU, RUBBER_WORKSHOP_DEBUG=1 (stack traces), NO_COLOR.
`;

async function main(argv: string[]): Promise<number> {
  const [name] = argv;
  // `help CMD` as `CMD --help`.
  if (name === 'help' && argv.length > 1) return main([...argv.slice(1), '--help']);
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(version + '\n');
    return 0;
  }
  const found = name === undefined ? { command: (await import('./commands/workshop.js')).command, rest: [] } : await findCommand(argv);
  if (!found) return 0;

  const controller = new AbortController();
  let interrupted = false;
  const onSignal = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const code = await found.command.main(found.rest, controller.signal);
    return interrupted ? 130 : code;
  } catch (err) {
    throw withUsage(err, found.command.spec);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const known = err instanceof UserError;
    process.stderr.write(known ? userErrorText(err) : (fileErrorText(err) ?? internalErrorText(err)));
    process.exitCode = known ? err.exitCode : 2;
  },
);
