import fs from 'node:fs';
import path from 'node:path';
import type { Duplex, Writable } from 'node:stream';
import { execPayload, type Bundle } from './exec.js';
import { goLine, makeVmTemp, startQemu, writePayloadDisk, payloadArchive } from './qemu.js';
import { findSnapshot } from './snapshot.js';
import { MAGIC, READY } from './protocol.js';
import { serveAttach } from './attach.js';
import { takeTerminal, type Terminal } from './terminal.js';
import type { Assets } from './assets.js';
import type { Accel } from './machine.js';

// Unsigned lines from the harness (vm/harness, MODE=shell): nothing in a session is graded.
const READY_LINE = `${READY}\n`;
const SHELL_LINE = `${MAGIC}shell\n`;
const EXIT = Buffer.from(`${MAGIC}exit `);

export interface ShellOptions extends Terminal {
  assets: Assets;
  accel: Accel;
  /** What runs on the guest's console, as the sandbox's root. */
  argv: string[];
  /** A bundled runtime to install in the guest as the `rd` command. */
  rd?: Bundle;
  signal?: AbortSignal;
}

export interface ShellEnd {
  /** exited: the command ended (code: its status); escaped: the learner pressed the escape key. */
  reason: 'exited' | 'escaped' | 'aborted' | 'failed';
  code: number | null;
  /** For failed: QEMU's last words, or the guest's. */
  error: string;
}

/** The session's settings for the harness: window size and terminal type, checked, as they are sourced there. */
export function sessionEnv(rows: number | undefined, cols: number | undefined, term: string | undefined): string {
  const size = (n: number | undefined, fallback: number) => (Number.isInteger(n) && n! > 0 && n! < 10000 ? n! : fallback);
  const type = term && /^[\w.+-]{1,64}$/.test(term) ? term : 'vt100';
  return `MODE=shell\nROWS=${size(rows, 24)}\nCOLS=${size(cols, 80)}\nTERM=${type}\n`;
}

/**
 * What the console says once the session runs, minus the harness's end line, which is taken off (with the
 * kernel's last words after it) and read for the exit status. A partial end line at a chunk's edge is held.
 */
export class SessionOutput {
  code: number | null = null;
  private held = Buffer.alloc(0);

  push(chunk: Buffer): Buffer {
    if (this.code !== null) return Buffer.alloc(0);
    const data = Buffer.concat([this.held, chunk]);
    this.held = Buffer.alloc(0);
    const at = data.indexOf(EXIT);
    if (at >= 0) {
      const eol = data.indexOf(0x0a, at);
      if (eol < 0) this.held = data.subarray(at);
      else this.code = Number(data.subarray(at + EXIT.length, eol).toString().trim()) || 0;
      return data.subarray(0, at);
    }
    const tail = data.lastIndexOf(EXIT[0]);
    if (tail >= 0 && data.length - tail < EXIT.length && EXIT.subarray(0, data.length - tail).equals(data.subarray(tail))) {
      this.held = data.subarray(tail);
      return data.subarray(0, tail);
    }
    return data;
  }
}

/**
 * Runs `argv` on the learner's terminal in a fresh VM: keys go to the guest as they are typed (raw mode),
 * the guest's output comes back untouched, and the escape key ends the VM at once. Nothing survives it.
 */
export async function runShell(opts: ShellOptions): Promise<ShellEnd> {
  const payload = execPayload(sessionEnv(opts.output.rows, opts.output.columns, process.env.TERM), opts.argv, opts.rd);
  const snapshot = process.env.RUBBER_WORKSHOP_SNAPSHOT === '0' ? null : findSnapshot(opts.assets, opts.accel);
  const end = await session(opts, payload, snapshot);
  if (!snapshot || end.reason !== 'failed' || end.started) return end;
  // The saved guest would not load (QEMU changed under it?): forget it and boot from scratch.
  fs.rmSync(snapshot, { force: true });
  return session(opts, payload, null);
}

async function session(opts: ShellOptions, payload: ReturnType<typeof execPayload>, snapshot: string | null): Promise<ShellEnd & { started: boolean }> {
  // The payload goes as soon as QEMU has opened it; the folder, with the attach socket, when the VM ends.
  const tmp = makeVmTemp();
  const payloadFile = path.join(tmp, 'payload.cpio');
  let payloadRemoved = false;
  const removePayload = () => {
    if (!payloadRemoved) fs.rmSync(payloadFile, { force: true });
    payloadRemoved = true;
  };
  const removeTemp = () => fs.rmSync(tmp, { recursive: true, force: true });
  try {
    writePayloadDisk(payloadFile, payloadArchive(payload));
  } catch (e) {
    removeTemp();
    throw e;
  }
  const { child, forget } = startQemu({ assets: opts.assets, accel: opts.accel, payloadFile, snapshot: snapshot ?? undefined, control: true }, tmp);
  // The window's new size goes to the guest's control port, whose harness tells the console (and so the shell).
  const control = child.stdio[3] as Writable;
  control.on('error', () => {});
  const onResize = () => control.write(`ttyS0 ${opts.output.rows} ${opts.output.columns}\n`);
  opts.output.on('resize', onResize);
  const closeAttach = serveAttach(tmp, child.stdio[4] as Duplex, control);
  const { output } = opts;
  let reason: ShellEnd['reason'] = 'exited';
  const stop = (why: ShellEnd['reason']) => {
    if (child.exitCode === null && child.signalCode === null) {
      reason = why;
      child.kill('SIGKILL');
    }
  };
  const onAbort = () => stop('aborted');
  opts.signal?.addEventListener('abort', onAbort);
  if (opts.signal?.aborted) onAbort();

  // Until the shell runs, the console speaks the harness's start-up lines; keys typed meanwhile wait.
  let started = false;
  let boot = '';
  let typed: Buffer[] = [];
  const out = new SessionOutput();
  const go = () => child.stdin.write(goLine());
  // A restored guest is already waiting for "go" but cannot say so; resend until the harness answers.
  let resend: NodeJS.Timeout | null = snapshot ? setInterval(go, 100) : null;
  const stopResend = () => {
    if (resend) clearInterval(resend);
    resend = null;
  };

  child.stdin.on('error', () => {});
  child.stdout.on('data', (chunk: Buffer) => {
    removePayload(); // QEMU opened it before the guest printed anything
    if (started) {
      output.write(out.push(chunk));
      return;
    }
    boot = (boot + chunk.toString('latin1')).slice(-16384);
    if (!snapshot && boot.includes(READY_LINE)) {
      boot = boot.replace(READY_LINE, '');
      go();
    }
    const at = boot.indexOf(SHELL_LINE);
    if (at < 0) return;
    started = true;
    stopResend();
    child.stdin.write('shell\n'); // no more "go" lines after this one: the harness starts the shell
    output.write(out.push(Buffer.from(boot.slice(at + SHELL_LINE.length), 'latin1')));
    for (const keys of typed) child.stdin.write(keys);
    typed = [];
  });
  let qemuError = '';
  child.stderr.on('data', (chunk: Buffer) => {
    qemuError = (qemuError + chunk.toString()).slice(-4000);
  });

  const release = takeTerminal(opts, (keys) => {
    if (keys.length) (started ? child.stdin.write(keys) : typed.push(Buffer.from(keys)));
  }, () => stop('escaped'));

  const closed = new Promise<number | null>((resolve) => {
    child.on('close', resolve);
    child.on('error', (err) => {
      qemuError += err.message;
      resolve(null);
    });
  });
  try {
    const qemuCode = await closed;
    if (reason !== 'exited') return { reason, code: null, error: '', started };
    if (out.code !== null) return { reason, code: out.code, error: '', started };
    const said = boot.replace(/\x1erw1 \w+\n/g, '').trim().split('\n').slice(-3).join(' ');
    return { reason: 'failed', code: null, error: qemuCode === 0 ? said : qemuError.trim().split('\n').slice(-3).join(' ') || said, started };
  } finally {
    stopResend();
    opts.signal?.removeEventListener('abort', onAbort);
    opts.output.off('resize', onResize);
    release();
    closeAttach();
    stop(reason);
    removeTemp();
    forget();
  }
}
