import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { classHtml, esc } from '../../../src/grade/class-html.js';
import { firstFailures } from '../../../src/grade/class-insights.js';
import type { GradeResult } from '../../../src/grade/result.js';
import { parseTrace } from '../../../src/report/trace.js';
import { classSummary, pendingRow, rowFromResult } from '../../../src/grade/summary.js';
import { check, levels, result } from './results-fixture.js';

const tool = { toolVersion: '1.0.0', checkersSha256: 'c'.repeat(64), vmAssetsDigest: 'v'.repeat(64) };
const page = (results: GradeResult[]) => classHtml(classSummary(results.map((r) => rowFromResult(r, `results/${r.learner}.json`)), '01', levels, tool, new Date(0)), results);

describe('firstFailures', () => {
  it('counts the first failed check of each learner, most learners first, with the message most of them got', () => {
    const failures = firstFailures([
      result('ann', [check('00', 'runs'), check('01', 'chroot', 'the root is still /'), check('01', 'ls', 'ls failed')]),
      result('ben', [check('00', 'runs'), check('01', 'chroot', 'the root is still /')]),
      result('cat', [check('00', 'runs'), check('01', 'chroot', 'the root is /tmp')]),
      result('dan', [check('00', 'runs', 'nothing ran')]),
      result('eve', [check('00', 'runs'), check('01', 'chroot')]),
    ]);
    expect(failures).toEqual([
      { level: '01', name: 'chroot', learners: ['ann', 'ben', 'cat'], message: 'the root is still /', messages: 2 },
      { level: '00', name: 'runs', learners: ['dan'], message: 'nothing ran', messages: 1 },
    ]);
  });
});

describe('classHtml', () => {
  const evil = '<script>document.title="pwned"</script><img src=x onerror=alert(1)>';

  it('escapes everything a learner can influence: paths, messages, expected, output, VM lines', () => {
    const r = result('mallory', [check('00', 'runs', evil, { expected: `"${evil}`, actual: `'${evil}`, command: evil, output: evil })], {
      path: `/class/${evil}`,
      status: 'error',
      report: { version: 1, status: 'error', message: evil, level: '01', passed: 0, failed: 1, tests: [check('00', 'runs', evil, { output: evil })], tail: [evil], time_ms: 1 },
    });
    const html = page([r]);
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('"pwned"');
    expect(html).toContain(esc(evil));
  });

  it('runs no script but its own: the policy names the hash of the one script in the page', () => {
    const html = page([result('ann', [check('00', 'runs')])]);
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
    const hash = crypto.createHash('sha256').update(script).digest('base64');
    expect(html).toContain(`script-src 'sha256-${hash}'`);
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('shows each level as checks passed out of checks run, in words and colour, and a level that never ran as —', () => {
    const html = page([result('ann', [check('00', 'runs'), check('00', 'signal', 'no signal'), check('00', 'exit', 'wrong code')])]);
    expect(html).toContain('<td class="cell s1" title="ann, level 00: 1 of 3 checks passed">1/3</td>');
    expect(html).toContain('<td class="cell none" title="level 01: no check ran">—</td>');
  });

  it('names at most a dozen learners per stuck check, counting the rest', () => {
    const many = Array.from({ length: 14 }, (_, i) => result(`l${String(i).padStart(2, '0')}`, [check('00', 'runs', 'nothing ran')]));
    const html = page(many);
    expect(html).toContain('<a href="#learner-l11">l11</a> and 2 more</td>');
    expect(html).toContain('14 <span class="share">(100%)</span>');
  });

  it('links each learner to their failures, and lists learners without a result with the reason', () => {
    const summary = classSummary([rowFromResult(result('ann', [check('00', 'runs', 'nothing ran')]), 'results/ann.json'), pendingRow('bob', '', levels, 'not graded: shard 2/2 is missing')], '01', levels, tool, new Date(0));
    const html = classHtml(summary, [result('ann', [check('00', 'runs', 'nothing ran')])]);
    expect(html).toContain('<a href="#learner-ann">ann</a>');
    expect(html).toMatch(/<details id="learner-ann">[\s\S]*<code>00\/runs<\/code>: nothing ran/);
    expect(html).toMatch(/<details id="learner-bob">[\s\S]*not graded: shard 2\/2 is missing/);
    expect(html).toContain('<span class="status pending">1 pending</span>');
  });

  it("shows the trace of each failed check, marked and escaped: the learner's program wrote it", () => {
    const trace = parseTrace([
      ' parent 41 which("tar") = "/bin/tar"',
      `!init 42 sethostname("${evil}") = 0`,
      '*init 42 setuid(1000) = -1 EPERM (Operation not permitted)',
    ].join('\n'));
    const html = page([result('ann', [check('05', 'hostname', 'wrong hostname', { trace })])]);
    const pre = /<pre class="trace">([\s\S]*?)<\/pre>/.exec(html)![1]!;
    expect(pre.split('\n')).toEqual([
      esc('  parent 41 which("tar") = "/bin/tar"'),
      `<b>${esc(`→ init 42 sethostname("${evil}") = 0`)}</b>`,
      `<span class="failed">${esc('* init 42 setuid(1000) = -1 EPERM (Operation not permitted)')}</span>`,
    ]);
    expect(html).toContain('<dt>What rd did (its calls through linux.ts); → the call this failure points at, * calls this level is about:</dt>');
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).not.toContain('<img');
  });

  it('shows no trace for a failure whose check ran no rd', () => {
    expect(page([result('ann', [check('00', 'runs', 'nothing ran')])])).not.toContain('class="trace"');
  });
});
