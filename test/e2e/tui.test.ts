import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { wrongSource } from '../../src/lessons.js';
import { cli, level, rw, tmuxServer, until } from './helpers.js';

// The TUI as a learner meets it: `rubber-workshop` in a workspace, on a real terminal (tmux), with real
// checks in the VM. Keys go in with send-keys; the screen comes back with capture-pane.
const { tmux, restart } = tmuxServer('tui');
const screen = (colours = false) => tmux('capture-pane', '-p', ...(colours ? ['-e'] : []), '-t', 'tui').stdout;
const press = (...keys: string[]) => tmux('send-keys', '-t', 'tui', ...keys);
const shows = (text: string, timeoutMs = 5 * 60 * 1000) => until(() => screen().includes(text), timeoutMs);

let ws: string;
beforeAll(() => {
  ws = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rw-e2e-tui-')), 'ws');
  const init = rw(['init', ws]);
  expect(init.status, init.stderr).toBe(0);
});
afterAll(() => {
  restart();
  fs.rmSync(path.dirname(ws), { recursive: true, force: true });
});

/** Starts `rubber-workshop` in the workspace `dir` on a 100×30 terminal; the shell reports its exit status. */
function start(env: Record<string, string>, dir = ws) {
  // Ink draws only the final frame when CI is set, as it is in CI runs: unset it, as on a learner's terminal.
  const vars = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  const command = ['env', '-u', 'CI', ...vars, process.execPath, cli].map((w) => `'${w}'`).join(' ');
  const r = tmux('new-session', '-d', '-s', 'tui', '-x', '100', '-y', '30', '-c', dir, `${command}; echo "rubber-workshop exited with $?"; sleep 600`);
  expect(r.status, r.stderr).toBe(0);
}

test('a check fails on the stub, then passes once the reference solution is saved with watch on', async () => {
  start({ NO_COLOR: '1' });
  expect(await shows('00 fork & exec', 30_000), screen()).toBe(true);
  expect(screen()).toMatch(/c check\s+w watch\s+h hint/);

  press('c');
  expect(await shows('checking 00', 30_000), screen()).toBe(true);
  expect(await shows('not passed yet'), screen()).toBe(true);
  const failed = screen();
  expect(failed).toMatch(/✗ Level 00 not passed yet: \d+ of \d+ checks failed/);
  expect(failed).toMatch(/✗ 00\/\S+/);
  expect(failed).toContain('expected:');
  expect(failed).toMatch(/command: +rd run/);
  expect(failed).toMatch(/✓ bundling rd\.ts/);
  // NO_COLOR: no foreground colour (30–38, 90–97); tmux itself writes 39, "default colour".
  expect(screen(true)).not.toMatch(/\x1b\[(?:[0-9;]*;)?(3[0-8]|9[0-7])(;[0-9]+)*m/);

  press('w');
  expect(await shows('◉ watching', 10_000), screen()).toBe(true);
  fs.writeFileSync(path.join(ws, 'rd.ts'), level('00').solution());
  expect(await shows('✓ Level 00 passed'), screen()).toBe(true);
  expect(screen()).toMatch(/Next: level 01, chroot and an image/);

  const progress = JSON.parse(fs.readFileSync(path.join(ws, '.rubber-workshop/progress.json'), 'utf8'));
  expect(progress.levels['00']).toMatchObject({ verdict: 'pass', passedEver: true });
  expect(progress.current).toBe('01');

  // s: the reference solution, then what each rd did in the level's first check: the same calls here.
  press('s');
  expect(await shows('Your rd.ts is the reference solution, line for line.', 10_000), screen()).toBe(true);
  expect(await shows('Your rd made the same calls as the reference solution.', 10_000), screen()).toBe(true);
  expect(screen()).toMatch(/What rd did in check 00\/\S+: yours \(-\) against the reference solution's \(\+\)/);

  press('q');
  expect(await shows('rubber-workshop exited with 0', 30_000), screen()).toBe(true);
  // The TUI ran on the alternate screen: the terminal is back as it was.
  expect(screen()).not.toContain('c check');
});

test("t shows what rd did beside a failure, and t hides it again", async () => {
  // Level 00's runtime that forgets clearCloexec: its trace has which and execve, and no clearCloexec.
  const dir = path.join(path.dirname(ws), 'traced');
  expect(rw(['init', dir]).status).toBe(0);
  fs.writeFileSync(path.join(dir, 'rd.ts'), wrongSource(level('00').wrong.find((w) => w.name === 'keeps-cloexec')!));
  restart();
  start({ NO_COLOR: '1' }, dir);
  expect(await shows('00 fork & exec', 30_000), screen()).toBe(true);
  press('c');
  expect(await shows('not passed yet'), screen()).toBe(true);
  expect(screen()).toMatch(/✗ 00\/stdout/);
  expect(screen()).toMatch(/What rd did: \d+ calls through linux\.ts\. Press t to show them\./);
  expect(screen()).toMatch(/t trace/);
  expect(screen()).not.toContain('execve(');

  press('t');
  expect(await shows('t hide trace', 10_000), screen()).toBe(true);
  const shown = screen();
  expect(shown).toContain('What rd did (its calls through linux.ts); * calls this level is about:');
  expect(shown).toMatch(/\* init \d+ which\("\/bin\/sh"\) = "\/bin\/sh"/);
  expect(shown).toMatch(/\* init \d+ execve\("\/bin\/sh", \["\/bin\/sh","-c",/);
  expect(shown).not.toMatch(/init \d+ clearCloexec/);

  press('t');
  expect(await shows('Press t to show them.', 10_000), screen()).toBe(true);
  expect(screen()).not.toContain('execve(');
  press('q');
  expect(await shows('rubber-workshop exited with 0', 30_000), screen()).toBe(true);
});

test('v steps aside for a root shell in a VM, with rd.ts as rd, and the workshop comes back on exit', async () => {
  restart();
  start({ NO_COLOR: '1' });
  expect(await shows('v VM shell', 30_000), screen()).toBe(true);
  press('v');
  expect(await until(() => /rubber-vm:~#\s*$/m.test(screen()), 60_000), screen()).toBe(true);
  expect(screen()).not.toContain('c check');
  press('type rd', 'Enter');
  expect(await shows('rd is /usr/local/bin/rd', 10_000), screen()).toBe(true);
  press('exit', 'Enter');
  expect(await shows('Back from the VM; it is gone.', 30_000), screen()).toBe(true);
  expect(screen()).toMatch(/c check\s+w watch/);
  press('q');
  expect(await shows('rubber-workshop exited with 0', 30_000), screen()).toBe(true);
});

test('without a terminal, outside a workspace it says how to make one; in one, it points at check', () => {
  const outside = rw([], { cwd: os.tmpdir() });
  expect([outside.status, outside.stderr]).toEqual([2, expect.stringMatching(/no workspace here\. Make one with: rubber-workshop init/)]);
  const inside = rw([], { cwd: ws });
  expect([inside.status, inside.stderr]).toEqual([2, expect.stringMatching(/needs a terminal .*rubber-workshop check/)]);
});
