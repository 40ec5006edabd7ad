// Typed operational errors of the builder (`runtime/build`): each has a stable `code` and the failing path/op.

/** Stable error codes of `runtime/build`. */
export type BuildErrorCode =
  | "BUILD_SOURCE_NOT_FOUND"
  | "BUILD_SOURCE_ESCAPES_CONTEXT"
  | "BUILD_INVALID_COPY"
  | "BUILD_UNSUPPORTED"
  | "BUILD_BASE_NOT_FOUND"
  | "BUILD_USER_NOT_FOUND"
  | "BUILD_RUN_FAILED"
  | "BUILD_PACKAGES_FAILED"
  | "BUILD_INVALID_IR"
  | "BUILD_IO";

/** An operational build failure. `op` is the IR op id involved, `path` the file. */
export class BuildError extends Error {
  readonly code: BuildErrorCode;
  readonly path: string | undefined;
  readonly op: string | undefined;
  constructor(code: BuildErrorCode, message: string, ctx: { path?: string; op?: string; cause?: unknown } = {}) {
    super(message, ctx.cause !== undefined ? { cause: ctx.cause } : undefined);
    this.name = "BuildError";
    this.code = code;
    this.path = ctx.path;
    this.op = ctx.op;
  }
}
