import { expect, it } from 'vitest';
import { internalErrorText, UserError, userErrorText } from '../../src/errors.js';
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
