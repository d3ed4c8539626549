import fs from 'node:fs';
import path from 'node:path';
import { cacheDir } from '../paths.js';
import * as v from 'valibot';
import { writeFileAtomic } from '../atomic.js';
import { readJsonFileIfValid, type Schema } from '../json-file.js';
import { execInVm } from './exec.js';
import type { Assets } from './assets.js';
import type { Accel } from './machine.js';
import { containerKvmAdvice, inContainer } from '../container.js';

export interface AccelChoice {
  accel: Accel;
  /** Why, in words a learner can act on. */
  why: string;
}

const PROBE_TIMEOUT_MS = 8000;

/** <cache>/accel.json: the last probe's answer, and the key of the machine setup it was for. */
const AccelFile: Schema<AccelChoice & { key: string }> = v.object({ accel: v.picklist(['kvm', 'tcg']), why: v.string(), key: v.string() });

export interface AccelProbe {
  /** Why /dev/kvm cannot be opened, or null. */
  device: () => string | null;
  /** Boots a guest with KVM and says whether it ran. */
  probe: (assets: Assets) => Promise<AccelChoice>;
  cacheFile: string;
}

const realProbe = (): AccelProbe => ({ device: kvmDevice, probe: probeKvm, cacheFile: path.join(cacheDir(), 'accel.json') });

/** KVM if /dev/kvm is there, ours to use, and really runs a guest; the answer is cached per machine setup. */
export async function chooseAccel(assets: Assets, env = process.env, p: AccelProbe = realProbe()): Promise<AccelChoice> {
  const forced = env.RUBBER_WORKSHOP_ACCEL;
  if (forced === 'kvm' || forced === 'tcg') return { accel: forced, why: `RUBBER_WORKSHOP_ACCEL=${forced}` };
  const device = p.device();
  if (device) return { accel: 'tcg', why: device };
  const key = `${assets.digest}:${kvmIdentity()}`;
  const file = p.cacheFile;
  // Not probed yet, or by another setup (or an unreadable file): probe.
  const cached = readJsonFileIfValid(file, AccelFile);
  if (cached?.key === key) return { accel: cached.accel, why: cached.why };
  const choice = await p.probe(assets);
  try {
    writeFileAtomic(file, JSON.stringify({ ...choice, key }) + '\n');
  } catch {
    // Assets baked into a read-only image: probe again next time (a second, at most, when KVM works).
  }
  return choice;
}

function kvmIdentity(): string {
  try {
    return String(fs.statSync('/dev/kvm').rdev);
  } catch {
    return 'none';
  }
}

/** Why /dev/kvm cannot be used, with what to do about it, or null if it can be opened. */
export function kvmDevice(container = inContainer()): string | null {
  if (!fs.existsSync('/dev/kvm')) {
    return container ? `no /dev/kvm in this container, using TCG emulation; for KVM, ${containerKvmAdvice('device')}`
      : 'no /dev/kvm (no hardware virtualisation here), using TCG emulation';
  }
  try {
    fs.closeSync(fs.openSync('/dev/kvm', 'r+'));
    return null;
  } catch {
    if (container) return `no permission on /dev/kvm (using TCG emulation meanwhile): ${containerKvmAdvice({ group: fs.statSync('/dev/kvm').gid })}`;
    return 'no permission on /dev/kvm: run sudo usermod -aG kvm $USER and log in again (using TCG emulation meanwhile)';
  }
}

async function probeKvm(assets: Assets): Promise<AccelChoice> {
  const run = execInVm({ assets, accel: 'kvm', argv: ['true'], timeoutMs: PROBE_TIMEOUT_MS });
  let next = await run.next();
  while (!next.done) next = await run.next();
  if (next.value.code === 0) return { accel: 'kvm', why: `KVM runs a guest (${next.value.ms} ms round trip)` };
  const detail = next.value.reason === 'timeout' ? `a guest did not finish in ${PROBE_TIMEOUT_MS / 1000} s` : next.value.qemuError.split('\n')[0] || 'the guest failed';
  return { accel: 'tcg', why: `/dev/kvm is there but does not run a guest (${detail}), using TCG emulation` };
}
