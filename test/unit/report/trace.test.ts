import { describe, expect, it } from 'vitest';
import { formatResult, TRACE_LINES } from '../../../src/report/human.js';
import { formatTrace, parseTrace, traceExcerpt } from '../../../src/report/trace.js';

// A trace as checkers/lib.sh sends it: the init stage's 30 chdir calls after the one the failure points at.
const calls = [
  ' parent 412 which("tar") = "/bin/tar"',
  '!init 418 unshare(CLONE_NEWNS) = 0',
  ...Array.from({ length: 30 }, (_, i) => `*init 418 mount("/dev/n${i}", "/r/dev/n${i}", NULL, MS_BIND, NULL) = 0`),
  '*init 418 setuid(1000) = -1 EPERM (Operation not permitted)',
  ' init 418 execve("/bin/sh", ["sh"])',
];
const trace = calls.join('\n');

describe("rd's trace beside a failure", () => {
  it('reads the marks checkers/lib.sh puts first, and which calls failed', () => {
    const lines = parseTrace(trace);
    expect(lines).toHaveLength(34);
    expect(lines[0]).toEqual({ call: 'parent 412 which("tar") = "/bin/tar"', pointed: false, level: false, failed: false });
    expect(lines[1]).toMatchObject({ call: 'init 418 unshare(CLONE_NEWNS) = 0', pointed: true });
    expect(lines[32]).toMatchObject({ level: true, failed: true });
  });

  it('keeps the last calls and an earlier one the failure points at, saying how many it leaves out', () => {
    const excerpt = traceExcerpt(parseTrace(trace), 3);
    expect(excerpt).toEqual([
      { skipped: 1 },
      expect.objectContaining({ pointed: true }),
      { skipped: 29 },
      expect.objectContaining({ call: expect.stringContaining('n29') }),
      expect.objectContaining({ call: expect.stringContaining('setuid') }),
      expect.objectContaining({ call: expect.stringContaining('execve') }),
    ]);
  });

  it('shows plain output with marks and a heading that says what they mean', () => {
    const text = formatTrace(trace, '  ', false, 3).split('\n');
    expect(text).toEqual([
      "  What rd did (its calls through linux.ts, 4 of 34); → the call this failure points at, * calls this level is about:",
      '    … 1 earlier call',
      '  → init 418 unshare(CLONE_NEWNS) = 0',
      '    … 29 earlier calls',
      '  * init 418 mount("/dev/n29", "/r/dev/n29", NULL, MS_BIND, NULL) = 0',
      '  * init 418 setuid(1000) = -1 EPERM (Operation not permitted)',
      '    init 418 execve("/bin/sh", ["sh"])',
    ]);
  });

  it('colours failed calls red and the pointed-at call bold', () => {
    const text = formatTrace(trace, '', true);
    expect(text).toContain('\x1b[1minit 418 unshare(CLONE_NEWNS) = 0\x1b[0m');
    expect(text).toContain('\x1b[31minit 418 setuid(1000) = -1 EPERM (Operation not permitted)\x1b[0m');
  });

  it(`goes into a failed check's plain report, the last ${TRACE_LINES} calls`, () => {
    const report = formatResult({ level: '02', name: 'x', status: 'fail', message: 'm', command: 'rd run -- sh', trace, ms: 5 }, false);
    expect(report).toContain('    What rd did (its calls through linux.ts, 13 of 34)');
    expect(report.split('\n').filter((l) => l.includes('mount('))).toHaveLength(TRACE_LINES - 2);
    expect(report).toContain('    → init 418 unshare(CLONE_NEWNS) = 0');
  });

  it('leaves a passed check, or a failure without an rd call, without a trace', () => {
    expect(formatResult({ level: '02', name: 'x', status: 'pass', message: '', trace, ms: 5 }, false)).not.toContain('What rd did');
    expect(formatResult({ level: '02', name: 'x', status: 'fail', message: 'm', ms: 5 }, false)).not.toContain('What rd did');
  });
});
