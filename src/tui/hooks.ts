import { useCallback, useEffect, useRef, useState } from 'react';
import { useStdout } from 'ink';
import { saveProgress, type Progress } from '../progress.js';
import type { AppAction, Foreground } from './app-state.js';
import { editorFailure, type EditorLaunch } from './editor.js';
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
 * Saves the reducer's progress (atomically, merged with the file) each time it changes, and hands the merged
 * progress back as 'saved'. A failed save keeps the change in memory and says why.
 */
export function useSavedProgress(workspaceDir: string, progress: Progress, dispatch: (action: AppAction) => void): void {
  const saved = useRef(progress);
  useEffect(() => {
    if (progress === saved.current) return;
    try {
      const merged = saveProgress(workspaceDir, progress);
      saved.current = merged;
      dispatch({ type: 'saved', from: progress, to: merged });
    } catch (err) {
      saved.current = progress;
      dispatch({ type: 'say', text: `Could not save progress: ${(err as Error).message}`, tone: 'bad' });
    }
  }, [workspaceDir, progress, dispatch]);
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

const BACK: Record<Foreground['program'], string> = { editor: 'Back from the editor.', shell: 'Back from the VM; it is gone.' };

/**
 * Runs the foreground program once the TUI has stepped aside (input released, output cleared), then comes
 * back saying how it went. Ink writes at most 30 frames a second, so it waits a frame for the cleared
 * screen to be written first.
 */
export function useStepAside(foreground: Foreground | undefined, runInTerminal: (launch: EditorLaunch) => Promise<void>, dispatch: (action: AppAction) => void): void {
  useEffect(() => {
    if (!foreground) return;
    const { program, launch } = foreground;
    const timer = setTimeout(() => {
      runInTerminal(launch).then(
        () => dispatch({ type: 'came-back', notice: { text: BACK[program], tone: 'info' } }),
        (err: unknown) => {
          const text = program === 'editor' ? editorFailure(launch, err) : `Could not start the shell: ${(err as Error).message}`;
          dispatch({ type: 'came-back', notice: { text, tone: 'bad' } });
        },
      );
    }, 50);
    return () => clearTimeout(timer);
  }, [foreground, runInTerminal, dispatch]);
}
