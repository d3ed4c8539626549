import { spawnSync } from 'node:child_process';
import { afterEach, expect, test } from 'vitest';
import { cli, level, qemusOf, rw, tempsOf, tmuxServer, until, workspaceWith } from './helpers.js';

// `rubber-workshop shell` and `rd run` on a real terminal (tmux): keys go in with send-keys, the screen comes
// back with capture-pane, and the pane's shell says how rubber-workshop ended.
const { tmux, restart } = tmuxServer('shell');
const screen = () => tmux('capture-pane', '-p', '-J', '-t', 'sh').stdout;
const type = (...keys: string[]) => tmux('send-keys', '-t', 'sh', ...keys);
const shows = (pattern: RegExp, timeoutMs = 60_000) => until(() => pattern.test(screen()), timeoutMs);
const ENDED = /rubber-workshop ended with (\d+)/;

afterEach(restart);

/** Runs `rubber-workshop ARGS` in `dir` on a 100×30 terminal (or in a second window). */
function open(dir: string, args: string[], window?: string): void {
  const command = [process.execPath, cli, ...args].map((w) => `'${w}'`).join(' ');
  const shell = `${command}; echo "rubber-workshop ended with $?"; sleep 600`;
  const r = window
    ? tmux('new-window', '-d', '-t', window, '-c', dir, shell)
    : tmux('new-session', '-d', '-s', 'sh', '-x', '100', '-y', '30', '-c', dir, shell);
  expect(r.status, r.stderr).toBe(0);
}

/** {@link open}, returning the process id of rubber-workshop. */
async function start(dir: string, args: string[], window?: string): Promise<number> {
  open(dir, args, window);
  const pane = Number(tmux('display-message', '-p', '-t', window ?? 'sh', '#{pane_pid}').stdout);
  let pid = 0;
  await until(() => (pid = Number(spawnSync('pgrep', ['-P', String(pane), '-f', cli], { encoding: 'utf8' }).stdout.trim())) > 0, 10_000);
  expect(pid).toBeGreaterThan(0);
  return pid;
}

/** Waits until rubber-workshop has ended, and checks it left no QEMU and no temp folder behind. */
async function ended(pid: number): Promise<number> {
  expect(await shows(ENDED, 30_000), screen()).toBe(true);
  expect(qemusOf(pid)).toEqual([]);
  expect(tempsOf(pid)).toEqual([]);
  return Number(ENDED.exec(screen())![1]);
}

const level10 = () => workspaceWith(level('10').solution());

test('a root shell in the VM, a shell in the container inside it, and out again with exit twice', async () => {
  const pid = await start(level10(), ['shell']);
  expect(await shows(/rubber-vm:~# $/m), screen()).toBe(true);
  expect(qemusOf(pid)).toHaveLength(1);

  // The guest's console has the terminal's size, and follows it.
  type('stty size', 'Enter');
  expect(await shows(/^30 100$/m, 10_000), screen()).toBe(true);
  tmux('resize-window', '-t', 'sh', '-x', '80', '-y', '24');
  // The new size travels beside the keys (the control port, not the console), so a busy guest may run the
  // next command first: ask again each second until the size has arrived.
  let polls = 0;
  const resized = () => {
    if (/^24 80$/m.test(screen())) return true;
    if (polls++ % 10 === 0) type('clear; stty size', 'Enter');
    return false;
  };
  expect(await until(resized, 10_000), screen()).toBe(true);

  type('clear; rd run -i busybox /bin/sh', 'Enter');
  expect(await shows(/^[0-9a-f]{12}:\/# $/m), screen()).toBe(true);
  type('clear; hostname; echo $$; ls /proc', 'Enter');
  expect(await shows(/^1$[^]*^[0-9a-f]{12}:\/# $/m, 10_000), screen()).toBe(true);
  const inside = screen();
  const id = /^([0-9a-f]{12}):\/# $/m.exec(inside)![1];
  expect(inside).toMatch(new RegExp(`^${id}$`, 'm'));
  // A PID namespace of its own: the shell is 1, and /proc shows it and whatever ls is, nothing of the VM's.
  const pids = inside.split(/\s+/).filter((w) => /^\d+$/.test(w) && w !== '1' && w !== id);
  expect(pids.length, inside).toBeLessThanOrEqual(2);

  // Ctrl-C reaches the container's foreground job, not the VM: the shell is still there.
  type('clear; sleep 300', 'Enter');
  await new Promise((r) => setTimeout(r, 1000));
  type('C-c');
  type('echo alive-$((6 * 7))', 'Enter');
  expect(await shows(/^alive-42$/m, 10_000), screen()).toBe(true);

  type('exit', 'Enter');
  expect(await shows(/rubber-vm:~# $/m, 30_000), screen()).toBe(true);
  type('exit', 'Enter');
  expect(await ended(pid)).toBe(0);
});

test('the escape key ends a guest that no longer listens', async () => {
  const pid = await start(level10(), ['shell']);
  expect(await shows(/rubber-vm:~# $/m), screen()).toBe(true);
  type("trap '' INT; echo busy; while :; do :; done", 'Enter');
  expect(await shows(/^busy$/m, 10_000), screen()).toBe(true);
  type('C-c');
  type('C-]');
  expect(await ended(pid)).toBe(130);
  expect(screen()).toContain('left with Ctrl-]');
});

test('rd run on a terminal is interactive and ends with the command\'s status', async () => {
  const pid = await start(level10(), ['rd', 'run', '--', '/bin/sh', '-c', 'stty size; read -r line; echo "got $line"; exit 7']);
  expect(await shows(/^30 100$/m), screen()).toBe(true);
  type('hello', 'Enter');
  expect(await shows(/^got hello$/m, 10_000), screen()).toBe(true);
  expect(await ended(pid)).toBe(7);
});

test('a second terminal attaches to the running VM and sees the container from outside', async () => {
  const ws = level10();
  const pid = await start(ws, ['shell']);
  expect(await shows(/rubber-vm:~# $/m), screen()).toBe(true);
  type('rd run -i busybox /bin/sh', 'Enter');
  expect(await shows(/^[0-9a-f]{12}:\/# $/m), screen()).toBe(true);
  type('sleep 4711', 'Enter');

  const attached = await start(ws, ['shell', '--attach'], 'sh:1');
  const second = () => tmux('capture-pane', '-p', '-J', '-t', 'sh:1').stdout;
  expect(await until(() => /attached rubber-vm:\/# $/m.test(second()), 30_000), second()).toBe(true);
  tmux('send-keys', '-t', 'sh:1', 'ps', 'Enter');
  expect(await until(() => /^ *\d+ root +sleep 4711$/m.test(second()), 10_000), second()).toBe(true);
  // The VM's own processes are there too: the sandbox's, around the container.
  expect(second()).toMatch(/node \/opt\/rd\/rd\.cjs run -i busybox \/bin\/sh/);

  // Detaching leaves the VM running; the first terminal still ends it.
  tmux('send-keys', '-t', 'sh:1', 'C-]');
  expect(await until(() => /detached; the VM goes on/.test(second()), 10_000), second()).toBe(true);
  expect(qemusOf(pid)).toHaveLength(1);
  expect(qemusOf(attached)).toEqual([]);
  type('C-c');
  type('exit', 'Enter');
  expect(await shows(/rubber-vm:~# $/m, 30_000), screen()).toBe(true);
  // exit's status is the last command's: the container's, which ended on the interrupted sleep.
  type('exit', 'Enter');
  expect(await ended(pid), screen()).toBe(130);
});

test('without a terminal, with stray arguments, or with nothing to attach to: a short error saying what to do', async () => {
  const ws = level10();
  const piped = rw(['shell'], { cwd: ws });
  expect([piped.status, piped.stderr]).toEqual([2, 'rubber-workshop: shell needs a terminal; without one, run commands with: rubber-workshop vm exec --rd -- CMD…\n']);
  const stray = rw(['shell', 'bash'], { cwd: ws });
  expect(stray.status).toBe(2);
  expect(stray.stderr).toBe('rubber-workshop shell: unexpected argument "bash"\nUsage: rubber-workshop shell [--attach]\nSee `rubber-workshop shell --help`.\n');

  open(ws, ['shell', '--attach']);
  expect(await shows(/no shell is running to attach to: start one with rubber-workshop shell/, 10_000), screen()).toBe(true);
  expect(await shows(/rubber-workshop ended with 2/, 10_000), screen()).toBe(true);
});
