import { describe, expect, test } from 'vitest';
import { loadLevels } from '../../src/lessons.js';
import { expectations, runExpectation } from '../../src/commands/dev-check.js';

// dev check as tests: every stub fails its level, every solution passes its level (the last 00..it), every
// known-wrong variant fails the very check it names. Two runs at a time (vitest.config.ts maxConcurrency).
// dev check runs each in one VM, where a level's checker runs whole; a learner's check deals the levels, and the
// parts of their checkers, out to two VMs: the last solution runs that way here (a part that needed another part
// would fail so only). One VM, as grade runs it, is the image suite's grading Job's (the last solution, graded at
// every level).
describe.concurrent('lessons', () => {
  for (const e of expectations(loadLevels())) {
    test(e.label, async () => {
      const { outcome, problem } = await runExpectation(e, undefined, e.only ? 1 : 2);
      expect(problem, outcome?.results.filter((r) => r.status === 'fail').map((r) => `${r.level}/${r.name}: ${r.message}`).join('\n')).toBeNull();
    });
  }
});
