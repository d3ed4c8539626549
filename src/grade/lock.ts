import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { processAlive } from '../temp.js';

/** How often a holder renews its lock's time; a lock not renewed for four times as long was left behind. */
const BEAT_MS = 30_000;
const LOCK_STALE_MS = 4 * BEAT_MS;

/** Someone else holds the lock; `holder` names them ("pid 12 on grade-1-x7k2p"). */
export class LockBusy extends Error {
  constructor(readonly holder: string) {
    super(`held by ${holder}`);
  }
}

/**
 * Takes `file` for this process, and returns the release function. A holder's life shows in its process where
 * that can be seen (this machine, another PID); elsewhere in the lock's time, which the holder renews: on another
 * machine (the next pod of a grading Job), or under this process's own PID (every container's grader is PID 1).
 * A lock still fresh is waited for until it would be stale: a killed pod's retry starts seconds after it, and
 * finds its lock as it was left. Throws {@link LockBusy} while a holder lives.
 */
export async function takeLock(file: string): Promise<() => void> {
  const mine = `${process.pid} ${os.hostname()} ${randomUUID()}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, mine, { flag: 'wx' });
      return held(file, mine);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const seen = readOrEmpty(file);
    const holder = judge(file, seen);
    if (holder.alive) throw new LockBusy(holder.name);
    const lapse = await staleOrGone(file, seen);
    if (lapse === 'renewed') throw new LockBusy(holder.name);
    if (lapse === 'stale') takeOver(file, seen);
  }
  throw new LockBusy(judge(file, readOrEmpty(file)).name);
}

/**
 * Waits while a lock judged by its time is fresh: until it is stale, released (gone), or renewed or replaced
 * (its holder lives). A second at a time, so a pod being replaced, which releases its lock as it stops, is
 * followed at once.
 */
async function staleOrGone(file: string, seen: string): Promise<'stale' | 'gone' | 'renewed'> {
  const mtime = () => fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs;
  const first = mtime();
  for (;;) {
    const now = readOrEmpty(file);
    if (!now) return 'gone';
    if (now !== seen || mtime() !== first) return 'renewed';
    const freshForMs = judge(file, now).freshForMs;
    if (freshForMs === 0) return 'stale';
    await sleep(Math.min(freshForMs, 1000));
  }
}

/** The holder of a lock whose content is `seen`: alive by its process, or fresh for so long yet by its time. */
function judge(file: string, seen: string): { name: string; alive: boolean; freshForMs: number } {
  const [pidText = '', host] = seen.trim().split(' ');
  const pid = Number.parseInt(pidText, 10);
  const name = `pid ${pid || '?'}${host && host !== os.hostname() ? ` on ${host}` : ''}`;
  if (pid && (!host || host === os.hostname()) && pid !== process.pid) return { name, alive: processAlive(pid), freshForMs: 0 };
  if (!pid) return { name, alive: false, freshForMs: 0 };
  const age = Date.now() - (fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0);
  return { name, alive: false, freshForMs: Math.max(0, LOCK_STALE_MS - age) };
}

/**
 * Removes a lock left behind, if it still is the one seen: it is moved aside first, and one that turns out to be
 * another's (taken meanwhile by a second taker) is put back.
 */
function takeOver(file: string, seen: string): void {
  const aside = `${file}.${process.pid}.${Date.now()}`;
  try {
    fs.renameSync(file, aside);
  } catch {
    return; // gone meanwhile
  }
  if (readOrEmpty(aside) !== seen) {
    try {
      fs.linkSync(aside, file);
    } catch {
      // another lock is in place already
    }
  }
  fs.rmSync(aside, { force: true });
}

/** Renews the lock's time while it is this process's, and releases it only then. */
function held(file: string, mine: string): () => void {
  const ours = () => readOrEmpty(file) === mine;
  const beat = setInterval(() => {
    const now = new Date();
    try {
      if (ours()) fs.utimesSync(file, now, now);
    } catch {
      // released meanwhile
    }
  }, BEAT_MS);
  beat.unref();
  return () => {
    clearInterval(beat);
    if (ours()) fs.rmSync(file, { force: true });
  };
}

function readOrEmpty(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
