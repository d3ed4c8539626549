import { expect, test } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { level, rw } from './helpers.js';

// The optional Debian image, built from scratch by debootstrap (as root in CI; through sudo for a user).
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
    const r = rw(['rd', 'run', '-i', 'debian', '--user', '1000', '--', '/bin/sh', '-c', 'cat /etc/debian_version /etc/rubber-image; id -u'], { env, cwd: ws });
    expect(r.stdout).toMatch(/^\d+\.\d+\ndebian\n1000\n/m);
    expect(r.status).toBe(0);
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
    fs.rmSync(ws, { recursive: true, force: true });
  }
});
