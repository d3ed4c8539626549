import { describe, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { applyPatch, makePatch } from '../../src/patch.js';

function diffU(a: string, b: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'patch-test-'));
  try {
    fs.writeFileSync(path.join(dir, 'a'), a);
    fs.writeFileSync(path.join(dir, 'b'), b);
    try {
      return execFileSync('diff', ['-u', 'a', 'b'], { cwd: dir, encoding: 'utf8' });
    } catch (e) {
      return (e as { stdout: string }).stdout; // diff exits 1 when the files differ
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const base = Array.from({ length: 40 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
/** Changes, removals, additions, at the ends too. */
const variants = [
  base.replace('line 5\n', 'line five\n').replace('line 30\n', ''),
  'first\n' + base + 'last\n',
  base.replace('line 1\n', '').replace('line 40\n', 'forty\n'),
  base.replace(/line 1\d\n/g, '\n'),
];

describe('applyPatch', () => {
  test('reproduces what diff -u was made from: changes, removals, additions, at the ends too', () => {
    for (const v of variants) expect(applyPatch(base, diffU(base, v))).toBe(v);
  });

  test('refuses a patch whose context no longer matches the file', () => {
    const patch = diffU(base, base.replace('line 20\n', 'line twenty\n'));
    expect(() => applyPatch(base.replace('line 19\n', 'changed 19\n'), patch)).toThrow(/line 19 is "changed 19", the patch expects "line 19"/);
  });

  test('refuses text that is not a patch', () => {
    expect(() => applyPatch(base, 'hello')).toThrow('no hunks');
  });

  test('with shift, finds a hunk where lines added above it moved it, and still refuses changed context', () => {
    const patch = diffU(base, base.replace('line 20\n', 'line twenty\n'));
    const moved = 'new 1\nnew 2\n' + base;
    expect(() => applyPatch(moved, patch)).toThrow(/line 17 is "line 15"/);
    expect(applyPatch(moved, patch, { shift: true })).toBe(moved.replace('line 20\n', 'line twenty\n'));
    expect(() => applyPatch(moved.replace('line 19\n', 'changed 19\n'), patch, { shift: true })).toThrow('the lines of hunk "@@ -17,7 +17,7 @@" stand nowhere in the file');
  });
});

describe('makePatch', () => {
  test('makes what applyPatch turns back into the new text, a missing last newline and an empty text too', () => {
    for (const v of [...variants, base.slice(0, -1), '']) expect(applyPatch(base, makePatch(base, v, ['a', 'b']))).toBe(v);
    expect(applyPatch('', makePatch('', base, ['a', 'b']))).toBe(base);
  });

  test('writes what diff -u writes for a plain change: labels, hunk header, three lines of context', () => {
    const changed = base.replace('line 20\n', 'line twenty\n');
    expect(makePatch(base, changed, ['a', 'b'])).toBe(diffU(base, changed).replace(/^--- a.*\n\+\+\+ b.*\n/, '--- a\n+++ b\n'));
  });

  test('is empty for equal texts', () => {
    expect(makePatch(base, base, ['a', 'b'])).toBe('');
  });
});
