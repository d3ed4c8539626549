import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gradeCommand } from '../../../src/grade/command.js';
import { fakeCheck } from './fake-check.js';

const levels = ['00', '01'];
let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'grade-cmd-'));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

function io() {
  const out: string[] = [];
  const err: string[] = [];
  const stream = (into: string[]) => ({ isTTY: false, write: (s: string) => into.push(s) > 0 }) as unknown as NodeJS.WriteStream;
  return { io: { stdout: stream(out), stderr: stream(err), cwd: root }, out: () => out.join(''), err: () => err.join('') };
}

function command(argv: string[], signal = new AbortController().signal, assets = 'assets') {
  const streams = io();
  const fake = fakeCheck(levels);
  const code = gradeCommand(argv, signal, { runCheck: fake.runCheck, assetsDigest: async () => assets, levels }, streams.io);
  return { code, ...streams, fake };
}

describe('gradeCommand', () => {
  it('grades and exits 0 when every workspace has a result, whatever the learners scored', async () => {
    fs.mkdirSync(path.join(root, 'class', 'alice'), { recursive: true });
    fs.writeFileSync(path.join(root, 'class', 'alice', 'rd.ts'), 'build-error\n');
    const c = command(['class', '--jobs', '1']);
    expect(await c.code).toBe(0);
    expect(c.err()).toContain('[1/1] alice');
    expect(fs.existsSync(path.join(root, 'grades', 'class.csv'))).toBe(true);
  });

  it('prints the help on stdout and exits 0', async () => {
    const c = command(['--help']);
    expect(await c.code).toBe(0);
    expect(c.out()).toContain('Usage: rubber-workshop grade PATH');
  });

  it('exits 2 with a one-line reason, the usage and a pointer to --help for bad arguments, without a stack trace', async () => {
    const c = command(['--jobs', 'x', 'class']);
    expect(await c.code).toBe(2);
    expect(c.err()).toBe('rubber-workshop grade: --jobs takes a whole number of at least 1, not "x"\nUsage: rubber-workshop grade PATH… [options]\nSee `rubber-workshop grade --help`.\n');
  });

  it('exits 2 when there is nothing to grade at that path', async () => {
    const c = command(['nowhere']);
    expect(await c.code).toBe(2);
    expect(c.err()).toBe('rubber-workshop: nowhere: no such file or folder\n');
  });

  it('exits 130 when interrupted, after saying how to finish', async () => {
    fs.mkdirSync(path.join(root, 'class', 'alice'), { recursive: true });
    fs.writeFileSync(path.join(root, 'class', 'alice', 'rd.ts'), 'hang\n');
    const controller = new AbortController();
    const c = command(['class'], controller.signal);
    setImmediate(() => controller.abort());
    expect(await c.code).toBe(130);
    expect(c.err()).toContain('--resume');
  });
});
