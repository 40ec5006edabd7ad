// fast-check arbitraries of binary32/binary64 bit patterns that reach IEEE edge cases: specials,
// subnormals, range limits, values near rounding boundaries and correlated operand pairs.
import fc from "fast-check";
import type { Fmt } from "./reference.js";

const W = { S: { ew: 8, fw: 23, bias: 127 }, D: { ew: 11, fw: 52, bias: 1023 } };

/** Named special bit patterns of a format. */
export function specials(f: Fmt): bigint[] {
  const { ew, fw } = W[f];
  const sign = 1n << BigInt(ew + fw);
  const expAll = ((1n << BigInt(ew)) - 1n) << BigInt(fw);
  const fmask = (1n << BigInt(fw)) - 1n;
  const one = BigInt(W[f].bias) << BigInt(fw);
  const pos = [
    0n, // +0
    expAll, // +inf
    expAll | (1n << BigInt(fw - 1)), // canonical qNaN
    expAll | (1n << BigInt(fw - 1)) | 5n, // qNaN with payload
    expAll | 1n, // sNaN
    expAll | (fmask >> 1n), // sNaN, max payload
    1n, // min subnormal
    fmask, // max subnormal
    1n << BigInt(fw), // min normal
    (1n << BigInt(fw)) | 1n,
    expAll - 1n, // max finite
    expAll - 2n,
    one, // 1.0
    one | 1n, // 1 + ulp
    one - 1n, // 1 − ulp/2
    one + (1n << BigInt(fw)), // 2.0
    one | (1n << BigInt(fw - 1)), // 1.5
    (one - (1n << BigInt(fw))) , // 0.5
    (BigInt(W[f].bias + 31) << BigInt(fw)), // 2^31
    (BigInt(W[f].bias + 31) << BigInt(fw)) - 1n,
    (BigInt(W[f].bias + 32) << BigInt(fw)), // 2^32
    (BigInt(W[f].bias + 63) << BigInt(fw)), // 2^63
    (BigInt(W[f].bias + 63) << BigInt(fw)) - 1n,
    (BigInt(W[f].bias + 64) << BigInt(fw)), // 2^64
    (BigInt(W[f].bias + 64) << BigInt(fw)) - 1n,
  ];
  return [...pos, ...pos.map((v) => v | sign)];
}

/** Fraction fields rich in rounding-relevant patterns. */
function fraction(f: Fmt): fc.Arbitrary<bigint> {
  const fw = W[f].fw;
  const mask = (1n << BigInt(fw)) - 1n;
  return fc.oneof(
    fc.constant(0n),
    fc.constant(mask),
    fc.bigInt({ min: 0n, max: mask }),
    fc.integer({ min: 0, max: fw - 1 }).map((k) => 1n << BigInt(k)),
    fc.tuple(fc.bigInt({ min: 0n, max: mask }), fc.integer({ min: 1, max: fw })).map(([m, k]) => (m >> BigInt(k)) << BigInt(k)),
    fc.tuple(fc.bigInt({ min: 0n, max: mask }), fc.integer({ min: 1, max: fw })).map(([m, k]) => m | ((1n << BigInt(k)) - 1n)),
  );
}

/** Exponent fields near the edges of the range, near 1.0 and anywhere. */
function exponent(f: Fmt): fc.Arbitrary<number> {
  const { ew, bias } = W[f];
  const max = (1 << ew) - 1;
  const windows = f === "D" ? [543, 1503, 64, 2000, 2045] : [1, 254];
  return fc.oneof(
    fc.integer({ min: 0, max }),
    fc.integer({ min: 0, max: 3 }),
    fc.integer({ min: max - 3, max }),
    fc.integer({ min: bias - 4, max: bias + 4 }),
    fc.integer({ min: bias - 2, max: bias + 66 }),
    // Edges of the implementation's fast-path windows (binary64 exponents ±480, 64..2000).
    fc.constantFrom(...windows).chain((c) => fc.integer({ min: Math.max(0, c - 3), max: Math.min(c + 3, max) })),
  );
}

/** Builds a bit pattern from sign, exponent field and fraction. */
export function pack(f: Fmt, sign: number, e: number, frac: bigint): bigint {
  const { ew, fw } = W[f];
  return (BigInt(sign) << BigInt(ew + fw)) | (BigInt(e) << BigInt(fw)) | frac;
}

/** One operand: specials, structured values or raw random bits. */
export function value(f: Fmt): fc.Arbitrary<bigint> {
  const width = f === "S" ? 32 : 64;
  return fc.oneof(
    { arbitrary: fc.constantFrom(...specials(f)), weight: 2 },
    { arbitrary: fc.tuple(fc.integer({ min: 0, max: 1 }), exponent(f), fraction(f)).map(([s, e, m]) => pack(f, s, e, m)), weight: 5 },
    { arbitrary: fc.bigInt({ min: 0n, max: (1n << BigInt(width)) - 1n }), weight: 2 },
  );
}

/** A value whose exponent field is near `e` (for aligned additions and cancellations). */
function near(f: Fmt, e: number, spread: number): fc.Arbitrary<bigint> {
  const max = (1 << W[f].ew) - 2;
  return fc
    .tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: -spread, max: spread }), fraction(f))
    .map(([s, de, m]) => pack(f, s, Math.max(0, Math.min(max, e + de)), m));
}

const expOf = (f: Fmt, v: bigint) => Number((v >> BigInt(W[f].fw)) & ((1n << BigInt(W[f].ew)) - 1n));

/** Operand pairs: independent, or with close exponents (sums), or exponents summing near the range limits (products, quotients). */
export function pair(f: Fmt): fc.Arbitrary<[bigint, bigint]> {
  const { bias, ew } = W[f];
  const top = (1 << ew) - 2;
  return fc.oneof(
    fc.tuple(value(f), value(f)),
    value(f).chain((a) => near(f, expOf(f, a), f === "S" ? 30 : 60).map((b) => [a, b] as [bigint, bigint])),
    // a·b or a/b near the overflow or underflow threshold
    fc.tuple(fc.integer({ min: 1, max: top }), fc.constantFrom(0, 1, top, top - 1, bias)).chain(([ea, target]) =>
      fc.tuple(near(f, ea, 0), near(f, Math.max(0, Math.min(top, target - ea + bias)), 2), near(f, Math.max(0, Math.min(top, ea - target + bias)), 2))
        .chain(([a, bm, bd]) => fc.constantFrom([a, bm] as [bigint, bigint], [a, bd] as [bigint, bigint])),
    ),
  );
}

/** Triples for fused multiply-add: independent, or c near ±a·b (cancellation, ties). */
export function triple(f: Fmt): fc.Arbitrary<[bigint, bigint, bigint]> {
  const { bias } = W[f];
  return fc.oneof(
    fc.tuple(value(f), value(f), value(f)),
    pair(f).chain(([a, b]) =>
      near(f, expOf(f, a) + expOf(f, b) - bias, 3).map((c) => [a, b, c] as [bigint, bigint, bigint]),
    ),
    pair(f).chain(([a, b]) => value(f).map((c) => [a, b, c] as [bigint, bigint, bigint])),
  );
}

/** 64-bit integer register values for integer → float conversions. */
export function intValue(): fc.Arbitrary<bigint> {
  const u64 = (x: bigint) => BigInt.asUintN(64, x);
  return fc.oneof(
    fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
    fc.constantFrom(0n, 1n, u64(-1n), 1n << 31n, (1n << 31n) - 1n, u64(-(1n << 31n)), 1n << 63n, (1n << 63n) - 1n, (1n << 32n) - 1n),
    fc.tuple(fc.integer({ min: 0, max: 63 }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.integer({ min: 0, max: 40 }), fc.boolean()).map(
      ([k, r, low, neg]) => {
        const v = (1n << BigInt(k)) | (r & ((1n << BigInt(low)) - 1n)); // few significant bits + tail
        return u64(neg ? -v : v);
      },
    ),
  );
}
