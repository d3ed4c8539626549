import { describe, expect, test } from 'vitest';
import { compareReported } from '../../src/check/run.js';

describe('compareReported: a pass needs each declared check exactly once', () => {
  const declared = ['00/stdout', '00/stderr', '01/proc'];

  test('all declared checks, once each: nothing to complain of', () => {
    expect(compareReported(declared, ['00/stdout', '01/proc', '00/stderr'])).toEqual({ missing: [], unknown: [], repeated: [] });
  });

  test('a check that never reported is missing', () => {
    expect(compareReported(declared, ['00/stdout', '00/stderr']).missing).toEqual(['01/proc']);
  });

  test('a name no checker declares is unknown, even beside every declared one', () => {
    expect(compareReported(declared, [...declared, '01/bonus']).unknown).toEqual(['01/bonus']);
  });

  test('a check reported twice is repeated (a pass could hide a fail)', () => {
    expect(compareReported(declared, [...declared, '00/stdout']).repeated).toEqual(['00/stdout']);
  });
});
