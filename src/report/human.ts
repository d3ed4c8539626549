import type { CheckResult, Outcome } from '../check/types.js';
import { paint } from '../ui/term.js';
import { stillPass } from './text.js';
import { formatTrace } from './trace.js';

/** Calls of rd's trace a failure shows in plain output (and any earlier one it points at). */
export const TRACE_LINES = 12;

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const indent = (text: string, prefix: string) => text.split('\n').map((l) => prefix + l).join('\n');

/**
 * One result as a learner reads it: a ✓/✗ line, and for a failure what was expected, seen and run. `shown` holds
 * the rd runs already shown in full (by the check that showed them): several checks judge one run, whose command,
 * output and trace are then not repeated.
 */
export function formatResult(r: CheckResult, colour: boolean, shown?: Map<string, string>): string {
  const mark = r.status === 'pass' ? paint('green', '✓', colour) : paint('red', '✗', colour);
  const head = `${mark} ${r.level} ${r.name} ${paint('dim', secs(r.ms), colour)}`;
  if (r.status === 'pass') return head;
  const lines = [head];
  if (r.message) lines.push(indent(r.message, '    '));
  if (r.expected !== undefined || r.actual !== undefined) {
    lines.push(`    expected: ${r.expected ?? ''}`, `    actual:   ${r.actual ?? ''}`);
  }
  const run = r.command && [r.command, r.output, r.trace].join('\0');
  const earlier = run && shown?.get(run);
  if (earlier) return [...lines, `    command:  the same rd run as ${earlier}, above`].join('\n');
  if (run) shown?.set(run, `${r.level}/${r.name}`);
  if (r.command) lines.push(`    command:  ${r.command.split('\n').join(`\n${' '.repeat(14)}`)}`);
  if (r.output) lines.push('    output:', indent(r.output, paint('dim', '    │ ', colour)));
  if (r.trace) lines.push(formatTrace(r.trace, '    ', colour, TRACE_LINES));
  return lines.join('\n');
}

/**
 * Plain output of a run whose levels report side by side (several VMs): the checked level's results as they
 * come; each earlier level once all its checks are in, as one line if it all still passes, else in full.
 */
export class LevelBlocks {
  private readonly pending = new Map<string, CheckResult[]>();
  /** The rd runs shown in full so far (see formatResult). */
  private readonly shown = new Map<string, string>();

  constructor(
    private readonly current: string,
    /** How many checks each level reports. */
    private readonly expected: ReadonlyMap<string, number>,
    private readonly colour: boolean,
  ) {}

  /** The lines one more result completes (none while its level is still running). */
  add(r: CheckResult): string[] {
    if (r.level === this.current) return [formatResult(r, this.colour, this.shown)];
    const got = [...(this.pending.get(r.level) ?? []), r];
    this.pending.set(r.level, got);
    if (got.length < (this.expected.get(r.level) ?? Infinity)) return [];
    this.pending.delete(r.level);
    if (got.some((x) => x.status === 'fail')) return got.map((x) => formatResult(x, this.colour, this.shown));
    const ms = got.reduce((total, x) => total + x.ms, 0);
    return [`${paint('green', '✓', this.colour)} ${stillPass(r.level, got.length)} ${paint('dim', secs(ms), this.colour)}`];
  }

  /** Results of levels that never completed (the run stopped), in full. */
  rest(): string[] {
    const lines = [...this.pending.values()].flat().map((x) => formatResult(x, this.colour, this.shown));
    this.pending.clear();
    return lines;
  }
}

/** The closing lines: the verdict, why it could not run, and the VM's last lines when they explain it. */
export function formatSummary(o: Outcome, colour: boolean): string {
  const passed = o.results.filter((r) => r.status === 'pass').length;
  const counts = `${passed} of ${o.results.length} checks passed, ${secs(o.ms)}`;
  if (o.verdict === 'pass') return paint('green', `Level ${o.level} passed (${counts}).`, colour);
  if (o.verdict === 'fail') return paint('red', `Level ${o.level} not passed yet (${counts}).`, colour);
  const tail = o.tail.length ? `\nThe VM's last lines:\n${indent(o.tail.slice(-15).join('\n'), paint('dim', '  │ ', colour))}` : '';
  return `${paint('red', 'Could not check:', colour)} ${o.error ?? 'unknown error'}${tail}`;
}
