/**
 * rd — a container runtime in one file, built level by level in rubber-workshop.
 *
 *   rd run [-i IMAGE] [--image-dir DIR] [--container-dir DIR] [--cpu-shares N]
 *          [--memory SIZE] [--memory-swap SIZE] [--user UID[:GID]] -- CMD [ARGS...]
 *
 * `rd run` is the parent: it starts the init stage and waits for it. The init stage is this same
 * script started again with the hidden `init` command; it becomes the command with execve().
 *
 * Level 02: give the container a mount namespace of its own, so that its mounts stay inside it,
 * and a /dev with the devices programs expect. Your work is in init() and mountDev(): look for TODO.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
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

/** A container about to start; travels to the init stage as JSON. */
interface Container extends Options {
  /** A short random hex name, like Docker's container ids. */
  id: string;
  /** The folder holding the container's root filesystem. */
  rootfs: string;
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
  const container = createContainer(options);
  // Node cannot fork(): it starts a fresh copy of this script instead, which then becomes the
  // command. Go runtimes (runc, Docker) do the same by re-executing /proc/self/exe.
  const child = spawn(process.execPath, [process.argv[1], 'init', JSON.stringify(container)], { stdio: 'inherit' });
  // ^C goes to the whole terminal group, the container too: let it decide, and report how it ended.
  process.on('SIGINT', () => {});
  child.on('exit', (code, signal) => {
    const { line, status } = linux.describeExit(child.pid!, code, signal);
    console.error(line);
    process.exit(status);
  });
}

/** Gives the container an id and its own copy of the image, in <container-dir>/<id>/rootfs. */
function createContainer(options: Options): Container {
  const id = randomBytes(6).toString('hex');
  const rootfs = path.join(options.containerDir, id, 'rootfs');
  unpackImage(imageFile(options), rootfs);
  return { ...options, id, rootfs };
}

/** The image's tar file: <image-dir>/<image>.tar. */
function imageFile(options: Options): string {
  const file = path.join(options.imageDir, `${options.image}.tar`);
  if (!fs.existsSync(file)) throw new Error(`no image "${options.image}": ${file} does not exist`);
  return file;
}

/** Unpacks a tar file into a new folder. Node has no tar module: the VM's tar does it. */
function unpackImage(tarFile: string, dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  execFileSync('tar', ['-xf', tarFile, '-C', dir]);
}

/** The init stage, in the child: sets the container up from the inside, then becomes the command. */
function init(container: Container): never {
  // TODO 1: before mounting anything, move into a mount namespace of your own (linux.unshare).
  // TODO 2: the VM's mounts are shared, and so are your copies of them: make every mount private
  //   (linux.mount with MS_PRIVATE | MS_REC on "/"), or your mounts show up in the VM too.
  mountSpecialFilesystems(container.rootfs);
  // From now on "/" means the rootfs, for this process and for the command it becomes.
  linux.chroot(container.rootfs);
  // chroot() leaves the working directory where it was: in the VM's tree, outside the new root.
  linux.chdir('/');
  exec(container.command);
}

/** The kernel's views into processes and devices; the image holds only empty folders for them. */
function mountSpecialFilesystems(rootfs: string): void {
  const hardened = linux.MS_NOSUID | linux.MS_NODEV | linux.MS_NOEXEC;
  linux.mount('proc', path.join(rootfs, 'proc'), 'proc', hardened);
  linux.mount('sysfs', path.join(rootfs, 'sys'), 'sysfs', hardened | linux.MS_RDONLY);
  mountDev(path.join(rootfs, 'dev'));
}

/** The character devices every program expects (see `man 4 null`). */
const DEVICES = ['null', 'zero', 'full', 'random', 'urandom', 'tty'];

/**
 * A /dev of the container's own: a fresh tmpfs holding only the devices it should reach. The VM runs rd in
 * a user namespace, where the kernel makes no device files (mknod is refused), as rootless Docker and
 * Podman do: so each device is the VM's own, bind-mounted onto an empty file of the same name.
 */
function mountDev(dev: string): void {
  // TODO 3: mount a tmpfs on dev (flags MS_NOSUID | MS_STRICTATIME, data "mode=755").
  // TODO 4: for each of DEVICES, create an empty file of that name in it (fs.writeFileSync(file, '')) and
  //   bind-mount the VM's device onto it: linux.mount(path.join('/dev', name), file, null, MS_BIND).
  // TODO 5: link stdin, stdout and stderr to /proc/self/fd/0, 1 and 2 (fs.symlinkSync), and fd to
  //   /proc/self/fd. For terminals: a devpts on dev/pts ("newinstance,ptmxmode=0666") and ptmx -> pts/ptmx.
  console.error(`rd: mountDev(${JSON.stringify(dev)}) is not written yet (see TODO 3 in rd.ts)`);
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
    // A LinuxError's message names the call, the errno and a hint: no stack trace needed.
    console.error(`rd: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}

main(process.argv.slice(2));
