/** The key that always leaves a session, whatever the guest does: Ctrl-] (as in telnet and virsh console). */
export const ESCAPE_BYTE = 0x1d;
export const ESCAPE_KEY = 'Ctrl-]';

export interface Terminal {
  input: NodeJS.ReadStream & { setRawMode(raw: boolean): unknown };
  output: NodeJS.WriteStream;
}

/**
 * Takes the terminal's keys as typed (raw mode: Ctrl-C and the like are bytes too) and hands them to `onKeys`,
 * up to the escape key, which calls `onEscape` instead. Returns what gives the terminal back.
 */
export function takeTerminal({ input }: Terminal, onKeys: (keys: Buffer) => void, onEscape: () => void): () => void {
  const onData = (keys: Buffer) => {
    const escape = keys.indexOf(ESCAPE_BYTE);
    onKeys(escape < 0 ? keys : keys.subarray(0, escape));
    if (escape >= 0) onEscape();
  };
  input.setRawMode(true);
  input.on('data', onData);
  input.resume();
  return () => {
    input.off('data', onData);
    input.setRawMode(false);
    input.pause();
  };
}
