import { describe, expect, test } from 'vitest';
import { SessionOutput, sessionEnv } from '../../src/vm/shell.js';

const text = (out: SessionOutput, ...chunks: string[]) => chunks.map((c) => out.push(Buffer.from(c)).toString()).join('');

describe('interactive session', () => {
  test('the harness gets the window size and terminal type, and nothing it would run', () => {
    expect(sessionEnv(30, 100, 'xterm-256color')).toBe('MODE=shell\nROWS=30\nCOLS=100\nTERM=xterm-256color\n');
    // run.env is sourced by the guest's shell: a TERM that is not a plain name falls back to vt100.
    expect(sessionEnv(undefined, 0, '$(reboot)')).toBe('MODE=shell\nROWS=24\nCOLS=80\nTERM=vt100\n');
    expect(sessionEnv(1.5, 99999, undefined)).toBe('MODE=shell\nROWS=24\nCOLS=80\nTERM=vt100\n');
  });

  test("the guest's output passes untouched, escape sequences and all", () => {
    const out = new SessionOutput();
    expect(text(out, 'a\x1b[31mred\x1b[0m\r\n', '\x1e not the end\r\n')).toBe('a\x1b[31mred\x1b[0m\r\n\x1e not the end\r\n');
    expect(out.code).toBeNull();
  });

  test("the end line is taken off and read for the exit status, with what follows it", () => {
    const out = new SessionOutput();
    expect(text(out, '# exit 3\r\n\x1erw1 exit 3\n[ 1.0] reboot: Power down\r\n')).toBe('# exit 3\r\n');
    expect(out.code).toBe(3);
    expect(text(out, 'more')).toBe('');
  });

  test('an end line split across chunks is held until it is whole', () => {
    const out = new SessionOutput();
    expect(text(out, 'bye\r\n\x1erw1 ex')).toBe('bye\r\n');
    expect(text(out, 'it 0')).toBe('');
    expect(out.code).toBeNull();
    expect(text(out, '\n')).toBe('');
    expect(out.code).toBe(0);
  });

  test('a held start that turns out not to be the end line is shown', () => {
    const out = new SessionOutput();
    expect(text(out, 'x\x1erw1')).toBe('x');
    expect(text(out, ' shell?\n')).toBe('\x1erw1 shell?\n');
    expect(out.code).toBeNull();
  });
});
