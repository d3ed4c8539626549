import { afterAll, describe, expect, test, vi } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chooseAccel, type AccelProbe } from '../../src/vm/accel.js';
import type { Assets } from '../../src/vm/assets.js';

const assets = { digest: 'd1' } as Assets;

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function fakeProbe(device: string | null, answer: 'kvm' | 'tcg' = 'kvm'): AccelProbe & { probe: ReturnType<typeof vi.fn> } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accel-test-'));
  dirs.push(dir);
  return { device: () => device, probe: vi.fn(async () => ({ accel: answer, why: `probed ${answer}` })), cacheFile: path.join(dir, 'accel.json') };
}

describe('accelerator detection', () => {
  test('RUBBER_WORKSHOP_ACCEL forces the choice without probing', async () => {
    const p = fakeProbe(null);
    expect(await chooseAccel(assets, { RUBBER_WORKSHOP_ACCEL: 'tcg' }, p)).toEqual({ accel: 'tcg', why: 'RUBBER_WORKSHOP_ACCEL=tcg' });
    expect(p.probe).not.toHaveBeenCalled();
  });

  test('an unusable /dev/kvm means TCG, with the reason', async () => {
    const p = fakeProbe('no permission on /dev/kvm: run sudo usermod -aG kvm $USER');
    const choice = await chooseAccel(assets, {}, p);
    expect(choice.accel).toBe('tcg');
    expect(choice.why).toContain('usermod');
    expect(p.probe).not.toHaveBeenCalled();
  });

  test('probes once, then answers from the cache until the assets change', async () => {
    const p = fakeProbe(null, 'tcg');
    expect((await chooseAccel(assets, {}, p)).accel).toBe('tcg');
    expect((await chooseAccel(assets, {}, p)).why).toBe('probed tcg');
    expect(p.probe).toHaveBeenCalledTimes(1);
    await chooseAccel({ digest: 'd2' } as Assets, {}, p);
    expect(p.probe).toHaveBeenCalledTimes(2);
  });

  test('a read-only cache (assets baked into an image) is no error: the answer is just not kept', async () => {
    const p = { ...fakeProbe(null, 'kvm'), cacheFile: '/proc/accel.json' };
    expect((await chooseAccel(assets, {}, p)).accel).toBe('kvm');
  });
});
