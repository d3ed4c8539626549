import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Channel } from './channel.js';
import { cpio, type CpioEntry } from './cpio.js';
import { qemuArgs, type Accel } from './machine.js';
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

export const qemuBinary = (env = process.env) => env.RUBBER_WORKSHOP_QEMU || 'qemu-system-x86_64';

const TEMP_PREFIX = 'rubber-workshop-';
/** The kernel's own last words when the harness powers off: not output anyone needs to see. */
const POWER_DOWN = /^\[\s*\d+\.\d+\] reboot: Power down$/;
const live = new Set<{ child: ChildProcess; tmp: string }>();

// A run must not outlive its process: QEMU also gets SIGKILL from the kernel if we die (setpriv --pdeathsig).
process.once('exit', () => {
  for (const { child, tmp } of live) {
    child.kill('SIGKILL');
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

/** Removes temp folders of runs whose process is gone (killed with SIGKILL, power loss). */
export function sweepStaleTemp(dir = os.tmpdir()): void {
  for (const name of safeReaddir(dir)) {
    const pid = Number(new RegExp(`^${TEMP_PREFIX}(\\d+)-`).exec(name)?.[1]);
    if (pid && !alive(pid)) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

let setprivPath: string | null | undefined;
function setpriv(): string | null {
  if (setprivPath === undefined) {
    setprivPath = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => fs.existsSync(p)) ?? null;
  }
  return setprivPath;
}

/**
 * Boots a fresh VM on the read-only assets with this run's payload, streams what its console says, and
 * returns how it ended. Nothing survives the run: QEMU is killed and the temp folder removed whatever happens.
 */
export async function* runVm(opts: VmOptions): AsyncGenerator<VmEvent, VmEnd> {
  sweepStaleTemp();
  const started = Date.now();
  const token = randomBytes(16).toString('hex');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `${TEMP_PREFIX}${process.pid}-`));
  const payloadFile = path.join(tmp, 'payload.cpio');
  fs.writeFileSync(payloadFile, cpio(opts.payload, 512));

  const args = qemuArgs({ assets: opts.assets, accel: opts.accel, payloadFile, memoryMiB: opts.memoryMiB });
  const wrapper = setpriv();
  const child = wrapper
    ? spawn(wrapper, ['--pdeathsig', 'KILL', '--', qemuBinary(), ...args], { stdio: 'pipe' })
    : spawn(qemuBinary(), args, { stdio: 'pipe' });
  const entry = { child, tmp };
  live.add(entry);
  const removeTemp = () => fs.rmSync(tmp, { recursive: true, force: true });

  const events = new Channel<VmEvent>();
  const parser = new ConsoleParser(token);
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
  child.stdout.on('data', (chunk: Buffer) => {
    removeTemp(); // QEMU opened the payload before the guest printed anything
    for (const ev of parser.push(chunk)) {
      if (ev.type === 'hello') {
        child.stdin.write(token + '\n');
        events.push({ type: 'booted', ms: Date.now() - started });
      } else if (!(ev.type === 'log' && POWER_DOWN.test(ev.line))) events.push(ev);
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
    qemuCode = code;
    events.push(...parser.end());
    events.close();
  });

  try {
    yield* events;
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
    stop(reason);
    removeTemp();
    live.delete(entry);
  }
  return { reason, ms: Date.now() - started, qemuCode, qemuError: qemuError.trim() };
}
