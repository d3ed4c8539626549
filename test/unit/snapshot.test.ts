import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findSnapshot, guestToSave, snapshotKey } from '../../src/vm/snapshot.js';
import type { Assets } from '../../src/vm/assets.js';

// Any real file stands in for QEMU: the key reads its path, size and time.
vi.mock('../../rootfs-scripts/host-tools.mjs', () => ({ toolPath: () => process.execPath }));

const assets = { digest: 'd1' } as Assets;
let cache: string;
beforeEach(() => {
  cache = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-snapshot-'));
  vi.stubEnv('RUBBER_WORKSHOP_CACHE', cache);
});
afterEach(() => {
  vi.unstubAllEnvs();
  fs.rmSync(cache, { recursive: true, force: true });
});

describe('the saved guest', () => {
  test('missing in a writable cache: to be saved, and the test of writing leaves nothing behind', () => {
    expect(findSnapshot(assets, 'tcg')).toBeNull();
    expect(guestToSave(assets, 'tcg')).toBe(true);
    expect(fs.readdirSync(cache)).toEqual([]);
  });

  test('there for this machine: nothing to save, and it is the one found', () => {
    const file = path.join(cache, `snapshot-${snapshotKey(assets, 'tcg')!.slice(0, 16)}.state`);
    fs.writeFileSync(file, 'saved');
    expect(guestToSave(assets, 'tcg')).toBe(false);
    expect(findSnapshot(assets, 'tcg')).toBe(file);
    // Another accelerator or other assets are another machine: theirs is still missing.
    expect(guestToSave(assets, 'kvm')).toBe(true);
    expect(guestToSave({ digest: 'd2' } as Assets, 'tcg')).toBe(true);
  });

  test('never under RUBBER_WORKSHOP_SNAPSHOT=0, nor where the cache cannot be written (assets baked into an image)', () => {
    expect(guestToSave(assets, 'tcg', { RUBBER_WORKSHOP_SNAPSHOT: '0' })).toBe(false);
    vi.stubEnv('RUBBER_WORKSHOP_CACHE', '/proc');
    expect(guestToSave(assets, 'tcg')).toBe(false);
  });
});
