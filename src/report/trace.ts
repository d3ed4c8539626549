import { paint } from '../ui/term.js';

/**
 * rd's trace as a failed check carries it (CheckResult.trace): one call a line, strace-style, after the
 * mark checkers/lib.sh puts first. The text is the learner's program talking: it is shown, never judged.
 */
export interface TraceLine {
  /** The line without its mark: `init 418 unshare(CLONE_NEWNS) = 0`. */
  call: string;
  /** The failure points at this call. */
  pointed: boolean;
  /** A call this level is about. */
  level: boolean;
  /** The call returned an error (`= -1 EPERM (…)`). */
  failed: boolean;
}

export function parseTrace(trace: string): TraceLine[] {
  return trace.split('\n').filter((l) => l.trim()).map((l) => {
    const marked = l[0] === '!' || l[0] === '*' || l[0] === ' ';
    const call = marked ? l.slice(1) : l;
    return { call, pointed: l[0] === '!', level: l[0] === '*', failed: / = -1 [A-Z]/.test(call) };
  });
}

/** A gap in an excerpt: that many calls are left out here. */
export interface TraceGap {
  skipped: number;
}

/** The last `last` calls (all by default), and any earlier call the failure points at, with gaps where calls were left out. */
export function traceExcerpt(lines: TraceLine[], last = Infinity): (TraceLine | TraceGap)[] {
  const out: (TraceLine | TraceGap)[] = [];
  let skipped = 0;
  lines.forEach((line, i) => {
    if (i < lines.length - last && !line.pointed) {
      skipped += 1;
      return;
    }
    if (skipped) out.push({ skipped });
    skipped = 0;
    out.push(line);
  });
  return out;
}

export function isGap(entry: TraceLine | TraceGap): entry is TraceGap {
  return 'skipped' in entry;
}

/** The mark a line shows in plain text: where the failure points, a call of this level, or nothing. */
export function traceMark(line: TraceLine): string {
  return line.pointed ? '→' : line.level ? '*' : ' ';
}

/** What the marks mean, for the heading; empty when no line has one. */
function traceLegend(lines: TraceLine[]): string {
  const parts = [
    ...(lines.some((l) => l.pointed) ? ['→ the call this failure points at'] : []),
    ...(lines.some((l) => l.level) ? ['* calls this level is about'] : []),
  ];
  return parts.join(', ');
}

/** The heading above a trace: what it is, how much of it shows, and its marks. */
export function traceHeading(lines: TraceLine[], shown: number): string {
  const legend = traceLegend(lines);
  const count = shown < lines.length ? `, ${shown} of ${lines.length}` : '';
  return `What rd did (its calls through linux.ts${count})${legend ? `; ${legend}` : ''}:`;
}

/**
 * The trace as text, indented by `prefix`: all of it (`last` = Infinity, for reports that keep everything)
 * or an excerpt. With colour, the pointed-at call is bold and failed calls are red.
 */
export function formatTrace(trace: string, prefix: string, colour: boolean, last = Infinity): string {
  const lines = parseTrace(trace);
  const excerpt = traceExcerpt(lines, last);
  const shown = excerpt.filter((e) => !isGap(e)).length;
  const body = excerpt.map((e) => {
    if (isGap(e)) return `${prefix}  ${paint('dim', `… ${e.skipped} earlier ${e.skipped === 1 ? 'call' : 'calls'}`, colour)}`;
    const text = e.failed ? paint('red', e.call, colour) : e.pointed ? paint('bold', e.call, colour) : e.level ? e.call : paint('dim', e.call, colour);
    return `${prefix}${traceMark(e)} ${text}`;
  });
  return [`${prefix}${traceHeading(lines, shown)}`, ...body].join('\n');
}
