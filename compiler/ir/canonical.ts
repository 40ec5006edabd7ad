// Canonical JSON and content digests for IR ops: sorted keys, no whitespace, `undefined` dropped.
import { sha256 } from "./digest.js";
import type { Op, OpId } from "./types.js";

export { sha256 } from "./digest.js";
// Ops are sealed by their kind's own writer; re-exported here, where lowering imports them from.
export { sealOp, UNSEALED } from "./serialise.js";

/** Set by `canon` when it meets an integer-like key (which JSON.stringify would emit first). */
let sawIntegerKey = false;

function isIntegerKey(k: string): boolean {
  const c = k.charCodeAt(0);
  return c >= 48 && c <= 57 && /^(0|[1-9]\d*)$/.test(k);
}

/**
 * True when JSON.stringify(value) is already canonical: every object's keys are sorted, none is
 * integer-like and none holds `undefined`. Uses `for…in` (V8's enum cache) rather than
 * `Object.keys`, so checking an op allocates nothing; `canon` below is the allocating fallback.
 */
function isCanonical(value: unknown): boolean {
  if (value === null || typeof value !== "object") return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!isCanonical(value[i])) return false;
    return true;
  }
  const obj = value as Record<string, unknown>;
  let prev = "";
  let first = true;
  for (const k in obj) {
    if (!first && prev > k) return false;
    if (isIntegerKey(k)) return false;
    const v = obj[k];
    if (v === undefined || !isCanonical(v)) return false;
    prev = k;
    first = false;
  }
  return true;
}

/**
 * Returns `value` itself when every object in it has sorted keys and no `undefined` values (no
 * allocation: IR objects mostly are), else a copy with keys sorted and `undefined` dropped.
 */
function canon(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      const s = canon(v);
      if (s !== v && out === undefined) out = value.slice(0, i);
      if (out !== undefined) out.push(s);
    }
    return out ?? value;
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  let sorted = true;
  // Canonical children, allocated only once a child turns out not to be canonical (each child is
  // visited once, so this stays linear in the size of the value).
  let vals: unknown[] | undefined;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (i > 0 && keys[i - 1]! > k) sorted = false;
    if (!sawIntegerKey && isIntegerKey(k)) sawIntegerKey = true;
    const v = obj[k];
    const s = canon(v);
    if ((s !== v || v === undefined) && vals === undefined) {
      vals = [];
      for (let j = 0; j < i; j++) vals.push(obj[keys[j]!]);
    }
    if (vals !== undefined) vals.push(s);
  }
  if (sorted && vals === undefined) return obj;
  const order = keys.map((_, i) => i);
  if (!sorted) order.sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : 0));
  const out: Record<string, unknown> = {};
  for (const i of order) {
    const v = vals === undefined ? obj[keys[i]!] : vals[i];
    if (v !== undefined) out[keys[i]!] = v;
  }
  return out;
}

/**
 * Serialises a JSON value canonically: object keys sorted by UTF-16 code units, no whitespace,
 * properties whose value is `undefined` omitted (as JSON.stringify does). Equal values give equal
 * strings, so the result is safe to hash. Fast path: sort keys (usually a no-op check) and let the
 * native JSON.stringify write; objects with integer-like keys (which JSON.stringify would emit
 * first) take a slower hand-written path.
 */
export function canonicalJson(value: unknown): string {
  // Fastest path (nearly every op): the value is already canonical, checked without allocating
  // anything, so the native writer can serialise it directly.
  if (isCanonical(value)) return JSON.stringify(value) ?? "null";
  sawIntegerKey = false;
  const v = canon(value);
  return sawIntegerKey ? slowCanonical(v) : (JSON.stringify(v) ?? "null");
}

function slowCanonical(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return "[" + value.map((v) => (v === undefined ? "null" : slowCanonical(v))).join(",") + "]";
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  const parts: string[] = [];
  for (const k of keys) if (obj[k] !== undefined) parts.push(JSON.stringify(k) + ":" + slowCanonical(obj[k]));
  return "{" + parts.join(",") + "}";
}

/**
 * The id of an op: sha256 of the canonical JSON of every field except `id`. Since `inputs` holds the
 * ids of input ops, an op id covers the op's whole history (a Merkle DAG). The generic reference for
 * `sealOp`, which computes the same id faster (compiler/ir/serialise.ts).
 */
export function opId(op: Omit<Op, "id"> | Op): OpId {
  const { id: _ignored, ...content } = op as Op;
  return sha256(canonicalJson(content));
}
