import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseGradeArgs } from '../../../src/grade/args.js';
import { UsageError } from '../../../src/errors.js';

const levels = ['00', '01', '02', '03', '04', '05', '06', '07', '08', '09', '10'];
const help: string[] = [];
const helpOut = { write: (s: string) => help.push(s) > 0 } as unknown as NodeJS.WritableStream;
const parse = (...argv: string[]) => parseGradeArgs(argv, levels, '/home/teacher', process.env, helpOut);

describe('parseGradeArgs', () => {
  it('defaults: ./grades, one job per CPU, the last level, 600 s, no resume', () => {
    expect(parse('class/')).toEqual({
      paths: ['class/'],
      out: '/home/teacher/grades',
      jobs: os.availableParallelism(),
      level: '10',
      timeoutMs: 600_000,
      resume: false,
      retryErrors: false,
    });
  });

  it('reads every option, in either spelling', () => {
    const args = parse('a', '--out', 'marks', '-j', '3', '--level=4', '--timeout', '90', '--resume', '--retry-errors', 'b');
    expect(args).toEqual({ paths: ['a', 'b'], out: path.resolve('/home/teacher', 'marks'), jobs: 3, level: '04', timeoutMs: 90_000, resume: true, retryErrors: true });
  });

  it('grades a shard into its own folder inside --out, I from the argument or from JOB_COMPLETION_INDEX', () => {
    expect(parse('class', '--shard', '2/3', '--out', 'g')).toMatchObject({ out: '/home/teacher/g/shard-2-of-3', shard: { index: 2, count: 3 } });
    expect(parseGradeArgs(['class', '--shard', '3'], levels, '/home/teacher', { JOB_COMPLETION_INDEX: '0' })).toMatchObject({ out: '/home/teacher/grades/shard-1-of-3', shard: { index: 1, count: 3 } });
    expect(() => parseGradeArgs(['class', '--shard', '3'], levels, '/home/teacher', {})).toThrow(/JOB_COMPLETION_INDEX, which is not set/);
  });

  it('prints the help for --help and -h, and returns nothing', () => {
    expect(parse('--help')).toBeUndefined();
    expect(parse('-h', 'class')).toBeUndefined();
    expect(help).toHaveLength(2);
    expect(help[0]).toMatch(/^Usage: rubber-workshop grade PATH… \[options\]\n/);
  });

  it.each([
    [[], 'give at least one workspace'],
    [['class', '--bogus'], 'unknown option --bogus'],
    [['class', '--out'], 'option --out needs a value'],
    [['class', '--jobs', '0'], '--jobs takes a whole number of at least 1, not "0"'],
    [['class', '--jobs', 'many'], '--jobs takes a whole number'],
    [['class', '--timeout', '1.5'], '--timeout takes a whole number'],
    [['class', '--level', '11'], 'there is no level "11": levels are 00–10'],
    [['class', '--retry-errors'], '--retry-errors only makes sense with --resume'],
  ])('rejects %j with a short message', (argv, message) => {
    expect(() => parse(...argv)).toThrow(UsageError);
    expect(() => parse(...argv)).toThrow(message);
  });
});
