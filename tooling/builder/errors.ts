// Operational errors of the typed builder API.
import type { Diagnostic } from "../../compiler/diagnostics/diagnostic.js";

/** Stable codes of builder errors. */
export type BuilderErrorCode = "VMSPEC_BUILDER_SPEC_ERRORS" | "VMSPEC_BUILDER_BAD_ARGUMENT";

/** A builder failure: the built spec has errors (see `diagnostics`), or an argument cannot be written. */
export class BuilderError extends Error {
  override readonly name = "BuilderError";
  constructor(
    readonly code: BuilderErrorCode,
    message: string,
    /** The spec's path as given to `spec({ path })`. */
    readonly path: string,
    /** The compiler's diagnostics (errors and warnings) for VMSPEC_BUILDER_SPEC_ERRORS. */
    readonly diagnostics: readonly Diagnostic[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
