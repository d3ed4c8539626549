import { StringDecoder } from 'node:string_decoder';
import type { CheckResult } from '../check/types.js';

/**
 * The console protocol. Everything the guest prints arrives on one serial line, mixed with whatever the
 * learner's code prints. A record is a line holding MAGIC + the per-run token + tab-separated fields; the
 * token reaches the guest's signer only after boot, so nothing else in the guest can produce a valid record.
 * Every byte is untrusted: lines are bounded, escape sequences are stripped, fields are decoded defensively.
 */
export const MAGIC = '\x1erw1 ';
/** Unsigned: the guest is up and waits for "go" (a snapshot restore resumes at this point). */
export const READY = `${MAGIC}ready`;
/** Unsigned: a spare guest has warmed up and waits for "go" (vm/harness). */
export const WARM = `${MAGIC}warm`;
/** Unsigned: the signer waits for this run's token. */
export const HELLO = `${MAGIC}hello`;

export type GuestRecord =
  | { kind: 'start'; level: string; name: string }
  | { kind: 'result'; result: CheckResult }
  | { kind: 'exit'; code: number }
  | { kind: 'end'; count: number }
  | { kind: 'error'; message: string };

export type ConsoleEvent =
  /** A line of output; `stream` only when the parser reads streams and the harness tagged the line with one. */
  | { type: 'log'; line: string; stream?: Stream }
  | { type: 'ready' }
  | { type: 'warm' }
  | { type: 'hello' }
  | { type: 'record'; record: GuestRecord }
  /** A line that looks like a record but does not carry this run's token. */
  | { type: 'forged'; line: string };

export type Stream = 'stdout' | 'stderr';
/**
 * By hand only (vm exec, rd run without a terminal): the harness tags each line of the command's output with
 * its stream, ^_1 or ^_2 (vm/harness). Only for showing output: checks never read streams.
 */
const STREAM_TAG = /^\x1f([12]) /;

export interface ConsoleLimits {
  /** Longest line kept; the rest of a longer line is cut. */
  maxLine: number;
  /** Total bytes of log text passed on; after that, logs are dropped (records still count). */
  maxLog: number;
}

export const defaultLimits: ConsoleLimits = { maxLine: 4096, maxLog: 4 * 1024 * 1024 };

// A result's texts, longest kept of each: message, expected, actual, command, output, trace. A trace is 60
// lines of at most 200 characters and a mark each (checkers/lib.sh: _trace_shown).
// What the host keeps of each text of a result; checkers/lib.sh's _result cuts them to the same before sending.
const TEXT_MAX = [2000, 2000, 2000, 2000, 8000, 12_200];
const ERROR_MAX = 2000;
/** Longest line held while waiting for its end: a record with every field at its maximum fits. */
const MAX_PENDING = 64 * 1024;

// CSI/OSC sequences first, then any remaining C0/C1 control character except tab.
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?|[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/** Makes guest text safe for a terminal: no escape sequences, no control characters. */
export function sanitize(text: string): string {
  return text.replace(ESCAPES, '');
}

/** Guest text made safe to show, cut to `max` characters. */
function clean(text: string, max: number): string {
  const safe = sanitize(text.replace(/\r/g, ''));
  return safe.length > max ? safe.slice(0, max) + '…' : safe;
}

const NAME = /^[\w.-]{1,64}$/;

/** Parses the fields after the token; null when malformed. */
export function parseRecord(fields: string[]): GuestRecord | null {
  const [kind, ...f] = fields;
  switch (kind) {
    case 'start':
      return f.length === 2 && NAME.test(f[0]) && NAME.test(f[1]) ? { kind, level: f[0], name: f[1] } : null;
    case 'result': {
      // The texts are one base64 field, NUL between them (checkers/lib.sh: _result).
      if (f.length !== 5 || !NAME.test(f[0]) || !NAME.test(f[1]) || (f[2] !== 'pass' && f[2] !== 'fail')) return null;
      const ms = Number(f[3]);
      const texts = Buffer.from(f[4], 'base64').toString('utf8').split('\0');
      if (texts.length !== 6) return null;
      const [message, expected, actual, command, output, trace] = texts.map((t, i) => clean(t, TEXT_MAX[i]!));
      const result: CheckResult = { level: f[0], name: f[1], status: f[2], ms: Number.isFinite(ms) && ms >= 0 ? ms : 0, message: message! };
      if (texts[1] || texts[2]) Object.assign(result, { expected, actual });
      if (command) result.command = command;
      if (output) result.output = output;
      if (trace) result.trace = trace;
      return { kind, result };
    }
    case 'exit':
    case 'end': {
      const n = Number(f[0]);
      if (f.length !== 1 || !Number.isInteger(n) || n < 0) return null;
      return kind === 'exit' ? { kind, code: n } : { kind, count: n };
    }
    case 'error':
      return f.length === 1 ? { kind, message: clean(Buffer.from(f[0], 'base64').toString('utf8'), ERROR_MAX) } : null;
    default:
      return null;
  }
}

/** Turns console bytes into events. Feed chunks with push(), then call end() once. */
export class ConsoleParser {
  private partial = '';
  private decoder = new StringDecoder('utf8');
  private logBytes = 0;
  private logCut = false;

  /** `streams`: read the harness's stream tags (by-hand runs only). */
  constructor(private token: string, private limits: ConsoleLimits = defaultLimits, private streams = false) {}

  push(chunk: Buffer | string): ConsoleEvent[] {
    const text = this.partial + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    // A line that never ends must not grow without bound.
    if (this.partial.length > MAX_PENDING) {
      lines.push(this.partial);
      this.partial = '';
    }
    return lines.flatMap((line) => this.line(line));
  }

  end(): ConsoleEvent[] {
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    return rest ? this.line(rest) : [];
  }

  private line(raw: string): ConsoleEvent[] {
    const line = raw.replace(/\r/g, '');
    const at = line.indexOf(MAGIC);
    if (at < 0) return this.log(line);
    // Free text printed without a newline can precede a record on the same line.
    const before = at > 0 ? this.log(line.slice(0, at)) : [];
    return [...before, this.recordLine(line.slice(at))];
  }

  private recordLine(line: string): ConsoleEvent {
    if (line === HELLO) return { type: 'hello' };
    if (line === READY) return { type: 'ready' };
    if (line === WARM) return { type: 'warm' };
    const body = line.slice(MAGIC.length);
    const space = body.indexOf(' ');
    if (space < 0 || body.slice(0, space) !== this.token) {
      return { type: 'forged', line: sanitize(line).slice(0, this.limits.maxLine) };
    }
    const record = parseRecord(body.slice(space + 1).split('\t'));
    return record ? { type: 'record', record } : { type: 'forged', line: sanitize(line).slice(0, this.limits.maxLine) };
  }

  private log(tagged: string): ConsoleEvent[] {
    if (this.logCut) return [];
    const tag = this.streams ? STREAM_TAG.exec(tagged) : null;
    const line = tag ? tagged.slice(tag[0].length) : tagged;
    const stream: { stream?: Stream } = tag ? { stream: tag[1] === '1' ? 'stdout' : 'stderr' } : {};
    const clean = sanitize(line);
    const kept = clean.length > this.limits.maxLine ? clean.slice(0, this.limits.maxLine) + '…' : clean;
    this.logBytes += kept.length + 1;
    if (this.logBytes > this.limits.maxLog) {
      this.logCut = true;
      return [{ type: 'log', line: `[output cut: more than ${this.limits.maxLog} bytes]` }];
    }
    return [{ type: 'log', line: kept, ...stream }];
  }
}
