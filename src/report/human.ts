import type { CheckResult, Outcome } from '../check/types.js';
import { paint } from '../ui/term.js';
import { formatTrace } from './trace.js';

/** Calls of rd's trace a failure shows in plain output (and any earlier one it points at). */
export const TRACE_LINES = 12;

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const indent = (text: string, prefix: string) => text.split('\n').map((l) => prefix + l).join('\n');

/** One result as a learner reads it: a ✓/✗ line, and for a failure what was expected, seen and run. */
export function formatResult(r: CheckResult, colour: boolean): string {
  const mark = r.status === 'pass' ? paint('green', '✓', colour) : paint('red', '✗', colour);
  const head = `${mark} ${r.level} ${r.name} ${paint('dim', secs(r.ms), colour)}`;
  if (r.status === 'pass') return head;
  const lines = [head];
  if (r.message) lines.push(indent(r.message, '    '));
  if (r.expected !== undefined || r.actual !== undefined) {
    lines.push(`    expected: ${r.expected ?? ''}`, `    actual:   ${r.actual ?? ''}`);
  }
  if (r.command) lines.push(`    command:  ${r.command}`);
  if (r.output) lines.push('    output:', indent(r.output, paint('dim', '    │ ', colour)));
  if (r.trace) lines.push(formatTrace(r.trace, '    ', colour, TRACE_LINES));
  return lines.join('\n');
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
