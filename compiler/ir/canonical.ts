// Canonical JSON and content digests for IR ops: sorted keys, no whitespace, `undefined` dropped.
import { hash } from "node:crypto";
import type { Digest, Op, OpId } from "./types.js";

/**
 * Serialises a JSON value canonically: object keys sorted by UTF-16 code units, no whitespace,
 * properties whose value is `undefined` omitted (as JSON.stringify does). Equal values give equal
 * strings, so the result is safe to hash. Non-JSON values (functions, symbols) are not expected.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) {
    let s = "[";
    for (let i = 0; i < value.length; i++) {
      if (i > 0) s += ",";
      const v = value[i];
      s += v === undefined ? "null" : canonicalJson(v);
    }
    return s + "]";
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  // Most IR objects are built with keys already in order: check before sorting.
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1]! > keys[i]!) {
      keys.sort();
      break;
    }
  }
  let s = "{";
  let first = true;
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined) continue;
    if (!first) s += ",";
    first = false;
    s += JSON.stringify(k) + ":" + canonicalJson(v);
  }
  return s + "}";
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
