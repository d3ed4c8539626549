// Types for user-error.mjs, which stays JavaScript so that the rootfs scripts can import it.
export declare class UserError extends Error {
  exitCode: number;
}
