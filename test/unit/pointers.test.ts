import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The pointers of checkers/pointers.sh, run by the guest's own shell and awk (busybox, which the README's
// set-up line installs) on traces recorded from the lessons' wrong variants (`rubber-workshop rd --trace run`).
const repo = path.resolve(import.meta.dirname, '../..');
const traces = path.join(repo, 'test/fixtures/traces');
let applets: string;

beforeAll(() => {
  applets = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-unit-busybox-'));
  const install = spawnSync('busybox', ['--install', '-s', applets]);
  if (install.status !== 0) throw new Error('busybox is missing: apt-get install -y busybox-static');
});
afterAll(() => fs.rmSync(applets, { recursive: true, force: true }));

/** What a failure carries after `pointer` ran on a recorded trace: its marked lines, as lib.sh sends them. */
function shown(trace: string, pointer: string, calls = '', status = ''): string[] {
  const script = `. "$CHECKERS_DIR/lib.sh"
_trace_read() { cat "$FIXTURE"; }
CMD='rd run -- /bin/sh -c true' TRACE_CALLS='${calls}'
${pointer}
_trace_shown ${status}`;
  const r = spawnSync('busybox', ['sh', '-c', script], {
    encoding: 'utf8',
    env: { PATH: applets, CHECKERS_DIR: path.join(repo, 'checkers'), FIXTURE: path.join(traces, `${trace}.trace`) },
  });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trimEnd().split('\n');
}

const pointed = (lines: string[]) => lines.filter((l) => l.startsWith('!')).map((l) => l.slice(1));

describe('pointers into rd\'s trace, on traces of the wrong variants', () => {
  it.each([
    // [trace, pointer, the calls it must point at]
    ['03-new-root-not-a-mount-point', 'point_03_pivot_root', [/^init \d+ pivot_root\(.* = -1 EINVAL/]],
    ['03-old-root-left-mounted', 'point_03_old_root', [/^init \d+ pivot_root\(/]],
    ['03-umount-without-detach', 'point_03_old_root', [/^init \d+ umount2\("\/old_root", 0\) = -1 EBUSY/]],
    ['03-no-chdir-after-pivot', 'point_03_chdir', [/^init \d+ pivot_root\(/]],
    ['03-umount-without-detach', 'point_03_chdir', [/^init \d+ chdir\("\/"\) = 0$/]],
    ['04-swapped-lower-upper', 'point_04_overlay', [/^init \d+ mount\("overlay", "\S+\/merged", "overlay", MS_NODEV, "lowerdir=\S+\/upper,upperdir=/]],
    ['06-pid-namespace-in-init-stage', 'point_06_pid_namespace', [/^init \d+ unshare\(CLONE_NEWNS\|CLONE_NEWUTS\|CLONE_NEWPID\) = 0$/]],
    ['06-setns-before-spawn', 'point_06_pid_namespace', [/^parent \d+ setns\(\d+, CLONE_NEWPID\) = 0$/]],
    ['06-setns-before-spawn', 'point_06_not_pid_1', [/^parent \d+ unshare\(CLONE_NEWPID\) = 0$/]],
    ['06-proc-bound-from-vm', 'point_06_proc', [/^init 1 mount\("\/proc", "\S+\/merged\/proc", NULL, MS_BIND\|MS_REC, NULL\) = 0$/]],
    ['07-no-net-namespace', 'point_07_net_namespace', [/^init 1 unshare\(CLONE_NEWNS\|CLONE_NEWUTS\) = 0$/]],
    ['07-net-namespace-in-parent', 'point_07_net_namespace', [/^parent \d+ unshare\(CLONE_NEWNET\) = 0$/]],
    ['07-net-namespace-after-mounts', 'point_07_sysfs', [/^init 1 unshare\(CLONE_NEWNET\) = 0$/]],
    ['07-no-net-namespace', 'point_07_sysfs', [/^init 1 mount\("sysfs", "\S+\/merged\/sys", "sysfs",/]],
    ['10-setuid-before-setgid', 'point_10_ids', [/^init 1 setuid\(1000\) = 0$/]],
    ['10-drops-root-before-mounts', 'point_10_ids', [/^init 1 setuid\(1000\) = 0$/]],
    ['10-keeps-root-groups', 'point_10_ids', [/^init 1 setgid\(2000\) = 0$/, /^init 1 setuid\(1000\) = 0$/]],
    ['10-keeps-root-groups', 'point_10_groups', [/^init 1 setgid\(2000\) = 0$/]],
    ['10-setuid-before-setgid', 'point_10_groups', [/^init 1 setgroups\(\[\]\) = 0$/]],
    // The cgroup files rd writes with node:fs (levels 08, 09, 12), as the toolkit records them.
    ['08-moves-the-runtime', 'point_cgroup_procs', [/^parent (\d+) write\("\/sys\/fs\/cgroup\/rubber-workshop\/\w+\/cgroup\.procs", "\1"\) = 0$/]],
    ['08-one-cgroup-for-all', 'point_cgroup_procs', [/^init 1 write\("\/sys\/fs\/cgroup\/rubber-workshop\/cgroup\.procs", "1"\) = 0$/]],
    ['12-rd-joins-cgroup', 'point_cgroup_procs', [/^parent (\d+) write\("\S+\/cgroup\.procs", "\1"\) = 0$/]],
    ['08-cpu-not-handed-down', 'point_cgroup_handed_down', [/^parent \d+ mkdir\("\/sys\/fs\/cgroup\/rubber-workshop", \{"recursive":true\}\) = 0$/]],
    ['09-memory-not-handed-down', 'point_cgroup_handed_down', [/^parent \d+ write\("\/sys\/fs\/cgroup\/rubber-workshop\/cgroup\.subtree_control", "\+cpu"\) = 0$/]],
    ['12-pids-not-handed-down', 'point_cgroup_handed_down', [/^parent \d+ write\("\S+\/cgroup\.subtree_control", "\+cpu \+memory"\) = 0$/]],
    ['08-moves-the-runtime', 'point_cgroup_removed', [/^parent \d+ rmdir\("\/sys\/fs\/cgroup\/rubber-workshop\/\w+"\) = -1 EBUSY/]],
    ['08-cgroup-left-behind', 'point_cgroup_removed', [/^parent \d+ mkdir\("\/sys\/fs\/cgroup\/rubber-workshop\/\w+"\) = 0$/]],
    ['08-shares-as-weight', 'point_08_cpu_weight', [/^parent \d+ write\("\S+\/cpu\.weight", "2048"\) = 0$/]],
    ['09-swap-max-is-total', 'point_09_memory_limits', [/^parent \d+ write\("\S+\/memory\.max", "134217728"\) = 0$/, /^parent \d+ write\("\S+\/memory\.swap\.max", "157286400"\) = 0$/]],
    ['12-limit-on-parent', 'point_12_pids_max', [/^parent \d+ write\("\/sys\/fs\/cgroup\/rubber-workshop\/pids\.max", "30"\) = 0$/]],
    ['12-off-by-one', 'point_12_pids_max', [/^parent \d+ write\("\S+\/rubber-workshop\/\w+\/pids\.max", "31"\) = 0$/]],
    ['12-flag-ignored', 'point_12_pids_max', [/^parent \d+ mkdir\("\/sys\/fs\/cgroup\/rubber-workshop\/\w+"\) = 0$/]],
    // The maps of level 11's user namespace (the VM's /etc/subuid said root:12000:3000, /etc/subgid root:35000:5000).
    ['11-maps-swapped', 'point_11_map uid_map', [/^parent \d+ write\("\/proc\/\d+\/uid_map", "0 35000 5000"\) = 0$/]],
    ['11-setgroups-allowed', 'point_11_map gid_map', [/^parent \d+ write\("\/proc\/\d+\/gid_map", "0 35000 5000"\) = 0$/]],
    ['11-maps-swapped', "point_11_maps '12000 3000' '35000 5000'", [/^parent \d+ write\("\/proc\/\d+\/uid_map", "0 35000 5000"\) = 0$/]],
    ['11-setgroups-allowed', "point_11_maps '12000 3000' '35000 5000'", []],
    ['11-setgroups-allowed', "point_11_maps '12000 3000' '35001 5000'", [/^parent \d+ write\("\/proc\/\d+\/gid_map", "0 35000 5000"\) = 0$/]],
    ['11-setgroups-allowed', 'point_11_setgroups', [/^parent \d+ write\("\/proc\/\d+\/gid_map", /]],
    ['14-effective-only', 'point_14_bounding', [/^init 1 capset\(0xa80425fb, 0xa80425fb, 0x0\) = 0$/]],
    ['14-user-before-bounding', 'point_14_bounding', [/^init 1 setuid\(1000\) = 0$/]],
    ['14-effective-only', 'point_14_filter', [/^init 1 seccomp\(SECCOMP_SET_MODE_FILTER, 0, \{len=21\}\) = 0$/]],
    ['14-filter-too-early', 'point_14_filter_early', [/^init 1 seccomp\(SECCOMP_SET_MODE_FILTER, 0, \{len=21\}\) = 0$/]],
    // A filter that failed itself is rd's last failed call, pointed at anyway; one that worked, with nothing failing after it, is not.
    ['14-no-new-privs-missing', 'point_14_filter_early', [/^init 1 seccomp\(.* = -1 EACCES/]],
    ['14-effective-only', 'point_14_filter_early', []],
  ] as const)('%s: %s points at the call', (trace, pointer, calls) => {
    const lines = pointed(shown(trace, pointer));
    expect(lines).toHaveLength(calls.length);
    calls.forEach((call, i) => expect(lines[i]).toMatch(call));
  });

  it('without a pointer of its own, a failure points at the last call that failed', () => {
    expect(pointed(shown('10-drops-root-before-mounts', ''))).toEqual(['init 1 mount(NULL, "/", NULL, MS_REC|MS_PRIVATE, NULL) = -1 EPERM (Operation not permitted)']);
    expect(pointed(shown('03-umount-without-detach', "trace_point '^init [0-9]+ chroot\\('"))).toEqual([expect.stringMatching(/umount2/)]);
  });

  it('points at nothing for a passed check, even at a call that failed', () => {
    const lines = shown('10-drops-root-before-mounts', "trace_point 'setuid'", 'setuid', 'pass');
    expect(pointed(lines)).toEqual([]);
    expect(lines.filter((l) => l.startsWith('*'))).toEqual(['*init 1 setuid(1000) = 0']);
  });

  it('points at nothing when the trace has neither the call nor a failed one', () => {
    expect(pointed(shown('04-swapped-lower-upper', 'point_06_pid_namespace'))).toEqual([]);
  });

  it("marks rd's cgroup writes, mkdirs and rmdirs as the level's calls", () => {
    const lines = shown('08-moves-the-runtime', 'point_cgroup_procs', 'write|mkdir|rmdir');
    expect(lines.filter((l) => l.startsWith('*')).map((l) => l.split(' ')[2]!.replace(/\(.*/, ''))).toEqual(['mkdir', 'write', 'mkdir', 'write', 'rmdir']);
  });

  it('keeps every line, in order, marking the calls of the level that are not pointed at', () => {
    const lines = shown('03-no-chdir-after-pivot', 'point_03_chdir', 'pivot_root|umount2|mount|chdir');
    expect(lines.map((l) => l.slice(1))).toEqual(fs.readFileSync(path.join(traces, '03-no-chdir-after-pivot.trace'), 'utf8').trimEnd().split('\n'));
    expect(lines.filter((l) => l.startsWith('*'))).toHaveLength(13);
    expect(lines.at(-1)).toMatch(/^ init \d+ execve\(/);
  });
});
