import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A new temp folder named `<prefix><pid>-…`. Folders with the same prefix whose process is gone (killed with
 * SIGKILL, power loss) are removed first, so nothing piles up even when clean-up code never ran.
 */
export function makeTemp(prefix: string, dir = os.tmpdir()): string {
  sweepStaleTemp(prefix, dir);
  return fs.mkdtempSync(path.join(dir, `${prefix}${process.pid}-`));
}

export function sweepStaleTemp(prefix: string, dir = os.tmpdir()): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(/^(\d+)-/.exec(name.slice(prefix.length))?.[1]);
    if (pid && !processAlive(pid)) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
  }
}

/** Whether a process with this pid exists (EPERM: it does, but is someone else's). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
