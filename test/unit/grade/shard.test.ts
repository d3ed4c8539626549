import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { assignShards, parseShard } from '../../../src/grade/shard.js';

const names = (n: number) => Array.from({ length: n }, (_, i) => `learner-${String(i).padStart(3, '0')}`);

describe('assignShards', () => {
  it('gives every learner exactly one shard, and shards sizes within one of each other', () => {
    const learners = names(203);
    const owner = assignShards(learners, 4);
    expect([...owner.keys()].sort()).toEqual(learners);
    const sizes = [1, 2, 3, 4].map((i) => learners.filter((l) => owner.get(l) === i).length);
    expect(sizes.reduce((a, b) => a + b)).toBe(203);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });

  it('splits the same way whatever order the learners are listed in', () => {
    const learners = names(50);
    const shuffled = [...learners].sort(() => Math.random() - 0.5).reverse();
    expect(new Map([...assignShards(shuffled, 3)].sort())).toEqual(new Map([...assignShards(learners, 3)].sort()));
  });

  it('mixes learners across shards rather than cutting the alphabet into blocks', () => {
    const owner = assignShards(names(40), 2);
    const firstHalf = names(20).map((l) => owner.get(l));
    expect(new Set(firstHalf)).toEqual(new Set([1, 2]));
  });

  it('puts everyone in shard 1 of 1', () => {
    expect(new Set(assignShards(names(7), 1).values())).toEqual(new Set([1]));
  });
});

describe('parseShard', () => {
  it('reads I/N, counting from 1', () => {
    expect(parseShard('2/3', {})).toEqual({ index: 2, count: 3 });
  });

  it('takes I from JOB_COMPLETION_INDEX (from 0) when only N is given', () => {
    expect(parseShard('3', { JOB_COMPLETION_INDEX: '0' })).toEqual({ index: 1, count: 3 });
    expect(parseShard('3', { JOB_COMPLETION_INDEX: '2' })).toEqual({ index: 3, count: 3 });
  });

  it.each([
    ['0/2', {}, 'I must be between 1 and 2'],
    ['3/2', {}, 'I must be between 1 and 2'],
    ['1/0', {}, 'at least 1 shard'],
    ['half', {}, '--shard takes I/N'],
    ['2', {}, 'JOB_COMPLETION_INDEX, which is not set: give --shard I/2 instead'],
    ['2', { JOB_COMPLETION_INDEX: '2' }, 'JOB_COMPLETION_INDEX is "2", but --shard 2 needs 0 to 1'],
    ['2', { JOB_COMPLETION_INDEX: '-1' }, 'JOB_COMPLETION_INDEX is "-1"'],
  ])('rejects --shard %s (env %j) saying what to do', (text, env, message) => {
    expect(() => parseShard(text, env)).toThrow(UsageError);
    expect(() => parseShard(text, env)).toThrow(message);
  });
});
