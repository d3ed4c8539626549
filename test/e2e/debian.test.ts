import { expect, test } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { level, rw } from './helpers.js';

// The optional Debian image, built from scratch by mmdebstrap, without root (its root mode as root, as in CI;
// its unshare mode for a user), with the tools the original workshop's checks use.
test('setup --debian builds a Debian image that a runtime can start containers from', () => {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-e2e-debian-'));
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-e2e-debian-ws-'));
  const env = { RUBBER_WORKSHOP_CACHE: cache };
  try {
    const setup = rw(['setup', '--debian'], { env });
    expect(setup.status, setup.stderr).toBe(0);
    expect(setup.stderr + setup.stdout).toContain('debian.tar');
    expect(rw(['init', ws]).status).toBe(0);
    fs.writeFileSync(path.join(ws, 'rd.ts'), level('10').solution());
    const tools = "cat /etc/debian_version /etc/rubber-image; id -u; bash -c 'echo bash $BASH_VERSION'; ps -o comm= -p $$; ip -o link show lo; stress --version; findmnt -n -o FSTYPE /proc";
    const r = rw(['rd', 'run', '-i', 'debian', '--user', '1000', '--', '/bin/sh', '-c', tools], { env, cwd: ws });
    expect(r.stdout).toMatch(/^\d+\.\d+\ndebian\n1000\nbash 5\.[\d.()-]+release\nsh\n1: lo: .*\nstress \d+\.\d+\.\d+\nproc\n/m);
    expect(r.status).toBe(0);
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
    fs.rmSync(ws, { recursive: true, force: true });
  }
});
