// Release/InRelease metadata (Debian wiki "DebianRepository/Format", section "Release"): suite
// identity, dates, and the SHA256 table of the indices it vouches for.
import { parseDeb822 } from "./deb822.js";
import { ReleaseError } from "./errors.js";

/** One file the Release lists under `SHA256:`. */
export interface ReleaseFile {
  sha256: string;
  size: number;
}

/** The parsed fields of a Release file. */
export interface Release {
  suite: string;
  codename: string;
  /** `Date` as a JS timestamp (ms), or NaN when absent. */
  date: number;
  /** `Valid-Until` as a JS timestamp (ms), or undefined when absent. */
  validUntil: number | undefined;
  architectures: string[];
  components: string[];
  acquireByHash: boolean;
  /** `No-Support-for-Architecture-all: Packages`: `all` packages are also in every binary-<arch> index. */
  allInArchIndices: boolean;
  /** Path (relative to `dists/<suite>/`) → digest and size, from the `SHA256` field. */
  files: Map<string, ReleaseFile>;
}

/** Parses verified Release content. Throws `ReleaseError` (`PKG_RELEASE_FORMAT`) when unusable. */
export function parseRelease(source: string, content: string): Release {
  const { stanzas } = parseDeb822(content);
  const s = stanzas[0];
  if (s === undefined) throw new ReleaseError("PKG_RELEASE_FORMAT", source, "empty Release");
  const files = new Map<string, ReleaseFile>();
  for (const line of (s.get("SHA256") ?? "").split("\n")) {
    const parts = line.trim().split(/\s+/);
    if (parts.length !== 3) continue;
    const [sha, size, path] = parts as [string, string, string];
    if (!/^[0-9a-f]{64}$/i.test(sha)) continue;
    files.set(path, { sha256: sha.toLowerCase(), size: Number(size) });
  }
  if (files.size === 0) throw new ReleaseError("PKG_RELEASE_FORMAT", source, "no SHA256 entries (MD5/SHA1-only Release files are not accepted)");
  const vu = s.get("Valid-Until");
  const words = (f: string) => (s.get(f) ?? "").split(/\s+/).filter((w) => w !== "");
  return {
    suite: s.get("Suite") ?? "",
    codename: s.get("Codename") ?? "",
    date: Date.parse(s.get("Date") ?? ""),
    validUntil: vu === undefined ? undefined : Date.parse(vu),
    architectures: words("Architectures"),
    components: words("Components"),
    acquireByHash: (s.get("Acquire-By-Hash") ?? "").toLowerCase() === "yes",
    allInArchIndices: (s.get("No-Support-for-Architecture-all") ?? "").trim() === "Packages",
    files,
  };
}

/** Tolerated clock skew for `Date` in the future (apt's default is 10 s; we allow 10 minutes). */
export const MAX_FUTURE_SKEW_MS = 10 * 60 * 1000;

/**
 * Checks a Release against the requested suite and the clock: the requested name must be its
 * `Codename` or `Suite`, `Valid-Until` (when present) must not have passed, and `Date` must not be
 * in the future. Throws `ReleaseError`.
 */
export function checkRelease(source: string, r: Release, suite: string, now: number): void {
  if (r.codename !== suite && r.suite !== suite) {
    throw new ReleaseError("PKG_RELEASE_SUITE", source, `asked for suite '${suite}' but the signed Release is for '${r.codename || r.suite}'`);
  }
  if (r.validUntil !== undefined) {
    if (Number.isNaN(r.validUntil)) throw new ReleaseError("PKG_RELEASE_FORMAT", source, "unparsable Valid-Until");
    if (r.validUntil < now) throw new ReleaseError("PKG_RELEASE_EXPIRED", source, `expired: Valid-Until ${new Date(r.validUntil).toISOString()} is in the past`);
  }
  if (Number.isNaN(r.date)) throw new ReleaseError("PKG_RELEASE_FORMAT", source, "missing or unparsable Date");
  if (r.date > now + MAX_FUTURE_SKEW_MS) throw new ReleaseError("PKG_RELEASE_FUTURE", source, `Date ${new Date(r.date).toISOString()} is in the future`);
}
