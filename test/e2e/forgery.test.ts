import { describe, expect, test } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCheck } from '../../src/check/run.js';
import type { Outcome } from '../../src/check/types.js';
import { wrongSource } from '../../src/lessons.js';
import { copyCheckerLib, level, workspaceWith } from './helpers.js';

// Forging a grade, the way a motivated learner would try: with a runtime that implements only level 00 and
// prints what the checkers look for, with root's powers over the kernel from inside the sandbox, and with
// processes left running to tamper with later observations. Each attack must end in a non-pass, for the
// reason its check names.

async function check(rd: string, level: string, opts: { only?: boolean; checkersDir?: string; rdTimeoutS?: number } = {}): Promise<Outcome> {
  let outcome: Outcome | undefined;
  for await (const ev of runCheck({ workspaceDir: workspaceWith(rd), level, rdTimeoutS: 10, ...opts })) {
    if (ev.type === 'done') outcome = ev.outcome;
  }
  return outcome!;
}

const result = (o: Outcome, key: string) => o.results.find((r) => `${r.level}/${r.name}` === key);

/** Level 00 checked by a checker of the test's own (`lines`, with lib.sh), against `rd`. */
async function checkWith(lines: string[], rd: string): Promise<Outcome> {
  const checkers = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-e2e-forgery-'));
  try {
    copyCheckerLib(checkers);
    fs.writeFileSync(path.join(checkers, '00.sh'), lines.join('\n'));
    return await check(rd, '00', { checkersDir: checkers });
  } finally {
    fs.rmSync(checkers, { recursive: true, force: true });
  }
}

/** Level 00 done right: the command is a child, its streams and status pass through; `before` runs first. */
const level00 = (before: string) => `
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
// rd run [OPTION VALUE | OPTION=VALUE]… CMD [--] ARGS…, as the lessons' parser reads it: an option it does not
// know is refused.
const FLAGS = ['-i', '--image', '--image-dir', '--container-dir', '--cpu-shares', '--memory', '--memory-swap', '--user'];
const argv = process.argv.slice(3);
let i = 0;
while (argv[i]?.startsWith('-') && argv[i] !== '--') {
  const [flag, value] = argv[i].split(/=(.*)/s, 2);
  if (!FLAGS.includes(flag)) {
    console.error(\`rd: unknown option \${flag}\`);
    process.exit(1);
  }
  i += value === undefined ? 2 : 1;
}
const cmd = argv.slice(i).filter((a, j, all) => a !== '--' || all.indexOf('--') !== j);
process.on('SIGINT', () => {}); // (a ^C reaches the command too: rd reports how it ended)
${before}
const child = spawn(cmd[0], cmd.slice(1), { stdio: 'inherit' });
process.on('SIGTERM', () => child.kill('SIGTERM')); // (kill's SIGTERM to rd is meant for the command)
child.on('exit', (code, signal) => {
  console.error(signal ? \`\${child.pid} killed by signal \${signal}\` : \`\${child.pid} exited with status \${code}\`);
  process.exit(signal ? 128 + constants.signals[signal] : code ?? 1);
});
`;

/** Level 00, plus every line the checkers of levels 01-10 once looked for in rd's output, printed before the command runs. */
const PARROT = level00(`
for (const line of ['image: busybox', 'proc: mounted', 'status: Pid: 1', 'ns: mnt:[1]', 'probe: mounted a tmpfs on /tmp',
  'dev: /dev/null character special file 1,3 666', 'dev: tmpfs', 'mount: /', 'root: overlay', 'uts: uts:[1]',
  'hostname: abc', 'pid: 1', 'proc: 1', 'kernel: lo', 'sysfs: lo', 'cgroup: 0::/rubber-workshop/abc', 'weight: 8',
  'limits: 134217728 23068672', '64 MiB: fit', 'Uid: 1000 1000 1000 1000', 'Gid: 2000 2000 2000 2000',
  'owner: 1000:2000', 'end']) console.log(line);`);

// Every suite below runs its tests two at a time (vitest.config.ts maxConcurrency): each has its own workspace
// and VM, and keeps one core busy.
describe.concurrent('printing what the checkers look for earns nothing', () => {
  test('a level-00 runtime that parrots every expected line fails each isolation check of levels 01-10', async () => {
    const o = await check(PARROT, '10');
    expect(o.verdict).toBe('fail');
    for (const key of ['01/image-root', '02/mount-namespace', '02/dev-null', '03/pivot-root', '04/overlay-root', '05/own-uts-ns',
      '05/hostname-is-id', '06/command-is-pid-1', '07/own-net-ns', '08/in-own-cgroup', '08/cpu-weight',
      '09/memory-limits', '10/user-and-group']) {
      expect(result(o, key)?.status, key).toBe('fail');
    }
    // Not one check of levels 01-10 passes: each needs the isolation its level builds.
    expect(o.results.filter((r) => r.level !== '00' && r.status === 'pass').map((r) => `${r.level}/${r.name}`)).toEqual([]);
  });
});

/** An rd that first tries `attack` (TypeScript, run as the sandbox's root), then behaves as level 00 does. */
const attacker = (attack: string) => `
import { execSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
${attack}
${level00('').replace(/^import .*$/m, '')}`;

describe.concurrent('root in the sandbox has no power over the kernel or the harness', () => {
  // Each route makes the kernel run a program of the attacker's choosing outside every namespace, with every
  // capability: the program would write /run/pwned in the harness. The runtime prints which routes it opened.
  test('kernel helpers: core_pattern, modprobe, uevent_helper, a cgroup v1 release_agent, binfmt_misc', async () => {
    const o = await check(attacker(`
      fs.writeFileSync('/tmp/pwn', '#!/bin/sh\\necho pwned > /run/pwned\\n', { mode: 0o755 });
      const tryIt = (what: string, f: () => void) => { try { f(); console.error('OPENED ' + what); } catch {} };
      tryIt('core_pattern', () => fs.writeFileSync('/proc/sys/kernel/core_pattern', '|/tmp/pwn'));
      tryIt('modprobe', () => fs.writeFileSync('/proc/sys/kernel/modprobe', '/tmp/pwn'));
      tryIt('uevent_helper', () => fs.writeFileSync('/sys/kernel/uevent_helper', '/tmp/pwn'));
      tryIt('release_agent', () => execSync('mkdir -p /tmp/v1 && mount -t cgroup -o none,name=x none /tmp/v1 && echo /tmp/pwn > /tmp/v1/release_agent', { stdio: 'ignore' }));
      tryIt('binfmt_misc', () => execSync('mkdir -p /tmp/bm && mount -t binfmt_misc none /tmp/bm && echo ":x:M::zz::/tmp/pwn:" > /tmp/bm/register', { stdio: 'ignore' }));
      tryIt('module loading', () => execSync('insmod /lib/modules/*/kernel/drivers/net/dummy.ko 2>/dev/null || modprobe -q nbd', { stdio: 'ignore' }));
      tryIt('kernel memory', () => fs.readSync(fs.openSync('/proc/kcore', 'r'), Buffer.alloc(16)));
      tryIt('the console', () => fs.openSync('/dev/ttyS0', 'r'));
      tryIt('the guest disks', () => fs.openSync('/dev/vda', 'r'));
    `), '00');
    const output = o.results.map((r) => r.output ?? '').join('\n') + o.tail.join('\n');
    expect(output).not.toMatch(/OPENED/);
    expect(o.verdict).toBe('pass'); // the runtime is a correct level 00: nothing else changed
  });

  test('a daemon left by one rd call is gone before the next observation', async () => {
    const o = await checkWith([
      'check daemon-gone',
      'rd run -- /bin/true',
      'left=$(_processes_running "sleep 4242 ")',
      'expect_eq "" "$left" "a process from the last rd call is still running"',
    ], attacker(`
      spawnSync('sh', ['-c', 'setsid sleep 4242 < /dev/null > /dev/null 2>&1 &']);
    `));
    expect(result(o, '00/daemon-gone')?.status).toBe('pass');
  });
});

describe.concurrent("what rd leaves in the sandbox cannot hold the checker's next test as rd set it up", () => {
  // A reset the checker makes in the sandbox (04 removes an earlier run's image folder) fails on a folder rd
  // mounted read-only over itself: the next test would have found rd's own files there.
  test('a reset that fails ends every later pass of the VM, naming the step', async () => {
    const o = await checkWith([
      'check held-folder',
      'rd run -- /bin/true',
      'vm "rm -rf /tmp/held"',
      'pass',
    ], attacker(`
      execSync('mkdir -p /tmp/held/seeded && mount --bind /tmp/held /tmp/held && mount -o remount,bind,ro /tmp/held');
    `));
    expect(result(o, '00/held-folder')).toMatchObject({ status: 'fail', message: expect.stringMatching(/^the checker's own step in the sandbox failed \(exit status 1\): rm -rf \/tmp\/held\. /) });
  });
});

describe.concurrent("what rd writes cannot crowd out the harness's own files", () => {
  // rd's stdout is a file of the harness's, open for writing: fallocate takes pages of its tmpfs and leaves its size
  // as it was. Were that the harness's /run, its lists of what was there before (which a later check compares
  // against) would come out empty, as if nothing had been.
  test("rd's output files take pages of a tmpfs of their own: the harness's /run is still written", async () => {
    const o = await checkWith([
      'check list-written',
      'rd run -- /bin/true',
      'taken=$(( $(stat -c %b "$_out_file") / 2048 ))', // (blocks of 512 bytes, in MiB)
      "{ echo '(none)'; echo here; } > /run/check/list-before",
      'expect_eq "(none) here; more than 8 MiB taken: yes" "$(tr \'\\n\' \' \' < /run/check/list-before | sed \'s/ $//\'); more than 8 MiB taken: $([ "$taken" -gt 8 ] && echo yes || echo "no, $taken")" "the list, and what rd took"',
    ], attacker(`
      import koffi from 'koffi';
      const fallocate = koffi.load('libc.so.6').func('int fallocate(int fd, int mode, int64_t offset, int64_t len)');
      let taken = 0;
      for (const chunk of [1 << 20, 4096]) while (fallocate(1, 1 /* FALLOC_FL_KEEP_SIZE */, taken, chunk) === 0) taken += chunk;
    `));
    expect(result(o, '00/list-written')?.status, result(o, '00/list-written')?.message).toBe('pass');
  });
});

describe.concurrent('a runtime that rewrites the command it is given earns nothing by it', () => {
  // rd sees the checker's command in its arguments and may change it: here it gives --userns auto no user
  // namespace, and takes out the command's own try at a setting of the VM, which would have shown it.
  test("level 11 without a user namespace, the command's refused write taken out: capabilities-only-inside fails on the harness's own try", async () => {
    const solution = level('11').solution();
    const forged = solution
      .replace("if (options.userns === undefined || options.userns === 'host') return undefined;", 'return undefined;')
      .replace(/^(import \* as linux .*)$/m, "$1\nprocess.argv = process.argv.map((a) => a.replace(/echo \\d+ > \\/proc\\/sys\\/fs\\/mqueue\\/msg_max/, 'true'));");
    expect(forged).not.toContain("options.userns === 'host') return undefined;");
    expect(forged).toContain('process.argv = process.argv.map');
    const o = await check(forged, '11', { only: true });
    const caps = result(o, '11/capabilities-only-inside');
    expect(caps?.status).toBe('fail');
    expect(caps?.message).toMatch(/^the harness, entering the container's user namespace as its root, could change/);
    expect(result(o, '11/own-cgroup')?.status).toBe('fail');
  });
});

describe.concurrent("rd's own process and the harness's own tries cannot be hidden or sidestepped", () => {
  // The checks of rd's own namespaces find rd among the command's ancestors. Started through a chain of shells
  // longer than a runtime needs, rd is not found: that is a fail, not a check skipped (07: rd itself left the VM's
  // network, which would otherwise pass).
  test("rd more than 30 processes above the command, its own network namespace left: own-net-ns fails, rd not found", async () => {
    const hop = 'n=$1; shift; if [ "$n" -gt 0 ]; then /bin/sh -c "$RW_HOP" hop $((n - 1)) "$@"; exit $?; fi; exec "$@"';
    const forged = level('07').solution()
      .replace('linux.unshare(linux.CLONE_NEWPID);', 'linux.unshare(linux.CLONE_NEWPID | linux.CLONE_NEWNET);')
      .replace('linux.unshare(linux.CLONE_NEWNS | linux.CLONE_NEWUTS | linux.CLONE_NEWNET);', 'linux.unshare(linux.CLONE_NEWNS | linux.CLONE_NEWUTS);')
      .replace("spawn(process.execPath, [process.argv[1], 'init', JSON.stringify(container)], { stdio: 'inherit' });",
        `spawn('/bin/sh', ['-c', ${JSON.stringify(hop)}, 'hop', '32', process.execPath, process.argv[1], 'init', JSON.stringify(container)], { stdio: 'inherit', env: { ...process.env, RW_HOP: ${JSON.stringify(hop)} } });`);
    expect(forged).toContain("'hop', '32'");
    expect(forged).toContain('linux.unshare(linux.CLONE_NEWPID | linux.CLONE_NEWNET);');
    const o = await check(forged, '07', { only: true });
    expect(result(o, '07/own-net-ns')?.status).toBe('fail');
    expect(result(o, '07/own-net-ns')?.message).toMatch(/^the container's command is not below rd's own process/);
  });

  // 03 tries to lift the container's / off in its mount namespace. A namespace made by a helper in a user
  // namespace of its own has, in any copy made from the container's user namespace, every mount locked: a try
  // there would be refused where the container's root succeeds (the rootfs moved over /, no pivot_root).
  test('no pivot_root, the mount namespace owned by a helper\'s user namespace: no-way-under-root fails', async () => {
    const moved = wrongSource(level('03').wrong.find((w) => w.name === 'moves-root-and-chroots')!);
    const forged = moved.replace('  linux.unshare(linux.CLONE_NEWNS);\n', `  if (!process.env.RW_LOCKED) {
    const helper = execFileSync('/bin/sh', ['-c', '/usr/local/sbin/unshare --user --map-root-user --mount --propagation private sleep 3600 < /dev/null > /dev/null 2>&1 & echo $!']).toString().trim();
    const own = fs.readlinkSync('/proc/self/ns/mnt');
    for (;;) { try { if (fs.readlinkSync(\`/proc/\${helper}/ns/mnt\`) !== own && fs.readFileSync(\`/proc/\${helper}/comm\`, 'utf8').trim() === 'sleep') break; } catch {} }
    linux.clearCloexec();
    linux.execve('/usr/local/sbin/nsenter', ['nsenter', \`--mount=/proc/\${helper}/ns/mnt\`, \`--wd=\${process.cwd()}\`, '--', process.execPath, ...process.argv.slice(1)], { ...process.env, RW_LOCKED: helper });
  }
  process.kill(Number(process.env.RW_LOCKED), 'SIGKILL');
`);
    expect(forged).toContain('RW_LOCKED: helper');
    const o = await check(forged, '03', { only: true });
    expect(result(o, '03/no-way-under-root')?.status).toBe('fail');
    expect(result(o, '03/no-way-under-root')?.message).toMatch(/^the container's \/ lies over the VM's root/);
  });
});

describe.concurrent("what rd changes in the VM's files or settings cannot stand in for the level's work", () => {
  /** Level `id`'s solution, with `attack` run first at every rd call (after the imports). */
  const withAttack = (id: string, attack: string) => {
    const forged = level(id).solution().replace(/^(import \* as linux .*)$/m, `$1\n${attack}`);
    expect(forged).toContain(attack);
    return forged;
  };

  // An absolute link resolves in the root of whoever follows it: the harness, reading the sandbox's files from
  // outside, would find its own copy of the image (read-only, pristine) where rd finds one it changes at will.
  test('the image folder swapped for a link into the harness\'s tree: the unpack checks fail on the link', async () => {
    const o = await check(withAttack('04', `
      if (!fs.lstatSync('/workshop/images').isSymbolicLink()) {
        const theirs = '/run/sandbox/image/workshop/images';
        fs.mkdirSync(theirs, { recursive: true });
        for (const name of fs.readdirSync('/workshop/images')) fs.copyFileSync(\`/workshop/images/\${name}\`, \`\${theirs}/\${name}\`);
        fs.rmSync('/workshop/images', { recursive: true, force: true });
        fs.symlinkSync(theirs, '/workshop/images');
      }`), '04', { only: true });
    for (const key of ['04/unpack-interrupted', '04/image-read-once']) {
      expect(result(o, key)?.status, key).toBe('fail');
      expect(result(o, key)?.message, key).toMatch(/^in the VM, a symbolic link is at or on the way to \/workshop\/images/);
    }
  });

  // A user namespace refused by a lowered limit (ENOSPC), not by the filter, looks refused all the same.
  test('max_user_namespaces lowered to 0: default-filter-denies-unshare fails on the harness\'s own unshare', async () => {
    const o = await check(withAttack('14', `
      try { fs.writeFileSync('/proc/sys/user/max_user_namespaces', '0'); } catch {}`), '14', { only: true });
    const denied = result(o, '14/default-filter-denies-unshare');
    expect(denied?.status).toBe('fail');
    expect(denied?.message).toMatch(/^the harness's own unshare\(CLONE_NEWUSER\), made in the container's user namespace with no filter, failed too/);
  });
});

describe.concurrent("the checker's own programs and the sandbox's cannot be stood in for", () => {
  // 14's program shows how each call went through its children. Fakes named like them, forked by the command's
  // shell just before it execs the program, become the program's children too; with the program's own forks
  // refused (ulimit -u 1), they alone would show, ended as a filter would have ended each call.
  test("children named like the checker's program's own, made before its exec: the filter checks fail, with no filter", async () => {
    const fakes = `
function forged(command: string[], deny: string[]): string[] {
  // (In the function: rd's main runs before a table declared at the end of the file would be.)
  // Each child: the calls that, denied, make it end as refused (exit 1, or clone3's ENOSYS, 38), and how it ends let through.
  const FAKES: Record<string, [string[], string]> = { int80: [[], 'exit 1'], keyring: [['add_key'], 'stop'], keyctl: [['keyctl'], 'stop'],
  request_key: [['request_key'], 'exit 126'], unshare: [['unshare'], 'stop'], sethostname: [['sethostname'], 'stop'],
  mkdir: [['mkdir'], 'stop'], symlink: [['symlink'], 'stop'], rename: [['rename'], 'stop'], chmod: [['chmod'], 'stop'],
  chdir: [['chdir'], 'stop'], mount: [['mount'], 'exit 14'], umount2: [['umount2'], 'exit 22'], setns: [['setns'], 'exit 9'],
  clone: [['clone'], 'exit 22'], clone3: [['clone3'], 'exit 22'] };
  const found = /cp \\/bin\\/sh \\/tmp\\/([\\w.-]+); cat > \\/tmp\\/\\1; \\/tmp\\/\\1 &/.exec(command[2] ?? '');
  if (!found) return command;
  const dir = \`/tmp/.f-\${found[1]}\`;
  const make = [\`mkdir -p \${dir}\`], start: string[] = [];
  for (const [child, [calls, unfiltered]] of Object.entries(FAKES)) {
    const how = child === 'int80' || calls.some((c) => deny.includes(c)) ? (child === 'clone3' ? 'exit 38' : 'exit 1') : unfiltered;
    make.push(\`printf '#!/bin/sh\\\\n\${how === 'stop' ? 'kill -STOP $$' : \`sleep 1; \${how}\`}\\\\n' > \${dir}/\${child}; chmod 755 \${dir}/\${child}\`);
    start.push(\`\${dir}/\${child} &\`);
  }
  const script = \`cp /bin/sh /tmp/\${found[1]}; cat > /tmp/\${found[1]}; \${make.join('; ')}; ( \${start.join(' ')} ulimit -u 1; exec /tmp/\${found[1]} ) &\`;
  return [command[0]!, command[1]!, command[2]!.replace(found[0], () => script), ...command.slice(3)];
}`;
    const attack = level('14').solution()
      .replace('if (container.seccompDeny !== undefined) installSeccompFilter(container.seccompDeny);',
        'if (container.seccompDeny !== undefined) { linux.prctl(linux.PR_SET_NO_NEW_PRIVS, 1); linux.seccomp(linux.SECCOMP_SET_MODE_FILTER, 0, [linux.BPF_STMT(linux.BPF_RET | linux.BPF_K, linux.SECCOMP_RET_ALLOW)]); }')
      .replace('  exec(container.command);', '  exec(container.seccompDeny ? forged(container.command, container.seccompDeny) : container.command);') + fakes;
    expect(attack).toContain('forged(container.command, container.seccompDeny)');
    expect(attack).toContain('SECCOMP_RET_ALLOW)]); }');
    // (Every call with a filter hangs, its program never seen: the first takes rd's whole limit, each later one the
    // short leash, 5 s, which a loaded machine's plain starts may exceed too. 40 s a call: a budget of 150 s for
    // the level, where 10 gave 60 s, which a busy CI run went past.)
    const o = await check(attack, '14', { only: true, rdTimeoutS: 40 });
    for (const key of ['14/default-filter-denies-unshare', '14/default-filter-denies-mount-calls', '14/default-filter-denies-namespace-clones', '14/filter-checks-architecture',
      '14/sys-admin-allows-namespace-calls', '14/keyring-always-denied', '14/seccomp-deny-chosen']) {
      expect(result(o, key)?.status, key).toBe('fail');
      expect(result(o, key)?.message, key).toMatch(/never showed in the container as it runs there/);
    }
  });

  // The harness starts rd, and runs its own steps (a folder emptied, an id range written), with the sandbox's
  // shell and tools: rd, root there, could write over them or mount over them to fake a step.
  test("the sandbox's programs written to and mounted over: no check of the run passes", async () => {
    const o = await check(level('02').solution().replace(/^(import \* as linux .*)$/m, `$1
      if (!fs.existsSync('/usr/local/bin/rw-shadow')) { fs.writeFileSync('/usr/local/bin/rw-shadow', ''); linux.mount('tmpfs', '/sbin', 'tmpfs', 0, null); }`), '02', { only: true });
    expect(o.results.length).toBeGreaterThan(0);
    for (const r of o.results) {
      expect(r.status, r.name).toBe('fail');
      expect(r.message, r.name).toMatch(/^an rd call changed what the sandbox it runs in holds outside its containers: \/usr written to; \/sbin mounted over \(by rd run /);
    }
  });
});
