import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshotWhen } from './chromium.js';

const repo = path.resolve(import.meta.dirname, '../..');
const { version } = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8'));
const IMAGE = `localhost/rubber-workshop-ide:${version}`;
const PORT = 18888;

/**
 * The restricted pod's container, under podman: uid 1000 in group 100, no capabilities, no privilege
 * escalation, read-only root with a tmpfs /tmp, the runtime's default seccomp profile, no /dev/kvm.
 * runc and explicit ulimits because this host refuses crun and podman's raised default limits.
 */
const RESTRICTED = ['--runtime', 'runc', '--user', '1000:100', '--cap-drop=all', '--security-opt', 'no-new-privileges',
  '--read-only', '--read-only-tmpfs=false', '--tmpfs', '/tmp', '--ulimit', 'nofile=4096:4096', '--ulimit', 'nproc=4096:4096'];

let home: string;
const podman = (args: string[], timeoutMs = 10 * 60 * 1000) => spawnSync('podman', args, { encoding: 'utf8', timeout: timeoutMs });
const run = (args: string[], cmd: string[], timeoutMs?: number) =>
  podman(['run', '--rm', ...RESTRICTED, '-v', `${home}:/home/jovyan`, ...args, IMAGE, ...cmd], timeoutMs);

beforeAll(() => {
  expect(podman(['image', 'exists', IMAGE]).status, `${IMAGE} is missing: npm run image`).toBe(0);
  // The learner's home volume, as a fresh PersistentVolumeClaim with fsGroup 100 would be.
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-image-home-'));
  fs.chownSync(home, 1000, 100);
  fs.chmodSync(home, 0o2775);
});
afterAll(() => {
  if (home) fs.rmSync(home, { recursive: true, force: true });
});

describe('the classroom image under a restricted container', () => {
  it('doctor: ready, and its KVM advice fits a container (no usermod)', () => {
    const r = run(['-e', 'NO_COLOR=1'], ['rubber-workshop', 'doctor']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('Ready.');
    expect(r.stdout).toContain('a booted VM is saved');
    expect(r.stdout).toContain('no /dev/kvm in this container');
    expect(r.stdout).toContain('devices.kubevirt.io/kvm');
    expect(r.stdout).not.toContain('usermod');
    expect(r.status).toBe(0);
  });

  it('check 10 with the level-10 solution passes, from the image\'s saved guest', () => {
    const solution = path.join(repo, 'lessons/10-setuid/solution.ts');
    const started = Date.now();
    const r = run(['-e', 'NO_COLOR=1', '-v', `${solution}:/solution.ts:ro`],
      ['sh', '-c', 'rubber-workshop init /tmp/w >/dev/null && cp /solution.ts /tmp/w/rd.ts && cd /tmp/w && rubber-workshop check 10']);
    const seconds = (Date.now() - started) / 1000;
    console.log(`check 10 in the container: ${seconds.toFixed(1)} s (podman run included); ${r.stdout.trim().split('\n').pop()}`);
    expect(r.stdout).toMatch(/Level 10 passed \((\d+) of \1 checks passed/);
    expect(r.status).toBe(0);
  });

  it('started normally: the workspace is made once and kept, the IDE answers, and Chromium shows the workshop in it', async () => {
    const name = `rw-image-test-${process.pid}`;
    const start = () => podman(['run', '-d', '--name', name, ...RESTRICTED, '-v', `${home}:/home/jovyan`, '-p', `127.0.0.1:${PORT}:8888`, IMAGE]);
    const stop = () => podman(['rm', '-f', '-t', '2', name]);
    const healthy = async () => {
      for (let i = 0; i < 120; i++) {
        const res = await fetch(`http://127.0.0.1:${PORT}/healthz`).catch(() => null);
        if (res?.ok) return res.json();
        await new Promise((r) => setTimeout(r, 500));
      }
      throw new Error(`the IDE did not answer: ${podman(['logs', name]).stderr}`);
    };
    try {
      expect(start().status).toBe(0);
      // "expired" until a browser connects, then "alive".
      expect((await healthy()).status).toMatch(/^(alive|expired)$/);
      const rd = path.join(home, 'rd-workspace', 'rd.ts');
      expect(fs.existsSync(rd)).toBe(true);
      const page = await fetch(`http://127.0.0.1:${PORT}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('vs/code');

      // A restart (a new pod on the same volume) keeps the learner's work.
      fs.appendFileSync(rd, '// mine\n');
      stop();
      expect(start().status).toBe(0);
      await healthy();
      expect(fs.readFileSync(rd, 'utf8')).toContain('// mine\n');

      // The workshop starts in the IDE's terminal by itself: its level list and keys show there.
      const shot = path.join(repo, 'docs', 'ide.png');
      const text = await screenshotWhen(`http://127.0.0.1:${PORT}/`, "/c check.*q quit/.test(document.querySelector('.xterm-rows')?.textContent)", shot, 120_000);
      expect(text).toContain('rd-workspace');
      expect(text).toContain('lessons (read-only)');
      expect(fs.statSync(shot).size).toBeGreaterThan(20_000);
    } finally {
      stop();
    }
  });
});
