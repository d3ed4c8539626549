import { expect, test } from 'vitest';
import { loadLevels } from '../../src/lessons.js';
import { expectations, runExpectation } from '../../src/commands/dev-check.js';
import { formatResult } from '../../src/report/human.js';
import { parseTrace } from '../../src/report/trace.js';
import { level, rw, workspaceWith } from './helpers.js';

// The three checks below run two at a time (each its own VM); the two after them wait their turn, as spawnSync
// blocks the test process.
// rd's trace beside a real failure: level 02's wrong variant that never makes / private, checked in the VM.
test.concurrent("a runtime that forgets MS_PRIVATE fails with its own calls beside it, pointing at the unshare it missed", async () => {
  const wrong = expectations(loadLevels()).find((e) => e.label === '02 wrong/forgot-ms-private fails 02/inside-mounts-private')!;
  const { outcome, problem } = await runExpectation(wrong);
  expect(problem).toBeNull();
  const failed = outcome!.results.find((r) => r.name === 'inside-mounts-private')!;
  const trace = failed.trace!.split('\n');
  // The init stage's calls, in order, marked by lib.sh: "!" where the failure points, "*" this level's calls.
  expect(trace[0]).toMatch(/^!init (\d+) unshare\(CLONE_NEWNS\) = 0$/);
  const pid = /^!init (\d+)/.exec(trace[0])![1];
  expect(trace.every((l) => l.slice(1).startsWith(`init ${pid} `))).toBe(true);
  const has = (line: RegExp) => expect(trace.some((l) => line.test(l)), String(line)).toBe(true);
  has(/^\*init \d+ mount\("proc", "\S+\/rootfs\/proc", "proc", MS_NOSUID\|MS_NODEV\|MS_NOEXEC, NULL\) = 0$/);
  has(/^\*init \d+ mount\("\/dev\/null", "\S+\/rootfs\/dev\/null", NULL, MS_BIND, NULL\) = 0$/);
  expect(trace.at(-1)).toMatch(/^ init \d+ execve\("\/bin\/sh", \["\/bin\/sh","-c","mount -t tmpfs /);
  expect(failed.trace).not.toContain('MS_PRIVATE');
  expect(failed.message).toContain("rd's trace shows no such call after it");
  expect(formatResult(failed, false)).toMatch(/\n {4}→ init \d+ unshare\(CLONE_NEWNS\) = 0\n/);
  // Of the passed checks only the level's first carries its trace, unpointed: the TUI's s shows it beside the reference's.
  const passed = outcome!.results.filter((r) => r.status === 'pass' && r.trace);
  expect(passed.map((r) => r.name)).toEqual(['mount-namespace']);
  expect(parseTrace(passed[0]!.trace!).filter((l) => l.pointed)).toEqual([]);
}, 5 * 60 * 1000);

// A pointer derived from the trace's order: setgid failed, but the call to fix is the setuid before it.
test.concurrent('a runtime that calls setuid before setgid fails with the setuid pointed at, above the setgid it made fail', async () => {
  const wrong = expectations(loadLevels()).find((e) => e.label === '10 wrong/setuid-before-setgid fails 10/user-and-group')!;
  const { outcome, problem } = await runExpectation(wrong);
  expect(problem).toBeNull();
  const failed = outcome!.results.find((r) => r.name === 'user-and-group')!;
  const lines = parseTrace(failed.trace!);
  // (The ids are the checker's, random each run: uid U, gid G.)
  expect(lines.filter((l) => l.pointed).map((l) => l.call)).toEqual([expect.stringMatching(/^init 1 setuid\(\d+\) = 0$/)]);
  expect(lines.filter((l) => l.call.startsWith('init ')).at(-1)).toEqual({ call: expect.stringMatching(/^init 1 setgid\(\d+\) = -1 EPERM \(Operation not permitted\)$/), pointed: false, level: true, failed: true });
  // After it only the parent's cleanup: the container's cgroup, removed with node:fs.
  expect(lines.at(-1)!.call).toMatch(/^parent \d+ rmdir\("\/sys\/fs\/cgroup\/rubber-workshop\/\w+"\) = 0$/);
  expect(formatResult(failed, false)).toMatch(/\n {4}→ init 1 setuid\(\d+\) = 0\n {4}\* init 1 setgid\(\d+\) = -1 EPERM/);
}, 5 * 60 * 1000);

// A pointer at a write rd made with node:fs: level 08's wrong variant that moves the runtime itself into the
// container's cgroup, after spawning the init stage, which stays in the VM's with the command.
test.concurrent("a runtime that writes its own PID to cgroup.procs fails with that write pointed at, the level's cgroup writes marked", async () => {
  const wrong = expectations(loadLevels()).find((e) => e.label === '08 wrong/moves-the-runtime fails 08/in-own-cgroup')!;
  const { outcome, problem } = await runExpectation(wrong);
  expect(problem).toBeNull();
  const failed = outcome!.results.find((r) => r.name === 'in-own-cgroup')!;
  expect(failed.message).toContain("the command ran in the VM's own cgroup");
  const lines = parseTrace(failed.trace!);
  const pointed = lines.filter((l) => l.pointed).map((l) => l.call);
  expect(pointed).toEqual([expect.stringMatching(/^parent (\d+) write\("\/sys\/fs\/cgroup\/rubber-workshop\/(\w+)\/cgroup\.procs", "\1"\) = 0$/)]);
  const id = /rubber-workshop\/(\w+)\//.exec(pointed[0]!)![1];
  // What made the cgroup and set it, in order, marked as the level's; the init stage wrote no cgroup.procs.
  const level = lines.filter((l) => l.level).map((l) => l.call.replace(/^parent \d+ /, ''));
  expect(level.slice(0, 4)).toEqual([
    'mkdir("/sys/fs/cgroup/rubber-workshop", {"recursive":true}) = 0',
    'write("/sys/fs/cgroup/rubber-workshop/cgroup.subtree_control", "+cpu") = 0',
    `mkdir("/sys/fs/cgroup/rubber-workshop/${id}") = 0`,
    `write("/sys/fs/cgroup/rubber-workshop/${id}/cpu.weight", "14") = 0`,
  ]);
  expect(lines.some((l) => /^init \d+ write\(/.test(l.call))).toBe(false);
  expect(formatResult(failed, false)).toMatch(/\n {4}→ parent \d+ write\("\/sys\/fs\/cgroup\/rubber-workshop\/\w+\/cgroup\.procs", "\d+"\) = 0\n/);
}, 5 * 60 * 1000);

test('rd --trace run shows, after the command, the calls of both processes of rd', () => {
  // Level 06's parent unshares CLONE_NEWPID and goes back with setns; its init stage is PID 1 of the new namespace.
  const ws = workspaceWith(level('06').solution());
  const r = rw(['rd', '--trace', 'run', '--', '/bin/sh', '-c', 'echo inside; exit 5'], { cwd: ws });
  expect(r.status, r.stderr).toBe(5);
  const [before, trace] = r.stdout.split('── what rd did: its calls through linux.ts ──\n');
  expect(before).toContain('inside\n');
  const lines = trace!.trim().split('\n');
  expect(lines[0]).toMatch(/^parent \d+ unshare\(CLONE_NEWPID\) = 0$/);
  expect(lines[1]).toMatch(/^parent \d+ setns\(\d+, CLONE_NEWPID\) = 0$/);
  expect(lines).toContainEqual('init 1 unshare(CLONE_NEWNS|CLONE_NEWUTS) = 0');
  expect(lines.at(-1)).toBe('init 1 execve("/bin/sh", ["/bin/sh","-c","echo inside; exit 5"])');
}, 5 * 60 * 1000);

test('rd trace, in the VM, prints what the last rd call did: rd records every call, as in a check', () => {
  const ws = workspaceWith(level('05').solution());
  const r = rw(['vm', 'exec', '--rd', '--', 'sh', '-c', 'rd run -- /bin/true && rd run -- /bin/echo second && rd trace'], { cwd: ws });
  expect(r.status, r.stderr).toBe(0);
  // On stdout after the second run's output (rd's exit lines go to stderr), what rd trace printed.
  expect(r.stderr).toMatch(/exited with status 0\n[^]*exited with status 0\n/);
  const trace = r.stdout.split('second\n').at(-1)!;
  const lines = trace.trim().split('\n');
  expect(lines[0]).toMatch(/^init \d+ unshare\(CLONE_NEWNS\|CLONE_NEWUTS\) = 0$/);
  expect(lines.at(-1)).toMatch(/^init \d+ execve\("\/bin\/echo", \["\/bin\/echo","second"\]\)$/);
  expect(trace).not.toContain('/bin/true');
}, 5 * 60 * 1000);
