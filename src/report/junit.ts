import os from 'node:os';
import type { CheckResult, Outcome } from '../check/types.js';
import type { Provenance } from '../check/provenance.js';
import { jsonProvenance } from './json.js';
import { groupByLevel, levelLabel, levelTitles, type LevelTitles } from './levels.js';
import { cleanText } from './text.js';
import { formatTrace } from './trace.js';

export interface JunitOptions {
  /** Level titles for suite names; read from the lessons manifest by default. */
  titles?: LevelTitles;
  /** When the checks ran; now by default. */
  timestamp?: Date;
  hostname?: string;
  /** Recorded as suite properties, so a CI artifact says what was checked. */
  provenance?: Provenance;
}

/**
 * JUnit XML for CI test views (GitHub Actions reporters, GitLab's junit artifacts, Jenkins): one
 * `<testsuite>` per level, one `<testcase>` per check, and, when the checks could not run, a suite
 * "could not run" holding one `<error>`. Valid against the Apache Ant JUnit schema, the strictest of the
 * common ones (test/fixtures/report/JUnit.xsd).
 */
export function toJunit(outcome: Outcome, opts: JunitOptions = {}): string {
  const titles = opts.titles ?? levelTitles();
  const timestamp = (opts.timestamp ?? new Date()).toISOString().slice(0, 19);
  const hostname = opts.hostname || os.hostname() || 'localhost';
  const properties = opts.provenance ? Object.entries(jsonProvenance(opts.provenance)).filter(([, v]) => typeof v === 'string') : [];
  const suites: Suite[] = groupByLevel(outcome.results).map(([level, results]) => ({
    name: levelLabel(level, titles),
    properties: [['level', level], ...properties] as [string, string][],
    cases: results.map((r) => resultCase(r, levelLabel(level, titles))),
  }));
  if (outcome.verdict === 'error') {
    suites.push({
      name: 'could not run',
      properties: [['level', outcome.level], ...properties] as [string, string][],
      cases: [errorCase(outcome)],
    });
  }
  const common = { timestamp, hostname };
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<testsuites>',
    ...suites.flatMap((s, id) => suiteXml(s, id, common)),
    '</testsuites>',
    '',
  ].join('\n');
}

interface Case {
  name: string;
  classname: string;
  ms: number;
  problem?: { kind: 'failure' | 'error'; message: string; body: string };
}

interface Suite {
  name: string;
  properties: [string, string][];
  cases: Case[];
}

function resultCase(r: CheckResult, classname: string): Case {
  const c: Case = { name: r.name, classname, ms: r.ms };
  if (r.status === 'fail') c.problem = { kind: 'failure', message: r.message || 'failed', body: failureBody(r) };
  return c;
}

function errorCase(outcome: Outcome): Case {
  const message = outcome.error ?? 'the checks could not run';
  return {
    name: `check level ${outcome.level}`,
    classname: 'rubber-workshop',
    ms: outcome.ms,
    problem: { kind: 'error', message, body: [message, ...(outcome.tail.length ? ['', ...outcome.tail] : [])].join('\n') },
  };
}

/** What a CI log view shows for a failed check: the lesson, then the evidence. */
function failureBody(r: CheckResult): string {
  const lines = [r.message];
  if (r.expected !== undefined) lines.push(`expected: ${r.expected}`);
  if (r.actual !== undefined) lines.push(`actual:   ${r.actual}`);
  if (r.command) lines.push('', `$ ${r.command}`);
  if (r.output) lines.push(r.output);
  if (r.trace) lines.push('', formatTrace(r.trace, '', false));
  return lines.join('\n');
}

function suiteXml(s: Suite, id: number, common: { timestamp: string; hostname: string }): string[] {
  const count = (kind: 'failure' | 'error') => s.cases.filter((c) => c.problem?.kind === kind).length;
  const ms = s.cases.reduce((sum, c) => sum + c.ms, 0);
  const attrs = attributes({
    name: s.name,
    package: 'rubber-workshop',
    id: String(id),
    timestamp: common.timestamp,
    hostname: common.hostname,
    tests: String(s.cases.length),
    failures: String(count('failure')),
    errors: String(count('error')),
    time: seconds(ms),
  });
  return [
    `  <testsuite ${attrs}>`,
    '    <properties>',
    ...s.properties.map(([name, value]) => `      <property ${attributes({ name, value })}/>`),
    '    </properties>',
    ...s.cases.map(caseXml),
    '    <system-out></system-out>',
    '    <system-err></system-err>',
    '  </testsuite>',
  ];
}

function caseXml(c: Case): string {
  const attrs = attributes({ name: c.name, classname: c.classname, time: seconds(c.ms) });
  if (!c.problem) return `    <testcase ${attrs}/>`;
  const { kind, message, body } = c.problem;
  const problem = `<${kind} ${attributes({ message, type: kind })}>${escapeXml(body)}</${kind}>`;
  return `    <testcase ${attrs}>\n      ${problem}\n    </testcase>`;
}

function attributes(attrs: Record<string, string>): string {
  return Object.entries(attrs)
    .map(([k, v]) => `${k}="${escapeXml(v, true)}"`)
    .join(' ');
}

/** Escapes for element text, or for a double-quoted attribute, where line breaks must survive as references. */
export function escapeXml(text: string, attribute = false): string {
  const escaped = cleanText(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return attribute ? escaped.replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;') : escaped;
}

function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}
