// The base class of every error a user sees: its message says what to do, and rubber-workshop prints it as
// is, without a stack trace. Plain JavaScript, because the rootfs scripts (run without a build) throw one too.

export class UserError extends Error {
  /** The exit status the command ends with. */
  exitCode = 2;
}
