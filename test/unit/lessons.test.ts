// Every level folder is complete and consistent with its checker: the files a learner and `dev check` need,
// tiered hints, and wrong variants that each name a check the level's checker really runs.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checksHoldingBefore, expectedChecks, partChecks } from '../../src/check/checkers.js';
import { expectations } from '../../src/commands/dev-check.js';
import { loadLevels, wrongSource } from '../../src/lessons.js';

const levels = loadLevels();

describe.each(levels.map((level) => [level.id, level] as const))('level %s', (id, level) => {
  const read = (file: string) => fs.readFileSync(file, 'utf8');

  it('has a lesson, a stub and a solution', () => {
    expect(read(level.lessonFile).trim()).not.toBe('');
    expect(level.stub().trim()).not.toBe('');
    expect(level.solution().trim()).not.toBe('');
  });

  it('has at least two hints, mildest first', () => {
    expect(level.hints.length).toBeGreaterThanOrEqual(2);
  });

  it('has a stub with TODOs that differs from the solution', () => {
    expect(level.stub()).toContain('TODO');
    expect(level.solution()).not.toContain('TODO');
    expect(level.stub()).not.toBe(level.solution());
  });

  it('has at least three wrong variants, each failing a check its level\'s checker runs', () => {
    const checks = expectedChecks(id);
    expect(level.wrong.length).toBeGreaterThanOrEqual(3);
    for (const variant of level.wrong) {
      const [variantLevel, check] = variant.fails.split('/');
      expect(variantLevel, `${variant.name}: a variant is checked with its own level's checker only`).toBe(id);
      expect(checks, `${variant.name} names ${variant.fails}`).toContain(check);
      expect(wrongSource(variant), `${variant.name} must differ from the solution`).not.toBe(level.solution());
    }
  });

  it("dev check runs a wrong variant with the part of the checker that declares its check, a stub with all of it", () => {
    const mine = expectations([level]);
    expect(mine.find((e) => e.label.endsWith('stub fails'))!.parts).toBeUndefined();
    for (const variant of level.wrong) {
      const e = mine.find((x) => x.label.includes(`wrong/${variant.name} `))!;
      expect(e.parts).toHaveLength(1);
      expect(partChecks(id, e.parts!), variant.name).toContain(variant.fails.split('/')[1]);
    }
  });

  it("dev check stops a wrong variant's run at its named check's failure, and at nothing else", () => {
    const mine = expectations([level]);
    expect(mine.filter((e) => e.settles).length).toBe(level.wrong.length);
    for (const variant of level.wrong) {
      const e = mine.find((x) => x.label.includes(`wrong/${variant.name} `))!;
      const [of, name] = variant.fails.split('/');
      const result = (status: 'pass' | 'fail', check = name!) => ({ level: of!, name: check, status, message: '', ms: 0 });
      expect(e.settles!(result('fail'))).toBe(true);
      expect(e.settles!(result('pass'))).toBe(false);
      const other = expectedChecks(id).find((c) => c !== name);
      if (other) expect(e.settles!(result('fail', other))).toBe(false);
    }
  });

  it("dev check runs a solution at its level alone, the last level's at 00 to it", () => {
    const solution = expectations([level]).find((e) => e.label.includes('solution passes'))!;
    const last = level === levels.at(-1);
    expect(solution.only).toBe(!last);
    expect(solution.label).toBe(`${id} solution passes ${last ? '00–' : ''}${id}`);
  });

  it("dev check fails a stub on each check of its level it passes, but those its checker says hold before the level", () => {
    const stub = expectations([level]).find((e) => e.label.endsWith('stub fails'))!;
    const holding = checksHoldingBefore(id);
    for (const name of holding) expect(expectedChecks(id), `"holds before this level: ${name}" names a check`).toContain(name);
    const outcome = (passing: string[]) => ({
      verdict: 'fail' as const, level: id, tail: [], ms: 0,
      results: expectedChecks(id).map((name) => ({ level: id, name, status: passing.includes(name) ? 'pass' as const : 'fail' as const, message: '', ms: 0 })),
    });
    expect(stub.judge(outcome(holding))).toBeNull();
    const needed = expectedChecks(id).find((name) => !holding.includes(name))!;
    expect(stub.judge(outcome([...holding, needed]))).toContain(`the stub passes ${id}/${needed}:`);
  });

  it("dev check also fails the level before's solution on each check of this level, as it does the stub", () => {
    const before = levels[levels.indexOf(level) - 1];
    const e = expectations([level]).find((x) => x.label === `${id} level ${before?.id}'s solution fails`);
    if (!before) return expect(e).toBeUndefined();
    expect(e?.only).toBe(true);
    expect(e?.source()).toBe(before.solution());
    const needed = expectedChecks(id).find((name) => !checksHoldingBefore(id).includes(name))!;
    const outcome = {
      verdict: 'fail' as const, level: id, tail: [], ms: 0,
      results: expectedChecks(id).map((name) => ({ level: id, name, status: name === needed ? 'pass' as const : 'fail' as const, message: '', ms: 0 })),
    };
    expect(e!.judge(outcome)).toContain(`level ${before.id}'s solution passes ${id}/${needed}:`);
  });

  it('explains every check its checker runs', () => {
    const lesson = read(level.lessonFile);
    for (const check of expectedChecks(id)) expect(lesson, `lesson.md should mention ${check}`).toContain(check);
  });
});
