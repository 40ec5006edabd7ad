// Debian version strings: parsing and comparison exactly as dpkg does it (Debian Policy §5.6.12,
// dpkg `lib/dpkg/version.c` semantics: epoch, then upstream and revision by `verrevcmp`).

/** A parsed Debian version `[epoch:]upstream[-revision]`. */
export interface DebVersion {
  epoch: number;
  upstream: string;
  /** Empty when the version has no `-revision` (compares equal to `0`). */
  revision: string;
}

/** A dependency version relation (Policy §7.1); the obsolete `<` and `>` are normalised to `<=`/`>=`. */
export type Relation = "<<" | "<=" | "=" | ">=" | ">>";

/**
 * Splits a version string into epoch, upstream and revision. Lenient like dpkg's comparator: it
 * never throws; a non-numeric epoch counts as 0. Use `isValidVersion` to validate user input.
 */
export function parseVersion(v: string): DebVersion {
  const s = v.trim();
  const colon = s.indexOf(":");
  let epoch = 0;
  let rest = s;
  if (colon >= 0) {
    const e = Number(s.slice(0, colon));
    epoch = Number.isInteger(e) && e >= 0 ? e : 0;
    rest = s.slice(colon + 1);
  }
  const dash = rest.lastIndexOf("-");
  if (dash >= 0) return { epoch, upstream: rest.slice(0, dash), revision: rest.slice(dash + 1) };
  return { epoch, upstream: rest, revision: "" };
}

/** True if `v` is a syntactically valid Debian version (Policy §5.6.12). */
export function isValidVersion(v: string): boolean {
  const m = /^(?:(\d+):)?([^:]*)$/.exec(v);
  if (m === null) return false;
  const body = m[2]!;
  const dash = body.lastIndexOf("-");
  const upstream = dash >= 0 ? body.slice(0, dash) : body;
  const revision = dash >= 0 ? body.slice(dash + 1) : "";
  if (!/^[0-9][A-Za-z0-9.+~-]*$/.test(upstream)) return false;
  if (dash < 0 && upstream.includes("-")) return false;
  return dash < 0 || /^[A-Za-z0-9.+~]+$/.test(revision);
}

const C_0 = 48;
const C_9 = 57;
const C_TILDE = 126;

function isDigit(c: number): boolean {
  return c >= C_0 && c <= C_9;
}

/** dpkg's character weight: `~` sorts before everything, even the end of the string; letters before non-letters. */
function order(s: string, i: number): number {
  if (i >= s.length) return 0;
  const c = s.charCodeAt(i);
  if (isDigit(c)) return 0;
  if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) return c;
  if (c === C_TILDE) return -1;
  return c + 256;
}

/** dpkg `verrevcmp`: alternating non-digit (by `order`) and digit (numeric) runs. */
function verrevcmp(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let firstDiff = 0;
    while ((i < a.length && !isDigit(a.charCodeAt(i))) || (j < b.length && !isDigit(b.charCodeAt(j)))) {
      const ac = order(a, i);
      const bc = order(b, j);
      if (ac !== bc) return ac - bc;
      i++;
      j++;
    }
    while (i < a.length && a.charCodeAt(i) === C_0) i++;
    while (j < b.length && b.charCodeAt(j) === C_0) j++;
    while (i < a.length && j < b.length && isDigit(a.charCodeAt(i)) && isDigit(b.charCodeAt(j))) {
      if (firstDiff === 0) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (i < a.length && isDigit(a.charCodeAt(i))) return 1;
    if (j < b.length && isDigit(b.charCodeAt(j))) return -1;
    if (firstDiff !== 0) return firstDiff;
  }
  return 0;
}

/** Compares two versions: negative if a < b, 0 if equal, positive if a > b (dpkg order). */
export function compareVersions(a: string, b: string): number {
  if (a === b) return 0;
  const pa = parseVersion(a);
  const pb = parseVersion(b);
  if (pa.epoch !== pb.epoch) return pa.epoch < pb.epoch ? -1 : 1;
  const u = verrevcmp(pa.upstream, pb.upstream);
  if (u !== 0) return u < 0 ? -1 : 1;
  const r = verrevcmp(pa.revision, pb.revision);
  return r < 0 ? -1 : r > 0 ? 1 : 0;
}

/** True if `version` satisfies `relation constraint` (e.g. `satisfies("1.2-1", ">=", "1.2")`). */
export function satisfiesRelation(version: string, relation: Relation, constraint: string): boolean {
  const c = compareVersions(version, constraint);
  switch (relation) {
    case "<<":
      return c < 0;
    case "<=":
      return c <= 0;
    case "=":
      return c === 0;
    case ">=":
      return c >= 0;
    case ">>":
      return c > 0;
  }
}
