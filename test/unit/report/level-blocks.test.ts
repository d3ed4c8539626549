import { describe, expect, test } from 'vitest';
import type { CheckResult } from '../../../src/check/types.js';
import { LevelBlocks } from '../../../src/report/human.js';

const result = (level: string, name: string, status: 'pass' | 'fail', ms = 1000): CheckResult => ({ level, name, status, ms, message: status === 'fail' ? `${name} is wrong` : '' });

describe('LevelBlocks: plain output of levels that report side by side', () => {
  const expected = new Map([['00', 2], ['01', 2], ['02', 1]]);

  test("the checked level's results show at once", () => {
    const blocks = new LevelBlocks('02', expected, false);
    expect(blocks.add(result('02', 'pivot', 'pass'))).toEqual([expect.stringMatching(/^✓ 02 pivot/)]);
  });

  test('an earlier level shows once complete, as one line when it all still passes', () => {
    const blocks = new LevelBlocks('02', expected, false);
    expect(blocks.add(result('00', 'stdout', 'pass', 1200))).toEqual([]);
    expect(blocks.add(result('01', 'proc', 'pass'))).toEqual([]);
    expect(blocks.add(result('00', 'stderr', 'pass', 800))).toEqual(['✓ level 00: 2 checks still pass 2.0 s']);
  });

  test('an earlier level with a failure shows every result, the failure in full', () => {
    const blocks = new LevelBlocks('02', expected, false);
    blocks.add(result('01', 'proc', 'pass'));
    const lines = blocks.add(result('01', 'cwd', 'fail'));
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^✗ 01 cwd[^]*cwd is wrong/);
  });

  test("an rd run several failures judge is shown in full once, then named; each failure keeps its own message", () => {
    const blocks = new LevelBlocks('02', new Map([['02', 3]]), false);
    const run = { command: 'rd run -- /bin/sh -c "exit 3"\nsecond line', output: 'rd: TODO', trace: '*init 1 unshare(0) = 0' };
    const [first] = blocks.add({ ...result('02', 'pivot', 'fail'), ...run });
    const [second] = blocks.add({ ...result('02', 'proc', 'fail'), ...run });
    const [other] = blocks.add({ ...result('02', 'mounts', 'fail'), ...run, output: 'rd: other' });
    expect(first).toContain('    command:  rd run -- /bin/sh -c "exit 3"\n              second line\n    output:\n    │ rd: TODO');
    expect(second).toBe('✗ 02 proc 1.0 s\n    proc is wrong\n    command:  the same rd run as 02/pivot, above');
    expect(other).toContain('│ rd: other');
  });

  test('what a stopped run left incomplete still shows', () => {
    const blocks = new LevelBlocks('02', expected, false);
    blocks.add(result('00', 'stdout', 'fail'));
    expect(blocks.rest()).toEqual([expect.stringMatching(/^✗ 00 stdout/)]);
    expect(blocks.rest()).toEqual([]);
  });
});
