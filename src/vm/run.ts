import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { Channel } from './channel.js';
import type { CpioEntry } from './cpio.js';
import type { Accel } from './machine.js';
import { endMachine, goLine, payloadArchive, startMachine, writePayloadDisk } from './qemu.js';
import { takeSpare } from './spare.js';
import { findSnapshot } from './snapshot.js';
import { ConsoleParser, type ConsoleEvent } from './protocol.js';
import type { Assets } from './assets.js';

export interface VmOptions {
  assets: Assets;
  accel: Accel;
  /** Files for /run/payload in the guest; run.env tells the harness what to do. */
  payload: CpioEntry[];
  timeoutMs: number;
  signal?: AbortSignal;
  memoryMiB?: number;
  /** Boot from scratch even if a saved snapshot of a booted guest is there (also RUBBER_WORKSHOP_SNAPSHOT=0). */
  cold?: boolean;
  /** Tell the command's stdout and stderr apart (a by-hand exec: the harness tags them; see protocol.ts). */
  streams?: boolean;
}

export type VmEvent = ConsoleEvent | { type: 'booted'; ms: number };

export interface VmEnd {
  /** exited: the guest powered off (or QEMU stopped) by itself. */
  reason: 'exited' | 'timeout' | 'aborted';
  ms: number;
  /** QEMU's exit code and its last stderr lines, for when it could not start the guest. */
  qemuCode: number | null;
  qemuError: string;
}

/** The kernel's own last words when the harness powers off: not output anyone needs to see. */
const POWER_DOWN = /^\[\s*\d+\.\d+\] reboot: Power down$/;

/**
 * Boots a fresh VM on the read-only assets with this run's payload, streams what its console says, and
 * returns how it ended. Nothing survives the run: QEMU is killed and the temp folder removed whatever happens.
 */
export async function* runVm(opts: VmOptions): AsyncGenerator<VmEvent, VmEnd> {
  const cold = opts.cold ?? process.env.RUBBER_WORKSHOP_SNAPSHOT === '0';
  const snapshot = cold ? null : findSnapshot(opts.assets, opts.accel, opts.memoryMiB);
  if (!snapshot) return yield* runOnce(opts, null);
  let booted = false;
  const run = runOnce(opts, snapshot);
  try {
    for (;;) {
      const next = await run.next();
      if (next.done) {
        const end = next.value;
        if (booted || end.reason !== 'exited' || end.qemuCode === 0) return end;
        // The saved guest would not load (QEMU changed under it?): forget it and boot from scratch.
        fs.rmSync(snapshot, { force: true });
        return yield* runOnce(opts, null);
      }
      if (next.value.type === 'booted') booted = true;
      yield next.value;
    }
  } finally {
    // Left early (the caller returned at a yield): the run's own clean-up stops QEMU and removes its files.
    await run.return(undefined as never);
  }
}

async function* runOnce(opts: VmOptions, snapshot: string | null): AsyncGenerator<VmEvent, VmEnd> {
  const started = Date.now();
  const token = randomBytes(16).toString('hex');
  const archive = payloadArchive(opts.payload);
  const memoryMiB = opts.memoryMiB;
  const spare = snapshot && memoryMiB === undefined ? takeSpare(snapshot) : null;
  const machine = spare ?? startMachine({ assets: opts.assets, accel: opts.accel, memoryMiB, snapshot: snapshot ?? undefined });
  const { child } = machine;
  const removeTemp = () => fs.rmSync(machine.tmp, { recursive: true, force: true });
  try {
    writePayloadDisk(machine.payloadFd, archive);
  } catch (e) {
    endMachine(machine);
    throw e;
  }

  const events = new Channel<VmEvent>();
  const parser = new ConsoleParser(token, undefined, opts.streams);
  let reason: VmEnd['reason'] = 'exited';
  let qemuError = '';
  let qemuCode: number | null = null;
  const stop = (why: VmEnd['reason']) => {
    if (child.exitCode === null && child.signalCode === null) {
      reason = why;
      child.kill('SIGKILL');
    }
  };
  const timer = setTimeout(() => stop('timeout'), opts.timeoutMs);
  const onAbort = () => stop('aborted');
  opts.signal?.addEventListener('abort', onAbort);
  if (opts.signal?.aborted) onAbort();

  child.stdin.on('error', () => {}); // the guest may be gone before the token is written
  const line = goLine();
  const go = () => child.stdin.write(line);
  // A restored guest is already waiting for "go" but cannot say so; resend until the signer says hello.
  let resend: NodeJS.Timeout | null = snapshot ? setInterval(go, 100) : null;
  const stopResend = () => {
    if (resend) clearInterval(resend);
    resend = null;
  };
  // The token is sent once, to the first hello: the signer's, printed before any learner code can run.
  // Answering a later one would hand the token to whoever printed it and then reads the serial line.
  let tokenSent = false;
  let tempRemoved = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (!tempRemoved) removeTemp(); // QEMU opened the payload before the guest printed anything
    tempRemoved = true;
    for (const ev of parser.push(chunk)) {
      if (ev.type === 'ready' && !tokenSent) go();
      else if (ev.type === 'warm' && !tokenSent) continue; // a spare's warm-up, ended after it was taken
      else if (ev.type === 'hello' && !tokenSent) {
        tokenSent = true;
        stopResend();
        child.stdin.write(`token ${token}\n`);
        events.push({ type: 'booted', ms: Date.now() - started });
      } else if (ev.type === 'log' && POWER_DOWN.test(ev.line)) continue;
      else if (ev.type === 'hello' || ev.type === 'ready' || ev.type === 'warm') events.push({ type: 'forged', line: `a second ${ev.type}` });
      else events.push(ev);
    }
  });
  child.stderr.on('data', (chunk: Buffer) => {
    qemuError = (qemuError + chunk.toString()).slice(-4000);
  });
  child.on('error', (err) => {
    qemuError += err.message;
    events.close();
  });
  child.on('close', (code) => {
    stopResend();
    qemuCode = code;
    events.push(...parser.end());
    events.close();
  });

  try {
    yield* events;
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
    stopResend();
    stop(reason);
    endMachine(machine);
  }
  return { reason, ms: Date.now() - started, qemuCode, qemuError: qemuError.trim() };
}
