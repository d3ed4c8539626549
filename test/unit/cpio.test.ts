import { describe, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cpio, parseCpio } from '../../src/vm/cpio.js';

describe('cpio writer', () => {
  const entries = [
    { path: 'dir', type: 'dir' as const },
    { path: 'dir/script.sh', type: 'file' as const, mode: 0o755, data: '#!/bin/sh\necho hi\n' },
    { path: 'odd', type: 'file' as const, data: Buffer.from([0, 1, 2]) },
    { path: 'link', type: 'symlink' as const, data: 'dir/script.sh' },
    { path: 'empty', type: 'file' as const, data: '' },
  ];

  test('round-trips names, types, modes and contents', () => {
    const back = parseCpio(cpio(entries));
    expect(back.map((e) => [e.path, e.type, e.mode])).toEqual([
      ['dir', 'dir', 0o755], ['dir/script.sh', 'file', 0o755], ['odd', 'file', 0o644], ['link', 'symlink', 0o777], ['empty', 'file', 0o644],
    ]);
    expect(back[1].data?.toString()).toBe('#!/bin/sh\necho hi\n');
    expect(back[2].data).toEqual(Buffer.from([0, 1, 2]));
    expect(back[3].data?.toString()).toBe('dir/script.sh');
  });

  test('pads to the block size a disk needs', () => {
    expect(cpio(entries, 512).length % 512).toBe(0);
    expect(cpio(entries).length % 4).toBe(0);
  });

  test('GNU cpio unpacks it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cpio-test-'));
    try {
      execFileSync('cpio', ['-i', '-d', '--quiet'], { cwd: dir, input: cpio(entries, 512) });
      expect(fs.readFileSync(path.join(dir, 'dir/script.sh'), 'utf8')).toBe('#!/bin/sh\necho hi\n');
      expect(fs.statSync(path.join(dir, 'dir/script.sh')).mode & 0o777).toBe(0o755);
      expect(fs.readlinkSync(path.join(dir, 'link'))).toBe('dir/script.sh');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
