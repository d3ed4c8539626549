import type { CheckResult, Outcome } from '../check/types.js';
import { groupByLevel, levelLabel, levelTitles, type LevelTitles } from './levels.js';
import { cleanText, oneLine } from './text.js';
import { formatTrace } from './trace.js';

/**
 * TAP 14: one subtest per level holding its checks, then, when the checks could not run, a failing
 * test point "could not run". Failed checks carry a YAML diagnostic (message, expected, actual,
 * command, output, rd's trace).
 */
export function toTap(outcome: Outcome, titles: LevelTitles = levelTitles()): string {
  const levels = groupByLevel(outcome.results);
  const lines = ['TAP version 14', `1..${levels.length + (outcome.verdict === 'error' ? 1 : 0)}`];
  levels.forEach(([level, results], i) => {
    const label = levelLabel(level, titles);
    lines.push(`# Subtest: ${description(label)}`);
    lines.push(`    1..${results.length}`);
    results.forEach((r, j) => lines.push(...indent(testPoint(r.status === 'pass', j + 1, r.name, checkDiagnostic(r)), '    ')));
    lines.push(...testPoint(results.every((r) => r.status === 'pass'), i + 1, label));
  });
  if (outcome.verdict === 'error') {
    const diagnostic: Diagnostic = [['message', outcome.error ?? 'the checks could not run'], ['severity', 'error']];
    if (outcome.tail.length) diagnostic.push(['tail', outcome.tail.join('\n')]);
    lines.push(...testPoint(false, levels.length + 1, 'could not run', diagnostic));
  }
  return `${lines.join('\n')}\n`;
}

type Diagnostic = [string, string | number][];

function checkDiagnostic(r: CheckResult): Diagnostic | undefined {
  if (r.status === 'pass') return undefined;
  const fields: [string, string | undefined][] = [
    ['message', r.message],
    ['severity', 'fail'],
    ['expected', r.expected],
    ['actual', r.actual],
    ['command', r.command],
    ['output', r.output],
    ['trace', r.trace && formatTrace(r.trace, '', false)],
  ];
  return [...fields.filter((f): f is [string, string] => f[1] !== undefined), ['duration_ms', r.ms]];
}

function testPoint(ok: boolean, n: number, name: string, diagnostic?: Diagnostic): string[] {
  const line = `${ok ? 'ok' : 'not ok'} ${n} - ${description(name)}`;
  if (!diagnostic) return [line];
  return [line, '  ---', ...diagnostic.flatMap(([key, value]) => yamlField(key, value)), '  ...'];
}

/** A TAP description is one line in which `#` would start a directive and `\` escapes. */
function description(text: string): string {
  return oneLine(text).replace(/\\/g, '\\\\').replace(/#/g, '\\#');
}

/**
 * A YAML mapping entry at the diagnostic's two-space indent: single lines as double-quoted scalars (a
 * JSON string is one), numbers as they are, several lines as a literal block whose explicit indentation indicator keeps
 * leading spaces, and whose chomping indicator keeps trailing newlines exact.
 */
function yamlField(key: string, value: string | number): string[] {
  if (typeof value === 'number') return [`  ${key}: ${value}`];
  const text = cleanText(value);
  if (!text.includes('\n')) return [`  ${key}: ${JSON.stringify(text)}`];
  const trailing = /\n*$/.exec(text)![0].length;
  const chomp = trailing === 0 ? '-' : trailing === 1 ? '' : '+';
  const body = trailing === 0 ? text : text.slice(0, -1);
  // Blank lines keep the indent too: TAP ends a diagnostic at the first line without it.
  return [`  ${key}: |2${chomp}`, ...body.split('\n').map((l) => `    ${l}`)];
}

function indent(lines: string[], prefix: string): string[] {
  return lines.map((l) => prefix + l);
}
