// The toolkit's behaviour that can be observed on the host without changing it: errno naming,
// hints, constants, exit reports, PATH lookup, and calls that fail or only affect a child process.
import { spawnSync, type StdioOptions } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as linux from '../../src/linux/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { errno } = os.constants;

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-linux-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('errnoName', () => {
  it('names errno numbers the way man pages do', () => {
    expect(linux.errnoName(errno.EPERM)).toBe('EPERM');
    expect(linux.errnoName(errno.EBUSY)).toBe('EBUSY');
    expect(linux.errnoName(errno.EINVAL)).toBe('EINVAL');
    expect(linux.errnoName(errno.ENOENT)).toBe('ENOENT');
  });

  it('prefers the usual name when two share a number', () => {
    expect(linux.errnoName(errno.EAGAIN)).toBe('EAGAIN');
  });

  it('shows unknown numbers as numbers', () => {
    expect(linux.errnoName(9999)).toBe('errno 9999');
  });
});

function mountinfo(...lines: [id: number, point: string, optional: string][]): string {
  return lines.map(([id, point, optional]) => `${id} 1 0:${id} / ${point} rw,relatime ${optional} - tmpfs tmpfs rw\n`).join('');
}

describe('hintFor', () => {
  it('says EPERM needs root in the VM, for any call', () => {
    for (const call of ['mount', 'unshare', 'pivot_root', 'sethostname']) {
      expect(linux.hintFor(call, errno.EPERM, [])).toBe(
        'needs CAP_SYS_ADMIN — this must run as root in the VM (rubber-workshop check runs it there)',
      );
    }
  });

  it('explains the order of dropping privileges on EPERM from setuid', () => {
    expect(linux.hintFor('setuid', errno.EPERM, [1000])).toContain('setgroups, setgid, then setuid last');
  });

  it('says pivot_root needs new_root to be a mount point when it is not one', () => {
    const info = mountinfo([1, '/', 'shared:1'], [2, '/workshop/containers', '']);
    const hint = linux.hintFor('pivot_root', errno.EINVAL, ['/workshop/containers/ab/rootfs', '/workshop/containers/ab/rootfs/old_root'], info);
    expect(hint).toMatch(/^new_root must be a mount point: bind-mount it onto itself first/);
  });

  it('says mounts must not be shared when new_root is a mount point but / is shared', () => {
    const info = mountinfo([1, '/', 'shared:1'], [2, '/c/rootfs', '']);
    for (const code of [errno.EINVAL, errno.EBUSY]) {
      expect(linux.hintFor('pivot_root', code, ['/c/rootfs', '/c/rootfs/old_root'], info)).toMatch(
        /^the current root and new_root must not be shared mounts: make \/ private \(MS_PRIVATE\|MS_REC\) first/,
      );
    }
  });

  it('judges the topmost mount at a path, as the kernel does', () => {
    const info = mountinfo([1, '/', 'shared:1'], [3, '/', ''], [2, '/c/rootfs', '']);
    expect(linux.hintFor('pivot_root', errno.EINVAL, ['/c/rootfs', '/c/old'], info)).toBe('put_old must be a folder inside new_root');
  });

  it('reads escaped mount points', () => {
    const info = mountinfo([1, '/', ''], [2, '/my\\040root', '']);
    expect(linux.hintFor('pivot_root', errno.EINVAL, ['/my root', '/elsewhere'], info)).toBe('put_old must be a folder inside new_root');
  });

  it('blames threads for EINVAL from unshare and setns', () => {
    expect(linux.hintFor('unshare', errno.EINVAL, [linux.CLONE_NEWUSER])).toContain('single-threaded');
    expect(linux.hintFor('setns', errno.EINVAL, [3, linux.CLONE_NEWNS])).toContain('single-threaded');
  });

  it('says a setns refused inside a user namespace is for rd run to do, outside', () => {
    expect(linux.hintFor('setns', errno.EPERM, [3, linux.CLONE_NEWNET])).toMatch(/user namespace of its own \(--userns\) .*from rd run, outside/);
  });

  it('says a command missing from execve is missing inside the container', () => {
    expect(linux.hintFor('execve', errno.ENOENT, ['/bin/nope', ['nope']])).toMatch(/^no such command inside the container's root/);
  });

  it('says execve searches no PATH when it is given a bare name', () => {
    expect(linux.hintFor('execve', errno.ENOENT, ['sh', ['sh']])).toMatch(/^execve does not search PATH: .*linux\.which\(name\)/);
  });

  it('tells propagation changes, overlay options and other mounts apart on EINVAL', () => {
    expect(linux.hintFor('mount', errno.EINVAL, [null, '/', null, linux.MS_PRIVATE | linux.MS_REC, null])).toMatch(/^changing propagation/);
    expect(linux.hintFor('mount', errno.EINVAL, ['overlay', '/m', 'overlay', 0, 'lowerdir=/l'])).toMatch(/^overlay needs/);
    expect(linux.hintFor('mount', errno.EINVAL, ['proc', '/p', 'proc', 0, null])).toMatch(/^check fstype and data/);
  });

  it('suggests MNT_DETACH for a busy unmount', () => {
    expect(linux.hintFor('umount2', errno.EBUSY, ['/old_root', 0])).toContain('MNT_DETACH');
  });

  it('has nothing to say when nothing specific applies', () => {
    expect(linux.hintFor('chdir', errno.ELOOP, ['/x'])).toBe('');
  });
});

describe('LinuxError', () => {
  it('carries the call, arguments, errno number and name, and shows flags by name', () => {
    const args = [null, '/', null, linux.MS_PRIVATE | linux.MS_REC, null];
    const err = new linux.LinuxError('mount', args, errno.EINVAL);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('LinuxError');
    expect(err.call).toBe('mount');
    expect(err.args).toEqual(args);
    expect(err.errno).toBe(errno.EINVAL);
    expect(err.code).toBe('EINVAL');
    expect(err.message.split('\n')[0]).toBe('mount(NULL, "/", NULL, MS_REC|MS_PRIVATE, NULL) failed: EINVAL (Invalid argument)');
    expect(err.message.split('\n')[1]).toBe(`  hint: ${err.hint}`);
  });

  it('shows a mknod mode as type and octal permissions', () => {
    const err = new linux.LinuxError('mknod', ['/dev/null', linux.S_IFCHR | 0o666, 259], errno.EEXIST);
    expect(err.message).toContain('mknod("/dev/null", S_IFCHR|0o666, 259) failed: EEXIST');
  });

  it('shows unknown flag bits in hex', () => {
    const err = new linux.LinuxError('unshare', [linux.CLONE_NEWNS | 0x1], errno.EINVAL);
    expect(err.message).toContain('unshare(CLONE_NEWNS|0x1)');
  });
});

describe('constants', () => {
  it('match the Linux headers', () => {
    expect([linux.CLONE_NEWNS, linux.CLONE_NEWCGROUP, linux.CLONE_NEWUTS, linux.CLONE_NEWIPC]).toEqual([0x20000, 0x2000000, 0x4000000, 0x8000000]);
    expect([linux.CLONE_NEWUSER, linux.CLONE_NEWPID, linux.CLONE_NEWNET, linux.CLONE_FS]).toEqual([0x10000000, 0x20000000, 0x40000000, 0x200]);
    expect([linux.MS_RDONLY, linux.MS_NOSUID, linux.MS_NODEV, linux.MS_NOEXEC, linux.MS_REMOUNT]).toEqual([1, 2, 4, 8, 32]);
    expect([linux.MS_BIND, linux.MS_MOVE, linux.MS_REC]).toEqual([4096, 8192, 16384]);
    expect([linux.MS_UNBINDABLE, linux.MS_PRIVATE, linux.MS_SLAVE, linux.MS_SHARED]).toEqual([131072, 262144, 524288, 1048576]);
    expect(linux.MS_STRICTATIME).toBe(16777216);
    expect([linux.MNT_FORCE, linux.MNT_DETACH]).toEqual([1, 2]);
  });

  it('file type bits agree with Node', () => {
    expect(linux.S_IFMT).toBe(fs.constants.S_IFMT);
    expect(linux.S_IFCHR).toBe(fs.constants.S_IFCHR);
    expect(linux.S_IFBLK).toBe(fs.constants.S_IFBLK);
    expect(linux.S_IFIFO).toBe(fs.constants.S_IFIFO);
    expect(linux.S_IFREG).toBe(fs.constants.S_IFREG);
  });
});

describe('makedev', () => {
  it('encodes small numbers like glibc', () => {
    expect(linux.makedev(1, 3)).toBe(0x103);
    expect(linux.makedev(5, 0)).toBe(0x500);
    expect(linux.makedev(136, 0)).toBe(34816);
  });

  it('encodes large majors and minors like glibc', () => {
    expect(linux.makedev(0x1000, 0)).toBe(0x1000 * 2 ** 32);
    expect(linux.makedev(0, 0x100)).toBe(0x100000);
    expect(linux.makedev(259, 65536)).toBe(0x10010300);
  });

  it('gives the host\'s /dev/null and /dev/zero their numbers', () => {
    expect(fs.statSync('/dev/null').rdev).toBe(linux.makedev(1, 3));
    expect(fs.statSync('/dev/zero').rdev).toBe(linux.makedev(1, 5));
  });
});

describe('describeExit', () => {
  it('reports an exit status and passes it on', () => {
    expect(linux.describeExit(42, 3, null)).toEqual({ line: '42 exited with status 3', status: 3 });
    expect(linux.describeExit(42, 0, null)).toEqual({ line: '42 exited with status 0', status: 0 });
  });

  it('reports a signal by name and exits 128 + its number, like a shell', () => {
    expect(linux.describeExit(7, null, 'SIGKILL')).toEqual({ line: '7 killed by signal SIGKILL', status: 137 });
    expect(linux.describeExit(7, null, 'SIGTERM')).toEqual({ line: '7 killed by signal SIGTERM', status: 143 });
  });
});

describe('which', () => {
  let bin: string;
  beforeAll(() => {
    bin = path.join(tmp, 'bin');
    fs.mkdirSync(path.join(bin, 'folder'), { recursive: true });
    fs.writeFileSync(path.join(bin, 'tool'), '#!/bin/sh\n', { mode: 0o755 });
    fs.writeFileSync(path.join(bin, 'plain'), 'data', { mode: 0o644 });
    fs.symlinkSync('/bin/definitely-not-on-the-host', path.join(bin, 'link'));
  });

  it('finds an executable in a PATH folder', () => {
    expect(linux.which('tool', { path: `/nonexistent:${bin}` })).toBe(path.join(bin, 'tool'));
  });

  it('uses a name with a slash as it is', () => {
    expect(linux.which('./tool', { path: bin })).toBe('./tool');
    expect(linux.which('/bin/anything', { path: bin })).toBe('/bin/anything');
  });

  it('skips files that are not executable, folders and relative PATH entries', () => {
    for (const name of ['plain', 'folder']) {
      expect(() => linux.which(name, { path: bin })).toThrow(linux.LinuxError);
    }
    expect(() => linux.which('tool', { path: path.relative(process.cwd(), bin) })).toThrow(linux.LinuxError);
  });

  it('searches under another root and returns the path inside it', () => {
    expect(linux.which('tool', { root: tmp, path: '/usr/bin:/bin' })).toBe('/bin/tool');
    // An absolute symlink inside an image can only be followed from inside: it counts as found.
    expect(linux.which('link', { root: tmp, path: '/bin' })).toBe('/bin/link');
  });

  it('throws ENOENT naming the command and where it looked', () => {
    let err: unknown;
    try {
      linux.which('no-such-command', { path: bin });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(linux.LinuxError);
    expect(err).toMatchObject({ call: 'which', code: 'ENOENT', args: ['no-such-command'] });
    expect((err as Error).message).toContain(`no such command inside the container's root (searched ${bin})`);
  });
});

describe('real calls that cannot change the host', () => {
  it('chdir to a missing folder throws ENOENT with the path', () => {
    const missing = path.join(tmp, 'missing');
    let err: unknown;
    try {
      linux.chdir(missing);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ call: 'chdir', errno: errno.ENOENT, code: 'ENOENT' });
    expect((err as Error).message).toContain(`chdir(${JSON.stringify(missing)}) failed: ENOENT (No such file or directory)`);
  });

  it('setns with a closed fd throws EBADF', () => {
    expect(() => linux.setns(-1, linux.CLONE_NEWNS)).toThrow(/^setns\(-1, CLONE_NEWNS\) failed: EBADF/);
  });
});

describe('execve in a child process', () => {
  let script: string;
  beforeAll(async () => {
    // A throwaway program that becomes /bin/sh, the way the init stage becomes the container's command.
    const dir = path.join(tmp, 'exec');
    fs.mkdirSync(dir);
    fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'));
    fs.writeFileSync(path.join(dir, 'main.ts'), `
      import { clearCloexec, execve, which } from ${JSON.stringify(path.join(repoRoot, 'src/linux/index.ts'))};
      import fs from 'node:fs';
      const [mode, command, text] = process.argv.slice(2);
      if (mode === 'clear') clearCloexec();
      if (mode === 'pass-20') clearCloexec([0, 1, 2, 20]);
      try {
        execve(which(command), [command, '-c', text ?? 'echo "out:$GREETING"; echo err >&2; exit 7'], { ...process.env, GREETING: 'hi' });
      } catch (err) {
        console.error(String(err));
        console.error(/SigIgn:.*/.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[0]);
        process.exit(100);
      }
    `);
    script = path.join(dir, 'main.mjs');
    await build({ entryPoints: [path.join(dir, 'main.ts')], outfile: script, bundle: true, format: 'esm', platform: 'node', external: ['koffi'], logLevel: 'silent' });
  });

  const runScript = (...args: string[]) => spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' });
  /** The fds the program has, started with a folder open as fd 20 (what a careless caller of rd may leave open). */
  const fdsWith20 = (mode: string) => {
    const folder = fs.openSync('/', 'r');
    try {
      const stdio: StdioOptions = ['pipe', 'pipe', 'pipe', ...Array<'ignore'>(17).fill('ignore'), folder];
      return spawnSync(process.execPath, [script, mode, 'sh', 'exec ls /proc/self/fd'], { encoding: 'utf8', stdio }).stdout.split('\n').filter(Boolean);
    } finally {
      fs.closeSync(folder);
    }
  };

  it('runs the program with stdio and environment once close-on-exec is cleared', () => {
    const result = runScript('clear', 'sh');
    expect(result.stdout).toBe('out:hi\n');
    expect(result.stderr).toBe('err\n');
    expect(result.status).toBe(7);
  });

  it('leaves the program without stdout when close-on-exec is not cleared', () => {
    const result = runScript('keep', 'sh');
    expect(result.stdout).toBe('');
    expect(result.status).toBe(7);
  });

  it('gives the program every signal at its default: none of those Node ignores (SIGPIPE, SIGXFSZ) stays ignored', () => {
    expect(runScript('clear', 'sh', 'grep SigIgn /proc/self/status').stdout).toBe('SigIgn:\t0000000000000000\n');
    // and Node's own handling is back when execve fails (SIGPIPE, 13, and SIGXFSZ, 25: bits 12 and 24)
    expect(runScript('clear', '/no/such/program').stderr).toContain('SigIgn:\t0000000001001000');
  });

  it("passes the program no fd from 3 up but those clearCloexec was given (a folder's would lead out of its root)", () => {
    expect(fdsWith20('clear')).toEqual(['0', '1', '2', '3']); // 3: ls reading the folder
    expect(fdsWith20('pass-20')).toEqual(['0', '1', '2', '20', '3']);
  });

  it('throws a LinuxError for a missing command', () => {
    const result = runScript('clear', '/no/such/program');
    expect(result.status).toBe(100);
    expect(result.stderr).toContain('execve("/no/such/program", ["/no/such/program","-c",');
    expect(result.stderr).toContain("failed: ENOENT (No such file or directory)\n  hint: no such command inside the container's root");
  });
});

describe('the call trace (RD_TRACE)', () => {
  it('formats a call strace-style, with flags by name and long arguments cut', () => {
    expect(linux.traceLine('init', 418, 'mount', [null, '/', null, linux.MS_PRIVATE | linux.MS_REC, null], '0'))
      .toBe('init 418 mount(NULL, "/", NULL, MS_REC|MS_PRIVATE, NULL) = 0');
    expect(linux.traceLine('parent', 7, 'unshare', [linux.CLONE_NEWNS | linux.CLONE_NEWUTS], '-1 EPERM (Operation not permitted)'))
      .toBe('parent 7 unshare(CLONE_NEWNS|CLONE_NEWUTS) = -1 EPERM (Operation not permitted)');
    const long = linux.traceLine('init', 1, 'execve', ['/bin/sh', ['sh', '-c', 'x'.repeat(500)]]);
    expect(long).toMatch(/^init 1 execve\("\/bin\/sh", \["sh","-c","x+…\)$/);
    expect(long.length).toBeLessThan(linux.TRACE_MAX_ARG + 40);
  });

  let script: string;
  beforeAll(async () => {
    // Harmless calls that fail on any machine (a missing mount point, a bad fd), as each process of rd makes them.
    const dir = path.join(tmp, 'trace');
    fs.mkdirSync(dir);
    fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'));
    fs.writeFileSync(path.join(dir, 'main.ts'), `
      import * as linux from ${JSON.stringify(path.join(repoRoot, 'src/linux/index.ts'))};
      const [, count] = process.argv.slice(2);
      try { linux.mount(null, '/no/such/mount-point', null, linux.MS_PRIVATE | linux.MS_REC); } catch {}
      try { linux.setns(-1, linux.CLONE_NEWNS); } catch {}
      linux.which('sh');
      for (let i = 0; i < Number(count); i++) linux.chdir('/');
      console.log(process.env.RD_TRACE ?? '(unset)');
    `);
    script = path.join(dir, 'main.mjs');
    await build({ entryPoints: [path.join(dir, 'main.ts')], outfile: script, bundle: true, format: 'esm', platform: 'node', external: ['koffi'], logLevel: 'silent' });
  });

  const runAs = (role: string, count: number, trace?: string) =>
    spawnSync(process.execPath, [script, role, String(count)], { encoding: 'utf8', env: { ...process.env, RD_TRACE: trace } });

  it('appends one line per call from each process of rd, naming it and its PID', () => {
    const trace = path.join(tmp, 'both.trace');
    expect(runAs('run', 1, trace).status).toBe(0);
    const init = runAs('init', 0, trace);
    // The init stage's environment becomes the command's: the variable does not go along.
    expect(init.stdout).toBe('(unset)\n');
    const lines = fs.readFileSync(trace, 'utf8').split('\n');
    expect(lines[0]).toMatch(/^parent \d+ mount\(NULL, "\/no\/such\/mount-point", NULL, MS_REC\|MS_PRIVATE, NULL\) = -1 ENOENT \(No such file or directory\)$/);
    expect(lines[1]).toMatch(/^parent \d+ setns\(-1, CLONE_NEWNS\) = -1 EBADF \(Bad file descriptor\)$/);
    expect(lines[2]).toMatch(/^parent \d+ which\("sh"\) = "\/\S+\/sh"$/);
    expect(lines[3]).toMatch(/^parent \d+ chdir\("\/"\) = 0$/);
    expect(lines[4]).toMatch(/^init \d+ mount\(NULL, /);
    expect(lines.slice(4, 7).every((l) => l.startsWith(`init ${init.pid} `))).toBe(true);
    expect(lines).toHaveLength(8); // 7 calls and the final newline
  });

  it(`stops after ${linux.TRACE_MAX_CALLS} calls in a process, saying so`, () => {
    const trace = path.join(tmp, 'long.trace');
    expect(runAs('run', 500, trace).status).toBe(0);
    const lines = fs.readFileSync(trace, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(linux.TRACE_MAX_CALLS + 1);
    expect(lines.at(-1)).toMatch(/^parent \d+ … more than 200 calls: the rest are not recorded$/);
  });

  it('records nothing without RD_TRACE', () => {
    const result = runAs('run', 1);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('(unset)\n');
  });
});

describe('capabilities', () => {
  it('takes names with or without CAP_, in any case, and refuses unknown ones saying what a name looks like', () => {
    expect(linux.capabilityNumber('chown')).toBe(0);
    expect(linux.capabilityNumber('CAP_NET_RAW')).toBe(13);
    expect(linux.capabilityNumber('cap_sys_admin')).toBe(21);
    expect(linux.capabilityNumber('Checkpoint_Restore')).toBe(40);
    expect(() => linux.capabilityNumber('NET_RAWW')).toThrow('unknown capability "NET_RAWW": names are like CHOWN or CAP_NET_ADMIN');
    expect(() => linux.capabilityNumber('ALL')).toThrow('unknown capability "ALL"');
  });

  it('makes bit masks as /proc/PID/status shows them, above bit 31 too', () => {
    const docker = ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID', 'SETPCAP', 'NET_BIND_SERVICE',
      'NET_RAW', 'SYS_CHROOT', 'MKNOD', 'AUDIT_WRITE', 'SETFCAP'];
    expect(linux.capabilityMask(docker.map(linux.capabilityNumber)).toString(16)).toBe('a80425fb');
    expect(linux.capabilityMask([40, 0])).toBe(0x10000000001n);
  });

  it('traces prctl with the option and capability by name, and capset as masks', () => {
    expect(linux.traceLine('init', 1, 'prctl', [linux.PR_CAPBSET_DROP, 21], '0')).toBe('init 1 prctl(PR_CAPBSET_DROP, CAP_SYS_ADMIN) = 0');
    expect(linux.traceLine('init', 1, 'prctl', [linux.PR_SET_NO_NEW_PRIVS, 1], '0')).toBe('init 1 prctl(PR_SET_NO_NEW_PRIVS, 1) = 0');
    expect(linux.traceLine('init', 1, 'capset', [0xa80425fbn, 0xa80425fbn, 0n], '0')).toBe('init 1 capset(0xa80425fb, 0xa80425fb, 0x0) = 0');
  });

  it('hints at the order of the calls for the errors a runtime meets', () => {
    expect(linux.hintFor('prctl', errno.EPERM, [linux.PR_CAPBSET_DROP, 0])).toContain('before setuid and capset');
    expect(linux.hintFor('capset', errno.EPERM, [0n, 0n, 0n])).toContain('never gain them');
    expect(linux.hintFor('seccomp', errno.EACCES, [1, 0, []])).toContain('prctl(PR_SET_NO_NEW_PRIVS, 1)');
    expect(linux.hintFor('seccomp', errno.EINVAL, [1, 0, []])).toContain('every path must end in a BPF_RET');
  });
});

describe('seccomp filters', () => {
  it('encodes instructions as struct sock_filter: code, jt, jf, k, little-endian', () => {
    const program = [
      linux.BPF_STMT(linux.BPF_LD | linux.BPF_W | linux.BPF_ABS, linux.SECCOMP_DATA_ARCH),
      linux.BPF_JUMP(linux.BPF_JMP | linux.BPF_JEQ | linux.BPF_K, 0xc000003e, 1, 2),
      linux.BPF_STMT(linux.BPF_RET | linux.BPF_K, linux.SECCOMP_RET_ERRNO | errno.EPERM),
    ];
    expect(linux.encodeFilter(program).toString('hex')).toBe('2000000004000000' + '150001023e0000c0' + '0600000001000500');
    expect(() => linux.encodeFilter([linux.BPF_JUMP(0x15, 1, 300, 0)])).toThrow('BPF instruction 0: a jump skips 0 to 255 instructions, not 300/0');
  });

  it("has clone's namespace flags as Docker's default profile masks them (0x7E020000)", () => {
    expect(linux.CLONE_NAMESPACE_FLAGS).toBe(0x7e020000);
  });

  it('knows the numbers of the calls a filter denies, per architecture, and refuses unknown names', () => {
    expect(linux.syscallNumber('sethostname')).toBe(process.arch === 'arm64' ? 161 : 170);
    expect(linux.syscallNumber('keyctl')).toBe(process.arch === 'arm64' ? 219 : 250);
    expect(linux.syscallNumber('clone')).toBe(process.arch === 'arm64' ? 220 : 56);
    expect(linux.syscallNumber('clone3')).toBe(435);
    expect(() => linux.syscallNumber('sethostnam')).toThrow('unknown system call "sethostnam": the toolkit knows add_key, bpf, chdir,');
    expect(linux.traceLine('init', 1, 'seccomp', [linux.SECCOMP_SET_MODE_FILTER, 0, [{}, {}]], '0')).toBe('init 1 seccomp(SECCOMP_SET_MODE_FILTER, 0, {len=2}) = 0');
  });

  let script: string;
  beforeAll(async () => {
    // A child process installs a filter that denies mkdir (and mkdirat), then tries it: the host is untouched.
    const dir = path.join(tmp, 'seccomp');
    fs.mkdirSync(dir);
    fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'));
    fs.writeFileSync(path.join(dir, 'main.ts'), `
      import * as linux from ${JSON.stringify(path.join(repoRoot, 'src/linux/index.ts'))};
      const [mode, target] = process.argv.slice(2);
      const deny = ['mkdir', 'mkdirat'].map(linux.syscallNumber).filter((n) => n !== undefined);
      const program = [
        linux.BPF_STMT(linux.BPF_LD | linux.BPF_W | linux.BPF_ABS, linux.SECCOMP_DATA_NR),
        ...deny.flatMap((nr) => [
          linux.BPF_JUMP(linux.BPF_JMP | linux.BPF_JEQ | linux.BPF_K, nr, 0, 1),
          linux.BPF_STMT(linux.BPF_RET | linux.BPF_K, linux.SECCOMP_RET_ERRNO | 1),
        ]),
        linux.BPF_STMT(linux.BPF_RET | linux.BPF_K, linux.SECCOMP_RET_ALLOW),
      ];
      try {
        if (mode === 'nnp') linux.prctl(linux.PR_SET_NO_NEW_PRIVS, 1);
        if (mode === 'bad') program.pop(); // the last path ends without a BPF_RET
        linux.seccomp(linux.SECCOMP_SET_MODE_FILTER, 0, program);
        console.log(require('node:fs').readFileSync('/proc/self/status', 'utf8').match(/^Seccomp:.*$/m)[0]);
      } catch (err) {
        console.log(String(err));
        process.exit(100);
      }
      try { require('node:fs').mkdirSync(target); console.log('made'); } catch (err) { console.log(err.code); }
    `);
    script = path.join(dir, 'main.cjs');
    await build({ entryPoints: [path.join(dir, 'main.ts')], outfile: script, bundle: true, format: 'cjs', platform: 'node', external: ['koffi'], logLevel: 'silent' });
  });

  const runWith = (mode: string) => spawnSync(process.execPath, [script, mode, path.join(tmp, `made-${mode}`)], { encoding: 'utf8' });

  it('denies the listed calls with EPERM once installed, after no_new_privs', () => {
    const result = runWith('nnp');
    expect(result.stdout).toBe('Seccomp:\t2\nEPERM\n');
    expect(fs.existsSync(path.join(tmp, 'made-nnp'))).toBe(false);
  });

  it('refuses a program without a BPF_RET at its end as EINVAL, with the hint', () => {
    const result = runWith('bad');
    expect(result.status).toBe(100);
    expect(result.stdout).toContain('seccomp(SECCOMP_SET_MODE_FILTER, 0, {len=5}) failed: EINVAL');
    expect(result.stdout).toContain('every path must end in a BPF_RET');
  });

  it.runIf(process.getuid?.() !== 0)('refuses a filter without no_new_privs to a process without CAP_SYS_ADMIN (EACCES)', () => {
    const result = runWith('plain');
    expect(result.status).toBe(100);
    expect(result.stdout).toContain('failed: EACCES');
  });
});
