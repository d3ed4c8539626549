import { runVm, type VmEnd, type VmEvent } from './run.js';
import type { Assets } from './assets.js';
import type { Accel } from './machine.js';
import type { CpioEntry } from './cpio.js';

/** The learner's runtime, bundled, as the guest's node runs it: the file's name says its module format. */
export interface Bundle {
  file: 'rd.cjs' | 'rd.mjs';
  code: string;
}

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
  rd?: Bundle;
  /** Show what every rd the command runs did (its calls through linux.ts), after the command. */
  trace?: boolean;
}

export interface ExecEnd extends VmEnd {
  /** The command's exit status, if the harness reported one. */
  code: number | null;
}

// Where the trace goes with --trace: every rd the command runs appends to it (a line per call, with its
// process and PID: they stay apart), shown once the command is done; the script's status is the command's.
const TRACE_FILE = '/tmp/.rd-trace';
// Without --trace, each rd call records what it did here, replacing the last call's, for `rd trace`.
const LAST_TRACE_FILE = '/tmp/.rd-last-trace';

/**
 * The guest's `rd` command: the learner's runtime (the harness has put rd.cjs or rd.mjs into the sandbox's /opt/rd),
 * always traced, as in a check; `rd trace` prints what the last call did (in the shell, or `vm exec --rd`).
 */
export const RD_COMMAND = `#!/bin/sh
trace=\${RD_TRACE:-${LAST_TRACE_FILE}}
if [ "$*" = trace ]; then
  if [ -s "$trace" ]; then cat "$trace"; else echo '(no rd call has gone through linux.ts yet)'; fi
  exit 0
fi
# Under vm exec --trace (RD_TRACE set) every call appends to one trace; else each call starts its own.
[ -n "$RD_TRACE" ] || : > "$trace"
export RD_TRACE="$trace"
# rd.cjs or rd.mjs: the payload has one of them.
exec node /opt/rd/rd.?js "$@"
`;
const INSTALL_RD = `cat > /usr/local/bin/rd <<'RD'\n${RD_COMMAND}RD\nchmod 755 /usr/local/bin/rd\n`;
const SHOW_TRACE = `status=$?
printf '\\n── what rd did: its calls through linux.ts ──\\n'
if [ -s ${TRACE_FILE} ]; then tail -n 400 ${TRACE_FILE}; else echo '(none)'; fi
exit $status
`;

/** The script the guest runs for exec: install rd if asked, then the command, then rd's trace if asked. */
export function execScript(argv: string[], withRd: boolean, trace = false): string {
  return [
    withRd ? INSTALL_RD : '',
    trace ? `export RD_TRACE=${TRACE_FILE}\n` : '',
    `cd /root 2>/dev/null || cd /\n${shellQuote(argv)}\n`,
    trace ? SHOW_TRACE : '',
  ].join('');
}

/**
 * A payload that runs `argv` in the sandbox (exec.sh), with `rd` installed if given (and its trace shown
 * after, with `trace`); run.env holds `env`.
 */
export function execPayload(env: string, argv: string[], rd?: Bundle, trace = false): CpioEntry[] {
  return [
    { path: 'run.env', type: 'file', data: env },
    { path: 'exec.sh', type: 'file', data: execScript(argv, rd !== undefined, trace) },
    ...(rd === undefined ? [] : [{ path: rd.file, type: 'file' as const, data: rd.code }]),
  ];
}

/** Runs one command as root in a fresh VM, streaming its output, each line marked with its stream. */
export async function* execInVm(opts: ExecOptions): AsyncGenerator<VmEvent, ExecEnd> {
  const vm = runVm({
    assets: opts.assets,
    accel: opts.accel,
    timeoutMs: opts.timeoutMs,
    signal: opts.signal,
    payload: execPayload('MODE=exec\n', opts.argv, opts.rd, opts.trace),
    streams: true,
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
