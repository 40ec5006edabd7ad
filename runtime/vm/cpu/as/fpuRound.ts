// FPU core helpers: exception-flag accumulator, IEEE 754 bit-field helpers, unpacking and the one
// exact rounding routine (roundPack) every software path of the F/D extensions funnels through.

// Rounding modes: RISC-V unprivileged spec, "Floating-Point Control and Status Register", table
// "Rounding mode encoding" (frm / instruction rm field).
/** Round to nearest, ties to even. */
export const RNE: u32 = 0;
/** Round towards zero. */
export const RTZ: u32 = 1;
/** Round down (towards −∞). */
export const RDN: u32 = 2;
/** Round up (towards +∞). */
export const RUP: u32 = 3;
/** Round to nearest, ties to max magnitude. */
export const RMM: u32 = 4;

// Accrued exception flags (fflags): same spec section, table "Accrued exception flag encoding".
/** Invalid operation. */
export const NV: u32 = 16;
/** Divide by zero. */
export const DZ: u32 = 8;
/** Overflow. */
export const OF: u32 = 4;
/** Underflow. */
export const UF: u32 = 2;
/** Inexact. */
export const NX: u32 = 1;

/** RISC-V canonical quiet NaN of binary32 (spec "NaN Generation and Propagation"). */
export const CANON_S: u64 = 0x7fc00000;
/** RISC-V canonical quiet NaN of binary64. */
export const CANON_D: u64 = 0x7ff8000000000000;

let flags: u32 = 0;

/** Clears the flags accumulated by the current instruction. */
@inline export function clearFlags(): void {
  flags = 0;
}

/** ORs exception flags into the current instruction's accumulator. */
@inline export function raise(f: u32): void {
  flags |= f;
}

/** The flags accumulated since the last clearFlags(). */
@inline export function currentFlags(): u32 {
  return flags;
}

// ---- bit-field helpers; `d` selects binary64 (true) or binary32 (false), values in the low bits.

/** Biased exponent field of `x`. */
@inline export function expField(x: u64, d: bool): i32 {
  return d ? <i32>((x >> 52) & 0x7ff) : <i32>((x >> 23) & 0xff);
}

/** Fraction field of `x`. */
@inline export function fracField(x: u64, d: bool): u64 {
  return d ? x & 0xfffffffffffff : x & 0x7fffff;
}

/** Sign bit of `x` (0 or 1). */
@inline export function signOf(x: u64, d: bool): u32 {
  return d ? <u32>(x >> 63) : <u32>((x >> 31) & 1);
}

/** All-ones exponent field (255 or 2047). */
@inline export function maxExp(d: bool): i32 {
  return d ? 2047 : 255;
}

/** True when `x` is any NaN. */
@inline export function isNaNBits(x: u64, d: bool): bool {
  return expField(x, d) == maxExp(d) && fracField(x, d) != 0;
}

/** True when `x` is a signalling NaN (quiet bit = fraction MSB clear, IEEE 754-2008 §6.2.1). */
@inline export function isSNaNBits(x: u64, d: bool): bool {
  return d
    ? (x & 0x7ff8000000000000) == 0x7ff0000000000000 && (x & 0x7ffffffffffff) != 0
    : (x & 0x7fc00000) == 0x7f800000 && (x & 0x3fffff) != 0;
}

/** True when `x` is ±∞. */
@inline export function isInfBits(x: u64, d: bool): bool {
  return d ? (x & 0x7fffffffffffffff) == 0x7ff0000000000000 : (x & 0x7fffffff) == 0x7f800000;
}

/** True when `x` is ±0. */
@inline export function isZeroBits(x: u64, d: bool): bool {
  return d ? (x & 0x7fffffffffffffff) == 0 : (x & 0x7fffffff) == 0;
}

/** The canonical NaN of the format. */
@inline export function canonNaN(d: bool): u64 {
  return d ? CANON_D : CANON_S;
}

/** ±0 of the format. */
@inline export function zeroOf(sign: u32, d: bool): u64 {
  return d ? (<u64>sign) << 63 : (<u64>sign) << 31;
}

/** ±∞ of the format. */
@inline export function infOf(sign: u32, d: bool): u64 {
  return d ? ((<u64>sign) << 63) | 0x7ff0000000000000 : ((<u64>sign) << 31) | 0x7f800000;
}

/** Flips the sign bit. */
@inline export function negate(x: u64, d: bool): u64 {
  return d ? x ^ 0x8000000000000000 : x ^ 0x80000000;
}

// ---- unpacked finite non-zero operands: value = uSig × 2^(uExp − 63), uSig's bit 63 set.

let uSign: u32 = 0;
let uExp: i32 = 0;
let uSig: u64 = 0;

/** Unpacks finite non-zero `x` (subnormals normalised); read with unSign/unExp/unSig. */
export function unpack(x: u64, d: bool): void {
  const e = expField(x, d);
  const f = fracField(x, d);
  uSign = signOf(x, d);
  if (d) {
    if (e != 0) {
      uSig = (f | 0x10000000000000) << 11;
      uExp = e - 1023;
    } else {
      const lz = <i32>clz<u64>(f);
      uSig = f << lz;
      uExp = -1011 - lz; // value f × 2^−1074, f's top bit at 63 − lz
    }
  } else {
    if (e != 0) {
      uSig = (f | 0x800000) << 40;
      uExp = e - 127;
    } else {
      const lz = <i32>clz<u64>(f);
      uSig = f << lz;
      uExp = -86 - lz; // value f × 2^−149
    }
  }
}

/** Sign of the last unpack(). */
@inline export function unSign(): u32 {
  return uSign;
}

/** Unbiased exponent of the leading significand bit of the last unpack(). */
@inline export function unExp(): i32 {
  return uExp;
}

/** Significand of the last unpack(), leading one at bit 63. */
@inline export function unSig(): u64 {
  return uSig;
}

/** x >> n, ORing every bit shifted out into bit 0 ("jamming"); n ≥ 0. */
@inline export function shiftRightJam(x: u64, n: i32): u64 {
  if (n == 0) return x;
  if (n >= 64) return x != 0 ? 1 : 0;
  return (x >> n) | ((x << (64 - n)) != 0 ? 1 : 0);
}

/** High 64 bits of the 128-bit product a × b (low half is a * b). */
export function mulHi(a: u64, b: u64): u64 {
  const aL = a & 0xffffffff;
  const aH = a >> 32;
  const bL = b & 0xffffffff;
  const bH = b >> 32;
  const t = aL * bL;
  const u = aH * bL + (t >> 32);
  const v = aL * bH + (u & 0xffffffff);
  return aH * bH + (u >> 32) + (v >> 32);
}

/** Whether rounding adds one unit to the truncated magnitude `m` given discarded bits `rb`. */
@inline export function roundIncrement(m: u64, rb: u64, half: u64, sign: u32, rm: u32): bool {
  switch (rm) {
    case RNE:
      return rb > half || (rb == half && (m & 1) != 0);
    case RDN:
      return sign != 0 && rb != 0;
    case RUP:
      return sign == 0 && rb != 0;
    case RMM:
      return rb >= half;
    default:
      return false; // RTZ
  }
}

/** The overflow result for `sign` under `rm` (IEEE 754-2008 §7.4); raises OF and NX. */
export function overflowResult(sign: u32, d: bool, rm: u32): u64 {
  raise(OF | NX);
  const toInf = rm == RNE || rm == RMM || (rm == RDN && sign != 0) || (rm == RUP && sign == 0);
  if (toInf) return infOf(sign, d);
  return d ? ((<u64>sign) << 63) | 0x7fefffffffffffff : ((<u64>sign) << 31) | 0x7f7fffff;
}

/**
 * Rounds the value (−1)^sign × sig × 2^(exp − 63) (sig's bit 63 set; bit 0 may be a sticky bit)
 * to the format under `rm` and packs it, raising NX, OF and UF. Tininess is detected after
 * rounding (RISC-V spec, "Floating-Point Control and Status Register"); UF needs tiny AND inexact.
 */
export function roundPack(sign: u32, exp: i32, sig: u64, d: bool, rm: u32): u64 {
  const p: i32 = d ? 53 : 24; // precision incl. the hidden bit (IEEE 754-2008 §3.6)
  const bias: i32 = d ? 1023 : 127;
  const sh: i32 = 64 - p;
  const mask: u64 = ((<u64>1) << sh) - 1;
  const half: u64 = (<u64>1) << (sh - 1);
  const signBits: u64 = d ? (<u64>sign) << 63 : (<u64>sign) << 31;
  let e: i32 = exp + bias;
  if (e >= 1) {
    let m = sig >> sh;
    const rb = sig & mask;
    if (roundIncrement(m, rb, half, sign, rm)) {
      m += 1;
      if (m >> p) {
        m >>= 1;
        e += 1;
      }
    }
    if (e >= maxExp(d)) return overflowResult(sign, d, rm);
    if (rb != 0) raise(NX);
    return signBits | ((<u64>(e - 1)) << (p - 1)) + m;
  }
  // Below the normal range. Tiny unless (only possible when e == 0) rounding at full precision
  // with an unbounded exponent carries the value up to 2^emin.
  let tiny = true;
  if (e == 0) {
    const m0 = sig >> sh;
    if (roundIncrement(m0, sig & mask, half, sign, rm) && ((m0 + 1) >> p) != 0) tiny = false;
  }
  const s = shiftRightJam(sig, 1 - e);
  let m = s >> sh;
  const rb = s & mask;
  if (roundIncrement(m, rb, half, sign, rm)) m += 1; // may carry into the min normal: still right
  if (rb != 0) {
    raise(NX);
    if (tiny) raise(UF);
  }
  return signBits | m;
}

/**
 * Rounds a value given as its nearest binary64 `r` (finite, non-zero, normal) plus the sign of
 * (exact − r) in `dir` (−1, 0, +1) to the format under `rm`. The encoding keeps every rounding
 * decision of precision ≤ 53 exact, except a binary64 tie under RMM (callers avoid that case).
 */
export function roundFromF64(r: f64, dir: i32, d: bool, rm: u32): u64 {
  const bits = reinterpret<u64>(r);
  const sign = <u32>(bits >> 63);
  let exp = <i32>((bits >> 52) & 0x7ff) - 1023;
  let sig = ((bits & 0xfffffffffffff) | 0x10000000000000) << 11;
  const mdir = sign != 0 ? -dir : dir; // direction in magnitude
  if (mdir > 0) {
    sig |= 1; // strictly above r, below r's upper midpoint
  } else if (mdir < 0) {
    if (sig == 0x8000000000000000) {
      sig = 0xffffffffffffffff; // just below a power of two
      exp -= 1;
    } else {
      sig = (sig - 0x800) | 0x7ff; // strictly between r's lower neighbour's midpoint and r
    }
  }
  return roundPack(sign, exp, sig, d, rm);
}
