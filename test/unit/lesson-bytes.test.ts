// The move from whole stub.ts/solution.ts files to the level chain changes no byte a learner or dev check gets:
// every materialised file equals the whole file at the last commit that stored them whole.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLevels } from '../../src/lessons.js';
import { packageRoot } from '../../src/paths.js';

const WHOLE = 'fcbfc102fa8db55aa697850210c34dec078f72b8';
const atWhole = (file: string) => execFileSync('git', ['show', `${WHOLE}:${path.relative(packageRoot, file)}`], { cwd: packageRoot, encoding: 'utf8' });

describe.each(loadLevels().map((l) => [l.id, l] as const))('level %s', (_id, level) => {
  it('materialises the stub and the solution byte for byte as they were stored whole', () => {
    expect(level.stub()).toBe(atWhole(path.join(level.dir, 'stub.ts')));
    expect(level.solution()).toBe(atWhole(path.join(level.dir, 'solution.ts')));
  });
});
