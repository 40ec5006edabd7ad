// Canonical JSON and content digests for IR ops: sorted keys, no whitespace, `undefined` dropped.
import { hash } from "node:crypto";
import type { Digest, Op, OpId } from "./types.js";

/**
 * Returns `value` with every object's keys in sorted (UTF-16 code unit) order and `undefined`
 * properties dropped. Objects that are already canonical are returned as is (no allocation), so
 * for IR objects, which are mostly built in order, this is a cheap check.
 */
function sortDeep(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      const s = sortDeep(v);
      if (s !== v && out === undefined) out = value.slice(0, i);
      if (out !== undefined) out.push(s);
    }
    return out ?? value;
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  let sorted = true;
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1]! > keys[i]!) {
      sorted = false;
      break;
    }
  }
  let changed = !sorted;
  const vals = new Array<unknown>(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const v = obj[keys[i]!];
    const s = sortDeep(v);
    vals[i] = s;
    if (s !== v || v === undefined) changed = true;
  }
  if (!changed) return obj;
  const order = keys.map((k, i) => [k, i] as const);
  if (!sorted) order.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: Record<string, unknown> = {};
  for (const [k, i] of order) if (vals[i] !== undefined) out[k] = vals[i];
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
  const v = sortDeep(value);
  return hasIntegerKeys(v) ? slowCanonical(v) : (JSON.stringify(v) ?? "null");
}

function hasIntegerKeys(value: unknown): boolean {
  if (value === null || typeof value !== "object") return false;
  if (Array.isArray(value)) return value.some(hasIntegerKeys);
  for (const k in value as Record<string, unknown>) {
    const c = k.charCodeAt(0);
    if (c >= 48 && c <= 57 && /^(0|[1-9]\d*)$/.test(k)) return true;
    if (hasIntegerKeys((value as Record<string, unknown>)[k])) return true;
  }
  return false;
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

/** sha256 of a UTF-8 string as a `sha256:<hex>` digest. */
export function sha256(text: string): Digest {
  return `sha256:${hash("sha256", text, "hex")}`;
}

/**
 * The id of an op: sha256 of the canonical JSON of every field except `id`. Since `inputs` holds the
 * ids of input ops, an op id covers the op's whole history (a Merkle DAG).
 */
export function opId(op: Omit<Op, "id"> | Op): OpId {
  const { id: _ignored, ...content } = op as Op;
  return sha256(canonicalJson(content));
}

/** Returns `op` with its `id` set from its content (the object is rebuilt with `id` first). */
export function sealOp<T extends Op>(op: Omit<T, "id">): T {
  const id = sha256(canonicalJson(op));
  return { id, ...op } as T;
}
