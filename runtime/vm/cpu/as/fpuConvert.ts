// FPU conversions: float ↔ 32/64-bit integers with RISC-V saturation, and binary32 ↔ binary64,
// correctly rounded with IEEE 754-2008 flags.
import {
  RNE, RTZ, RDN, RUP, RMM, NV, NX,
  raise, expField, signOf, isNaNBits, isSNaNBits, isZeroBits, canonNaN, infOf, zeroOf,
  unpack, unSign, unExp, unSig, roundPack,
} from "./fpuRound";
import { finishS } from "./fpuArith";

/** Integer kinds of FCVT's rs2 field: W, WU, L, LU (RISC-V spec, FCVT.W.S et al.). */
export const CVT_W: u32 = 0;
/** Unsigned 32-bit. */
export const CVT_WU: u32 = 1;
/** Signed 64-bit. */
export const CVT_L: u32 = 2;
/** Unsigned 64-bit. */
export const CVT_LU: u32 = 3;

/** Saturated result for NaN / positive overflow (spec table "Domains of float-to-integer conversions"). */
@inline function satMax(kind: u32): u64 {
  switch (kind) {
    case CVT_W: return 0x7fffffff;
    case CVT_WU: return 0xffffffffffffffff; // 2^32 − 1, sign-extended from bit 31
    case CVT_L: return 0x7fffffffffffffff;
    default: return 0xffffffffffffffff;
  }
}

/** Saturated result for negative overflow. */
@inline function satMin(kind: u32): u64 {
  switch (kind) {
    case CVT_W: return 0xffffffff80000000;
    case CVT_L: return 0x8000000000000000;
    default: return 0; // unsigned kinds
  }
}

/**
 * FCVT.{W,WU,L,LU}.{S,D}: the integer nearest `x` under `rm`, as the 64-bit value written to rd
 * (32-bit kinds sign-extended). Out of range or NaN: NV and the saturated value, no NX.
 */
export function fpToInt(x: u64, d: bool, rm: u32, kind: u32): u64 {
  if (expField(x, d) == (d ? 2047 : 255)) {
    raise(NV);
    if (isNaNBits(x, d) || signOf(x, d) == 0) return satMax(kind);
    return satMin(kind);
  }
  if (rm != RMM) {
    // Fast path: wasm's exact integral rounding (nearest/trunc/floor/ceil), range-checked in f64.
    const f = d ? reinterpret<f64>(x) : <f64>reinterpret<f32>(<u32>x);
    const v = rm == RNE ? nearest<f64>(f) : rm == RTZ ? trunc<f64>(f) : rm == RDN ? floor<f64>(f) : ceil<f64>(f);
    let ok: bool;
    switch (kind) {
      case CVT_W: ok = v >= -2147483648.0 && v <= 2147483647.0; break;
      case CVT_WU: ok = v >= 0 && v <= 4294967295.0; break;
      case CVT_L: ok = v >= -9223372036854775808.0 && v < 9223372036854775808.0; break;
      default: ok = v >= 0 && v < 18446744073709551616.0; break;
    }
    if (ok) {
      if (v != f) raise(NX);
      if (kind == CVT_WU) return <u64>(<i64>(<i32>(<u32>(<i64>v))));
      if (kind == CVT_LU) return <u64>v;
      return <u64>(<i64>v);
    }
  }
  if (isZeroBits(x, d)) return 0;
  unpack(x, d);
  const sign = unSign();
  const e = unExp();
  const sig = unSig();
  let m: u64;
  let frac: u64; // discarded fraction, scaled so that 2^63 is one half
  let over = e >= 64;
  if (over) {
    m = 0;
    frac = 0;
  } else if (e >= 0) {
    m = sig >> (63 - e);
    frac = e == 63 ? 0 : sig << (e + 1);
  } else if (e == -1) {
    m = 0;
    frac = sig;
  } else {
    m = 0;
    frac = 1; // non-zero, below one half
  }
  const half: u64 = 0x8000000000000000;
  let inc = false;
  switch (rm) {
    case RNE: inc = frac > half || (frac == half && (m & 1) != 0); break;
    case RDN: inc = sign != 0 && frac != 0; break;
    case RUP: inc = sign == 0 && frac != 0; break;
    case RMM: inc = frac >= half; break;
    default: break; // RTZ
  }
  if (inc) {
    m += 1;
    if (m == 0) over = true; // carried to 2^64
  }
  if (!over) {
    switch (kind) {
      case CVT_W: over = sign != 0 ? m > 0x80000000 : m > 0x7fffffff; break;
      case CVT_WU: over = sign != 0 ? m != 0 : m > 0xffffffff; break;
      case CVT_L: over = sign != 0 ? m > 0x8000000000000000 : m > 0x7fffffffffffffff; break;
      default: over = sign != 0 && m != 0; break;
    }
  }
  if (over) {
    raise(NV);
    return sign != 0 ? satMin(kind) : satMax(kind);
  }
  if (frac != 0) raise(NX);
  const v = sign != 0 ? 0 - m : m;
  if (kind <= CVT_WU) return <u64>(<i64>(<i32>(<u32>v)));
  return v;
}

/**
 * FCVT.{S,D}.{W,WU,L,LU}: converts the integer in `v` (low 32 bits for W/WU) to the format,
 * rounding under `rm`; returns the packed bits (binary32 in the low 32 bits).
 */
export function fpFromInt(v: u64, d: bool, rm: u32, kind: u32): u64 {
  let sign: u32 = 0;
  let mag: u64;
  switch (kind) {
    case CVT_W: {
      const w = <i64>(<i32>(<u32>v));
      sign = w < 0 ? 1 : 0;
      mag = w < 0 ? <u64>(0 - w) : <u64>w;
      break;
    }
    case CVT_WU: mag = v & 0xffffffff; break;
    case CVT_L: {
      sign = <u32>(v >> 63);
      mag = sign != 0 ? 0 - v : v;
      break;
    }
    default: mag = v; break;
  }
  if (mag == 0) return 0;
  if (mag < 0x20000000000000) {
    // Below 2^53: exact in binary64, so only binary32 can round.
    const f = sign != 0 ? -(<f64>mag) : <f64>mag;
    return d ? reinterpret<u64>(f) : finishS(f, 0, rm);
  }
  const lz = <i32>clz<u64>(mag);
  return roundPack(sign, 63 - lz, mag << lz, d, rm);
}

/** FCVT.D.S: exact widening; NaN → canonical (NV for sNaN). */
export function fpS2D(x: u64): u64 {
  if (isNaNBits(x, false)) {
    if (isSNaNBits(x, false)) raise(NV);
    return canonNaN(true);
  }
  return reinterpret<u64>(<f64>reinterpret<f32>(<u32>x));
}

/** FCVT.S.D: narrowing rounded under `rm`; NaN → canonical (NV for sNaN). */
export function fpD2S(x: u64, rm: u32): u64 {
  const e = expField(x, true);
  if (e == 2047) {
    if (isNaNBits(x, true)) {
      if (isSNaNBits(x, true)) raise(NV);
      return canonNaN(false);
    }
    return infOf(signOf(x, true), false);
  }
  if (isZeroBits(x, true)) return zeroOf(signOf(x, true), false);
  if (e != 0) {
    return finishS(reinterpret<f64>(x), 0, rm);
  }
  // Binary64 subnormals are far below binary32's range: round the unpacked value.
  unpack(x, true);
  return roundPack(unSign(), unExp(), unSig(), false, rm);
}
