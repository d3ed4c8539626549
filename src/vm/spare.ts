// Spare VMs: saved guests restored and warmed up ahead of a check, while the learner edits (the TUI keeps
// them). A check that finds one skips the restore (≈ 0.5 s) and Node's first, slow start in a restored guest
// under emulation (translated code is not part of a saved guest). Nothing of the learner's has been near a
// spare: its payload disk is empty until the check writes it, its randomness is reseeded at warm-up and
// again at "go", and its token is made by the run that takes it.
import { randomBytes } from 'node:crypto';
import type { Assets } from './assets.js';
import type { Accel } from './machine.js';
import { ConsoleParser } from './protocol.js';
import { endMachine, startMachine, type Machine } from './qemu.js';
import { findSnapshot } from './snapshot.js';

interface Spare extends Machine {
  snapshot: string;
  /** Stops the warm-up's resends and hands the console over to the run. */
  claim: () => void;
}

const spares = new Set<Spare>();
let wanted = 0;

/** How many spares to keep from now on (0, the default, for one-off commands and grading). */
export function keepSpares(count: number): void {
  wanted = count;
  if (count === 0) for (const s of spares) drop(s);
}

/** Restores spares up to the count kept, from the saved guest of these assets; none without a saved guest. */
export function refillSpares(assets: Assets, accel: Accel): void {
  const snapshot = findSnapshot(assets, accel);
  if (!snapshot) return;
  while (spares.size < wanted) spares.add(startSpare(assets, accel, snapshot));
}

/** A spare restored from `snapshot` (default memory size), taken out of the pool; null if there is none. */
export function takeSpare(snapshot: string): Machine | null {
  for (const s of spares) {
    spares.delete(s);
    if (s.snapshot === snapshot && s.child.exitCode === null && s.child.signalCode === null) {
      s.claim();
      return s;
    }
    drop(s);
  }
  return null;
}

function startSpare(assets: Assets, accel: Accel, snapshot: string): Spare {
  const machine = startMachine({ assets, accel, snapshot });
  const { child } = machine;
  child.stdin.on('error', () => {});
  // Lines sent while the saved guest is still loading are lost: resend until the guest says it warmed up.
  const warm = () => child.stdin.write(`warm ${randomBytes(32).toString('hex')}\n`);
  let resend: NodeJS.Timeout | null = setInterval(warm, 100);
  const stopResend = () => {
    if (resend) clearInterval(resend);
    resend = null;
  };
  const parser = new ConsoleParser('');
  const onData = (chunk: Buffer) => {
    if (parser.push(chunk).some((e) => e.type === 'warm')) stopResend();
  };
  child.stdout.on('data', onData);
  const spare: Spare = {
    ...machine,
    snapshot,
    claim: () => {
      stopResend();
      child.stdout.off('data', onData);
    },
  };
  child.once('close', () => {
    stopResend();
    if (spares.delete(spare)) endMachine(spare);
  });
  return spare;
}

function drop(s: Spare): void {
  spares.delete(s);
  s.claim();
  endMachine(s);
}
