/**
 * rd — a container runtime in one file, built level by level in rubber-workshop.
 *
 *   rd run [-i IMAGE] [--image-dir DIR] [--container-dir DIR] [--cpu-shares N]
 *          [--memory SIZE] [--memory-swap SIZE] [--user UID[:GID]] -- CMD [ARGS...]
 *
 * `rd run` is the parent: it starts the init stage and waits for it. The init stage is this same
 * script started again with the hidden `init` command; it becomes the command with execve().
 *
 * Level 10: run the command as the user --user names, no longer root.
 * Your work is in init(), becomeUser() and userIds(): look for TODO.
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
  /** The container's own folder, <container-dir>/<id>, removed when it ends. */
  dir: string;
  /** The image, unpacked once and shared by every container: the overlay's read-only lower layer. */
  lowerdir: string;
  /** The container's changes: the overlay's writable upper layer. */
  upperdir: string;
  /** The overlay's scratch space; it must be on the same filesystem as upperdir. */
  workdir: string;
  /** Where lowerdir and upperdir appear merged: the container's root filesystem. */
  rootfs: string;
  /** The container's cgroup, <CGROUPS>/<id>, removed when it ends. */
  cgroup: string;
}

/** Every container's cgroup is made in this one (cgroup v2, mounted on /sys/fs/cgroup). */
const CGROUPS = '/sys/fs/cgroup/rubber-workshop';

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
  // The command must be PID 1 of a new PID namespace, but no process can change its PID: unshare
  // leaves us where we are and puts our children to come there, the first one as PID 1.
  const ownPidNamespace = fs.openSync('/proc/self/ns/pid', 'r');
  linux.unshare(linux.CLONE_NEWPID);
  // Node cannot fork(): it starts a fresh copy of this script instead, which then becomes the
  // command. Go runtimes (runc, Docker) do the same by re-executing /proc/self/exe.
  const child = spawn(process.execPath, [process.argv[1], 'init', JSON.stringify(container)], { stdio: 'inherit' });
  // Back to our own namespace for children and threads to come: Node cannot start a thread in a
  // PID namespace other than its process's, and a second child would find this one's PID 1 gone.
  linux.setns(ownPidNamespace, linux.CLONE_NEWPID);
  fs.closeSync(ownPidNamespace);
  // ^C goes to the whole terminal group, the container too: let it decide, and report how it ended.
  process.on('SIGINT', () => {});
  child.on('exit', (code, signal) => {
    // The overlay and every other mount lived in the container's mount namespace, which ended with
    // its last process: only files are left to remove.
    fs.rmSync(container.dir, { recursive: true, force: true });
    // A cgroup with no process left in it goes with rmdir, its files included.
    fs.rmdirSync(container.cgroup);
    const { line, status } = linux.describeExit(child.pid!, code, signal);
    console.error(line);
    process.exit(status);
  });
}

/** Gives the container an id and, in <container-dir>/<id>, the folders of its overlay. */
function createContainer(options: Options): Container {
  const id = randomBytes(6).toString('hex');
  const dir = path.join(options.containerDir, id);
  const container: Container = {
    ...options,
    id,
    dir,
    lowerdir: unpackImageOnce(options),
    upperdir: path.join(dir, 'upper'),
    workdir: path.join(dir, 'work'),
    rootfs: path.join(dir, 'merged'),
    cgroup: createCgroup(id, options),
  };
  for (const folder of [container.upperdir, container.workdir, container.rootfs]) fs.mkdirSync(folder, { recursive: true });
  return container;
}

/**
 * The container's own cgroup, <CGROUPS>/<id>, set as rd run was asked. The init stage moves itself
 * into it; from then on the kernel counts and limits all it and its children do, as one.
 */
function createCgroup(id: string, options: Options): string {
  const settings = cgroupSettings(options); // first: a mistyped option leaves nothing behind
  fs.mkdirSync(CGROUPS, { recursive: true });
  // A cgroup's children get a controller's files (cpu.weight…) only if it hands the controller down.
  fs.writeFileSync(path.join(CGROUPS, 'cgroup.subtree_control'), '+cpu +memory');
  const cgroup = path.join(CGROUPS, id);
  fs.mkdirSync(cgroup);
  for (const [file, value] of Object.entries(settings)) fs.writeFileSync(path.join(cgroup, file), value);
  return cgroup;
}

/** What to write into which file of the container's cgroup, from rd run's options. */
function cgroupSettings(options: Options): Record<string, string> {
  const settings: Record<string, string> = {};
  if (options.cpuShares !== undefined) settings['cpu.weight'] = String(cpuWeight(options.cpuShares));
  if (options.memory !== undefined) settings['memory.max'] = String(bytes(options.memory));
  if (options.memorySwap !== undefined) {
    if (options.memory === undefined) throw new Error('--memory-swap needs --memory: it limits memory and swap together');
    // v1 limited memory and swap together (memory.memsw.limit_in_bytes); v2 limits swap alone.
    const swap = bytes(options.memorySwap) - bytes(options.memory);
    if (swap < 0) throw new Error(`--memory-swap (${options.memorySwap}) must be at least --memory (${options.memory})`);
    settings['memory.swap.max'] = String(swap);
  }
  return settings;
}

/** A size as Docker writes it: a number of bytes, or of k, m or g (powers of 1024), e.g. 128m. */
function bytes(size: string): number {
  const match = /^(\d+)([bkmg]?)$/i.exec(size);
  if (!match) throw new Error(`not a size: ${size} (write it like 128m, 512k, 1g or 1048576)`);
  return Number(match[1]) * 1024 ** 'bkmg'.indexOf(match[2].toLowerCase() || 'b');
}

/**
 * cgroup v1's cpu.shares (2–262144, default 1024) as cgroup v2's cpu.weight (1–10000, default 100),
 * the way runc and Docker convert it: 1024 becomes 39, 200 becomes 8.
 */
function cpuWeight(shares: string): number {
  const n = Number(shares);
  if (!Number.isInteger(n) || n < 2 || n > 262144) throw new Error(`--cpu-shares takes a whole number from 2 to 262144, not ${shares}`);
  return 1 + Math.floor(((n - 2) * 9999) / 262142);
}

/** The image unpacked in <container-dir>/images/<image>, by the first container that needs it. */
function unpackImageOnce(options: Options): string {
  const lowerdir = path.join(options.containerDir, 'images', options.image);
  if (fs.existsSync(lowerdir)) return lowerdir;
  // Unpack beside it, then rename: a container starting meanwhile never sees half an image.
  const partial = `${lowerdir}.${randomBytes(4).toString('hex')}.partial`;
  unpackImage(imageFile(options), partial);
  try {
    fs.renameSync(partial, lowerdir);
  } catch (err) {
    if (!fs.existsSync(lowerdir)) throw err;
    fs.rmSync(partial, { recursive: true, force: true }); // another container was quicker
  }
  return lowerdir;
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
  // Into the container's cgroup first, while /sys/fs/cgroup is still in view: execve keeps the
  // cgroup, and children are born in their parent's. (Our PID, as our PID namespace numbers it.)
  fs.writeFileSync(path.join(container.cgroup, 'cgroup.procs'), String(process.pid));
  // A mount table of our own: what this process (and the command) mounts from here on is invisible
  // to the VM, and goes away when the container's last process ends. A UTS namespace of our own: a
  // hostname that is ours to change, starting as a copy of the VM's. A network namespace of our own:
  // no interface but a loopback, down; and the sysfs we mount below shows this namespace's devices.
  linux.unshare(linux.CLONE_NEWNS | linux.CLONE_NEWUTS | linux.CLONE_NEWNET);
  // Named after the container, as Docker does: inside, `hostname` prints its id.
  linux.sethostname(container.id);
  // The VM shares its mounts, like any systemd host; so would our copies, and every mount made
  // here would show up in the VM too. Private mounts propagate nothing, in either direction.
  linux.mount(null, '/', null, linux.MS_PRIVATE | linux.MS_REC);
  // Reads come from the shared image, writes go to this container's upperdir: the image stays as
  // it is. The overlay is a mount point, as pivot_root wants.
  const layers = `lowerdir=${container.lowerdir},upperdir=${container.upperdir},workdir=${container.workdir}`;
  linux.mount('overlay', container.rootfs, 'overlay', linux.MS_NODEV, layers);
  mountSpecialFilesystems(container.rootfs);
  pivotInto(container.rootfs);
  // TODO 1: with --user (container.user), give up root here, the last step before exec: every step
  //   above needs root, and /etc/passwd is now the image's. becomeUser(userIds(container.user)).
  exec(container.command);
}

/**
 * Makes rootfs the root of the container's mount namespace and lets go of the VM's. A chroot only
 * changes where a process's paths start, and a root process can climb out of it; after this, the
 * VM's files are not in the namespace at all.
 */
function pivotInto(rootfs: string): void {
  const oldRoot = path.join(rootfs, 'old_root');
  fs.mkdirSync(oldRoot);
  linux.pivot_root(rootfs, oldRoot);
  // pivot_root moves the working directory only if it was the old root itself.
  linux.chdir('/');
  // The VM's whole mount tree hangs under /old_root now, busy: detach it all at once.
  linux.umount2('/old_root', linux.MNT_DETACH);
  fs.rmdirSync('/old_root');
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
  linux.mount('tmpfs', dev, 'tmpfs', linux.MS_NOSUID | linux.MS_STRICTATIME, 'mode=755');
  for (const name of DEVICES) {
    const file = path.join(dev, name);
    // A bind mount covers something that exists: here an empty file.
    fs.writeFileSync(file, '');
    linux.mount(path.join('/dev', name), file, null, linux.MS_BIND);
  }
  fs.mkdirSync(path.join(dev, 'pts'));
  // A terminal namespace of its own: the container sees only the terminals opened inside it.
  linux.mount('devpts', path.join(dev, 'pts'), 'devpts', linux.MS_NOSUID | linux.MS_NOEXEC, 'newinstance,ptmxmode=0666,mode=620');
  fs.symlinkSync('pts/ptmx', path.join(dev, 'ptmx'));
  fs.symlinkSync('/proc/self/fd', path.join(dev, 'fd'));
  ['stdin', 'stdout', 'stderr'].forEach((name, fd) => fs.symlinkSync(`/proc/self/fd/${fd}`, path.join(dev, name)));
}

/**
 * Gives up root for good. setgroups and setgid need root, which setuid gives up, so setuid comes
 * last; and root's supplementary groups would stay with the command unless dropped.
 */
function becomeUser([uid, gid]: [number, number]): void {
  // TODO 2: drop the supplementary groups (linux.setgroups([])), then linux.setgid, then linux.setuid.
  throw new Error(`becomeUser(${uid}, ${gid}) is not written yet (see TODO 2 in rd.ts)`);
}

/**
 * --user UID:GID as numbers; with UID alone, the group is the user's primary group in /etc/passwd
 * (called inside the container, that is the image's).
 */
function userIds(user: string): [number, number] {
  // TODO 3: "1000:2000" gives [1000, 2000]. For "1000", find the line of /etc/passwd whose third
  //   field is 1000 (name:password:uid:gid:…) and take its gid. Refuse anything else.
  throw new Error(`userIds(${JSON.stringify(user)}) is not written yet (see TODO 3 in rd.ts)`);
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
