/**
 * linux — the Linux system calls a container runtime needs, callable from TypeScript.
 *
 * Node has no `unshare`, `mount` or `pivot_root`, so this module calls them in the C library
 * through koffi. The functions keep their C names and arguments: `man 2 mount` documents
 * {@link mount}, `man 2 pivot_root` documents {@link pivot_root}, and so on.
 *
 * Every function throws a {@link LinuxError} when the call fails: it names the call, its
 * arguments and the errno, with a hint about the usual cause.
 *
 * When the environment variable RD_TRACE names a file, each process of rd (the parent and the
 * init stage) appends one line per call to it, strace-style: `init 418 mount(NULL, "/", NULL,
 * MS_PRIVATE|MS_REC, NULL) = 0`. So does each write, mkdir and rmdir made with node:fs's *Sync functions
 * in /sys/fs/cgroup or to a user namespace's uid_map, gid_map or setgroups: `init 418 write(
 * "/sys/fs/cgroup/rubber-workshop/ab12/cgroup.procs", "1") = 0`. rubber-workshop sets it for every rd it
 * runs, to show beside a failed check what the runtime did.
 *
 * All calls are synchronous and act on the calling thread. After `unshare(CLONE_NEWNS)` or
 * `chroot`, only the main thread sees the new mounts and root, so use only the `*Sync` functions
 * of `node:fs` from then on (the async ones run on helper threads, which still see the VM's).
 *
 * @module
 */
import koffi from 'koffi';
import type { IKoffiLib } from 'koffi';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// ---------------------------------------------------------------------------------------------
// Constants (values from the Linux UAPI headers; they are the same on x86-64 and arm64)
// ---------------------------------------------------------------------------------------------

/** unshare/setns: a new mount namespace (its own mount table). Implies CLONE_FS. */
export const CLONE_NEWNS = 0x00020000;
/** unshare/setns: a new cgroup namespace (its own view of /sys/fs/cgroup). */
export const CLONE_NEWCGROUP = 0x02000000;
/** unshare/setns: a new UTS namespace (its own hostname and domain name). */
export const CLONE_NEWUTS = 0x04000000;
/** unshare/setns: a new IPC namespace (its own System V IPC objects and POSIX message queues). */
export const CLONE_NEWIPC = 0x08000000;
/** unshare/setns: a new user namespace (its own uid/gid mappings and capabilities). */
export const CLONE_NEWUSER = 0x10000000;
/** unshare/setns: a new PID namespace. Applies to the caller's children, not to the caller. */
export const CLONE_NEWPID = 0x20000000;
/** unshare/setns: a new network namespace (its own interfaces, routes, firewall). */
export const CLONE_NEWNET = 0x40000000;
/** unshare: stop sharing the root, working directory and umask with the process's other threads. */
export const CLONE_FS = 0x00000200;
/** Every CLONE_NEW* flag above: the flags that make a clone(2) call make namespaces (a seccomp filter tests them with BPF_JSET). */
export const CLONE_NAMESPACE_FLAGS = CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET;

/** mount: read-only. */
export const MS_RDONLY = 1;
/** mount: ignore set-user-ID and set-group-ID bits. */
export const MS_NOSUID = 2;
/** mount: device files on this mount cannot be opened. */
export const MS_NODEV = 4;
/** mount: programs on this mount cannot be executed. */
export const MS_NOEXEC = 8;
/** mount: change the flags of an existing mount. */
export const MS_REMOUNT = 32;
/** mount: do not update access times. */
export const MS_NOATIME = 1024;
/** mount: make `source` (a folder or file) visible at `target` as well. */
export const MS_BIND = 4096;
/** mount: move the mount at `source` to `target`. */
export const MS_MOVE = 8192;
/** mount: with MS_BIND or a propagation flag, apply to every mount below as well. */
export const MS_REC = 16384;
/** mount propagation: the mount cannot be bind-mounted. */
export const MS_UNBINDABLE = 1 << 17;
/** mount propagation: mount events neither propagate to nor from other mounts. */
export const MS_PRIVATE = 1 << 18;
/** mount propagation: receive mount events from the master, send none back. */
export const MS_SLAVE = 1 << 19;
/** mount propagation: mount events propagate both ways between peers. */
export const MS_SHARED = 1 << 20;
/** mount: update access times relative to modification times. */
export const MS_RELATIME = 1 << 21;
/** mount: always update access times (what a /dev tmpfs traditionally uses). */
export const MS_STRICTATIME = 1 << 24;

/** umount2: force the unmount even if busy (network filesystems only). */
export const MNT_FORCE = 1;
/** umount2: detach the mount now and clean it up once nothing uses it any more. */
export const MNT_DETACH = 2;

/** mknod mode: file type bits. */
export const S_IFMT = 0o170000;
/** mknod mode: a character device, e.g. /dev/null. Combine with permissions: `S_IFCHR | 0o666`. */
export const S_IFCHR = 0o020000;
/** mknod mode: a block device, e.g. a disk. */
export const S_IFBLK = 0o060000;
/** mknod mode: a named pipe (FIFO). */
export const S_IFIFO = 0o010000;
/** mknod mode: a regular file. */
export const S_IFREG = 0o100000;

/** prctl: drop a capability from the calling thread's bounding set (needs CAP_SETPCAP). `man 2 PR_CAPBSET_DROP` */
export const PR_CAPBSET_DROP = 24;
/** prctl: neither execve nor a set-user-ID program can give the process privileges it lacks. `man 2 PR_SET_NO_NEW_PRIVS` */
export const PR_SET_NO_NEW_PRIVS = 38;
/** prctl: read or change the ambient capability set; with {@link PR_CAP_AMBIENT_CLEAR_ALL}, empty it. */
export const PR_CAP_AMBIENT = 47;
/** prctl(PR_CAP_AMBIENT, …): empty the ambient set. */
export const PR_CAP_AMBIENT_CLEAR_ALL = 4;

/**
 * The capabilities by number: `CAPABILITIES[0]` is `"CAP_CHOWN"`. `man 7 capabilities`. The running
 * kernel may know fewer: /proc/sys/kernel/cap_last_cap holds its last number ({@link lastCapability}).
 */
export const CAPABILITIES: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_ADMIN',
  'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL', 'CAP_SETFCAP',
  'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ',
  'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
];

/** seccomp: install a filter (a BPF program) that every later system call of the thread goes through. `man 2 seccomp` */
export const SECCOMP_SET_MODE_FILTER = 1;
/** Filter result: run the call. */
export const SECCOMP_RET_ALLOW = 0x7fff0000;
/** Filter result: skip the call, which returns -1 with errno set to the low 16 bits: `SECCOMP_RET_ERRNO | EPERM`. */
export const SECCOMP_RET_ERRNO = 0x00050000;
/** Filter result: kill the whole process, as if by SIGSYS (no handler runs). */
export const SECCOMP_RET_KILL_PROCESS = 0x80000000;
/** Where a filter finds the call in `struct seccomp_data`: its number (32 bits at offset 0)… */
export const SECCOMP_DATA_NR = 0;
/** …and the architecture (AUDIT_ARCH_*) the call was made with (32 bits at offset 4)… */
export const SECCOMP_DATA_ARCH = 4;
/** …and its first argument's low 32 bits (offset 16, little-endian): clone(2)'s flags, for one. */
export const SECCOMP_DATA_ARG0 = 16;

/** BPF instruction classes and modes (linux/bpf_common.h): or them into an instruction's code. */
export const BPF_LD = 0x00;
export const BPF_JMP = 0x05;
export const BPF_RET = 0x06;
/** BPF_LD: a 32-bit word. */
export const BPF_W = 0x00;
/** BPF_LD: from a fixed offset in the data (for seccomp, `struct seccomp_data`). */
export const BPF_ABS = 0x20;
/** BPF_JMP: jump if the accumulator equals k. */
export const BPF_JEQ = 0x10;
/** BPF_JMP: jump if the accumulator and k have a bit in common (accumulator & k is not 0). */
export const BPF_JSET = 0x40;
/** The operand is the constant k. */
export const BPF_K = 0x00;

/** One BPF instruction (`struct sock_filter`): jt and jf count instructions to skip when a jump is taken or not. */
export interface SockFilter {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

/** An instruction that does not jump: a load or a return. `BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)` */
export function BPF_STMT(code: number, k: number): SockFilter {
  return { code, jt: 0, jf: 0, k };
}

/** A conditional jump: `BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 170, 0, 1)` skips 0 instructions if the accumulator is 170, else 1. */
export function BPF_JUMP(code: number, k: number, jt: number, jf: number): SockFilter {
  return { code, jt, jf, k };
}

/** The AUDIT_ARCH_* value seccomp_data.arch holds for a call made the native way, per Node's process.arch. */
const AUDIT_ARCHES: Partial<Record<string, number>> = { x64: 0xc000003e, arm64: 0xc00000b7 };

/**
 * System call numbers, [x64, arm64] (arm64 has only the *at forms of many calls: undefined there):
 * those glibc has no wrapper for, and those a seccomp filter may deny.
 * Names outside this table are not known to {@link syscallNumber}.
 */
const SYSCALL_NUMBERS: Record<string, [number | undefined, number | undefined]> = {
  add_key: [248, 217], bpf: [321, 280], chdir: [80, 49], clone: [56, 220], clone3: [435, 435], chmod: [90, undefined], chown: [92, undefined], fchmodat: [268, 53],
  fchdir: [81, 50], fchmodat2: [452, 452], fchownat: [260, 54], init_module: [175, 105], kexec_load: [246, 104], keyctl: [250, 219],
  mkdir: [83, undefined], mkdirat: [258, 34], mount: [165, 40], pivot_root: [155, 41], ptrace: [101, 117],
  reboot: [169, 142], rename: [82, undefined], seccomp: [317, 277], renameat: [264, 38], renameat2: [316, 276], request_key: [249, 218],
  sethostname: [170, 161], setns: [308, 268], symlink: [88, undefined], symlinkat: [266, 36], umount2: [166, 39],
  unshare: [272, 97], close_range: [436, 436],
};

const F_GETFD = 1;
const F_SETFD = 2;
const FD_CLOEXEC = 1;
const CLOSE_RANGE_CLOEXEC = 4;

/** The PATH {@link which} searches when the environment has none. */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/** A failed call: which call, with which arguments, the errno it set and a hint about why. */
export class LinuxError extends Error {
  /** The call that failed, e.g. `"pivot_root"`. */
  readonly call: string;
  /** The arguments it was given. */
  readonly args: readonly unknown[];
  /** The errno number, e.g. 22. */
  readonly errno: number;
  /** The errno name, e.g. `"EINVAL"`. */
  readonly code: string;
  /** What usually causes this error for this call and what to do about it, or `""`. */
  readonly hint: string;

  constructor(call: string, args: readonly unknown[], errno: number, hint = hintFor(call, errno, args)) {
    const code = errnoName(errno);
    super(`${call}(${formatArgs(call, args)}) failed: ${code} (${strerror(errno)})${hint ? `\n  hint: ${hint}` : ''}`);
    this.name = 'LinuxError';
    this.call = call;
    this.args = args;
    this.errno = errno;
    this.code = code;
    this.hint = hint;
  }
}

/** The name of an errno number, e.g. `errnoName(1)` is `"EPERM"`. */
export function errnoName(errno: number): string {
  return errnoNames().get(errno) ?? `errno ${errno}`;
}

let namesByNumber: Map<number, string> | undefined;
function errnoNames(): Map<number, string> {
  if (!namesByNumber) {
    namesByNumber = new Map();
    // Aliases share a number (EAGAIN/EWOULDBLOCK); the first listed is the usual name.
    for (const [name, number] of Object.entries(os.constants.errno)) {
      if (!namesByNumber.has(number)) namesByNumber.set(number, name);
    }
  }
  return namesByNumber;
}

const NEEDS_ROOT = 'needs CAP_SYS_ADMIN — this must run as root in the VM (rubber-workshop check runs it there)';
const DROP_ORDER = 'drop privileges in this order, while still root: setgroups, setgid, then setuid last';

/**
 * The hint {@link LinuxError} attaches to a failed call: the usual cause of that errno for that
 * call and what to do, or `""`. `mountinfo` is the text of /proc/self/mountinfo, read when
 * a pivot_root failure needs a diagnosis.
 */
export function hintFor(call: string, errno: number, args: readonly unknown[], mountinfo?: string): string {
  const code = errnoName(errno);
  switch (`${call} ${code}`) {
    case 'pivot_root EINVAL':
    case 'pivot_root EBUSY':
      return pivotRootHint(String(args[0]), String(args[1]), mountinfo ?? readMountinfo());
    case 'unshare EINVAL':
      return 'unshare(CLONE_NEWUSER) needs a single-threaded process, and Node always runs helper threads: ' +
        'create that namespace some other way. Otherwise check the flags: only CLONE_* namespace and sharing flags are allowed';
    case 'setns EINVAL':
      return 'the fd must be a namespace file (/proc/PID/ns/…) matching nstype; joining a user or mount namespace ' +
        'needs a single-threaded process (for a mount namespace, call unshare(CLONE_FS) first)';
    case 'setns EPERM':
      return 'needs CAP_SYS_ADMIN over the user namespace that owns the namespace joined: the root of a user namespace of ' +
        'its own (--userns) has none over the VM\'s, so do that part from rd run, outside; else rd must run as root in the VM';
    case 'mount EINVAL':
      return mountHint(args);
    case 'mount ENOENT':
      return 'the mount point (target) must exist: create it first with fs.mkdirSync(target, { recursive: true })' +
        ' — and for MS_BIND the source must exist too';
    case 'mount ENODEV':
      return `the kernel has no filesystem type ${JSON.stringify(args[2])}: check the spelling (proc, sysfs, tmpfs, devpts, overlay)`;
    case 'mount EBUSY':
      return 'something is already mounted there, or (overlay) the upperdir/workdir is in use by another overlay mount';
    case 'umount2 EINVAL':
      return 'the target is not a mount point (or the flags are wrong)';
    case 'umount2 EBUSY':
      return 'the mount is still in use (a process\'s cwd, an open file or a mount below it): pass MNT_DETACH to detach it lazily';
    case 'execve ENOENT':
      if (!String(args[0]).includes('/')) return 'execve does not search PATH: give it the command\'s path, as linux.which(name) finds it';
      return 'no such command inside the container\'s root: once the root changed, paths resolve in the image ' +
        '(for a script, its #! interpreter must exist there too)';
    case 'execve EACCES':
      return 'the file is not executable (chmod +x), is a folder, or lives on a mount with MS_NOEXEC';
    case 'execve ENOEXEC':
      return 'not a program this machine can run: a binary for another architecture, or a script without a #! line';
    case 'mknod EEXIST':
      return 'the file already exists: create device nodes on a fresh /dev (a tmpfs mounted over the image\'s /dev)';
    case 'mknod EPERM':
      return 'the VM runs rd in a user namespace, where the kernel makes no device files: bind-mount the VM\'s own (/dev/null…) onto an empty file instead (mount with MS_BIND)';
    case 'chroot EPERM':
      return 'needs CAP_SYS_CHROOT — this must run as root in the VM (rubber-workshop check runs it there)';
    case 'prctl EPERM':
      return 'dropping from the bounding set needs CAP_SETPCAP in the effective set: drop from the bounding set ' +
        'before setuid and capset give it up';
    case 'prctl EINVAL':
      return 'no such option or capability number (the kernel\'s last is in /proc/sys/kernel/cap_last_cap)';
    case 'capset EPERM':
      return 'capset can only keep or give up capabilities, never gain them: the new permitted set must be within the old, ' +
        'and after setuid to a user other than root nothing is left — call capset before setuid (with --user there is nothing to keep)';
    case 'seccomp EACCES':
      return 'installing a filter needs no_new_privs first — prctl(PR_SET_NO_NEW_PRIVS, 1) — or CAP_SYS_ADMIN, ' +
        'which the capabilities you dropped may no longer hold';
    case 'seccomp EINVAL':
      return 'the kernel refused the program: every path must end in a BPF_RET, jumps must land inside it, loads must ' +
        'read struct seccomp_data (BPF_LD | BPF_W | BPF_ABS at offsets like SECCOMP_DATA_NR), and it may have at most 4096 instructions';
    case 'seccomp EFAULT':
      return 'the kernel could not read the program: pass an array of instructions made with BPF_STMT and BPF_JUMP';
    case 'setgroups EPERM':
    case 'setgid EPERM':
    case 'setuid EPERM':
      return `needs CAP_SETUID/CAP_SETGID — ${DROP_ORDER}`;
  }
  const network = NETWORK_CALLS.has(call) ? networkHint(call, code, args) : '';
  if (network) return network;
  switch (code) {
    case 'EPERM':
      return NEEDS_ROOT;
    case 'ENOENT':
      return 'no such file or folder (paths are relative to the current root: did the root already change?)';
    case 'ENOTDIR':
      return 'a component of the path is not a folder';
    case 'ENOSYS':
      return 'this kernel does not provide the call';
    default:
      return '';
  }
}

function mountHint(args: readonly unknown[]): string {
  const [, , fstype, flags = 0] = args as [unknown, unknown, unknown, number];
  if (flags & (MS_PRIVATE | MS_SHARED | MS_SLAVE | MS_UNBINDABLE)) {
    return 'changing propagation needs a target that is a mount point, source and fstype null, and flags of just one ' +
      'propagation type plus MS_REC, e.g. mount(null, "/", null, MS_PRIVATE | MS_REC)';
  }
  if (fstype === 'overlay') {
    return 'overlay needs data "lowerdir=A,upperdir=B,workdir=C": all three must exist, workdir must be an empty folder ' +
      'on the same filesystem as upperdir, and none may be inside another';
  }
  if (flags & MS_MOVE) return 'MS_MOVE needs a source that is a mount point, and neither may be a shared mount';
  if (flags & MS_REMOUNT) return 'MS_REMOUNT needs a target that is a mount point';
  return 'check fstype and data for that filesystem (see man 2 mount, ERRORS)';
}

interface MountPoint {
  point: string;
  shared: boolean;
}

function readMountinfo(): string {
  return fs.readFileSync('/proc/self/mountinfo', 'utf8');
}

/** Mount points in /proc/self/mountinfo order, so a later entry is mounted over an earlier one. */
function parseMountinfo(text: string): MountPoint[] {
  return text.split('\n').filter(Boolean).map((line) => {
    const fields = line.split(' ');
    const optional = fields.slice(6, fields.indexOf('-'));
    // The kernel escapes space, tab, newline and backslash in paths as \ooo.
    const point = fields[4].replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
    return { point, shared: optional.some((f) => f.startsWith('shared:')) };
  });
}

function topmostAt(mounts: MountPoint[], point: string): MountPoint | undefined {
  return mounts.filter((m) => m.point === point).pop();
}

function pivotRootHint(newRoot: string, putOld: string, mountinfo: string): string {
  const mounts = parseMountinfo(mountinfo);
  const root = path.resolve(newRoot);
  const target = topmostAt(mounts, root);
  if (!target) {
    return `new_root must be a mount point: bind-mount it onto itself first — mount(${JSON.stringify(newRoot)}, ` +
      `${JSON.stringify(newRoot)}, null, MS_BIND | MS_REC)`;
  }
  if (target.shared || topmostAt(mounts, '/')?.shared) {
    return 'the current root and new_root must not be shared mounts: make / private (MS_PRIVATE|MS_REC) first — ' +
      'mount(null, "/", null, MS_PRIVATE | MS_REC), after unshare(CLONE_NEWNS)';
  }
  if (!path.resolve(putOld).startsWith(root + path.sep)) return 'put_old must be a folder inside new_root';
  return 'pivot_root needs new_root to be a mount point, put_old a folder inside it, neither / nor new_root shared, ' +
    'and / itself a real mount (not the initramfs)';
}

const FLAG_NAMES: Record<string, Record<string, number>> = {
  clone: { CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET, CLONE_FS },
  mount: {
    MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT, MS_NOATIME, MS_BIND, MS_MOVE, MS_REC, MS_UNBINDABLE,
    MS_PRIVATE, MS_SLAVE, MS_SHARED, MS_RELATIME, MS_STRICTATIME,
  },
  umount: { MNT_FORCE, MNT_DETACH },
  seccomp: { SECCOMP_SET_MODE_FILTER },
};

const PRCTL_OPTIONS: Record<number, string> = {
  [PR_CAPBSET_DROP]: 'PR_CAPBSET_DROP', [PR_SET_NO_NEW_PRIVS]: 'PR_SET_NO_NEW_PRIVS', [PR_CAP_AMBIENT]: 'PR_CAP_AMBIENT',
};

/** Which argument of a call holds flags, and their names: errors show `MS_PRIVATE|MS_REC`, not 278528. */
const FLAG_ARGS: Record<string, [number, string]> = {
  unshare: [0, 'clone'],
  setns: [1, 'clone'],
  mount: [3, 'mount'],
  umount2: [1, 'umount'],
  seccomp: [0, 'seccomp'],
};

function formatFlags(value: number, names: Record<string, number>): string {
  const parts: string[] = [];
  let rest = value;
  for (const [name, bit] of Object.entries(names)) {
    if ((rest & bit) === bit) {
      parts.push(name);
      rest &= ~bit;
    }
  }
  if (rest) parts.push(`0x${(rest >>> 0).toString(16)}`);
  return parts.join('|') || '0';
}

/** The arguments as C would name them; each cut to `max` characters (a trace line stays short). */
function formatArgs(call: string, args: readonly unknown[], max = Infinity): string {
  const [flagIndex, table] = FLAG_ARGS[call] ?? [-1, ''];
  return args.map((arg, i) => {
    if (i === flagIndex && typeof arg === 'number') return formatFlags(arg, FLAG_NAMES[table]);
    if (call === 'mknod' && i === 1 && typeof arg === 'number') return formatMode(arg);
    if (call === 'prctl' && i === 0) return PRCTL_OPTIONS[Number(arg)] ?? String(arg);
    if (call === 'prctl' && i === 1 && args[0] === PR_CAPBSET_DROP) return CAPABILITIES[Number(arg)] ?? String(arg);
    // Capability sets as /proc/PID/status shows them (CapEff: 00000000a80425fb).
    if (typeof arg === 'bigint') return `0x${arg.toString(16)}`;
    if (call === 'seccomp' && i === 2 && Array.isArray(arg)) return `{len=${arg.length}}`;
    if (arg === null || arg === undefined) return 'NULL';
    const text = JSON.stringify(arg);
    return text.length > max ? `${text.slice(0, max)}…` : text;
  }).join(', ');
}

function formatMode(mode: number): string {
  const type = Object.entries({ S_IFCHR, S_IFBLK, S_IFIFO, S_IFREG }).find(([, bits]) => (mode & S_IFMT) === bits);
  return `${type ? `${type[0]}|` : ''}0o${(mode & ~S_IFMT).toString(8)}`;
}

// ---------------------------------------------------------------------------------------------
// The C library, bound on first use so that importing this module works on any machine
// ---------------------------------------------------------------------------------------------

type CFunction = ReturnType<IKoffiLib['func']>;
interface Libc {
  unshare: CFunction;
  setns: CFunction;
  mount: CFunction;
  umount2: CFunction;
  syscall: CFunction;
  chroot: CFunction;
  chdir: CFunction;
  sethostname: CFunction;
  mknod: CFunction;
  setgroups: CFunction;
  setgid: CFunction;
  setuid: CFunction;
  prctl: CFunction;
  capset: CFunction;
  execve: CFunction;
  signal: CFunction;
  fcntl: CFunction;
  strerror: CFunction;
  socket: CFunction;
  send: CFunction;
  recv: CFunction;
  close: CFunction;
  if_nametoindex: CFunction;
}

let bound: Libc | undefined;
function libc(): Libc {
  if (bound) return bound;
  if (process.platform !== 'linux') {
    throw new Error('the linux toolkit runs only on Linux: run your runtime with `rubber-workshop check` (it runs in a Linux VM)');
  }
  const lib = koffi.load('libc.so.6');
  bound = {
    unshare: lib.func('int unshare(int flags)'),
    setns: lib.func('int setns(int fd, int nstype)'),
    mount: lib.func('int mount(const char *source, const char *target, const char *fstype, unsigned long flags, const char *data)'),
    umount2: lib.func('int umount2(const char *target, int flags)'),
    syscall: lib.func('long syscall(long number, ...)'),
    chroot: lib.func('int chroot(const char *path)'),
    chdir: lib.func('int chdir(const char *path)'),
    sethostname: lib.func('int sethostname(const char *name, size_t len)'),
    mknod: lib.func('int mknod(const char *path, uint32_t mode, uint64_t dev)'),
    setgroups: lib.func('int setgroups(size_t size, const uint32_t *list)'),
    setgid: lib.func('int setgid(uint32_t gid)'),
    setuid: lib.func('int setuid(uint32_t uid)'),
    prctl: lib.func('int prctl(int option, unsigned long arg2, unsigned long arg3, unsigned long arg4, unsigned long arg5)'),
    capset: lib.func('int capset(void *header, void *data)'),
    execve: lib.func('int execve(const char *path, const char **argv, const char **envp)'),
    signal: lib.func('void *signal(int signum, void *handler)'),
    fcntl: lib.func('int fcntl(int fd, int cmd, ...)'),
    strerror: lib.func('const char *strerror(int errnum)'),
    socket: lib.func('int socket(int domain, int type, int protocol)'),
    send: lib.func('long send(int fd, const void *buf, size_t len, int flags)'),
    recv: lib.func('long recv(int fd, void *buf, size_t len, int flags)'),
    close: lib.func('int close(int fd)'),
    if_nametoindex: lib.func('unsigned int if_nametoindex(const char *name)'),
  };
  return bound;
}

function strerror(errno: number): string {
  try {
    return String(libc().strerror(errno));
  } catch {
    return errnoName(errno); // not on Linux: only the name is known
  }
}

/**
 * Runs one C call and throws a LinuxError if it returned -1. errno is read in the very next
 * statement: any other call into the C library (even by Node itself) may overwrite it.
 */
function invoke(call: string, args: readonly unknown[], run: () => number): number {
  const result = run();
  const errno = koffi.errno();
  if (result === -1) {
    const error = new LinuxError(call, args, errno);
    traceCall(call, args, failure(error));
    throw error;
  }
  traceCall(call, args, String(result));
  return result;
}

// ---------------------------------------------------------------------------------------------
// The call trace (RD_TRACE)
// ---------------------------------------------------------------------------------------------

/** Calls one process records at most: a runtime caught in a loop must not fill the VM's memory. */
export const TRACE_MAX_CALLS = 200;
/** Longest argument a trace line keeps (overlay options and long commands are cut). */
export const TRACE_MAX_ARG = 120;

/** Which process of rd this is: the init stage is rd started again with the hidden `init` command. */
const traceRole = process.argv[2] === 'init' ? 'init' : 'parent';
// Opened now, before the runtime changes its root: the name means the VM's file. The fd is
// close-on-exec (Node opens every file so), so the container's command cannot write to it.
const traceFd = openTrace(process.env.RD_TRACE);
// The init stage's environment becomes the command's: the variable is rd's, not the container's.
if (traceRole === 'init') delete process.env.RD_TRACE;
let tracedCalls = 0;
/** Above 0 while a helper runs that records one line of its own for the calls it makes. */
let traceQuiet = 0;

function openTrace(file: string | undefined): number | undefined {
  if (!file) return undefined;
  try {
    const fd = fs.openSync(file, 'a');
    // rd run makes it; the init stage may append as another user (a user namespace's root, level 11).
    if (traceRole === 'parent') fs.fchmodSync(fd, 0o666);
    return fd;
  } catch {
    return undefined; // the trace only explains: a runtime without one works the same
  }
}

/**
 * One trace line, strace-style: the process (parent or init, its PID), the call with its flags by
 * name, and its result: `init 418 unshare(CLONE_NEWNS) = 0`, `… = -1 EPERM (Operation not permitted)`.
 * Without a result (execve before it runs), the line ends with the call.
 */
export function traceLine(role: string, pid: number, call: string, args: readonly unknown[], result?: string): string {
  return `${role} ${pid} ${call}(${formatArgs(call, args, TRACE_MAX_ARG)})${result === undefined ? '' : ` = ${result}`}`;
}

/** How a failed call shows in the trace: `-1 EINVAL (Invalid argument)`, from a LinuxError or node:fs's error. */
function failure(err: unknown): string {
  // node:fs gives the errno negated, as libuv returns it.
  const errno = err instanceof LinuxError ? err.errno : Math.abs(Number((err as NodeJS.ErrnoException | undefined)?.errno));
  return errno ? `-1 ${errnoName(errno)} (${strerror(errno)})` : `threw ${String(err)}`;
}

function traceCall(call: string, args: readonly unknown[], result?: string): void {
  if (traceFd === undefined || traceQuiet > 0 || tracedCalls > TRACE_MAX_CALLS) return;
  tracedCalls += 1;
  const line = tracedCalls > TRACE_MAX_CALLS
    ? `${traceRole} ${process.pid} … more than ${TRACE_MAX_CALLS} calls: the rest are not recorded`
    : traceLine(traceRole, process.pid, call, args, result);
  try {
    // One write per line: with O_APPEND, the two processes' lines never mix.
    fs.writeSync(traceFd, `${line}\n`);
  } catch {
    // A full or removed file: the runtime goes on without its trace.
  }
}

/** Runs a helper that makes calls of its own, recording it as one line: `which("sh") = "/bin/sh"`. */
function traceHelper<T>(call: string, args: readonly unknown[], run: () => T, show: (result: T) => string): T {
  let outcome = '';
  traceQuiet += 1;
  try {
    const result = run();
    outcome = show(result);
    return result;
  } catch (err) {
    outcome = failure(err);
    throw err;
  } finally {
    traceQuiet -= 1;
    traceCall(call, args, outcome);
  }
}

// ---------------------------------------------------------------------------------------------
// The file writes that matter to the levels, made with node:fs (RD_TRACE)
// ---------------------------------------------------------------------------------------------

/**
 * Files whose writes the trace records: cgroup v2's (a container's limits and who is in it) and a user
 * namespace's maps. A runtime writes them with node:fs, not through this module.
 */
const TRACED_FILES = /^\/sys\/fs\/cgroup(\/|$)|^\/proc\/(\d+|self|thread-self)\/(uid_map|gid_map|setgroups)$/;

/** The node:fs functions recorded, by the system call each line names. */
const TRACED_FS = { writeFileSync: 'write', appendFileSync: 'write', mkdirSync: 'mkdir', rmdirSync: 'rmdir' } as const;

/** The absolute path a node:fs call names, if it is one the trace records (a file descriptor is not). */
export function tracedPath(file: unknown): string | undefined {
  const name = typeof file === 'string' ? file : Buffer.isBuffer(file) ? file.toString() : file instanceof URL ? fileURLToPath(file) : undefined;
  const absolute = name === undefined ? undefined : path.resolve(name);
  return absolute !== undefined && TRACED_FILES.test(absolute) ? absolute : undefined;
}

/**
 * What a recorded node:fs call shows: `write(FILE, DATA)` (bytes as text), `mkdir(FILE)`, with
 * `{"recursive":true}` if asked, and `rmdir(FILE)`.
 */
export function fsTraceArgs(call: string, file: string, second: unknown): unknown[] {
  if (call === 'write') {
    const data = typeof second === 'string' ? second
      : ArrayBuffer.isView(second) ? Buffer.from(second.buffer, second.byteOffset, second.byteLength).toString() : `(${typeof second})`;
    return [file, data];
  }
  const recursive = typeof second === 'object' && second !== null && (second as { recursive?: unknown }).recursive;
  return recursive ? [file, { recursive: true }] : [file];
}

/**
 * Wraps node:fs's functions of {@link TRACED_FS} so that, for a file of {@link TRACED_FILES}, each call
 * adds a line to the trace: `init 1 write("/sys/fs/cgroup/rubber-workshop/ab12/cgroup.procs", "1") = 0`.
 * They return and throw as before; other files go straight through. The module object is what a default
 * import and CommonJS use; syncBuiltinESMExports hands the wrappers to named and namespace imports.
 */
function traceFsWrites(): void {
  const fsModule = fs as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const [name, call] of Object.entries(TRACED_FS)) {
    const original = fsModule[name];
    fsModule[name] = function traced(this: unknown, ...args: unknown[]) {
      const file = tracedPath(args[0]);
      if (file === undefined) return original.apply(this, args);
      return traceHelper(call, fsTraceArgs(call, file, args[1]), () => original.apply(this, args), () => '0');
    };
  }
  syncBuiltinESMExports();
}
// Only when traced: a runtime run without RD_TRACE calls node:fs's own functions.
if (traceFd !== undefined) traceFsWrites();

// ---------------------------------------------------------------------------------------------
// System calls
// ---------------------------------------------------------------------------------------------

/**
 * Moves the calling thread into new namespaces. `man 2 unshare`
 *
 * @param flags CLONE_NEW* flags or-ed together, e.g. `CLONE_NEWNS | CLONE_NEWUTS`.
 *   CLONE_NEWPID is special: the caller stays where it is, its next child becomes PID 1 of the new namespace.
 * @throws LinuxError EPERM without root; EINVAL for flags that need a single-threaded process (CLONE_NEWUSER).
 */
export function unshare(flags: number): void {
  invoke('unshare', [flags], () => libc().unshare(flags));
}

/**
 * Moves the calling thread into an existing namespace. `man 2 setns`
 *
 * @param fd an open file of /proc/PID/ns/<type>, e.g. `fs.openSync('/proc/self/ns/pid', 'r')`.
 * @param nstype the CLONE_NEW* type the fd must be, or 0 for any.
 */
export function setns(fd: number, nstype = 0): void {
  invoke('setns', [fd, nstype], () => libc().setns(fd, nstype));
}

/**
 * Mounts a filesystem, or changes a mount. `man 2 mount`
 *
 * @example
 * mount('proc', '/rootfs/proc', 'proc', MS_NOSUID | MS_NODEV | MS_NOEXEC);  // a new proc filesystem
 * mount(null, '/', null, MS_PRIVATE | MS_REC);                              // stop propagation
 * mount('/rootfs', '/rootfs', null, MS_BIND | MS_REC);                       // make a folder a mount point
 * mount('tmpfs', '/rootfs/dev', 'tmpfs', MS_NOSUID | MS_STRICTATIME, 'mode=755');
 *
 * @param source what to mount: a device, a folder (MS_BIND), or any name for virtual filesystems; null if unused.
 * @param target the folder to mount on; it must exist.
 * @param fstype the filesystem type (proc, sysfs, tmpfs, devpts, overlay…); null when changing a mount.
 * @param flags MS_* flags or-ed together.
 * @param data filesystem-specific options, e.g. `"mode=755"` or overlay's `"lowerdir=…,upperdir=…,workdir=…"`.
 */
export function mount(source: string | null, target: string, fstype: string | null, flags = 0, data: string | null = null): void {
  invoke('mount', [source, target, fstype, flags, data], () => libc().mount(source, target, fstype, flags >>> 0, data));
}

/**
 * Unmounts a filesystem. `man 2 umount2`
 *
 * @param flags 0, or MNT_DETACH to detach it now even if busy (it goes away once unused).
 */
export function umount2(target: string, flags = 0): void {
  invoke('umount2', [target, flags], () => libc().umount2(target, flags));
}

/**
 * Makes `new_root` the root mount of the calling process's mount namespace and moves the old
 * root mount to `put_old`. `man 2 pivot_root` (glibc has no wrapper: this uses syscall(2))
 *
 * Afterwards, chdir("/") and unmount `put_old` (umount2 with MNT_DETACH), or the old root stays reachable.
 *
 * @param newRoot must be a mount point (bind-mount a folder onto itself to make it one), and not shared.
 * @param putOld a folder inside new_root.
 * @throws LinuxError EINVAL (or EBUSY on older kernels) when new_root is not a mount point or mounts are shared.
 */
export function pivot_root(newRoot: string, putOld: string): void {
  const number = syscallNumber('pivot_root')!;
  invoke('pivot_root', [newRoot, putOld], () => Number(libc().syscall(number, 'const char *', newRoot, 'const char *', putOld)));
}

/**
 * Changes the root folder of the calling process: paths starting with / resolve inside `path`. `man 2 chroot`
 *
 * It does not change the working directory: call chdir("/") right after, or "." is still outside the new root.
 */
export function chroot(path: string): void {
  invoke('chroot', [path], () => libc().chroot(path));
}

/** Changes the working directory of the calling process. `man 2 chdir` */
export function chdir(path: string): void {
  invoke('chdir', [path], () => libc().chdir(path));
}

/**
 * Sets the hostname of the calling process's UTS namespace. `man 2 sethostname`
 *
 * Call unshare(CLONE_NEWUTS) first, or this renames the whole VM.
 */
export function sethostname(name: string): void {
  invoke('sethostname', [name], () => libc().sethostname(name, Buffer.byteLength(name)));
}

/**
 * Creates a device file (or FIFO, or regular file). `man 2 mknod`
 *
 * The process umask still applies to `mode`: chmod the file afterwards for exact permissions.
 *
 * @example mknod('/rootfs/dev/null', S_IFCHR | 0o666, makedev(1, 3));
 * @param mode the file type (S_IFCHR, S_IFBLK…) or-ed with permissions; without a type it makes a regular file.
 * @param dev the device number from {@link makedev}.
 */
export function mknod(path: string, mode: number, dev = 0): void {
  invoke('mknod', [path, mode, dev], () => libc().mknod(path, mode, dev));
}

/**
 * Combines a device's major and minor numbers into the number mknod expects (glibc's encoding).
 * `man 3 makedev`. /dev/null is `makedev(1, 3)`.
 */
export function makedev(major: number, minor: number): number {
  const ma = BigInt(major);
  const mi = BigInt(minor);
  const dev = ((ma & 0xfffn) << 8n) | ((ma & ~0xfffn) << 32n) | (mi & 0xffn) | ((mi & ~0xffn) << 12n);
  return Number(dev);
}

/** Sets the supplementary group list of the calling process; `[]` drops them all. `man 2 setgroups` */
export function setgroups(groups: number[]): void {
  invoke('setgroups', [groups], () => libc().setgroups(groups.length, groups.length ? groups : null));
}

/** Sets the group ID of the calling process (call before setuid: afterwards it is no longer allowed). `man 2 setgid` */
export function setgid(gid: number): void {
  invoke('setgid', [gid], () => libc().setgid(gid));
}

/** Sets the user ID of the calling process; as root this drops root for good. `man 2 setuid` */
export function setuid(uid: number): void {
  invoke('setuid', [uid], () => libc().setuid(uid));
}

/**
 * Process controls, `man 2 prctl`: here PR_CAPBSET_DROP (a capability out of the bounding set, for
 * good: not even root's execve brings it back), PR_SET_NO_NEW_PRIVS and PR_CAP_AMBIENT.
 *
 * @example prctl(PR_CAPBSET_DROP, capabilityNumber('NET_RAW'));  prctl(PR_SET_NO_NEW_PRIVS, 1);
 * @throws LinuxError EPERM for PR_CAPBSET_DROP without CAP_SETPCAP; EINVAL for an unknown option or capability.
 */
export function prctl(option: number, ...args: number[]): number {
  const [arg2 = 0, arg3 = 0, arg4 = 0, arg5 = 0] = args;
  return invoke('prctl', [option, ...args], () => libc().prctl(option, arg2, arg3, arg4, arg5));
}

const LINUX_CAPABILITY_VERSION_3 = 0x20080522;

/**
 * Sets the calling thread's effective, permitted and inheritable capabilities, each a bit mask
 * (bit n is capability n: see {@link capabilityMask}). `man 2 capset`
 *
 * A root process's execve gives it its whole bounding set again: to keep fewer capabilities
 * across execve, drop the others from the bounding set too (prctl PR_CAPBSET_DROP).
 * @throws LinuxError EPERM when a set asks for a capability the thread does not have.
 */
export function capset(effective: bigint, permitted: bigint, inheritable: bigint): void {
  const header = Buffer.alloc(8);
  header.writeUInt32LE(LINUX_CAPABILITY_VERSION_3, 0); // pid 0: the calling thread
  // Two struct __user_cap_data_struct { effective, permitted, inheritable }: bits 0-31, then 32-63.
  const data = Buffer.alloc(24);
  [effective, permitted, inheritable].forEach((set, i) => {
    data.writeUInt32LE(Number(set & 0xffffffffn), i * 4);
    data.writeUInt32LE(Number((set >> 32n) & 0xffffffffn), 12 + i * 4);
  });
  invoke('capset', [effective, permitted, inheritable], () => libc().capset(header, data));
}

/** The number of a capability, `man 7 capabilities`: `capabilityNumber('net_raw')` and `capabilityNumber('CAP_NET_RAW')` are 13. */
export function capabilityNumber(name: string): number {
  const upper = name.toUpperCase();
  const number = CAPABILITIES.indexOf(upper.startsWith('CAP_') ? upper : `CAP_${upper}`);
  if (number === -1) throw new Error(`unknown capability "${name}": names are like CHOWN or CAP_NET_ADMIN (man 7 capabilities lists them)`);
  return number;
}

/** The highest capability number the running kernel knows (/proc/sys/kernel/cap_last_cap): 40 on Linux 5.9 and later. */
export function lastCapability(): number {
  return Number(fs.readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8'));
}

/** Capability numbers as the bit mask {@link capset} takes and /proc/PID/status shows: [0, 13] is 0x2001n. */
export function capabilityMask(numbers: Iterable<number>): bigint {
  let mask = 0n;
  for (const number of numbers) mask |= 1n << BigInt(number);
  return mask;
}

/** The AUDIT_ARCH_* value a filter finds in seccomp_data.arch for a native call (AUDIT_ARCH_X86_64 on x64). */
export function auditArch(): number {
  const arch = AUDIT_ARCHES[process.arch];
  if (arch === undefined) throw new Error(`seccomp: no AUDIT_ARCH known for ${process.arch}`);
  return arch;
}

/**
 * A system call's number on this machine, for a seccomp filter: `syscallNumber('sethostname')` is
 * 170 on x64. undefined if this architecture has no such call (arm64 has mkdirat, but no mkdir).
 * @throws Error for a name this toolkit does not know.
 */
export function syscallNumber(name: string): number | undefined {
  const numbers = SYSCALL_NUMBERS[name];
  if (!numbers) throw new Error(`unknown system call "${name}": the toolkit knows ${Object.keys(SYSCALL_NUMBERS).join(', ')}`);
  const column = ({ x64: 0, arm64: 1 } as Partial<Record<string, 0 | 1>>)[process.arch];
  if (column === undefined) throw new Error(`no system call numbers known for ${process.arch}`);
  return numbers[column];
}

/** A BPF program as the kernel reads it: 8 bytes per instruction (`struct sock_filter`, little-endian). */
export function encodeFilter(program: readonly SockFilter[]): Buffer {
  const buffer = Buffer.alloc(program.length * 8);
  program.forEach(({ code, jt, jf, k }, i) => {
    if (![jt, jf].every((jump) => Number.isInteger(jump) && jump >= 0 && jump <= 255)) {
      throw new Error(`BPF instruction ${i}: a jump skips 0 to 255 instructions, not ${jt}/${jf}`);
    }
    buffer.writeUInt16LE(code, i * 8);
    buffer.writeUInt8(jt, i * 8 + 2);
    buffer.writeUInt8(jf, i * 8 + 3);
    buffer.writeUInt32LE(k >>> 0, i * 8 + 4);
  });
  return buffer;
}

/**
 * Installs a seccomp filter on the calling thread: from now on the kernel runs `program` on every
 * system call it makes (and every program it execs), and the program's BPF_RET decides. `man 2 seccomp`
 * (glibc has no wrapper: this uses syscall(2)). Filters stay for good, and children inherit them.
 *
 * @example
 * prctl(PR_SET_NO_NEW_PRIVS, 1);
 * seccomp(SECCOMP_SET_MODE_FILTER, 0, [
 *   BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SECCOMP_DATA_NR),
 *   BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, syscallNumber('keyctl')!, 0, 1),
 *   BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
 *   BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
 * ]);
 * @throws LinuxError EACCES without no_new_privs (or CAP_SYS_ADMIN); EINVAL for a program the kernel refuses.
 */
export function seccomp(operation: number, flags: number, program: readonly SockFilter[]): void {
  const number = syscallNumber('seccomp')!;
  const filter = encodeFilter(program);
  // struct sock_fprog { unsigned short len; struct sock_filter *filter; }: the pointer at offset 8.
  const fprog = Buffer.alloc(16);
  fprog.writeUInt16LE(program.length, 0);
  fprog.writeBigUInt64LE(BigInt(koffi.address(filter)), 8);
  invoke('seccomp', [operation, flags, program], () => Number(libc().syscall(number, 'unsigned int', operation, 'unsigned int', flags, 'void *', fprog)));
}

/**
 * Replaces the calling process with a program: same PID, same open files but those close-on-exec
 * (and, as runc does, every one from 3 up that {@link clearCloexec} was not given: a file this
 * process was handed by whatever started it, a folder say, is no way out for the program), every
 * signal at its default (Node ignores SIGPIPE and SIGXFSZ: they are reset first). It never returns;
 * on failure it throws. `man 2 execve`
 *
 * @param file the program's path, as resolved by {@link which} (execve does not search PATH).
 * @param argv the argument list, the program's name first: `['/bin/ls', '-l']`.
 * @param env the environment, as an object (like `process.env`) or as `"NAME=value"` strings.
 */
export function execve(file: string, argv: readonly string[], env: NodeJS.ProcessEnv | readonly string[] = process.env): never {
  const envp = Array.isArray(env)
    ? [...env]
    : Object.entries(env).flatMap(([name, value]) => (value === undefined ? [] : [`${name}=${value}`]));
  closeOnExecButPassed();
  // Node ignores SIGPIPE and SIGXFSZ, and an ignored signal stays ignored across execve: back to their defaults
  // (a null handler is SIG_DFL), as runc does, or `yes | head -1` in the container ends in "Broken pipe".
  // Node's own handling again if execve fails.
  const ignored = [os.constants.signals.SIGPIPE, os.constants.signals.SIGXFSZ];
  const before = ignored.map((signal) => libc().signal(signal, null));
  // Recorded first: a successful execve never returns to say so.
  traceCall('execve', [file, argv]);
  libc().execve(file, [...argv, null], [...envp, null]);
  const errno = koffi.errno();
  ignored.forEach((signal, i) => libc().signal(signal, before[i]));
  const error = new LinuxError('execve', [file, argv], errno);
  traceCall('execve', [file, argv], failure(error));
  throw error;
}

/** The descriptors {@link clearCloexec} was given: those a program started with {@link execve} is to inherit. */
const passed = new Set<number>();

/**
 * Marks close-on-exec every descriptor from 3 up but those {@link clearCloexec} was given (close_range,
 * Linux 5.11; on an older kernel nothing is marked). Node keeps those it was started with from 17 up.
 */
function closeOnExecButPassed(): void {
  const number = syscallNumber('close_range');
  const mark = (first: number, last: number) => libc().syscall(number, 'unsigned int', first, 'unsigned int', last, 'unsigned int', CLOSE_RANGE_CLOEXEC);
  let first = 3;
  for (const fd of [...passed].filter((fd) => fd >= first).sort((a, b) => a - b)) {
    if (fd > first) mark(first, fd - 1);
    first = fd + 1;
  }
  mark(first, 0xffffffff);
}

/**
 * Clears close-on-exec on file descriptors, so a program started with {@link execve} inherits them.
 * Node opens every file close-on-exec, stdin, stdout and stderr included: without this call the
 * command starts with nowhere to write. Uses fcntl(F_GETFD/F_SETFD). `man 2 fcntl`
 *
 * @param fds the descriptors, by default 0, 1 and 2 (stdin, stdout, stderr).
 */
export function clearCloexec(fds: readonly number[] = [0, 1, 2]): void {
  traceHelper('clearCloexec', [fds], () => {
    for (const fd of fds) {
      passed.add(fd);
      const flags = invoke('fcntl', [fd, F_GETFD], () => libc().fcntl(fd, F_GETFD));
      invoke('fcntl', [fd, F_SETFD, flags & ~FD_CLOEXEC], () => libc().fcntl(fd, F_SETFD, 'int', flags & ~FD_CLOEXEC));
    }
  }, () => '0');
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/**
 * Finds a command the way a shell does: a name without a slash is searched in each folder of
 * PATH; a name with a slash is used as it is. Call it after the root changed (chroot,
 * pivot_root) so that it searches the container's files, not the VM's.
 *
 * @param options.path the search path; by default `process.env.PATH`, else {@link DEFAULT_PATH}.
 * @param options.root look under this folder instead of `/` (a symlink there counts as found,
 *   since it can only be followed correctly from inside).
 * @returns the path to pass to execve, e.g. `"/bin/ls"` for `"ls"`.
 * @throws LinuxError ENOENT (call `which`) when no folder of PATH holds an executable of that name.
 */
export function which(command: string, options: { path?: string; root?: string } = {}): string {
  return traceHelper('which', options.root ? [command, options.root] : [command], () => {
    if (command.includes('/')) return command;
    const root = options.root ?? '/';
    const searchPath = options.path ?? process.env.PATH ?? DEFAULT_PATH;
    for (const dir of searchPath.split(':')) {
      // Relative PATH entries name folders of the caller's working directory, not of the container.
      if (!path.isAbsolute(dir)) continue;
      const candidate = path.join(dir, command);
      if (isExecutable(path.join(root, candidate), root !== '/')) return candidate;
    }
    throw new LinuxError('which', [command], os.constants.errno.ENOENT,
      `no such command inside the container's root (searched ${searchPath}${root === '/' ? '' : ` under ${root}`})`);
  }, (found) => JSON.stringify(found));
}

function isExecutable(file: string, acceptSymlink: boolean): boolean {
  try {
    if (acceptSymlink && fs.lstatSync(file).isSymbolicLink()) return true;
    const stat = fs.statSync(file);
    return stat.isFile() && (stat.mode & 0o111) !== 0;
  } catch {
    return false; // missing, or a path component is not a folder: not here
  }
}

/** How a child ended, as a container runtime reports it. */
export interface ExitReport {
  /** `"<pid> exited with status N"` or `"<pid> killed by signal SIGNAME"`. */
  line: string;
  /** The status the runtime itself exits with: the command's status, or 128 + the signal number, like a shell. */
  status: number;
}

/**
 * Describes how a child process ended, from the `code` and `signal` Node's `'exit'` event gives
 * (Node passes exactly one of them).
 *
 * @example
 * child.on('exit', (code, signal) => {
 *   const { line, status } = describeExit(child.pid!, code, signal);
 *   console.error(line);   // "4242 killed by signal SIGKILL"
 *   process.exit(status);  // 137
 * });
 */
export function describeExit(pid: number, code: number | null, signal: string | null): ExitReport {
  if (signal) {
    const number = (os.constants.signals as Record<string, number | undefined>)[signal] ?? 0;
    return { line: `${pid} killed by signal ${signal}`, status: 128 + number };
  }
  return { line: `${pid} exited with status ${code}`, status: code ?? 0 };
}

// ---------------------------------------------------------------------------------------------
// Network interfaces, addresses and routes, through rtnetlink (`man 7 rtnetlink`), as `ip` does
// ---------------------------------------------------------------------------------------------

const AF_INET = 2;
const AF_NETLINK = 16;
const SOCK_RAW = 3;
const SOCK_CLOEXEC = 0o2000000;
const NETLINK_ROUTE = 0;
const NLMSG_HDRLEN = 16;
const NLMSG_ERROR = 2;
const NLM_F_REQUEST = 1;
const NLM_F_ACK = 4;
const NLM_F_EXCL = 0x200;
const NLM_F_CREATE = 0x400;
const RTM_NEWLINK = 16;
const RTM_DELLINK = 17;
const RTM_NEWADDR = 20;
const RTM_NEWROUTE = 24;
const IFLA_IFNAME = 3;
const IFLA_MASTER = 10;
const IFLA_LINKINFO = 18;
const IFLA_NET_NS_PID = 19;
const IFLA_NET_NS_FD = 28;
const IFLA_INFO_KIND = 1;
const IFLA_INFO_DATA = 2;
const VETH_INFO_PEER = 1;
const IFA_ADDRESS = 1;
const IFA_LOCAL = 2;
const RTA_GATEWAY = 5;
const IFF_UP = 1;
const RT_TABLE_MAIN = 254;
const RTPROT_BOOT = 3;
const RT_SCOPE_UNIVERSE = 0;
const RTN_UNICAST = 1;

/** A network namespace: an open `/proc/PID/ns/net` (`{ fd }`), or the one a process is in (`{ pid }`). */
export type Netns = { fd: number } | { pid: number };

/** A netlink attribute: its type and value (a string, sent NUL-terminated; a u32; bytes; or nested attributes). */
export type NetlinkAttr = [type: number, value: string | number | Buffer | NetlinkAttr[]];

/** Netlink's numbers are in the machine's byte order: little-endian on x86-64 and arm64. */
function u32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(value >>> 0);
  return bytes;
}

/** Netlink aligns every header and attribute to 4 bytes. */
function pad4(bytes: Buffer): Buffer {
  return bytes.length % 4 ? Buffer.concat([bytes, Buffer.alloc(4 - (bytes.length % 4))]) : bytes;
}

function attrBytes([type, value]: NetlinkAttr): Buffer {
  const payload = typeof value === 'string' ? Buffer.from(`${value}\0`)
    : typeof value === 'number' ? u32(value)
      : Buffer.isBuffer(value) ? value : Buffer.concat(value.map(attrBytes));
  const head = Buffer.alloc(4);
  head.writeUInt16LE(4 + payload.length, 0);
  head.writeUInt16LE(type, 2);
  return pad4(Buffer.concat([head, payload]));
}

/** One request as the kernel reads it: nlmsghdr, the family's fixed header, then the attributes. An ack is asked for. */
function netlinkMessage(type: number, flags: number, header: Buffer, attrs: NetlinkAttr[]): Buffer {
  const body = Buffer.concat([pad4(header), ...attrs.map(attrBytes)]);
  const nlh = Buffer.alloc(NLMSG_HDRLEN);
  nlh.writeUInt32LE(NLMSG_HDRLEN + body.length, 0);
  nlh.writeUInt16LE(type, 4);
  nlh.writeUInt16LE(flags | NLM_F_REQUEST | NLM_F_ACK, 6);
  nlh.writeUInt32LE(1, 8); // sequence number: one request per socket
  return Buffer.concat([nlh, body]);
}

/** struct ifinfomsg: any family, the link by index (0: by IFLA_IFNAME), and IFF_UP set or cleared if `up` is given. */
function ifinfomsg(up?: boolean, index = 0): Buffer {
  const msg = Buffer.alloc(16);
  msg.writeInt32LE(index, 4);
  msg.writeUInt32LE(up ? IFF_UP : 0, 8);
  msg.writeUInt32LE(up === undefined ? 0 : IFF_UP, 12);
  return msg;
}

function netnsAttr(netns: Netns): NetlinkAttr {
  return 'fd' in netns ? [IFLA_NET_NS_FD, netns.fd] : [IFLA_NET_NS_PID, netns.pid];
}

/** An IPv4 address as 4 bytes, or undefined if it is not one. */
function ipv4(address: string): Buffer | undefined {
  const parts = address.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) < 256)) return undefined;
  return Buffer.from(parts.map(Number));
}

const CREATE = NLM_F_CREATE | NLM_F_EXCL;

/**
 * The rtnetlink request each network call sends, as bytes (exported for tests). Links are named, as `ip`
 * names them; the kernel looks a name up in the network namespace of the socket, the caller's.
 */
export const rtnetlinkRequest = {
  linkAddBridge: (name: string) =>
    netlinkMessage(RTM_NEWLINK, CREATE, ifinfomsg(), [[IFLA_IFNAME, name], [IFLA_LINKINFO, [[IFLA_INFO_KIND, 'bridge']]]]),
  linkAddVeth: (name: string, peer: string, peerNetns?: Netns) => {
    // VETH_INFO_PEER holds an ifinfomsg of its own, then the peer's attributes.
    const peerInfo = Buffer.concat([ifinfomsg(), ...[[IFLA_IFNAME, peer] as NetlinkAttr, ...(peerNetns ? [netnsAttr(peerNetns)] : [])].map(attrBytes)]);
    return netlinkMessage(RTM_NEWLINK, CREATE, ifinfomsg(), [
      [IFLA_IFNAME, name],
      [IFLA_LINKINFO, [[IFLA_INFO_KIND, 'veth'], [IFLA_INFO_DATA, [[VETH_INFO_PEER, peerInfo]]]]],
    ]);
  },
  linkSetMaster: (name: string, masterIndex: number) =>
    netlinkMessage(RTM_NEWLINK, 0, ifinfomsg(), [[IFLA_IFNAME, name], [IFLA_MASTER, masterIndex]]),
  linkSetNetns: (name: string, netns: Netns) => netlinkMessage(RTM_NEWLINK, 0, ifinfomsg(), [[IFLA_IFNAME, name], netnsAttr(netns)]),
  linkSetUp: (name: string, up = true) => netlinkMessage(RTM_NEWLINK, 0, ifinfomsg(up), [[IFLA_IFNAME, name]]),
  linkDel: (name: string) => netlinkMessage(RTM_DELLINK, 0, ifinfomsg(), [[IFLA_IFNAME, name]]),
  addrAdd: (index: number, address: Buffer, prefix: number) => {
    const ifaddrmsg = Buffer.from([AF_INET, prefix, 0, RT_SCOPE_UNIVERSE, ...u32(index)]);
    return netlinkMessage(RTM_NEWADDR, CREATE, ifaddrmsg, [[IFA_LOCAL, address], [IFA_ADDRESS, address]]);
  },
  routeAddDefault: (gateway: Buffer) => {
    // struct rtmsg: family, dst_len 0 (the default route), src_len, tos, table, protocol, scope, type, flags.
    const rtmsg = Buffer.from([AF_INET, 0, 0, 0, RT_TABLE_MAIN, RTPROT_BOOT, RT_SCOPE_UNIVERSE, RTN_UNICAST, 0, 0, 0, 0]);
    return netlinkMessage(RTM_NEWROUTE, CREATE, rtmsg, [[RTA_GATEWAY, gateway]]);
  },
};

/** The errno of the kernel's answer to one request: 0 for an ack (nlmsgerr with error 0). */
export function netlinkErrno(reply: Buffer): number {
  if (reply.length < NLMSG_HDRLEN + 4 || reply.readUInt16LE(4) !== NLMSG_ERROR) return os.constants.errno.EPROTO;
  return Math.abs(reply.readInt32LE(NLMSG_HDRLEN)); // nlmsgerr.error: 0 or a negated errno
}

const NETWORK_CALLS = new Set(['linkAddBridge', 'linkAddVeth', 'linkSetMaster', 'linkSetNetns', 'linkSetUp', 'linkSetDown', 'linkDel', 'addrAdd', 'routeAddDefault']);

const ONE_NAMESPACE = 'in this network namespace (an interface is in one namespace only: was it moved with linkSetNetns, or made in the other one?)';

function networkHint(call: string, code: string, args: readonly unknown[]): string {
  const [name] = args;
  switch (code) {
    case 'EPERM':
      return 'needs CAP_NET_ADMIN over this network namespace — this must run as root in the VM (rubber-workshop check runs it there)';
    case 'ENODEV':
      return `no interface named ${JSON.stringify(name)} ${ONE_NAMESPACE}`;
    case 'ENOTSUP': // (Linux's EOPNOTSUPP, the same number)
      return `the kernel cannot make a ${call === 'linkAddBridge' ? 'bridge' : 'veth pair'}: its module is not loaded in the VM (run rubber-workshop setup again)`;
    case 'EEXIST':
      if (call === 'addrAdd') return `the interface has the address ${JSON.stringify(args[1])} already`;
      if (call === 'routeAddDefault') return 'this network namespace has a default route already';
      if (call === 'linkAddVeth') return `an interface named ${JSON.stringify(name)} (here) or ${JSON.stringify(args[1])} (where the peer goes) exists already: names are per namespace, pick others or remove the old one (linkDel)`;
      return `an interface named ${JSON.stringify(name)} exists already in this network namespace: names are per namespace, pick another or remove it (linkDel)`;
    case 'ENETUNREACH':
      return `the gateway is on no subnet of an interface that is up: give the interface an address in its subnet (addrAdd) and bring it up (linkSetUp) first`;
    case 'EBADF':
    case 'ESRCH':
      return 'the namespace must be an open /proc/PID/ns/net ({ fd }) or a running process ({ pid })';
    case 'EINVAL':
      if (call === 'linkSetMaster') return 'the master must be a bridge (linkAddBridge), in the same network namespace';
      return '';
    default:
      return '';
  }
}

/** Sends one request on a fresh NETLINK_ROUTE socket (in the caller's network namespace) and waits for its ack. */
function rtnetlink(call: string, args: readonly unknown[], message: Buffer): void {
  const c = libc();
  const fd = c.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE) as number;
  if (fd < 0) networkFailed(call, args, koffi.errno());
  let errno = 0;
  try {
    // Unconnected, a netlink socket sends to the kernel.
    if (Number(c.send(fd, message, message.length, 0)) < 0) errno = koffi.errno();
    else {
      const reply = Buffer.alloc(8192);
      const length = Number(c.recv(fd, reply, reply.length, 0));
      errno = length < 0 ? koffi.errno() : netlinkErrno(reply.subarray(0, length));
    }
  } finally {
    c.close(fd);
  }
  if (errno) networkFailed(call, args, errno);
  traceCall(call, args, '0');
}

/** A network call's failure: recorded in the trace, thrown as a LinuxError. */
function networkFailed(call: string, args: readonly unknown[], errno: number, hint?: string): never {
  const error = new LinuxError(call, args, errno, hint);
  traceCall(call, args, failure(error));
  throw error;
}

/** The index of a network interface of the caller's namespace (`man 3 if_nametoindex`); ENODEV names it. */
function ifIndex(call: string, args: readonly unknown[], name: string): number {
  const index = libc().if_nametoindex(name) as number;
  return index || networkFailed(call, args, os.constants.errno.ENODEV, `no interface named ${JSON.stringify(name)} ${ONE_NAMESPACE}`);
}

/** An "A.B.C.D" (or "A.B.C.D/N" when `prefix`) argument, or a LinuxError EINVAL saying what is wanted. */
function parseIpv4(call: string, args: readonly unknown[], text: string, withPrefix: boolean): [Buffer, number] {
  const match = /^([\d.]+)(?:\/(\d{1,2}))?$/.exec(text);
  const bytes = match ? ipv4(match[1]) : undefined;
  const prefix = match?.[2];
  if (bytes && (withPrefix ? prefix !== undefined && Number(prefix) <= 32 : prefix === undefined)) return [bytes, Number(prefix ?? 32)];
  return networkFailed(call, args, os.constants.errno.EINVAL,
    `${JSON.stringify(text)} is not an IPv4 address${withPrefix ? ' with a prefix length, like "10.13.0.2/24"' : ', like "10.13.0.1"'}`);
}

/** Creates a bridge: a switch in the kernel that forwards between the interfaces attached to it. `ip link add NAME type bridge` */
export function linkAddBridge(name: string): void {
  rtnetlink('linkAddBridge', [name], rtnetlinkRequest.linkAddBridge(name));
}

/**
 * Creates a veth pair: two interfaces joined like the ends of a cable, what goes in one comes out of the
 * other. `ip link add NAME type veth peer name PEER [netns NS]` (`man 4 veth`)
 *
 * @param peerNetns where the peer end is made (by default beside `name`, in the caller's namespace).
 */
export function linkAddVeth(name: string, peer: string, peerNetns?: Netns): void {
  const args = peerNetns ? [name, peer, peerNetns] : [name, peer];
  rtnetlink('linkAddVeth', args, rtnetlinkRequest.linkAddVeth(name, peer, peerNetns));
}

/** Attaches an interface to a bridge (both in the caller's namespace). `ip link set NAME master BRIDGE` */
export function linkSetMaster(name: string, master: string): void {
  const args = [name, master];
  rtnetlink('linkSetMaster', args, rtnetlinkRequest.linkSetMaster(name, ifIndex('linkSetMaster', args, master)));
}

/** Moves an interface into another network namespace; it leaves the caller's. `ip link set NAME netns NS` */
export function linkSetNetns(name: string, netns: Netns): void {
  rtnetlink('linkSetNetns', [name, netns], rtnetlinkRequest.linkSetNetns(name, netns));
}

/** Brings an interface up: it sends and receives from now on. `ip link set NAME up` */
export function linkSetUp(name: string): void {
  rtnetlink('linkSetUp', [name], rtnetlinkRequest.linkSetUp(name));
}

/** Brings an interface down. `ip link set NAME down` */
export function linkSetDown(name: string): void {
  rtnetlink('linkSetDown', [name], rtnetlinkRequest.linkSetUp(name, false));
}

/** Removes an interface (a veth pair goes as a whole). `ip link del NAME` */
export function linkDel(name: string): void {
  rtnetlink('linkDel', [name], rtnetlinkRequest.linkDel(name));
}

/** Gives an interface an IPv4 address and its subnet's route. `ip addr add 10.13.0.2/24 dev NAME` */
export function addrAdd(name: string, address: string): void {
  const args = [name, address];
  const [bytes, prefix] = parseIpv4('addrAdd', args, address, true);
  rtnetlink('addrAdd', args, rtnetlinkRequest.addrAdd(ifIndex('addrAdd', args, name), bytes, prefix));
}

/**
 * Sends everything no other route covers to `gateway`, which must be on the subnet of an interface that is
 * up. `ip route add default via GATEWAY`
 */
export function routeAddDefault(gateway: string): void {
  const [bytes] = parseIpv4('routeAddDefault', [gateway], gateway, false);
  rtnetlink('routeAddDefault', [gateway], rtnetlinkRequest.routeAddDefault(bytes));
}
