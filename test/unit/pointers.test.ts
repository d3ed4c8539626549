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

  it('keeps every line, in order, marking the calls of the level that are not pointed at', () => {
    const lines = shown('03-no-chdir-after-pivot', 'point_03_chdir', 'pivot_root|umount2|mount|chdir');
    expect(lines.map((l) => l.slice(1))).toEqual(fs.readFileSync(path.join(traces, '03-no-chdir-after-pivot.trace'), 'utf8').trimEnd().split('\n'));
    expect(lines.filter((l) => l.startsWith('*'))).toHaveLength(13);
    expect(lines.at(-1)).toMatch(/^ init \d+ execve\(/);
  });
});
