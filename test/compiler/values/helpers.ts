// Assertion helpers shared by the value-parser tables.
import * as assert from "uvu/assert";
import type { ValueResult } from "../../../compiler/values/result.js";

/** Asserts success with the expected value. */
export function expectOk<T>(r: ValueResult<T>, value: T, label = ""): void {
  if (!r.ok) assert.unreachable(`${label}: expected ok, got error: ${r.message}`);
  else assert.equal(r.value, value, label);
}

/** Asserts failure whose message matches; optionally its span and hint. */
export function expectErr<T>(r: ValueResult<T>, message: RegExp, span?: [number, number], hint?: RegExp, label = ""): void {
  if (r.ok) assert.unreachable(`${label}: expected an error matching ${message}, got ${JSON.stringify(r.value, (_k, v) => (typeof v === "bigint" ? `${v}n` : v))}`);
  else {
    assert.match(r.message, message, label);
    if (span) assert.equal([r.offset, r.length], span, `${label}: span of "${r.message}"`);
    if (hint) assert.match(r.hint ?? "", hint, label);
  }
}
