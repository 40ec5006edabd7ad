// COPY/ADD `--chown` and USER values `user[:group]` with numeric-id detection as BuildKit does it
// (dockerfile2llb parseUser: strconv.ParseUint(s, 10, 32) → id, else a name).
import { clampSpan, fail, ok, parseGoUint, type ValueResult } from "./result.js";

/** A user or group: a numeric id or a name to resolve in the image's /etc/passwd or /etc/group. */
export type Principal = { id: number } | { name: string };

/** A parsed `user[:group]`. `user` is absent for `:group`. */
export interface Chown {
  user?: Principal;
  group?: Principal;
}

function principal(s: string): Principal {
  const n = parseGoUint(s, 10, 32);
  return n !== undefined ? { id: n } : { name: s };
}

/**
 * Parses `user[:group]`: split at the first `:` (so `a:b:c` is user `a`, group `b:c`, as in
 * BuildKit); each side that is all decimal digits and below 2^32 is a numeric id, anything else a
 * name. An empty value, an empty group after `:`, or `:` alone is an error; `:group` alone is
 * accepted (group only).
 */
export function parseChown(text: string): ValueResult<Chown> {
  return clampSpan(text, parseChownImpl(text));
}

function parseChownImpl(text: string): ValueResult<Chown> {
  const hint = "user, user:group, uid or uid:gid (e.g. 1000:1000, app:app)";
  if (text === "") return fail("empty user", { hint });
  const colon = text.indexOf(":");
  const u = colon < 0 ? text : text.slice(0, colon);
  const g = colon < 0 ? undefined : text.slice(colon + 1);
  if (g === "") return fail(`missing group after ':' in '${text}'`, { hint, offset: colon, length: 1 });
  if (u === "" && g === undefined) return fail("empty user", { hint });
  // One literal per shape, keys in sorted order (`group` before `user`): the IR keeps this object
  // as a copy op's `chown` and prints its keys in insertion order (compiler/lower/values.ts).
  if (g === undefined) return ok({ user: principal(u) });
  return ok(u === "" ? { group: principal(g) } : { group: principal(g), user: principal(u) });
}
