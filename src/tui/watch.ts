import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

export interface Watcher {
  close(): void;
  /** Takes the files' current content as seen, e.g. after the TUI itself rewrote one. */
  resync(): void;
}

/**
 * Calls `onChange` when any of `names` in `dir` gets new content. Watching the folder rather than the files
 * survives editors that save by writing a temp file and renaming it over the original (vim, JetBrains); the
 * burst of events one save makes is debounced, and saves that leave the content as it was are ignored.
 */
export function watchFiles(dir: string, names: string[], onChange: () => void, debounceMs = 200): Watcher {
  const digest = () => names.map((n) => hashOf(path.join(dir, n))).join(' ');
  let seen = digest();
  let timer: NodeJS.Timeout | undefined;
  const fire = () => {
    timer = undefined;
    const now = digest();
    // Mid-save a file can be briefly missing; the save's last event comes after it is back.
    if (now === seen || now.includes(ABSENT)) return;
    seen = now;
    onChange();
  };
  const watcher = fs.watch(dir, (_event, filename) => {
    // Some platforms omit the name; then any event in the folder is a candidate.
    if (filename && !names.includes(filename.toString())) return;
    clearTimeout(timer);
    timer = setTimeout(fire, debounceMs);
  });
  // A folder that disappears (or a watch limit reached) ends watching; the manual check key still works.
  watcher.on('error', () => watcher.close());
  return {
    close() {
      clearTimeout(timer);
      watcher.close();
    },
    resync() {
      seen = digest();
    },
  };
}

const ABSENT = 'absent';

function hashOf(file: string): string {
  try {
    return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  } catch {
    return ABSENT;
  }
}
