// The writes a runtime makes with node:fs to cgroup files and a user namespace's maps, in rd's trace: bundled
// as `check` bundles rd.ts, run on the host. The maps written are those of a throwaway user namespace
// (unshare(1)'s child), the cgroup paths in folders that do not exist (never a recursive mkdir): the host is untouched.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleRuntime } from '../../src/check/bundle.js';
import * as linux from '../../src/linux/index.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');
let tmp: string;
// The runtime bundled both ways check may bundle it (src/check/bundle.ts): by its file name.
const scripts: Record<string, string> = {};

// The three ways to import node:fs, each making some of the calls; every outcome printed, a thrown error by its code.
const IMPORTS = `
import fs from 'node:fs';
import * as fsAll from 'node:fs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import * as linux from './linux.js';
`;
const BODY = `
const child = spawn('unshare', ['--user', 'sleep', '60'], { stdio: 'ignore' });
const proc = '/proc/' + child.pid;
const ownUserns = fs.readlinkSync('/proc/self/ns/user');
while (fs.readlinkSync(proc + '/ns/user') === ownUserns) await new Promise((r) => setTimeout(r, 10));
const outcomes = [];
const attempt = (what, call) => {
  try { outcomes.push(what + ' = ' + String(call())); } catch (err) { outcomes.push(what + ' threw ' + err.code + ': ' + err.message); }
};
attempt('setgroups', () => fs.writeFileSync(proc + '/setgroups', 'deny'));
attempt('uid_map', () => fsAll.writeFileSync(proc + '/uid_map', Buffer.from('0 ' + process.getuid() + ' 1')));
attempt('gid_map', () => writeFileSync(proc + '/gid_map', '0 ' + process.getgid() + ' 1'));
attempt('gid_map again', () => fs.appendFileSync(proc + '/gid_map', '0 0 1'));
attempt('mkdir', () => mkdirSync('/sys/fs/cgroup/rw-no-such/ab12'));
attempt('rmdir', () => fsAll.rmdirSync('/sys/fs/cgroup/rw-no-such-cgroup'));
attempt('other file', () => fs.writeFileSync(process.argv[3], 'not traced'));
attempt('chdir', () => linux.chdir('/'));
child.kill();
console.log(JSON.stringify({ outcomes, wrapped: [fs.writeFileSync.name, fsAll.mkdirSync.name, writeFileSync.name] }));
`;
// With a top-level await, an ES module; the same in an async function, CommonJS.
const SOURCES = [IMPORTS + BODY, `${IMPORTS}(async () => {${BODY}})();`];

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-fs-trace-'));
  for (const source of SOURCES) {
    const bundle = await bundleRuntime(path.join(tmp, 'rd.ts'), path.join(repoRoot, 'src/linux/index.ts'), source);
    if (!bundle.ok) throw new Error(bundle.error);
    scripts[bundle.file] = path.join(tmp, bundle.file);
    fs.writeFileSync(scripts[bundle.file]!, bundle.code);
  }
  expect(Object.keys(scripts).sort()).toEqual(['rd.cjs', 'rd.mjs']);
  fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(tmp, 'node_modules'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Runs the bundled rd as `role` (`init` is the init stage), traced into `trace` if given. */
function runAs(file: string, role: string, trace?: string): { outcomes: string[]; wrapped: string[] } {
  const env = { ...process.env, RD_TRACE: trace };
  const r = spawnSync(process.execPath, [scripts[file]!, role, path.join(tmp, `other-${role}`)], { encoding: 'utf8', env });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

describe('node:fs writes in the trace', () => {
  it('formats a write with its data, a recursive mkdir and an rmdir, long data cut', () => {
    const line = (call: string, file: string, second: unknown) => linux.traceLine('init', 1, call, linux.fsTraceArgs(call, file, second), '0');
    expect(line('write', '/sys/fs/cgroup/rubber-workshop/ab12/cgroup.procs', '1')).toBe('init 1 write("/sys/fs/cgroup/rubber-workshop/ab12/cgroup.procs", "1") = 0');
    expect(line('write', '/proc/42/uid_map', new Uint8Array(Buffer.from('0 100000 65536')))).toBe('init 1 write("/proc/42/uid_map", "0 100000 65536") = 0');
    expect(line('write', '/proc/42/uid_map', 7)).toBe('init 1 write("/proc/42/uid_map", "(number)") = 0');
    expect(line('mkdir', '/sys/fs/cgroup/rubber-workshop', { recursive: true, mode: 0o755 })).toBe('init 1 mkdir("/sys/fs/cgroup/rubber-workshop", {"recursive":true}) = 0');
    expect(line('mkdir', '/sys/fs/cgroup/rubber-workshop/ab12', 0o755)).toBe('init 1 mkdir("/sys/fs/cgroup/rubber-workshop/ab12") = 0');
    expect(line('rmdir', '/sys/fs/cgroup/rubber-workshop/ab12', undefined)).toBe('init 1 rmdir("/sys/fs/cgroup/rubber-workshop/ab12") = 0');
    expect(line('write', '/sys/fs/cgroup/x', 'y'.repeat(500)).length).toBeLessThan(linux.TRACE_MAX_ARG * 2);
  });

  it('records cgroup files and id maps only, by absolute path', () => {
    expect(linux.tracedPath('/sys/fs/cgroup/rubber-workshop/cgroup.subtree_control')).toBe('/sys/fs/cgroup/rubber-workshop/cgroup.subtree_control');
    expect(linux.tracedPath(Buffer.from('/proc/self/setgroups'))).toBe('/proc/self/setgroups');
    expect(linux.tracedPath(new URL('file:///proc/418/gid_map'))).toBe('/proc/418/gid_map');
    expect(linux.tracedPath('/sys/fs/cgroup/../../../tmp/x')).toBeUndefined();
    for (const other of ['/proc/418/status', '/proc/418/task/418/uid_map', '/sys/fs/cgroupx', '/tmp/cgroup.procs', 3, undefined]) {
      expect(linux.tracedPath(other), String(other)).toBeUndefined();
    }
  });

});

describe.each(['rd.mjs', 'rd.cjs'])('node:fs writes in the trace of %s', (file) => {
  it('records the writes of both processes of rd, each with its result or errno name, whichever way node:fs was imported', () => {
    const trace = path.join(tmp, `both-${file}.trace`);
    const parent = runAs(file, 'run', trace);
    const init = runAs(file, 'init', trace);
    expect(init.outcomes).toEqual(parent.outcomes);
    const lines = fs.readFileSync(trace, 'utf8').trimEnd().split('\n');
    const calls = [
      /^write\("\/proc\/\d+\/setgroups", "deny"\) = 0$/,
      /^write\("\/proc\/\d+\/uid_map", "0 \d+ 1"\) = 0$/,
      /^write\("\/proc\/\d+\/gid_map", "0 \d+ 1"\) = 0$/,
      // A map is written once: appendFileSync makes one line, not one for it and one for the writeFileSync it calls.
      /^write\("\/proc\/\d+\/gid_map", "0 0 1"\) = -1 EPERM \(Operation not permitted\)$/,
      /^mkdir\("\/sys\/fs\/cgroup\/rw-no-such\/ab12"\) = -1 ENOENT \(No such file or directory\)$/,
      /^rmdir\("\/sys\/fs\/cgroup\/rw-no-such-cgroup"\) = -1 ENOENT \(No such file or directory\)$/,
      /^chdir\("\/"\) = 0$/,
    ];
    expect(lines).toHaveLength(2 * calls.length);
    ['parent', 'init'].forEach((role, p) => calls.forEach((call, i) => {
      const [who, pid, ...rest] = lines[p * calls.length + i]!.split(' ');
      expect(`${who} ${pid}`).toMatch(new RegExp(`^${role} \\d+$`));
      expect(rest.join(' ')).toMatch(call);
    }));
  });

  it('changes nothing a runtime sees: the same results and the same errors, and off without RD_TRACE', () => {
    const traced = runAs(file, 'run', path.join(tmp, `same-${file}.trace`));
    const plain = runAs(file, 'run');
    expect(plain.outcomes).toEqual(traced.outcomes);
    expect(plain.outcomes).toContain('gid_map again threw EPERM: EPERM: operation not permitted, write');
    expect(plain.outcomes).toContain('other file = undefined');
    expect(fs.readFileSync(path.join(tmp, 'other-run'), 'utf8')).toBe('not traced');
    // Untraced, node:fs's own functions, unwrapped: a runtime without RD_TRACE pays nothing.
    expect(plain.wrapped).toEqual(['writeFileSync', 'mkdirSync', 'writeFileSync']);
    expect(traced.wrapped).toEqual(['traced', 'traced', 'traced']);
  });
});
