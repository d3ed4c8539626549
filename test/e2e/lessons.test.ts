import { describe, expect, test } from 'vitest';
import { loadLevels } from '../../src/lessons.js';
import { expectations, runExpectation } from '../../src/commands/dev-check.js';

// dev check as tests: every stub fails its level, every solution passes 00..its level, every known-wrong
// variant fails the very check it names. Two VMs at a time (vitest.config.ts maxConcurrency).
describe.concurrent('lessons', () => {
  for (const e of expectations(loadLevels())) {
    test(e.label, async () => {
      const { outcome, problem } = await runExpectation(e);
      expect(problem, outcome?.results.filter((r) => r.status === 'fail').map((r) => `${r.level}/${r.name}: ${r.message}`).join('\n')).toBeNull();
    });
  }
});

// dev check runs each in one VM, where a level's checker runs whole. A learner's check deals the levels, and the
// parts of their checkers, out to two VMs: the last solution must pass that way too (a part that needed another
// part would fail here only).
test('the last solution passes with its levels and their parts dealt out to two VMs', async () => {
  const last = expectations(loadLevels()).filter((e) => !e.only).at(-1)!;
  const { outcome, problem } = await runExpectation(last, undefined, 2);
  expect(problem, outcome?.results.filter((r) => r.status === 'fail').map((r) => `${r.level}/${r.name}: ${r.message}`).join('\n')).toBeNull();
});
