import { afterAll, afterEach, describe, expect, test, vi } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fixFor, installCommand, MissingToolError, requireTools, toolPath, toolsFor } from '../../rootfs-scripts/host-tools.mjs';

const scripts = path.resolve(import.meta.dirname, '../../rootfs-scripts');
const emptyPath = { PATH: fs.mkdtempSync(path.join(os.tmpdir(), 'no-tools-')) };
const asUid = (uid: number) => vi.spyOn(process, 'getuid').mockReturnValue(uid);

afterEach(() => vi.restoreAllMocks());
afterAll(() => fs.rmSync(emptyPath.PATH, { recursive: true }));

describe('host tools', () => {
  test('a missing tool is named with what it is for and the one command that installs everything missing', () => {
    asUid(0);
    expect(() => requireTools(['debian'], emptyPath)).toThrow(new MissingToolError(['tar', 'mmdebstrap']));
    expect(new MissingToolError(['tar', 'mmdebstrap']).message)
      .toBe("tar (packs the container images), mmdebstrap (builds the Debian image and the classroom image's Debian root, without root) are missing: run apt-get install -y tar mmdebstrap");
  });

  test('a user is told to install with sudo; the Debian image needs no root', () => {
    asUid(1000);
    expect(installCommand(['mmdebstrap'])).toBe('sudo apt-get install -y mmdebstrap');
    expect(toolsFor(['debian'])).toEqual(['tar', 'mmdebstrap']);
  });

  test('one package is installed once however many of its tools are missing', () => {
    expect(installCommand(['apt-get', 'tar', 'apt-get'])).toMatch(/install -y apt tar$/);
  });

  test('an optional tool never stops a command', () => {
    expect(toolsFor(['kernel'])).toEqual(['unlz4']);
    expect(() => requireTools(['kernel'], emptyPath)).not.toThrow();
  });

  test('a variable naming another binary is where the tool is looked for', () => {
    const fake = path.join(emptyPath.PATH, 'my-qemu');
    fs.writeFileSync(fake, '');
    expect(toolPath('qemu-system-x86_64', { ...emptyPath, RUBBER_WORKSHOP_QEMU: fake })).toBe(fake);
    expect(toolPath('qemu-system-x86_64', emptyPath)).toBeNull();
  });

  test('a variable naming no program is what to fix, not the package', () => {
    const env = { ...emptyPath, RUBBER_WORKSHOP_QEMU: '/opt/qemu/bin/qemu-system-x86_64' };
    expect(() => requireTools(['vm'], env)).toThrow(
      'qemu-system-x86_64 (runs the VM) is missing: RUBBER_WORKSHOP_QEMU=/opt/qemu/bin/qemu-system-x86_64 names no program here: correct it, or unset it');
    expect(fixFor(['qemu-system-x86_64'], env)).not.toMatch(/apt-get/);
  });

  test('a rootfs script without its tools prints the install command and exits 2, without a stack trace', () => {
    const r = spawnSync(process.execPath, [path.join(scripts, 'image-debian.mjs'), '--out', '/nonexistent/x.tar'], { encoding: 'utf8', env: emptyPath });
    expect(r.stderr).toMatch(/^tar \(packs the container images\).* missing: run (sudo )?apt-get install -y tar\b/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.status).toBe(2);
  });
});
