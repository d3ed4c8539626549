import { expect, it } from 'vitest';
import fs from 'node:fs';
import { fileErrorText, internalErrorText, UserError, userErrorText } from '../../src/errors.js';
import { MissingToolError } from '../../rootfs-scripts/host-tools.mjs';
import { SetupError } from '../../src/vm/assets.js';
import { WorkspaceError } from '../../src/workspace.js';
import { SourcesError } from '../../src/check/provenance.js';
import { DeployError } from '../../src/deploy/error.js';
import { GradeError } from '../../src/grade/errors.js';
import { FileFormatError } from '../../src/json-file.js';

it('every error a user can act on is a UserError, shown as one line without a stack trace, exit 2', () => {
  for (const err of [new MissingToolError(['busybox']), new SetupError('s'), new WorkspaceError('w'), new SourcesError('o'), new DeployError('d'), new GradeError('g'), new FileFormatError('f')]) {
    expect(err).toBeInstanceOf(UserError);
    expect(err.exitCode).toBe(2);
    expect(userErrorText(err)).toBe(`rubber-workshop: ${err.message}\n`);
  }
});

it('an unexpected error is a short line and how to report it; the stack only when asked for', () => {
  const err = new TypeError("Cannot read properties of undefined (reading 'x')");
  expect(internalErrorText(err, {})).toBe("rubber-workshop: internal error: Cannot read properties of undefined (reading 'x')\nSet RUBBER_WORKSHOP_DEBUG=1 for details, and please report it.\n");
  expect(internalErrorText(err, { RUBBER_WORKSHOP_DEBUG: '1' })).toContain('    at ');
});

it("a file-system error on a path is the user's to fix, said with what to do; any other is not", () => {
  let err: unknown;
  try {
    fs.mkdirSync('/proc/rw-nothing-here');
  } catch (e) {
    err = e;
  }
  expect(fileErrorText(err)).toMatch(/^rubber-workshop: cannot make \/proc\/rw-nothing-here: (no such file or folder|permission denied|not permitted)/);
  expect(fileErrorText(Object.assign(new Error('x'), { code: 'ENOTDIR', syscall: 'open', path: '/a/b' }))).toBe(
    'rubber-workshop: cannot open /a/b: a part of that path is a file, not a folder: choose another path, or move the file\n');
  expect(fileErrorText(new TypeError('x'))).toBeUndefined();
  expect(fileErrorText(Object.assign(new Error('x'), { code: 'EIO', path: '/a' }))).toBeUndefined();
});
