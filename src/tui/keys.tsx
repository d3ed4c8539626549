import { createContext, useContext, useRef, type ReactNode } from 'react';
import { useInput, type Key } from 'ink';

type KeyHandler = (input: string, key: Key) => void;

const KeysContext = createContext<{ current?: KeyHandler }>({});

/**
 * The one keyboard subscription of the TUI. Ink (re)subscribes `useInput` handlers in a passive effect,
 * which can run after the next key already arrived: a screen that just appeared would miss it, and a
 * handler could act on an older render's state. Here the subscription never changes and key presses go
 * to the handler of the latest render (see {@link useKeys}).
 */
export function KeyRouter({ active, children }: { active: boolean; children: ReactNode }) {
  const target = useRef<KeyHandler | undefined>(undefined);
  useInput((input, key) => target.current?.(input, key), { isActive: active });
  return <KeysContext.Provider value={target}>{children}</KeysContext.Provider>;
}

/** Sends key presses to `handler` while the calling component is the one on screen. */
export function useKeys(handler: KeyHandler): void {
  const target = useContext(KeysContext);
  // Assigned during render on purpose: the newest render's handler must win before any effect runs.
  target.current = handler;
}
