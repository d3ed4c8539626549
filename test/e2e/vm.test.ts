import { describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { level, qemusOf, repo, rw, rwSpawn, tempsOf, until, workspaceWith } from './helpers.js';

describe('the throwaway VM', () => {
  test('node runs inside as root; output, each stream on its own, and exit status come back', () => {
    const r = rw(['vm', 'exec', '--', 'node', '-e', 'console.log("uid", process.getuid()); console.error("to stderr"); process.exit(3)']);
    expect(r.stdout).toBe('uid 0\n');
    expect(r.stderr).toMatch(/^to stderr\n/);
    expect(r.status).toBe(3);
  });

  test("rd run gives the command's stdout and stderr back as the two streams they are", () => {
    const ws = workspaceWith(level('10').solution());
    const r = rw(['rd', 'run', '--', '/bin/sh', '-c', 'echo out-1; echo err-1 >&2; echo out-2; printf "\\0371 err-2\\n" >&2'], { cwd: ws });
    expect(r.stdout.split('\n').filter((l) => /^(out|err)-/.test(l))).toEqual(['out-1', 'out-2']);
    expect(r.stderr).toMatch(/^err-1$/m);
    expect(r.stderr).toMatch(/^1 err-2$/m); // a line that imitates a tag stays on its own stream
    expect(r.status).toBe(0);
  });

  test('arguments arrive intact, nothing the guest writes survives the run', () => {
    const first = rw(['vm', 'exec', '--', 'sh', '-c', 'echo "$1|$2"; touch /survivor; ls /survivor', 'sh', "it's a \"word\"", '$HOME']);
    expect(first.stdout).toContain(`it's a "word"|$HOME`);
    expect(first.status).toBe(0);
    const second = rw(['vm', 'exec', '--', 'ls', '/survivor']);
    expect(second.status).not.toBe(0);
  });

  test('a guest that never ends is killed at the timeout, leaving no qemu and no temp folder', async () => {
    const child = rwSpawn(['vm', 'exec', '--timeout', '6', '--', 'sleep', '1000']);
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('did not finish within 6 s');
    expect(qemusOf(child.pid!)).toEqual([]);
    expect(tempsOf(child.pid!)).toEqual([]);
  });

  test('killing the CLI with SIGKILL takes its VM down with it', async () => {
    const child = rwSpawn(['vm', 'exec', '--', 'sh', '-c', 'echo started; sleep 1000']);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    expect(await until(() => out.includes('started'), 60_000)).toBe(true);
    expect(qemusOf(child.pid!).length).toBe(1);
    child.kill('SIGKILL');
    expect(await until(() => qemusOf(child.pid!).length === 0, 5000)).toBe(true);
    // The temp folder goes as soon as QEMU has opened the payload; a later run sweeps any left by a kill.
    rw(['vm', 'exec', '--', 'true']);
    expect(tempsOf(child.pid!)).toEqual([]);
  });

  test('Ctrl-C stops the run and its VM', async () => {
    const child = rwSpawn(['vm', 'exec', '--', 'sh', '-c', 'echo started; sleep 1000']);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    expect(await until(() => out.includes('started'), 60_000)).toBe(true);
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(130);
    expect(qemusOf(child.pid!)).toEqual([]);
    expect(tempsOf(child.pid!)).toEqual([]);
  });
});

describe('starting from a saved, booted guest', () => {
  test('each restored run gets its own randomness and the current time', () => {
    const probe = ['vm', 'exec', '--', 'sh', '-c', 'date +%s; head -c 16 /dev/urandom | od -An -tx1'];
    const [a, b] = [rw(probe), rw(probe)];
    expect(a.status).toBe(0);
    const [timeA, randomA] = a.stdout.trim().split('\n');
    const [, randomB] = b.stdout.trim().split('\n');
    expect(Math.abs(Number(timeA) - Date.now() / 1000)).toBeLessThan(120);
    expect(randomA).not.toBe(randomB);
  });

  test('a snapshot that will not load is dropped, the run boots from scratch, and the next run saves a new one first', () => {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-e2e-cache-'));
    const env = { RUBBER_WORKSHOP_CACHE: cache };
    try {
      expect(rw(['setup'], { env }).status).toBe(0);
      const [snapshot] = fs.readdirSync(cache).filter((f) => f.startsWith('snapshot-'));
      fs.truncateSync(path.join(cache, snapshot), 4096);
      const r = rw(['vm', 'exec', '--', 'echo', 'booted anyway'], { env });
      expect(r.stdout).toContain('booted anyway');
      expect(r.status).toBe(0);
      expect(fs.existsSync(path.join(cache, snapshot))).toBe(false);
      // The next run saves a booted guest again first, rather than every run booting from scratch from now on.
      const again = rw(['vm', 'exec', '--', 'echo', 'restored'], { env });
      expect(again.stderr).toContain('booted VM saved for fast starts');
      expect(again.stdout).toContain('restored');
      expect(fs.statSync(path.join(cache, snapshot)).size).toBeGreaterThan(4096);
      expect(rw(['vm', 'exec', '--', 'true'], { env }).stderr).not.toContain('saved');
    } finally {
      fs.rmSync(cache, { recursive: true, force: true });
    }
  });
});

describe('without root on the host', () => {
  // As root (CI), the suite makes an ordinary user and runs the tool as that user from a copy it can read.
  const asRoot = process.getuid?.() === 0;
  const user = 'rwtest';

  test('an ordinary user builds the assets and runs a VM', () => {
    let root = repo;
    let home = os.homedir();
    let asUser: string[] = [];
    if (asRoot) {
      if (spawnSync('id', [user]).status !== 0) expect(spawnSync('useradd', ['-m', user]).status).toBe(0);
      home = `/home/${user}`;
      root = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-nonroot-'));
      for (const part of ['dist', 'package.json', 'rootfs-scripts', 'vm', 'checkers', 'lessons', 'node_modules', 'src'])
        fs.cpSync(path.join(repo, part), path.join(root, part), { recursive: true, verbatimSymlinks: true });
      expect(spawnSync('chown', ['-R', `${user}:${user}`, root]).status).toBe(0);
      fs.chmodSync(root, 0o755);
      asUser = ['runuser', '-u', user, '--'];
    }
    const env = ['env', `HOME=${home}`, `RUBBER_WORKSHOP_CACHE=${home}/.cache/rubber-workshop-e2e`, 'NO_COLOR=1'];
    const run = (...cmd: string[]) => {
      const argv = [...asUser, ...env, ...cmd];
      return spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', cwd: root });
    };
    const cli = (...args: string[]) => run(process.execPath, path.join(root, 'dist/cli.js'), ...args);
    try {
      expect(Number(run('id', '-u').stdout.trim())).not.toBe(0);
      const setup = cli('setup');
      expect(setup.status, setup.stderr).toBe(0);
      const r = cli('vm', 'exec', '--', 'id', '-u');
      expect(r.stdout.trim().split('\n')[0]).toBe('0');
      expect(r.status).toBe(0);
    } finally {
      if (asRoot) fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
