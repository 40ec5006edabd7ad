// Typed operational errors of the OCI image layer (store, layers, import/export): each has a stable `code`.
import type { Digest } from "./digest.js";

/** Stable error codes of `runtime/image`. A code is never reused for a different meaning. */
export type ImageErrorCode =
  | "IMG_DIGEST_MISMATCH"
  | "IMG_SIZE_MISMATCH"
  | "IMG_INVALID_DIGEST"
  | "IMG_BLOB_NOT_FOUND"
  | "IMG_IMAGE_NOT_FOUND"
  | "IMG_INVALID_REFERENCE"
  | "IMG_INVALID_IMAGE"
  | "IMG_UNSUPPORTED_MEDIA_TYPE"
  | "IMG_STORE_LOCKED"
  | "IMG_STORE_BUSY"
  | "IMG_STORE_CORRUPT"
  | "IMG_UNSAFE_ARCHIVE_ENTRY"
  | "IMG_MALFORMED_ARCHIVE"
  | "IMG_UNSUPPORTED_FILE"
  | "IMG_TOOL_FAILED"
  | "IMG_IO";

/** Context carried by every image error: what failed and where. */
export interface ImageErrorContext {
  path?: string;
  digest?: Digest | string;
  cause?: unknown;
}

/** Base class of every operational error thrown by `runtime/image`. */
export class ImageError extends Error {
  readonly code: ImageErrorCode;
  readonly path: string | undefined;
  readonly digest: string | undefined;
  constructor(code: ImageErrorCode, message: string, ctx: ImageErrorContext = {}) {
    super(message, ctx.cause !== undefined ? { cause: ctx.cause } : undefined);
    this.name = new.target.name;
    this.code = code;
    this.path = ctx.path;
    this.digest = ctx.digest;
  }
}

/** Content read did not hash to the digest it was addressed by (or expected to have). */
export class DigestMismatchError extends ImageError {
  readonly expected: string;
  readonly actual: string;
  constructor(expected: string, actual: string, ctx: ImageErrorContext = {}) {
    super("IMG_DIGEST_MISMATCH", `digest mismatch${ctx.path ? ` in ${ctx.path}` : ""}: expected ${expected}, got ${actual}`, {
      ...ctx,
      digest: expected,
    });
    this.expected = expected;
    this.actual = actual;
  }
}

/** Content had a different length than its descriptor says. */
export class SizeMismatchError extends ImageError {
  constructor(digest: string, expected: number, actual: number, ctx: ImageErrorContext = {}) {
    super("IMG_SIZE_MISMATCH", `size mismatch for ${digest}: expected ${expected} bytes, got ${actual}`, { ...ctx, digest });
  }
}

/** A string is not a valid `sha256:<64 hex>` digest. */
export class InvalidDigestError extends ImageError {
  constructor(value: string, ctx: ImageErrorContext = {}) {
    super("IMG_INVALID_DIGEST", `invalid digest '${value}' (expected sha256:<64 lowercase hex>)`, { ...ctx, digest: value });
  }
}

/** A blob is not in the store (or layout). */
export class BlobNotFoundError extends ImageError {
  constructor(digest: string, ctx: ImageErrorContext = {}) {
    super("IMG_BLOB_NOT_FOUND", `blob ${digest} not found${ctx.path ? ` (${ctx.path})` : ""}`, { ...ctx, digest });
  }
}

/** No image matches a name, tag or digest. */
export class ImageNotFoundError extends ImageError {
  readonly reference: string;
  constructor(reference: string, ctx: ImageErrorContext = {}) {
    super("IMG_IMAGE_NOT_FOUND", `image '${reference}' not found${ctx.path ? ` in ${ctx.path}` : ""}`, ctx);
    this.reference = reference;
  }
}

/** An image, manifest, config or archive does not follow the OCI / Docker format. */
export class InvalidImageError extends ImageError {
  constructor(message: string, ctx: ImageErrorContext = {}) {
    super("IMG_INVALID_IMAGE", message, ctx);
  }
}

/** A tar entry would write outside the extraction root, or is otherwise hostile. */
export class UnsafeArchiveEntryError extends ImageError {
  readonly entry: string;
  constructor(entry: string, reason: string, ctx: ImageErrorContext = {}) {
    super("IMG_UNSAFE_ARCHIVE_ENTRY", `refusing archive entry '${entry}': ${reason}`, { ...ctx, path: ctx.path ?? entry });
    this.entry = entry;
  }
}

/** A tar stream is truncated or has a corrupt header. */
export class MalformedArchiveError extends ImageError {
  constructor(message: string, ctx: ImageErrorContext = {}) {
    super("IMG_MALFORMED_ARCHIVE", message, ctx);
  }
}

/** The store's lock could not be taken in time, or the store is in use by an operation that needs it alone. */
export class StoreLockError extends ImageError {
  constructor(code: "IMG_STORE_LOCKED" | "IMG_STORE_BUSY", message: string, ctx: ImageErrorContext = {}) {
    super(code, message, ctx);
  }
}

/** A host tool (getfattr, setfattr, mknod) failed. */
export class ToolError extends ImageError {
  constructor(tool: string, message: string, ctx: ImageErrorContext = {}) {
    super("IMG_TOOL_FAILED", `${tool}: ${message}`, ctx);
  }
}

/** Wraps a Node fs error with the path involved; other errors pass through unchanged. */
export function ioError(err: unknown, path: string, what: string): Error {
  if (err instanceof ImageError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return new ImageError("IMG_IO", `${what} ${path}: ${code ?? (err as Error)?.message ?? String(err)}`, { path, cause: err });
}
