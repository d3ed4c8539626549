import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import { defaultVms } from '../../src/check/run.js';
import { checkerParts, expectedChecks, levelsUpTo, planRuns, type LevelRun } from '../../src/check/checkers.js';
import { checkersDir } from '../../src/paths.js';

const all = ['00', '01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12', '13', '14'];
const partsOf = (level: string) => checkerParts(level).parts.map((_, i) => i);
/** Every (level, part) a plan runs, "level/part", in a fixed order. */
const units = (plan: LevelRun[][]) => plan.flat().flatMap((r) => r.parts.map((p) => `${r.level}/${p}`)).sort();

describe('planRuns: the checks of a level and the levels before it, dealt out to VMs that run at once', () => {
  test('one VM: the level being checked first, then the earlier ones in order, each whole', () => {
    const plan = planRuns(levelsUpTo('10', all), 1);
    expect(plan.map((run) => run.map((r) => r.level))).toEqual([['10', '00', '01', '02', '03', '04', '05', '06', '07', '08', '09']]);
    for (const r of plan[0]!) expect(r.parts).toEqual(partsOf(r.level));
  });

  test('two VMs: every part of every level exactly once; the level being checked first in each VM that runs it', () => {
    for (const level of all) {
      const levels = levelsUpTo(level, all);
      const plan = planRuns(levels, 2);
      expect(units(plan)).toEqual(levels.flatMap((l) => partsOf(l).map((p) => `${l}/${p}`)).sort());
      expect(plan[0]![0]!.level).toBe(level);
      for (const run of plan) {
        const order = run.map((r) => r.level);
        expect(new Set(order).size, 'a level runs once a VM').toBe(order.length);
        const earlier = order.filter((l) => l !== level);
        expect(earlier).toEqual([...earlier].sort());
        if (order.includes(level)) expect(order[0]).toBe(level);
        for (const r of run) expect(r.parts).toEqual([...r.parts].sort((a, b) => a - b));
      }
    }
  });

  test("two VMs share the level being checked when its checker has parts, and the earlier levels' work", () => {
    for (const level of ['00', '10', '13', '14']) {
      const plan = planRuns(levelsUpTo(level, all), 2);
      expect(plan.filter((run) => run.some((r) => r.level === level)), level).toHaveLength(2);
    }
    const [first, second] = planRuns(levelsUpTo('10', all), 2);
    expect(first!.length).toBeGreaterThan(1);
    expect(second!.length).toBeGreaterThan(2);
  });

  test('never more VMs than parts to run', () => {
    expect(planRuns(['02'], 2)).toEqual([[{ level: '02', parts: [0] }]]);
    expect(planRuns(['00'], 8)).toHaveLength(partsOf('00').length);
  });
});

describe("checkerParts: a checker cut at its '# part:' lines", () => {
  test.each(all)('%s: its head and parts make the script again, and each check is in one part', (level) => {
    const text = fs.readFileSync(path.join(checkersDir, `${level}.sh`), 'utf8');
    const { head, parts } = checkerParts(level);
    expect(head + parts.join('')).toBe(text);
    const inParts = parts.flatMap((p) => [...p.matchAll(/^\s*check\s+([\w.-]+)/gm)].map((m) => m[1]));
    expect(inParts).toEqual(expectedChecks(level));
  });

  // A part may run in a VM where the parts before it did not: what it reads, the head or the part itself sets.
  // (A shell variable set in another part only, read here, is the mistake this catches; names in capitals are
  // the harness's and lib.sh's.)
  test.each(all)('%s: no part reads a variable that only another part sets', (level) => {
    const { head, parts } = checkerParts(level);
    const set = (text: string) => new Set([...text.matchAll(/(?:^|[\s;(&|])(?:for\s+)?([a-z_][a-z0-9_]*)(?==|\s+in\s)/gm)].map((m) => m[1]));
    const read = (text: string) => new Set([...text.matchAll(/\$\{?([a-z_][a-z0-9_]*)/g)].map((m) => m[1]));
    const setByHead = set(head);
    parts.forEach((part, i) => {
      const own = set(part);
      const others = new Set(parts.filter((_, j) => j !== i).flatMap((p) => [...set(p)]));
      const borrowed = [...read(part)].filter((v) => others.has(v) && !own.has(v) && !setByHead.has(v));
      expect(borrowed, `part ${i + 1} of ${level}.sh`).toEqual([]);
    });
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
