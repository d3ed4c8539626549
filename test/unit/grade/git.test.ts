// gitCommit reads a learner's .git: what it holds must not make the grader read elsewhere, for ever, or without end.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gitCommit } from '../../../src/grade/git.js';

const SHA = 'a'.repeat(40);
let root: string;
let ws: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-unit-git-'));
  ws = path.join(root, 'ws');
  fs.mkdirSync(path.join(ws, '.git', 'refs', 'heads'), { recursive: true });
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const write = (file: string, text: string) => fs.writeFileSync(path.join(ws, '.git', file), text);

describe('gitCommit', () => {
  it('reads the commit of a branch, loose or packed', () => {
    write('HEAD', 'ref: refs/heads/main\n');
    write('packed-refs', `${SHA} refs/heads/main\n`);
    expect(gitCommit(ws)).toBe(SHA);
    write('refs/heads/main', `${'b'.repeat(40)}\n`);
    expect(gitCommit(ws)).toBe('b'.repeat(40));
  });

  it('reads no ref out of .git/refs: `ref: ../../…` would name any file of the machine', () => {
    fs.writeFileSync(path.join(root, 'elsewhere'), `${SHA}\n`);
    for (const ref of ['../../elsewhere', 'refs/../../../elsewhere']) {
      write('HEAD', `ref: ${ref}\n`);
      expect(gitCommit(ws)).toBeUndefined();
    }
  });

  it('reads no link or device: /dev/zero would end the grader', () => {
    write('HEAD', 'ref: refs/heads/main\n');
    fs.symlinkSync('/dev/zero', path.join(ws, '.git', 'refs', 'heads', 'main'));
    expect(gitCommit(ws)).toBeUndefined();
  });

  it('reads no FIFO: it would block the grader for good', () => {
    expect(spawnSync('mkfifo', [path.join(ws, '.git', 'HEAD')]).status).toBe(0);
    // A writer that would feed a reader a commit: the grader must not even wait for one.
    const writer = spawn('sh', ['-c', `echo ${SHA} > .git/HEAD`], { cwd: ws });
    try {
      expect(gitCommit(ws)).toBeUndefined();
    } finally {
      writer.kill();
    }
  });
});
