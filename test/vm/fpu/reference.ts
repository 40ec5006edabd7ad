// Test-only exact reference for RISC-V F/D semantics: decodes IEEE 754 bit patterns to exact
// BigInt rationals, computes exact results and rounds them by IEEE 754-2008's definitions.

/** Binary format: "S" = binary32, "D" = binary64. */
export type Fmt = "S" | "D";

interface FmtInfo {
  p: number; // precision incl. hidden bit
  emin: number;
  emax: number;
  fw: number; // fraction width
  ew: number; // exponent width
  width: number;
}

const INFO: Record<Fmt, FmtInfo> = {
  S: { p: 24, emin: -126, emax: 127, fw: 23, ew: 8, width: 32 },
  D: { p: 53, emin: -1022, emax: 1023, fw: 52, ew: 11, width: 64 },
};

/** Exception flag bits of fflags. */
export const NV = 16, DZ = 8, OF = 4, UF = 2, NX = 1;

/** A result: the bits written (binary32 unboxed in the low 32 bits, or an integer as u64) and the flags. */
export interface Result {
  bits: bigint;
  flags: number;
}

type Val =
  | { t: "nan"; snan: boolean }
  | { t: "inf"; sign: number }
  | { t: "num"; sign: number; n: bigint; d: bigint }; // |value| = n/d, n = 0 for zeros

const canon = (f: Fmt): bigint => (f === "S" ? 0x7fc00000n : 0x7ff8000000000000n);

function bitlen(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

/** Decodes a bit pattern of format f into an exact value. */
export function decode(bits: bigint, f: Fmt): Val {
  const I = INFO[f];
  const sign = Number((bits >> BigInt(I.width - 1)) & 1n);
  const e = Number((bits >> BigInt(I.fw)) & ((1n << BigInt(I.ew)) - 1n));
  const frac = bits & ((1n << BigInt(I.fw)) - 1n);
  const emaxField = (1 << I.ew) - 1;
  if (e === emaxField) {
    if (frac === 0n) return { t: "inf", sign };
    return { t: "nan", snan: ((frac >> BigInt(I.fw - 1)) & 1n) === 0n };
  }
  const m = e === 0 ? frac : frac | (1n << BigInt(I.fw));
  const k = (e === 0 ? I.emin : e - (I.emax)) - I.fw; // value = m · 2^k
  return k >= 0 ? { t: "num", sign, n: m << BigInt(k), d: 1n } : { t: "num", sign, n: m, d: 1n << BigInt(-k) };
}

function zero(sign: number, f: Fmt): bigint {
  return BigInt(sign) << BigInt(INFO[f].width - 1);
}

function inf(sign: number, f: Fmt): bigint {
  const I = INFO[f];
  return zero(sign, f) | (((1n << BigInt(I.ew)) - 1n) << BigInt(I.fw));
}

function maxFinite(sign: number, f: Fmt): bigint {
  return inf(sign, f) - 1n;
}

/** Whether rounding the magnitude I + R/D (0 ≤ R < D) goes up to I + 1. */
function roundsUp(I: bigint, R: bigint, D: bigint, sign: number, rm: number): boolean {
  if (R === 0n) return false;
  switch (rm) {
    case 0: return 2n * R > D || (2n * R === D && (I & 1n) === 1n);
    case 1: return false;
    case 2: return sign === 1;
    case 3: return sign === 0;
    case 4: return 2n * R >= D;
  }
  throw new Error(`bad rm ${rm}`);
}

/** Rounds n/d to a multiple of 2^q: returns the multiple's count and whether it was inexact. */
function roundAt(n: bigint, d: bigint, q: number, sign: number, rm: number): { M: bigint; inexact: boolean } {
  const N = q >= 0 ? n : n << BigInt(-q);
  const D = q >= 0 ? d << BigInt(q) : d;
  const I = N / D;
  const R = N % D;
  return { M: roundsUp(I, R, D, sign, rm) ? I + 1n : I, inexact: R !== 0n };
}

/** Packs ±M·2^q (exactly representable, possibly 0) into format f. */
function encode(sign: number, M: bigint, q: number, f: Fmt): bigint {
  const I = INFO[f];
  if (M === 0n) return zero(sign, f);
  const E = q + bitlen(M) - 1;
  if (E >= I.emin) {
    const sh = q - (E - I.fw);
    const sig = sh >= 0 ? M << BigInt(sh) : M >> BigInt(-sh);
    return zero(sign, f) | (BigInt(E + I.emax) << BigInt(I.fw)) | (sig - (1n << BigInt(I.fw)));
  }
  const sh = q - (I.emin - I.fw);
  return zero(sign, f) | (sh >= 0 ? M << BigInt(sh) : M >> BigInt(-sh));
}

/** Correctly rounds ±n/d (n > 0) to format f under rm; tininess after rounding (RISC-V). */
export function roundRational(sign: number, n: bigint, d: bigint, f: Fmt, rm: number): Result {
  const I = INFO[f];
  let e = bitlen(n) - bitlen(d);
  if (e >= 0 ? n < d << BigInt(e) : n << BigInt(-e) < d) e -= 1; // 2^e ≤ n/d < 2^(e+1)
  const q1 = e - (I.p - 1);
  const r1 = roundAt(n, d, q1, sign, rm);
  const E1 = q1 + bitlen(r1.M) - 1; // exponent after rounding with unbounded range
  if (E1 > I.emax) {
    const toInf = rm === 0 || rm === 4 || (rm === 2 && sign === 1) || (rm === 3 && sign === 0);
    return { bits: toInf ? inf(sign, f) : maxFinite(sign, f), flags: OF | NX };
  }
  if (e >= I.emin) return { bits: encode(sign, r1.M, q1, f), flags: r1.inexact ? NX : 0 };
  const tiny = E1 < I.emin;
  const q2 = I.emin - (I.p - 1);
  const r2 = roundAt(n, d, q2, sign, rm);
  let flags = 0;
  if (r2.inexact) flags |= NX | (tiny ? UF : 0);
  return { bits: encode(sign, r2.M, q2, f), flags };
}

function nanResult(f: Fmt, ...vs: Val[]): Result {
  const nv = vs.some((v) => v.t === "nan" && v.snan);
  return { bits: canon(f), flags: nv ? NV : 0 };
}

const isNaN_ = (v: Val) => v.t === "nan";
const isZero = (v: Val) => v.t === "num" && v.n === 0n;

type Num = { sign: number; n: bigint; d: bigint };

function addNums(a: Num, b: Num): Num {
  const x = (a.sign ? -a.n : a.n) * b.d + (b.sign ? -b.n : b.n) * a.d;
  return { sign: x < 0n ? 1 : 0, n: x < 0n ? -x : x, d: a.d * b.d };
}

function finish(r: Num, f: Fmt, rm: number): Result {
  return roundRational(r.sign, r.n, r.d, f, rm);
}

/** a + b. */
export function refAdd(a: bigint, b: bigint, f: Fmt, rm: number): Result {
  const x = decode(a, f), y = decode(b, f);
  if (x.t === "nan" || y.t === "nan") return nanResult(f, x, y);
  if (x.t === "inf" && y.t === "inf") return x.sign === y.sign ? { bits: inf(x.sign, f), flags: 0 } : { bits: canon(f), flags: NV };
  if (x.t === "inf") return { bits: inf(x.sign, f), flags: 0 };
  if (y.t === "inf") return { bits: inf(y.sign, f), flags: 0 };
  const s = addNums(x, y);
  if (s.n === 0n) {
    if (x.n === 0n && y.n === 0n && x.sign === y.sign) return { bits: zero(x.sign, f), flags: 0 };
    return { bits: zero(rm === 2 ? 1 : 0, f), flags: 0 };
  }
  return finish(s, f, rm);
}

const flip = (v: bigint, f: Fmt) => v ^ (1n << BigInt(INFO[f].width - 1));

/** a − b. */
export function refSub(a: bigint, b: bigint, f: Fmt, rm: number): Result {
  return refAdd(a, flip(b, f), f, rm);
}

/** a × b. */
export function refMul(a: bigint, b: bigint, f: Fmt, rm: number): Result {
  const x = decode(a, f), y = decode(b, f);
  if (x.t === "nan" || y.t === "nan") return nanResult(f, x, y);
  if ((x.t === "inf" && isZero(y)) || (y.t === "inf" && isZero(x))) return { bits: canon(f), flags: NV };
  const sign = (x.sign ^ y.sign) as number;
  if (x.t === "inf" || y.t === "inf") return { bits: inf(sign, f), flags: 0 };
  if (x.n === 0n || y.n === 0n) return { bits: zero(sign, f), flags: 0 };
  return finish({ sign, n: x.n * y.n, d: x.d * y.d }, f, rm);
}

/** a / b. */
export function refDiv(a: bigint, b: bigint, f: Fmt, rm: number): Result {
  const x = decode(a, f), y = decode(b, f);
  if (x.t === "nan" || y.t === "nan") return nanResult(f, x, y);
  const sign = (x.sign ^ y.sign) as number;
  if (x.t === "inf" && y.t === "inf") return { bits: canon(f), flags: NV };
  if (x.t === "inf") return { bits: inf(sign, f), flags: 0 };
  if (y.t === "inf") return { bits: zero(sign, f), flags: 0 };
  if (y.n === 0n) return x.n === 0n ? { bits: canon(f), flags: NV } : { bits: inf(sign, f), flags: DZ };
  if (x.n === 0n) return { bits: zero(sign, f), flags: 0 };
  return finish({ sign, n: x.n * y.d, d: x.d * y.n }, f, rm);
}

function isqrt(N: bigint): bigint {
  if (N < 2n) return N;
  let x = 1n << BigInt((bitlen(N) >> 1) + 1);
  for (;;) {
    const y = (x + N / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** √a. */
export function refSqrt(a: bigint, f: Fmt, rm: number): Result {
  const x = decode(a, f);
  if (x.t === "nan") return nanResult(f, x);
  if (x.t === "inf") return x.sign ? { bits: canon(f), flags: NV } : { bits: inf(0, f), flags: 0 };
  if (x.n === 0n) return { bits: zero(x.sign, f), flags: 0 };
  if (x.sign) return { bits: canon(f), flags: NV };
  const j = bitlen(x.d) - 1; // d = 2^j
  const p = INFO[f].p;
  const K = Math.ceil((j + 2 * p + 12) / 2);
  const N = x.n << BigInt(2 * K - j); // value · 4^K
  const s = isqrt(N);
  if (s * s === N) return roundRational(0, s, 1n << BigInt(K), f, rm);
  return roundRational(0, 2n * s + 1n, 1n << BigInt(K + 1), f, rm); // strictly inside (s, s+1)
}

/** a × b + c rounded once (RISC-V FMADD semantics, incl. NV for ∞ × 0 + qNaN). */
export function refFma(a: bigint, b: bigint, c: bigint, f: Fmt, rm: number): Result {
  const x = decode(a, f), y = decode(b, f), z = decode(c, f);
  if ((x.t === "inf" && isZero(y)) || (y.t === "inf" && isZero(x))) return { bits: canon(f), flags: NV };
  if (isNaN_(x) || isNaN_(y) || isNaN_(z)) return nanResult(f, x, y, z);
  const ps = ((x as { sign: number }).sign ^ (y as { sign: number }).sign) as number;
  if (x.t === "inf" || y.t === "inf") {
    if (z.t === "inf" && z.sign !== ps) return { bits: canon(f), flags: NV };
    return { bits: inf(ps, f), flags: 0 };
  }
  if (z.t === "inf") return { bits: inf(z.sign, f), flags: 0 };
  const X = x as Num, Y = y as Num, Z = z as Num;
  const prod: Num = { sign: ps, n: X.n * Y.n, d: X.d * Y.d };
  const s = addNums(prod, Z);
  if (s.n === 0n) {
    if (prod.n === 0n && Z.n === 0n && prod.sign === Z.sign) return { bits: zero(ps, f), flags: 0 };
    return { bits: zero(rm === 2 ? 1 : 0, f), flags: 0 };
  }
  return finish(s, f, rm);
}

/** FMSUB a × b − c. */
export const refFmsub = (a: bigint, b: bigint, c: bigint, f: Fmt, rm: number) => refFma(a, b, flip(c, f), f, rm);
/** FNMSUB −(a × b) + c. */
export const refFnmsub = (a: bigint, b: bigint, c: bigint, f: Fmt, rm: number) => refFma(flip(a, f), b, c, f, rm);
/** FNMADD −(a × b) − c. */
export const refFnmadd = (a: bigint, b: bigint, c: bigint, f: Fmt, rm: number) => refFma(flip(a, f), b, flip(c, f), f, rm);

/** Orders two non-NaN values: −1, 0, 1 (−0 == +0 unless `signedZero`). */
function cmpVals(x: Val, y: Val, signedZero: boolean): number {
  const key = (v: Val): Num => (v.t === "inf" ? { sign: v.sign, n: 1n, d: 0n } : (v as Num));
  const a = key(x), b = key(y);
  const isInfA = a.d === 0n, isInfB = b.d === 0n;
  const sa = a.sign ? -1 : 1, sb = b.sign ? -1 : 1;
  const va = isInfA ? sa * 2 : 0, vb = isInfB ? sb * 2 : 0;
  if (va !== 0 || vb !== 0) return Math.sign(va - vb) || 0;
  const diff = (a.sign ? -a.n : a.n) * b.d - (b.sign ? -b.n : b.n) * a.d;
  if (diff !== 0n) return diff < 0n ? -1 : 1;
  if (signedZero && a.n === 0n && a.sign !== b.sign) return a.sign ? -1 : 1;
  return 0;
}

/** FMIN (isMax false) / FMAX: IEEE 754-2019 minimumNumber / maximumNumber. */
export function refMinMax(a: bigint, b: bigint, f: Fmt, isMax: boolean): Result {
  const x = decode(a, f), y = decode(b, f);
  const flags = (x.t === "nan" && x.snan) || (y.t === "nan" && y.snan) ? NV : 0;
  if (x.t === "nan" && y.t === "nan") return { bits: canon(f), flags };
  if (x.t === "nan") return { bits: b, flags };
  if (y.t === "nan") return { bits: a, flags };
  const c = cmpVals(x, y, true);
  return { bits: (isMax ? c >= 0 : c <= 0) ? a : b, flags };
}

/** FEQ (op 2, quiet), FLT (1) and FLE (0), signalling. */
export function refCompare(a: bigint, b: bigint, f: Fmt, op: number): Result {
  const x = decode(a, f), y = decode(b, f);
  if (x.t === "nan" || y.t === "nan") {
    const snan = (x.t === "nan" && x.snan) || (y.t === "nan" && y.snan);
    return { bits: 0n, flags: op !== 2 || snan ? NV : 0 };
  }
  const c = cmpVals(x, y, false);
  const r = op === 2 ? c === 0 : op === 1 ? c < 0 : c <= 0;
  return { bits: r ? 1n : 0n, flags: 0 };
}

/** FCLASS mask. */
export function refClass(a: bigint, f: Fmt): Result {
  const x = decode(a, f);
  const I = INFO[f];
  let bit: number;
  if (x.t === "nan") bit = x.snan ? 8 : 9;
  else if (x.t === "inf") bit = x.sign ? 0 : 7;
  else if (x.n === 0n) bit = x.sign ? 3 : 4;
  else {
    const sub = ((a >> BigInt(I.fw)) & ((1n << BigInt(I.ew)) - 1n)) === 0n;
    bit = x.sign ? (sub ? 2 : 1) : sub ? 5 : 6;
  }
  return { bits: 1n << BigInt(bit), flags: 0 };
}

const RANGES: Array<[bigint, bigint, number]> = [
  [-(1n << 31n), (1n << 31n) - 1n, 32], // W
  [0n, (1n << 32n) - 1n, 32], // WU
  [-(1n << 63n), (1n << 63n) - 1n, 64], // L
  [0n, (1n << 64n) - 1n, 64], // LU
];

function intOut(v: bigint, kind: number): bigint {
  const w = RANGES[kind][2];
  return BigInt.asUintN(64, BigInt.asIntN(w, v)); // 32-bit results sign-extended to 64
}

/** FCVT.{W,WU,L,LU}.fmt (kind 0–3): integer value as written to rd, with RISC-V saturation. */
export function refToInt(a: bigint, f: Fmt, rm: number, kind: number): Result {
  const x = decode(a, f);
  const [lo, hi] = RANGES[kind];
  if (x.t === "nan") return { bits: intOut(hi, kind), flags: NV };
  if (x.t === "inf") return { bits: intOut(x.sign ? lo : hi, kind), flags: NV };
  const I = x.n / x.d, R = x.n % x.d;
  const M = roundsUp(I, R, x.d, x.sign, rm) ? I + 1n : I;
  const v = x.sign ? -M : M;
  if (v < lo) return { bits: intOut(lo, kind), flags: NV };
  if (v > hi) return { bits: intOut(hi, kind), flags: NV };
  return { bits: intOut(v, kind), flags: R !== 0n ? NX : 0 };
}

/** FCVT.fmt.{W,WU,L,LU}: `v` is the 64-bit source register. */
export function refFromInt(v: bigint, f: Fmt, rm: number, kind: number): Result {
  let x: bigint;
  if (kind === 0) x = BigInt.asIntN(32, v);
  else if (kind === 1) x = BigInt.asUintN(32, v);
  else if (kind === 2) x = BigInt.asIntN(64, v);
  else x = BigInt.asUintN(64, v);
  if (x === 0n) return { bits: 0n, flags: 0 };
  return roundRational(x < 0n ? 1 : 0, x < 0n ? -x : x, 1n, f, rm);
}

/** FCVT.to.from between S and D. */
export function refCvtFF(a: bigint, from: Fmt, to: Fmt, rm: number): Result {
  const x = decode(a, from);
  if (x.t === "nan") return nanResult(to, x);
  if (x.t === "inf") return { bits: inf(x.sign, to), flags: 0 };
  if (x.n === 0n) return { bits: zero(x.sign, to), flags: 0 };
  return roundRational(x.sign, x.n, x.d, to, rm);
}

/** FSGNJ (op 0), FSGNJN (1), FSGNJX (2) on raw bits. */
export function refSgnj(a: bigint, b: bigint, f: Fmt, op: number): Result {
  const w = BigInt(INFO[f].width - 1);
  const sa = (a >> w) & 1n, sb = (b >> w) & 1n;
  const s = op === 0 ? sb : op === 1 ? sb ^ 1n : sa ^ sb;
  return { bits: (a & ((1n << w) - 1n)) | (s << w), flags: 0 };
}
