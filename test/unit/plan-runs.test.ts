import { describe, expect, test, vi } from 'vitest';
import { defaultVms } from '../../src/check/run.js';
import { levelsUpTo, planRuns } from '../../src/check/checkers.js';

const all = ['00', '01', '02', '03', '04', '05', '06', '07', '08', '09', '10'];

describe('planRuns: the levels of a check dealt out to VMs that run at once', () => {
  test('one VM: the level being checked first, then the earlier ones in order', () => {
    expect(planRuns(levelsUpTo('10', all), 1)).toEqual([['10', '00', '01', '02', '03', '04', '05', '06', '07', '08', '09']]);
  });

  test('two VMs: every level exactly once, the current one first in the first VM', () => {
    const plan = planRuns(levelsUpTo('10', all), 2);
    expect(plan).toHaveLength(2);
    expect(plan[0]![0]).toBe('10');
    expect(plan.flat().sort()).toEqual(all);
    expect(plan[1]).toEqual([...plan[1]!].sort());
  });

  test('two VMs share the work: neither gets every earlier level', () => {
    const [first, second] = planRuns(levelsUpTo('10', all), 2);
    expect(first!.length).toBeGreaterThan(1);
    expect(second!.length).toBeGreaterThan(2);
  });

  test('never more VMs than levels', () => {
    expect(planRuns(['00'], 2)).toEqual([['00']]);
    expect(planRuns(['00', '01'], 4)).toHaveLength(2);
  });
});

describe('defaultVms: how many VMs one check runs at once', () => {
  test('RUBBER_WORKSHOP_VMS decides when set to a whole number', () => {
    vi.stubEnv('RUBBER_WORKSHOP_VMS', '3');
    expect(defaultVms()).toBe(3);
    vi.stubEnv('RUBBER_WORKSHOP_VMS', 'lots');
    expect([1, 2]).toContain(defaultVms());
    vi.unstubAllEnvs();
  });
});
