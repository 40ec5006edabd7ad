// Typed operational errors of the Debian package source: every error carries a stable `code`, a
// `cause` where one exists, and the path / URL / digest involved.

/** Base class of every error thrown by `runtime/packages`. */
export class PackagesError extends Error {
  /** Stable machine-readable code, e.g. `PKG_DIGEST_MISMATCH`. Never reused for another meaning. */
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The apt configuration (or `--mirror`) gives no usable mirror, or a sources file is malformed. */
export class MirrorConfigError extends PackagesError {
  /** The sources file involved, if any. */
  readonly path: string | undefined;
  constructor(message: string, path?: string, cause?: unknown) {
    super("PKG_MIRROR_CONFIG", message, { cause });
    this.path = path;
  }
}

/** An HTTP request failed (network error or non-2xx status). */
export class FetchError extends PackagesError {
  readonly url: string;
  /** HTTP status, or undefined for a network-level failure. */
  readonly status: number | undefined;
  constructor(url: string, status: number | undefined, cause?: unknown) {
    super(
      "PKG_FETCH",
      status === undefined ? `fetching ${url} failed: ${String((cause as Error)?.message ?? cause)}` : `fetching ${url} failed: HTTP ${status}`,
      { cause },
    );
    this.url = url;
    this.status = status;
  }
}

/** Downloaded or cached bytes do not have the digest (or size) the signed metadata promised. */
export class DigestMismatchError extends PackagesError {
  /** Where the bytes came from (URL or cache path). */
  readonly source: string;
  /** Expected lowercase hex sha256. */
  readonly expected: string;
  /** Actual lowercase hex sha256 of what arrived. */
  readonly actual: string;
  constructor(source: string, expected: string, actual: string, detail = "") {
    super(
      "PKG_DIGEST_MISMATCH",
      `sha256 mismatch for ${source}: expected ${expected}, got ${actual}${detail ? ` (${detail})` : ""}`,
    );
    this.source = source;
    this.expected = expected;
    this.actual = actual;
  }
}

/** The InRelease signature is missing, bad, made by an unknown/expired/revoked key, or gpgv failed. */
export class SignatureError extends PackagesError {
  /** The InRelease URL or file that failed verification. */
  readonly source: string;
  /** The gpgv status lines that led to the rejection. */
  readonly status: string[];
  constructor(source: string, reason: string, status: string[] = [], cause?: unknown) {
    super("PKG_SIGNATURE", `signature verification of ${source} failed: ${reason}`, { cause });
    this.source = source;
    this.status = status;
  }
}

/** Release metadata is unusable: expired (`Valid-Until`), dated in the future, wrong suite, index not listed. */
export class ReleaseError extends PackagesError {
  readonly source: string;
  constructor(code: "PKG_RELEASE_EXPIRED" | "PKG_RELEASE_FUTURE" | "PKG_RELEASE_SUITE" | "PKG_RELEASE_NO_INDEX" | "PKG_RELEASE_FORMAT", source: string, message: string) {
    super(code, `${source}: ${message}`);
    this.source = source;
  }
}

/** A dependency request cannot be satisfied; `explanation` holds one line per failed chain. */
export class ResolveError extends PackagesError {
  /** Human-readable chains, e.g. `foo 1.0 → libbar (>= 2) but 1.9 is the newest`. */
  readonly explanation: string[];
  constructor(code: "PKG_UNKNOWN" | "PKG_UNSATISFIABLE", explanation: string[]) {
    super(code, explanation.join("\n"));
    this.explanation = explanation;
  }
}

/** A .deb (ar/tar/control) is malformed or uses an unsupported feature. */
export class DebFormatError extends PackagesError {
  readonly path: string;
  constructor(path: string, message: string, cause?: unknown) {
    super("PKG_DEB_FORMAT", `${path}: ${message}`, { cause });
    this.path = path;
  }
}

/** An archive entry would be written outside the target root (absolute, `..`, symlinked parent). */
export class UnsafePathError extends PackagesError {
  /** The entry name as it appears in the archive. */
  readonly entry: string;
  /** The target root. */
  readonly root: string;
  constructor(root: string, entry: string, reason: string) {
    super("PKG_UNSAFE_PATH", `refusing archive entry '${entry}' for root ${root}: ${reason}`);
    this.entry = entry;
    this.root = root;
  }
}

/** A lockfile is malformed, or `--frozen-lockfile` found the spec no longer matches it. */
export class LockfileError extends PackagesError {
  readonly path: string;
  constructor(code: "PKG_LOCK_FORMAT" | "PKG_LOCK_MISMATCH", path: string, message: string) {
    super(code, `${path}: ${message}`);
    this.path = path;
  }
}

/** Unpacking hit something in the way (e.g. a directory where the archive has a file). */
export class UnpackError extends PackagesError {
  /** The absolute path involved. */
  readonly path: string;
  constructor(path: string, message: string, cause?: unknown) {
    super("PKG_UNPACK", `${path}: ${message}`, { cause });
    this.path = path;
  }
}
