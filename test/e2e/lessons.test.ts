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
