import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startupNotice, tuiUnavailableMessage } from '../../../src/tui/index.js';

it('needs a terminal on both stdin and stdout, and points at check otherwise', () => {
  expect(tuiUnavailableMessage({ isTTY: true }, { isTTY: true })).toBeUndefined();
  expect(tuiUnavailableMessage({ isTTY: false }, { isTTY: true })).toMatch(/needs a terminal.*rubber-workshop check/);
  expect(tuiUnavailableMessage({ isTTY: true }, {})).toMatch(/rubber-workshop check/);
});

describe('startupNotice', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-notice-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('tells where a corrupt progress file was kept', () => {
    const problem = '.rubber-workshop/progress.json: levels.01.passedEver: expected true or false, got "yes"';
    const notice = startupNotice(dir, { problem, copy: path.join(dir, '.rubber-workshop', 'progress.json.corrupt-2024') });
    expect(notice).toMatchObject({ tone: 'bad' });
    expect(notice!.text).toContain(`could not be read (${problem}). It was kept as .rubber-workshop/progress.json.corrupt-2024, and progress starts fresh`);
    expect(notice!.text).toContain('fix that field in .rubber-workshop/progress.json.corrupt-2024 and move it back to .rubber-workshop/progress.json');
  });

  it('brings linux.ts up to date and keeps an edited copy', () => {
    fs.writeFileSync(path.join(dir, 'linux.ts'), 'my own toolkit\n');
    const notice = startupNotice(dir, undefined);
    expect(notice!.text).toMatch(/linux.ts was updated.*Your edited linux.ts was kept as \.rubber-workshop\/backups\/linux-/);
    expect(fs.readFileSync(path.join(dir, 'linux.ts'), 'utf8')).toMatch(/^\/\/ rubber-workshop toolkit/);
    expect(startupNotice(dir, undefined)).toBeUndefined();
  });
});
