import { runVm, type VmEnd, type VmEvent } from './run.js';
import type { Assets } from './assets.js';
import type { Accel } from './machine.js';
import type { CpioEntry } from './cpio.js';

/** Quotes words for the guest's sh so that each arrives as one argument, whatever it holds. */
export function shellQuote(words: string[]): string {
  return words.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
}

export interface ExecOptions {
  assets: Assets;
  accel: Accel;
  argv: string[];
  timeoutMs: number;
  signal?: AbortSignal;
  /** A bundled runtime to install in the guest as the `rd` command. */
  rd?: string;
}

export interface ExecEnd extends VmEnd {
  /** The command's exit status, if the harness reported one. */
  code: number | null;
}

// The harness has put rd.mjs into the sandbox's /opt/rd.
const INSTALL_RD = `printf '#!/bin/sh\\nexec node /opt/rd/rd.mjs "$@"\\n' > /usr/local/bin/rd && chmod 755 /usr/local/bin/rd
`;

/** A payload that runs `argv` in the sandbox (exec.sh), with `rd` installed if given; run.env holds `env`. */
export function execPayload(env: string, argv: string[], rd?: string): CpioEntry[] {
  return [
    { path: 'run.env', type: 'file', data: env },
    { path: 'exec.sh', type: 'file', data: `${rd === undefined ? '' : INSTALL_RD}cd /root 2>/dev/null || cd /\n${shellQuote(argv)}\n` },
    ...(rd === undefined ? [] : [{ path: 'rd.mjs', type: 'file' as const, data: rd }]),
  ];
}

/** Runs one command as root in a fresh VM, streaming its output (stdout and stderr merged). */
export async function* execInVm(opts: ExecOptions): AsyncGenerator<VmEvent, ExecEnd> {
  const vm = runVm({
    assets: opts.assets,
    accel: opts.accel,
    timeoutMs: opts.timeoutMs,
    signal: opts.signal,
    payload: execPayload('MODE=exec\n', opts.argv, opts.rd),
  });
  let code: number | null = null;
  for (;;) {
    const next = await vm.next();
    if (next.done) return { ...next.value, code };
    const ev = next.value;
    if (ev.type === 'record' && ev.record.kind === 'exit') code = ev.record.code;
    else yield ev;
  }
}
