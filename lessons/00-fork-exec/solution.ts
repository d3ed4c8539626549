/**
 * rd — a container runtime in one file, built level by level in rubber-workshop.
 *
 *   rd run [-i IMAGE] [--image-dir DIR] [--container-dir DIR] [--cpu-shares N]
 *          [--memory SIZE] [--memory-swap SIZE] [--user UID[:GID]] -- CMD [ARGS...]
 *
 * `rd run` is the parent: it starts the init stage and waits for it. The init stage is this same
 * script started again with the hidden `init` command; it becomes the command with execve().
 *
 * Level 00: run the command as a child and report how it ended.
 */
import { spawn } from 'node:child_process';
import * as linux from './linux.js';

/** What `rd run` was asked to do. */
interface Options {
  image: string;
  imageDir: string;
  containerDir: string;
  cpuShares?: string;
  memory?: string;
  memorySwap?: string;
  user?: string;
  /** The command and its arguments. */
  command: string[];
}

const USAGE = `usage: rd run [-i IMAGE] [--image-dir DIR] [--container-dir DIR] [--cpu-shares N]
              [--memory SIZE] [--memory-swap SIZE] [--user UID[:GID]] -- CMD [ARGS...]`;

type OptionName = Exclude<keyof Options, 'command'>;
const FLAGS: Record<string, OptionName> = {
  '-i': 'image',
  '--image': 'image',
  '--image-dir': 'imageDir',
  '--container-dir': 'containerDir',
  '--cpu-shares': 'cpuShares',
  '--memory': 'memory',
  '--memory-swap': 'memorySwap',
  '--user': 'user',
};

/** Options first, then the command. The first `--` is dropped, wherever it is. */
function parseRunArgs(args: string[]): Options {
  const options: Options = { image: 'busybox', imageDir: '/workshop/images', containerDir: '/workshop/containers', command: [] };
  let i = 0;
  while (i < args.length && args[i].startsWith('-') && args[i] !== '--') {
    const [flag, inline] = args[i].split(/=(.*)/s, 2);
    const name = FLAGS[flag];
    if (!name) throw new Error(`unknown option ${flag}\n${USAGE}`);
    const value = inline ?? args[i + 1];
    if (value === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
    options[name] = value;
    i += inline === undefined ? 2 : 1;
  }
  const command = args.slice(i);
  const dashes = command.indexOf('--');
  if (dashes !== -1) command.splice(dashes, 1);
  if (command.length === 0) throw new Error(`no command given\n${USAGE}`);
  return { ...options, command };
}

/** The parent: starts the init stage, waits for it, and reports how the command ended. */
function run(options: Options): void {
  // Node cannot fork(): it starts a fresh copy of this script instead, which then becomes the
  // command. Go runtimes (runc, Docker) do the same by re-executing /proc/self/exe.
  const child = spawn(process.execPath, [process.argv[1], 'init', JSON.stringify(options)], { stdio: 'inherit' });
  // ^C goes to the whole terminal group, the container too: let it decide, and report how it ended.
  process.on('SIGINT', () => {});
  // A SIGTERM to rd alone (kill's default, docker stop's) is meant for the container: pass it on.
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('exit', (code, signal) => {
    const { line, status } = linux.describeExit(child.pid!, code, signal);
    console.error(line);
    process.exit(status);
  });
}

/** The init stage, in the child: becomes the command. */
function init(options: Options): never {
  exec(options.command);
}

/** Replaces this process with the command, keeping its PID and its stdin, stdout and stderr. */
function exec(command: string[]): never {
  // Node opens every file close-on-exec, stdio included: the command would start without them.
  linux.clearCloexec();
  linux.execve(linux.which(command[0]), command, process.env);
}

function main([subcommand, ...args]: string[]): void {
  try {
    if (subcommand === 'run') return run(parseRunArgs(args));
    if (subcommand === 'init') return init(JSON.parse(args[0]));
    console.error(USAGE);
    process.exit(2);
  } catch (err) {
    // A LinuxError's message names the call, the errno and a hint, and rd's own errors say what to fix: no
    // stack trace needed. A mistake in the code (a TypeError, a ReferenceError…) needs its place: the stack.
    const bug = err instanceof TypeError || err instanceof ReferenceError || err instanceof RangeError;
    console.error(`rd: ${bug ? err.stack : err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}

main(process.argv.slice(2));
