import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { watchFiles, type Watcher } from '../../../src/tui/watch.js';
import { tick, until } from './fixture.js';

let dir: string;
let watcher: Watcher | undefined;
let changes: number;
const file = (name: string) => path.join(dir, name);

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-watch-'));
  fs.writeFileSync(file('rd.ts'), 'v1\n');
  fs.writeFileSync(file('linux.ts'), 'toolkit\n');
  changes = 0;
  watcher = watchFiles(dir, ['rd.ts', 'linux.ts'], () => changes++, 30);
});
afterEach(() => {
  watcher?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

it('reports a save with new content once, however many events it made', async () => {
  fs.writeFileSync(file('rd.ts'), 'v2\n');
  fs.appendFileSync(file('rd.ts'), 'more\n');
  await until(() => changes === 1);
  await tick(100);
  expect(changes).toBe(1);
});

it('follows a save by rename over the original', async () => {
  fs.writeFileSync(file('.rd.ts.tmp'), 'v2\n');
  fs.renameSync(file('.rd.ts.tmp'), file('rd.ts'));
  await until(() => changes === 1);
  fs.writeFileSync(file('.rd.ts.tmp'), 'v3\n');
  fs.renameSync(file('rd.ts'), file('rd.ts~'));
  fs.renameSync(file('.rd.ts.tmp'), file('rd.ts'));
  await until(() => changes === 2);
});

it('watches linux.ts too', async () => {
  fs.writeFileSync(file('linux.ts'), 'edited\n');
  await until(() => changes === 1);
});

it('ignores saves that change nothing and files it does not watch', async () => {
  fs.writeFileSync(file('rd.ts'), 'v1\n');
  fs.writeFileSync(file('notes.md'), 'hello\n');
  await tick(150);
  expect(changes).toBe(0);
  fs.writeFileSync(file('rd.ts'), 'v2\n');
  await until(() => changes === 1);
});

it('takes content as seen after resync', async () => {
  fs.writeFileSync(file('rd.ts'), 'reset by the tool\n');
  watcher!.resync();
  await tick(150);
  expect(changes).toBe(0);
});
