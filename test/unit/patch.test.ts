import { describe, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { applyPatch } from '../../src/patch.js';

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

describe('applyPatch', () => {
  test('reproduces what diff -u was made from: changes, removals, additions, at the ends too', () => {
    const variants = [
      base.replace('line 5\n', 'line five\n').replace('line 30\n', ''),
      'first\n' + base + 'last\n',
      base.replace('line 1\n', '').replace('line 40\n', 'forty\n'),
      base.replace(/line 1\d\n/g, '\n'),
    ];
    for (const v of variants) expect(applyPatch(base, diffU(base, v))).toBe(v);
  });

  test('refuses a patch whose context no longer matches the file', () => {
    const patch = diffU(base, base.replace('line 20\n', 'line twenty\n'));
    expect(() => applyPatch(base.replace('line 19\n', 'changed 19\n'), patch)).toThrow(/line 19 is "changed 19", the patch expects "line 19"/);
  });

  test('refuses text that is not a patch', () => {
    expect(() => applyPatch(base, 'hello')).toThrow('no hunks');
  });
});
