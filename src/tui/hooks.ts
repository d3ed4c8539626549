import { useCallback, useEffect, useRef, useState } from 'react';
import { useStdout } from 'ink';
import { saveProgress, type Progress } from '../progress.js';
import { watchFiles, type Watcher } from './watch.js';

/** The terminal's size, following resizes; 80×24 where the stream does not say. */
export function useTerminalSize(): { columns: number; rows: number } {
  const { stdout } = useStdout();
  const read = () => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}

/**
 * Progress held in state and saved (atomically, merged with the file) on every update. A failed save keeps
 * the update in memory and reports the error through `onError`.
 */
export function useProgress(workspaceDir: string, initial: Progress, onError: (message: string) => void) {
  const [progress, setProgress] = useState(initial);
  const latest = useRef(initial);
  const update = useCallback(
    (change: (p: Progress) => Progress) => {
      let next = change(latest.current);
      try {
        next = saveProgress(workspaceDir, next);
      } catch (err) {
        onError(`Could not save progress: ${(err as Error).message}`);
      }
      latest.current = next;
      setProgress(next);
    },
    [workspaceDir, onError],
  );
  return { progress, update };
}

/** While `enabled`, calls `onChange` when rd.ts or linux.ts gets new content. */
export function useWatch(enabled: boolean, dir: string, onChange: () => void, debounceMs?: number): { resync(): void } {
  const watcher = useRef<Watcher | undefined>(undefined);
  const callback = useRef(onChange);
  callback.current = onChange;
  useEffect(() => {
    if (!enabled) return;
    const w = watchFiles(dir, ['rd.ts', 'linux.ts'], () => callback.current(), debounceMs);
    watcher.current = w;
    return () => {
      w.close();
      watcher.current = undefined;
    };
  }, [enabled, dir, debounceMs]);
  return { resync: useCallback(() => watcher.current?.resync(), []) };
}

export type Tone = 'info' | 'good' | 'bad';
export interface Notice {
  text: string;
  tone: Tone;
}

/** One line of feedback under the panel, replaced by the next. */
export function useNotice(initial?: Notice) {
  const [notice, setNotice] = useState<Notice | undefined>(initial);
  const say = useCallback((text: string, tone: Tone = 'info') => setNotice({ text, tone }), []);
  const clear = useCallback(() => setNotice(undefined), []);
  return { notice, say, clear };
}
