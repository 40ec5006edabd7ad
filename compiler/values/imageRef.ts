// Image references `[domain[:port]/]path[:tag][@digest]` validated against the distribution
// reference grammar (distribution/reference regexp.go, normalize.go) — without ever inserting a
// default registry host.
import { clampSpan, fail, ok, quote, type ValueResult } from "./result.js";

/** A parsed image reference. */
export interface ImageRef {
  /** Registry host (with port) when the reference names one, else absent. Never defaulted. */
  domain?: string;
  /** Repository path as written (`alpine`, `library/alpine`, `org/app`). */
  path: string;
  /**
   * The path with `library/` prepended when there is no domain and the path has one component
   * (Docker Hub's official-image convention), otherwise equal to `path`.
   */
  libraryPath: string;
  tag?: string;
  /** `algorithm:hex`. */
  digest?: string;
}

/** Maximum length of the name part (distribution reference NameTotalLengthMax). */
export const NAME_TOTAL_LENGTH_MAX = 255;

// Grammar pieces (distribution/reference regexp.go).
const ALNUM = "[a-z0-9]+";
const SEPARATOR = "(?:[._]|__|[-]+)";
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const PATH = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN_NAME = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*`;
const IPV6 = "\\[(?:[a-fA-F0-9:]+)\\]";
const DOMAIN = new RegExp(`^(?:${DOMAIN_NAME}|${IPV6})(?::[0-9]+)?$`);
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const HEX64 = /^[a-f0-9]{64}$/;
/** Known digest algorithms and their hex lengths (opencontainers/go-digest). */
const DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

/**
 * Parses an image reference. The first path component is a domain only if it contains `.` or
 * `:`, is `localhost`, or has an upper-case letter (distribution's splitDockerDomain rule);
 * otherwise the reference has no domain and none is invented. Validates: domain components and
 * port; lower-case path components separated by `.`, `_`, `__` or dashes; tag `[\w][\w.-]{0,127}`;
 * digest `algorithm:hex` with the exact lower-case hex length for sha256/sha384/sha512; name at
 * most 255 characters; a 64-hex-digit name is refused (it looks like an image id).
 */
export function parseImageRef(text: string): ValueResult<ImageRef> {
  return clampSpan(text, parseImageRefImpl(text));
}

function parseImageRefImpl(text: string): ValueResult<ImageRef> {
  if (text === "") return fail("invalid reference format: empty image reference", { hint: "e.g. debian:bookworm, org/app:1.2, host:5000/app@sha256:…" });
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    const d = validateDigest(digest);
    if (d !== undefined) return fail(`invalid reference format: ${d}`, { hint: "a digest is algorithm:hex, e.g. sha256: followed by 64 lower-case hex digits", offset: at + 1, length: digest.length || 1 });
  }
  // The tag is after the last ':' that comes after the last '/'.
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf("/");
  const colon = rest.indexOf(":", lastSlash + 1);
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return fail(`invalid reference format: invalid tag ${quote(tag)}`, { hint: "a tag has up to 128 letters, digits, '_', '.', '-' and does not start with '.' or '-'", offset: colon + 1, length: tag.length || 1 });
  }
  const name = rest;
  if (name === "") return fail("invalid reference format: missing repository name", { offset: 0, length: text.length });
  if (name.length > NAME_TOTAL_LENGTH_MAX) return fail(`invalid reference format: repository name must not be more than ${NAME_TOTAL_LENGTH_MAX} characters`, { offset: 0, length: name.length });
  let domain: string | undefined;
  let path = name;
  const slash = name.indexOf("/");
  if (slash >= 0) {
    const first = name.slice(0, slash);
    if (first.includes(".") || first.includes(":") || first === "localhost" || first.toLowerCase() !== first) {
      domain = first;
      path = name.slice(slash + 1);
      if (!DOMAIN.test(domain)) return fail(`invalid reference format: invalid registry host ${quote(domain)}`, { hint: "host[:port] with letters, digits and '-' between dots", offset: 0, length: domain.length });
    }
  }
  const pathOffset = domain === undefined ? 0 : domain.length + 1;
  if (!PATH.test(path)) {
    const lower = path.toLowerCase();
    const why = lower !== path && PATH.test(lower) ? "repository name must be lowercase" : `invalid repository name ${quote(path)}`;
    return fail(`invalid reference format: ${why}`, {
      hint: "path components use lower-case letters and digits, separated by '.', '_', '__' or '-', joined by '/'",
      offset: pathOffset,
      length: Math.max(1, path.length),
    });
  }
  if (domain === undefined && HEX64.test(path)) {
    return fail(`invalid repository name (${path}), cannot specify 64-byte hexadecimal strings`, { offset: 0, length: path.length });
  }
  const ref: ImageRef = { path, libraryPath: domain === undefined && !path.includes("/") ? `library/${path}` : path };
  if (domain !== undefined) ref.domain = domain;
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return ok({ ...(domain !== undefined ? { domain } : {}), ...ref });
}

function validateDigest(d: string): string | undefined {
  if (!DIGEST.test(d)) return `invalid digest ${quote(d)}`;
  const [alg, hex] = [d.slice(0, d.indexOf(":")), d.slice(d.indexOf(":") + 1)];
  const len = DIGEST_HEX_LENGTH[alg];
  if (len === undefined) return `unsupported digest algorithm ${quote(alg)}`;
  if (hex.length !== len || !/^[a-f0-9]+$/.test(hex)) return `invalid ${alg} digest: expected ${len} lower-case hex digits`;
  return undefined;
}

/** Formats a reference back to text (`domain/path:tag@digest`, parts present only when set). */
export function formatImageRef(r: ImageRef): string {
  let s = r.domain !== undefined ? `${r.domain}/${r.path}` : r.path;
  if (r.tag !== undefined) s += `:${r.tag}`;
  if (r.digest !== undefined) s += `@${r.digest}`;
  return s;
}
