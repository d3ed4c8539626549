import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Parser, type FinalResults, type Result } from 'tap-parser';
import { toJson } from '../../../src/report/json.js';
import { toJunit } from '../../../src/report/junit.js';
import { toTap } from '../../../src/report/tap.js';
import { exitCodeFor } from '../../../src/report/exit-code.js';
import { cleanText } from '../../../src/report/text.js';
import { outcomes, provenance, titles, failOutcome } from '../../fixtures/report/outcomes.js';

const fixtures = path.resolve(import.meta.dirname, '../../fixtures/report');
const golden = (name: string) => path.join(fixtures, name);
const junitOf = (name: keyof typeof outcomes) =>
  toJunit(outcomes[name], { titles, timestamp: new Date(Date.UTC(2025, 0, 2, 3, 4, 5)), hostname: 'grader', provenance });

/** Validates with libxml2's xmllint against the vendored Ant JUnit schema; returns xmllint's complaint, or ''. */
function schemaErrors(xml: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'junit-'));
  const file = path.join(dir, 'report.xml');
  fs.writeFileSync(file, xml);
  try {
    execFileSync('xmllint', ['--noout', '--schema', golden('JUnit.xsd'), file], { stdio: 'pipe' });
    return '';
  } catch (err) {
    return String((err as { stderr?: Buffer }).stderr);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

interface ParsedTap {
  final: FinalResults;
  /** Top-level test points, each with the test points of its subtest. */
  points: { result: Result; children: Result[] }[];
}

function parseTap(tap: string): ParsedTap {
  const points: ParsedTap['points'] = [];
  let children: Result[] = [];
  let final: FinalResults | undefined;
  const parser = new Parser({ strict: true }, (results) => (final = results));
  parser.on('child', (child: Parser) => child.on('assert', (r: Result) => children.push(r)));
  parser.on('assert', (result: Result) => {
    points.push({ result, children });
    children = [];
  });
  parser.end(tap);
  return { final: final!, points };
}

describe.each(Object.keys(outcomes) as (keyof typeof outcomes)[])('reports of the %s outcome', (name) => {
  const outcome = outcomes[name];

  it('match the golden JSON, which parses and keeps every check', async () => {
    const json = toJson(outcome, provenance);
    await expect(json).toMatchFileSnapshot(golden(`${name}.golden.json`));
    const doc = JSON.parse(json);
    expect(doc.status).toBe(outcome.verdict);
    expect(doc.tests.map((t: { level: string; name: string }) => `${t.level}/${t.name}`)).toEqual(
      outcome.results.map((r) => `${r.level}/${r.name}`),
    );
    expect(doc.provenance.vm_assets_digest).toBe(provenance.vmAssetsDigest);
  });

  it('match the golden JUnit XML, which is valid against the Ant JUnit schema', async () => {
    const xml = junitOf(name);
    await expect(xml).toMatchFileSnapshot(golden(`${name}.golden.xml`));
    expect(schemaErrors(xml)).toBe('');
  });

  it('match the golden TAP, which tap-parser reads as strict TAP 14 with the same verdicts', async () => {
    const tap = toTap(outcome, titles);
    await expect(tap).toMatchFileSnapshot(golden(`${name}.golden.tap`));
    const { final, points } = parseTap(tap);
    expect(final.ok).toBe(outcome.verdict === 'pass');
    expect(final.failures.filter((f) => 'tapError' in f && f.tapError)).toEqual([]);
    const checks = points.flatMap((p) => p.children.map((c) => ({ name: c.name, ok: c.ok })));
    expect(checks).toEqual(outcome.results.map((r) => ({ name: r.name, ok: r.status === 'pass' })));
    expect(points.some((p) => p.result.name === 'could not run')).toBe(outcome.verdict === 'error');
  });
});

describe('JUnit XML', () => {
  it('fails the schema check when the document is not valid (the validation can fail)', () => {
    expect(schemaErrors(junitOf('pass').replace(/ hostname="grader"/g, ''))).toMatch(/hostname/);
  });

  it('counts failures and errors per suite and puts the learner-facing message in the failure', () => {
    const xml = junitOf('crash');
    expect(xml).toMatch(/<testsuite name="level 00: fork &amp; exec"[^>]* tests="2" failures="1" errors="0"/);
    expect(xml).toMatch(/<testsuite name="could not run"[^>]* tests="1" failures="0" errors="1"/);
    expect(xml).toContain('<error message="The VM stopped unexpectedly (kernel panic)." type="error">');
  });

  it('keeps line breaks of attributes as character references', () => {
    const outcome = { ...failOutcome, results: [{ ...failOutcome.results[2]!, message: 'first\nsecond' }] };
    expect(toJunit(outcome, { titles, hostname: 'h' })).toContain('message="first&#10;second"');
  });
});

describe('TAP', () => {
  it('round-trips a failed check\'s evidence through the YAML diagnostic, cleaned of control characters', () => {
    const { points } = parseTap(toTap(failOutcome, titles));
    const failed = points[1]!.children.find((c) => !c.ok)!;
    const r = failOutcome.results[2]!;
    expect(failed.diag).toMatchObject({
      message: r.message,
      severity: 'fail',
      expected: r.expected,
      actual: r.actual,
      command: r.command,
      output: cleanText(r.output!),
    });
  });

  it('escapes # in names so they are not read as directives', () => {
    const outcome = { ...failOutcome, results: [{ ...failOutcome.results[0]!, name: 'odd # SKIP name' }] };
    const { points } = parseTap(toTap(outcome, titles));
    const child = points[0]!.children[0]!;
    expect(child.skip).toBe(false);
    expect(child.name).toBe('odd # SKIP name');
  });
});

describe('cleanText', () => {
  it('removes colour codes, normalises line ends and replaces control characters', () => {
    expect(cleanText('\x1b[1;31mred\x1b[0m a\r\nb\rc\x00d\x7f\ud800')).toBe('red a\nb\nc\ufffdd\ufffd\ufffd');
  });

  it('keeps tabs, newlines, non-ASCII text and surrogate pairs', () => {
    expect(cleanText('a\tb\nüñ 🐳')).toBe('a\tb\nüñ 🐳');
  });
});

describe('exit codes', () => {
  it('are 0 for pass, 1 for fail, 2 for could not run', () => {
    expect([exitCodeFor('pass'), exitCodeFor('fail'), exitCodeFor('error')]).toEqual([0, 1, 2]);
  });
});
