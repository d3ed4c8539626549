import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { editorCommand, editorFailure, todoLine } from '../../../src/tui/editor.js';
import { loadLevels } from '../../../src/lessons.js';

describe('editorCommand', () => {
  it('prefers $VISUAL to $EDITOR', () => {
    expect(editorCommand({ VISUAL: 'nvim', EDITOR: 'nano' }, '/w/rd.ts', 7)).toEqual({ command: 'nvim', args: ['+7', '/w/rd.ts'], terminal: true });
  });

  it('keeps arguments given in $EDITOR', () => {
    expect(editorCommand({ EDITOR: 'emacs -nw' }, '/w/rd.ts', 3)).toEqual({ command: 'emacs', args: ['-nw', '+3', '/w/rd.ts'], terminal: true });
  });

  it('uses each editor’s way of naming a line', () => {
    expect(editorCommand({ EDITOR: '/usr/bin/hx' }, 'f', 2).args).toEqual(['f:2']);
    expect(editorCommand({ EDITOR: 'subl' }, 'f', 2)).toEqual({ command: 'subl', args: ['f:2'], terminal: false });
    expect(editorCommand({ EDITOR: 'codium --wait' }, 'f', 2)).toEqual({ command: 'codium', args: ['--wait', '-g', 'f:2'], terminal: false });
  });

  it('falls back to code -g without $VISUAL and $EDITOR, or code-server -g where that is all there is', () => {
    expect(editorCommand({}, '/w/rd.ts', 12)).toEqual({ command: 'code', args: ['-g', '/w/rd.ts:12'], terminal: false });
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-unit-editor-'));
    try {
      // code-server's own command takes FILE:LINE; VS Code's remote CLI (in …/remote-cli/, named code-server there) -g.
      fs.writeFileSync(path.join(bin, 'code-server'), '#!/bin/sh\n', { mode: 0o755 });
      expect(editorCommand({ PATH: `/nowhere:${bin}` }, '/w/rd.ts', 12)).toEqual({ command: path.join(bin, 'code-server'), args: ['/w/rd.ts:12'], terminal: false });
      const remote = path.join(bin, 'remote-cli');
      fs.mkdirSync(remote);
      fs.writeFileSync(path.join(remote, 'code-server'), '#!/bin/sh\n', { mode: 0o755 });
      expect(editorCommand({ PATH: `${remote}:${bin}` }, '/w/rd.ts', 12)).toEqual({ command: path.join(remote, 'code-server'), args: ['-g', '/w/rd.ts:12'], terminal: false });
      fs.writeFileSync(path.join(bin, 'code'), '#!/bin/sh\n', { mode: 0o755 });
      expect(editorCommand({ PATH: bin }, '/w/rd.ts', 12).command).toBe(path.join(bin, 'code'));
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
    }
  });

  it('opens an unknown editor on the file alone, in the terminal', () => {
    expect(editorCommand({ EDITOR: 'ed' }, 'f', 9)).toEqual({ command: 'ed', args: ['f'], terminal: true });
  });
});

describe('todoLine', () => {
  it('finds the first TODO comment, not prose mentioning one', () => {
    expect(todoLine(' * look for TODO below\ncode();\n  // TODO 1: fork\n// TODO 2: wait\n', '00')).toBe(3);
  });

  it('prefers a TODO naming the level', () => {
    expect(todoLine('// TODO(02): old\n// TODO(03): new\n', '03')).toBe(2);
    expect(todoLine('// TODO: something\n  // TODO for level 03: this\n', '03')).toBe(2);
  });

  it('is line 1 without TODOs', () => {
    expect(todoLine('done();\n', '00')).toBe(1);
  });

  it("finds the work in level 00's real stub", () => {
    const source = loadLevels()[0]!.stub();
    expect(source.split('\n')[todoLine(source, '00') - 1]).toMatch(/^\s*\/\/ TODO/);
  });
});

describe('editorFailure', () => {
  it('says how to choose an editor when the command is missing', () => {
    const err = Object.assign(new Error('spawn code ENOENT'), { code: 'ENOENT' });
    expect(editorFailure({ command: 'code', args: [], terminal: false }, err)).toBe(
      'Could not start "code": not found. Set $EDITOR to your editor\'s command and try again, or open rd.ts in your editor yourself.',
    );
  });
});
