import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { onTestFinished } from 'vitest';
import { loadLevels } from '../../src/lessons.js';
import { CHECKER_LIB } from '../../src/check/checkers.js';

export const repo = path.resolve(import.meta.dirname, '../..');
export const cli = path.join(repo, 'dist/cli.js');

/** Level `id` of the real lessons: its stub() and solution() are whole rd.ts files. */
export const level = (id: string) => loadLevels().find((l) => l.id === id)!;

/** Runs the built CLI and waits for it. */
export function rw(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [cli, ...args], {
    cwd: opts.cwd ?? repo,
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 10 * 60 * 1000,
  });
}

/** Starts the built CLI in the background (in `cwd`, default the repository). */
export function rwSpawn(args: string[], env: NodeJS.ProcessEnv = {}, cwd = repo) {
  return spawn(process.execPath, [cli, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: 'pipe' });
}

/** QEMU processes started on behalf of the CLI process `pid` (their disk path names it). */
export function qemusOf(pid: number): number[] {
  const out = spawnSync('pgrep', ['-f', `rubber-workshop-${pid}-`], { encoding: 'utf8' }).stdout;
  return out.split('\n').filter(Boolean).map(Number).filter((p) => p !== process.pid);
}

/** Temp folders of the CLI process `pid`. */
export function tempsOf(pid: number): string[] {
  return fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith(`rubber-workshop-${pid}-`));
}

/**
 * A tmux server of the test file's own. `restart()` ends it and moves to a fresh socket: a server that is still
 * exiting holds its socket, and a session started there at that moment fails with "server exited unexpectedly".
 */
export function tmuxServer(name: string) {
  let n = 0;
  const tmux = (...args: string[]) => spawnSync('tmux', ['-L', `rw-e2e-${name}-${process.pid}-${n}`, ...args], { encoding: 'utf8' });
  const restart = () => {
    tmux('kill-server');
    n++;
  };
  return { tmux, restart };
}

export async function until(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return cond();
}

/** A throwaway workspace holding `rd` as rd.ts (and the toolkit as linux.ts), removed when the test ends. */
export function workspaceWith(rd: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-e2e-ws-'));
  onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.mkdirSync(path.join(dir, '.rubber-workshop'));
  fs.writeFileSync(path.join(dir, 'rd.ts'), rd);
  fs.copyFileSync(path.join(repo, 'src/linux/index.ts'), path.join(dir, 'linux.ts'));
  return dir;
}

/** Puts what every checker script runs with (lib.sh and what it sources) into `dir`, a test's own checkers folder. */
export function copyCheckerLib(dir: string): void {
  for (const name of CHECKER_LIB) fs.copyFileSync(path.join(repo, 'checkers', name), path.join(dir, name));
}
