import { describe, expect, it } from 'vitest';
import { hunks, lineDiff } from '../../../src/tui/diff.js';

const show = (before: string, after: string) => lineDiff(before, after).map((d) => `${{ same: ' ', del: '-', add: '+' }[d.op]}${d.text}`);

describe('lineDiff', () => {
  it('marks removed and added lines, deletions first', () => {
    expect(show('a\nb\nc\n', 'a\nB\nc\nd\n')).toEqual([' a', '-b', '+B', ' c', '+d']);
  });

  it('keeps the longest common run of lines', () => {
    expect(show('x\na\nb\nc\n', 'a\nb\nc\ny\n')).toEqual(['-x', ' a', ' b', ' c', '+y']);
  });

  it('numbers lines in the file each comes from', () => {
    const d = lineDiff('a\nb\n', 'a\nc\nb\n');
    expect(d).toEqual([
      { op: 'same', text: 'a', line: 1 },
      { op: 'add', text: 'c', line: 2 },
      { op: 'same', text: 'b', line: 2 },
    ]);
  });

  it('finds no change between equal texts', () => {
    expect(lineDiff('a\nb\n', 'a\nb\n').every((d) => d.op === 'same')).toBe(true);
  });
});

describe('hunks', () => {
  const lines = (n: number) => Array.from({ length: n }, (_, i) => `line ${i}`);

  it('shows each change with three lines of context and splits distant changes', () => {
    const before = lines(30);
    const after = [...before];
    after[5] = 'changed 5';
    after[25] = 'changed 25';
    const groups = hunks(lineDiff(before.join('\n'), after.join('\n')));
    expect(groups).toHaveLength(2);
    expect(groups[0]!.lines.map((l) => l.text)).toEqual(['line 2', 'line 3', 'line 4', 'line 5', 'changed 5', 'line 6', 'line 7', 'line 8']);
  });

  it('merges changes whose context would overlap', () => {
    const before = lines(20);
    const after = [...before];
    after[5] = 'changed 5';
    after[10] = 'changed 10';
    expect(hunks(lineDiff(before.join('\n'), after.join('\n')))).toHaveLength(1);
  });

  it('is empty when nothing changed', () => {
    expect(hunks(lineDiff('a\n', 'a\n'))).toEqual([]);
  });
});
