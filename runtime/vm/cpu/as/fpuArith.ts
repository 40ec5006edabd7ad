// FPU arithmetic: add/sub, mul, div, sqrt and fused multiply-add for binary32 and binary64, correctly
// rounded in all five RISC-V rounding modes with IEEE 754-2008 exception flags. Fast paths use the
// host's RNE wasm ops plus error-free transformations; everything else goes through exact
// integer software paths ending in roundPack.
import {
  RNE, RTZ, RDN, RUP, RMM, NV, DZ, NX,
  raise, expField, signOf, maxExp, isNaNBits, isSNaNBits, isInfBits, isZeroBits, canonNaN,
  zeroOf, infOf, unpack, unSign, unExp, unSig, shiftRightJam, mulHi, roundPack,
  roundFromF64,
} from "./fpuRound";

// Veltkamp splitting constant 2^27 + 1 (Dekker 1971, "A floating-point technique for extending
// the available precision"), splitting a binary64 into two 26-bit halves.
const SPLIT: f64 = 134217729.0;

/** Exact error of s = RN(a + b): a + b − s (Knuth's TwoSum; no overflow assumed). */
@inline function twoSumErr(a: f64, b: f64, s: f64): f64 {
  const bb = s - a;
  return (a - (s - bb)) + (b - bb);
}

/** Exact error of p = RN(a × b): a × b − p (Dekker's TwoProduct; callers keep it in range). */
@inline function twoProdErr(a: f64, b: f64, p: f64): f64 {
  const ca = SPLIT * a;
  const ah = ca - (ca - a);
  const al = a - ah;
  const cb = SPLIT * b;
  const bh = cb - (cb - b);
  const bl = b - bh;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

/** Sign of x as −1, 0, +1. */
@inline function sgn(x: f64): i32 {
  return x > 0 ? 1 : x < 0 ? -1 : 0;
}

/**
 * Binary64 fast-path finish: `r` is RN(exact), finite, normal with biased exponent in [2, 2045]
 * (so both neighbours are finite normals), `dir` = sign(exact − r); rm is not RMM.
 */
@inline function finishD(r: f64, dir: i32, rm: u32): u64 {
  let bits = reinterpret<u64>(r);
  if (dir == 0) return bits;
  raise(NX);
  if (rm == RNE) return bits;
  const neg = r < 0;
  // Moving the bit pattern by ±1 moves the magnitude by one ulp.
  if (rm == RTZ) {
    if ((dir < 0) != neg) bits -= 1;
  } else if (rm == RDN) {
    if (dir < 0) bits = neg ? bits + 1 : bits - 1;
  } else if (rm == RUP) {
    if (dir > 0) bits = neg ? bits - 1 : bits + 1;
  }
  return bits;
}

/**
 * Binary32 result from r = RN64(exact) (finite, non-zero) and dir = sign(exact − r): a fast path
 * for results well inside the normal range, else the exact roundFromF64 path.
 */
@inline export function finishS(r: f64, dir: i32, rm: u32): u64 {
  const f = <f32>r; // f32.demote_f64 rounds to nearest even (wasm spec)
  let fb = reinterpret<u32>(f);
  const e = (fb >> 23) & 0xff;
  const rb = reinterpret<u64>(r);
  if (rm == RNE && dir == 0 && <u32>(e - 2) <= 251) {
    // Commonest case first: exactly representable in binary64, round to nearest.
    if (<f64>f != r) raise(NX);
    return fb;
  }
  // Fast only when f and its neighbours are normal and finite, rm ≠ RMM, and r is not an exact
  // binary32 midpoint while exact ≠ r (the one case where RN(RN64(x)) ≠ RN(x)).
  if (e >= 2 && e <= 253 && rm != RMM && !(dir != 0 && (rb & 0x1fffffff) == 0x10000000)) {
    const back = <f64>f;
    let d = dir;
    if (back != r) d = r > back ? 1 : -1;
    if (d == 0) return fb;
    raise(NX);
    if (rm == RNE) return fb;
    const neg = f < 0;
    if (rm == RTZ) {
      if ((d < 0) != neg) fb -= 1;
    } else if (rm == RDN) {
      if (d < 0) fb = neg ? fb + 1 : fb - 1;
    } else if (rm == RUP) {
      if (d > 0) fb = neg ? fb - 1 : fb + 1;
    }
    return fb;
  }
  return roundFromF64(r, dir, false, rm);
}

/** Sign of an exact zero sum of operands with signs sa, sb (IEEE 754-2008 §6.3). */
@inline function zeroSumSign(sa: u32, sb: u32, rm: u32): u32 {
  if (sa == sb) return sa;
  return rm == RDN ? 1 : 0;
}

/** Converts binary32 bits (low 32) to the exactly equal f64. Not for NaNs. */
@inline function s2f(x: u64): f64 {
  return <f64>reinterpret<f32>(<u32>x);
}

// ---------------------------------------------------------------------------------------------
// Addition

/** Result of the last *Special() helper that returned true. */
let special: u64 = 0;

/** NaN/∞/zero cases of a + b; returns true (result in `special`) when one applied. */
function addSpecial(a: u64, b: u64, d: bool, rm: u32): bool {
  const me = maxExp(d);
  const ea = expField(a, d);
  const eb = expField(b, d);
  if (ea == me || eb == me) {
    if (isNaNBits(a, d) || isNaNBits(b, d)) {
      if (isSNaNBits(a, d) || isSNaNBits(b, d)) raise(NV);
      special = canonNaN(d);
    } else if (ea == me && eb == me) {
      if (signOf(a, d) != signOf(b, d)) {
        raise(NV); // ∞ − ∞ (IEEE 754-2008 §7.2 b)
        special = canonNaN(d);
      } else special = a;
    } else special = ea == me ? a : b;
    return true;
  }
  if (isZeroBits(a, d)) {
    special = isZeroBits(b, d) ? zeroOf(zeroSumSign(signOf(a, d), signOf(b, d), rm), d) : b;
    return true;
  }
  if (isZeroBits(b, d)) {
    special = a;
    return true;
  }
  return false;
}

/** Exact software a + b for finite non-zero operands. */
function addSoft(a: u64, b: u64, d: bool, rm: u32): u64 {
  unpack(a, d);
  let sa = unSign();
  let ea = unExp();
  let ma = unSig();
  unpack(b, d);
  let sb = unSign();
  let eb = unExp();
  let mb = unSig();
  if (eb > ea || (eb == ea && mb > ma)) {
    const ts = sa; sa = sb; sb = ts;
    const te = ea; ea = eb; eb = te;
    const tm = ma; ma = mb; mb = tm;
  }
  ma >>= 1; // leading one at bit 62: room for the carry (significands have ≥ 11 zero low bits)
  mb = shiftRightJam(mb >> 1, ea - eb);
  const m = sa == sb ? ma + mb : ma - mb;
  if (m == 0) return zeroOf(rm == RDN ? 1 : 0, d); // exact cancellation (§6.3)
  const lz = <i32>clz<u64>(m);
  return roundPack(sa, ea + 1 - lz, m << lz, d, rm);
}

/** a + b (callers negate b for subtraction); `d` selects binary64. */
export function fpAdd(a: u64, b: u64, d: bool, rm: u32): u64 {
  if (d) {
    const ea = expField(a, true);
    const eb = expField(b, true);
    if (ea <= 2045 && eb <= 2045 && rm != RMM) {
      const x = reinterpret<f64>(a);
      const y = reinterpret<f64>(b);
      const s = x + y;
      const sb = reinterpret<u64>(s);
      if (s == 0) {
        // Exact zero: native sign is right for RNE/RTZ/RUP; RDN wants −0 unless both are +0.
        if (rm == RDN) return ((a | b) & 0x8000000000000000);
        return sb;
      }
      if (((sb >> 52) & 0x7ff) <= 2045) return finishD(s, sgn(twoSumErr(x, y, s)), rm);
    }
  } else {
    const ea = expField(a, false);
    const eb = expField(b, false);
    if (ea != 255 && eb != 255) {
      const x = s2f(a);
      const y = s2f(b);
      const s = x + y;
      if (s == 0) {
        if (rm == RDN) return ((a | b) & 0x80000000);
        return (reinterpret<u64>(s) >> 32) & 0x80000000;
      }
      return finishS(s, sgn(twoSumErr(x, y, s)), rm);
    }
  }
  if (addSpecial(a, b, d, rm)) return special;
  return addSoft(a, b, d, rm);
}

// ---------------------------------------------------------------------------------------------
// Multiplication

/** NaN/∞/zero cases of a × b (see addSpecial). */
function mulSpecial(a: u64, b: u64, d: bool): bool {
  const me = maxExp(d);
  const ea = expField(a, d);
  const eb = expField(b, d);
  const s = signOf(a, d) ^ signOf(b, d);
  if (ea == me || eb == me) {
    if (isNaNBits(a, d) || isNaNBits(b, d)) {
      if (isSNaNBits(a, d) || isSNaNBits(b, d)) raise(NV);
      special = canonNaN(d);
    } else if (isZeroBits(a, d) || isZeroBits(b, d)) {
      raise(NV); // 0 × ∞ (IEEE 754-2008 §7.2 c)
      special = canonNaN(d);
    } else special = infOf(s, d);
    return true;
  }
  if (isZeroBits(a, d) || isZeroBits(b, d)) {
    special = zeroOf(s, d);
    return true;
  }
  return false;
}

/** Exact software a × b for finite non-zero operands. */
function mulSoft(a: u64, b: u64, d: bool, rm: u32): u64 {
  unpack(a, d);
  const s = unSign();
  const ea = unExp();
  const ma = unSig();
  unpack(b, d);
  const e = ea + unExp();
  const mb = unSig();
  const hi = mulHi(ma, mb);
  const lo = ma * mb;
  if (hi >> 63) return roundPack(s ^ unSign(), e + 1, hi | (lo != 0 ? 1 : 0), d, rm);
  return roundPack(s ^ unSign(), e, (hi << 1) | (lo >> 63) | ((lo << 1) != 0 ? 1 : 0), d, rm);
}

/** a × b. */
export function fpMul(a: u64, b: u64, d: bool, rm: u32): u64 {
  if (d) {
    // Exponents within ±480: product normal, TwoProduct exact, neighbours finite normals.
    const ea = expField(a, true);
    const eb = expField(b, true);
    if (<u32>(ea - 543) <= 960 && <u32>(eb - 543) <= 960 && rm != RMM) {
      const x = reinterpret<f64>(a);
      const y = reinterpret<f64>(b);
      const p = x * y;
      return finishD(p, sgn(twoProdErr(x, y, p)), rm);
    }
  } else {
    const ea = expField(a, false);
    const eb = expField(b, false);
    if (ea != 255 && eb != 255 && ea != 0 && eb != 0) {
      return finishS(s2f(a) * s2f(b), 0, rm); // 24 × 24 bits: exact in binary64
    }
  }
  if (mulSpecial(a, b, d)) return special;
  return mulSoft(a, b, d, rm);
}

// ---------------------------------------------------------------------------------------------
// Division

/** NaN/∞/zero cases of a / b, incl. division by zero (see addSpecial). */
function divSpecial(a: u64, b: u64, d: bool): bool {
  const me = maxExp(d);
  const ea = expField(a, d);
  const eb = expField(b, d);
  const s = signOf(a, d) ^ signOf(b, d);
  if (ea == me || eb == me) {
    if (isNaNBits(a, d) || isNaNBits(b, d)) {
      if (isSNaNBits(a, d) || isSNaNBits(b, d)) raise(NV);
      special = canonNaN(d);
    } else if (ea == me && eb == me) {
      raise(NV); // ∞ / ∞ (§7.2 d)
      special = canonNaN(d);
    } else special = ea == me ? infOf(s, d) : zeroOf(s, d);
    return true;
  }
  if (isZeroBits(b, d)) {
    if (isZeroBits(a, d)) {
      raise(NV); // 0 / 0
      special = canonNaN(d);
    } else {
      raise(DZ); // finite non-zero / 0 (§7.3)
      special = infOf(s, d);
    }
    return true;
  }
  if (isZeroBits(a, d)) {
    special = zeroOf(s, d);
    return true;
  }
  return false;
}

/** Exact software a / b for finite non-zero operands (long division in 64-bit chunks). */
function divSoft(a: u64, b: u64, d: bool, rm: u32): u64 {
  const p: i32 = d ? 53 : 24;
  unpack(a, d);
  const s = unSign();
  let e = unExp();
  let na = unSig() >> (64 - p); // p-bit integer significands
  unpack(b, d);
  e -= unExp();
  const nb = unSig() >> (64 - p);
  if (na < nb) {
    na <<= 1;
    e -= 1;
  }
  let q: u64 = 1; // quotient in [1, 2)
  let rem = na - nb;
  let bits = 1;
  const k = 64 - p; // rem < nb < 2^p, so rem << k fits
  while (bits < p + 3) {
    rem <<= k;
    q = (q << k) | (rem / nb);
    rem = rem % nb;
    bits += k;
  }
  const sig = (q << (64 - bits)) | (rem != 0 ? 1 : 0);
  return roundPack(s ^ unSign(), e, sig, d, rm);
}

/** a / b. */
export function fpDiv(a: u64, b: u64, d: bool, rm: u32): u64 {
  if (d) {
    const ea = expField(a, true);
    const eb = expField(b, true);
    if (<u32>(ea - 543) <= 960 && <u32>(eb - 543) <= 960) {
      // Quotients of binary64 values are never binary64 midpoints, so RMM = RNE here.
      const x = reinterpret<f64>(a);
      const y = reinterpret<f64>(b);
      const q = x / y;
      const pq = q * y;
      const rem = (x - pq) - twoProdErr(q, y, pq); // exact remainder x − q·y
      const dir = y < 0 ? -sgn(rem) : sgn(rem);
      return finishD(q, dir, rm == RMM ? RNE : rm);
    }
  } else {
    const ea = expField(a, false);
    const eb = expField(b, false);
    if (ea != 255 && eb != 255 && ea != 0 && eb != 0) {
      const x = s2f(a);
      const y = s2f(b);
      const q = x / y;
      const pq = q * y;
      const rem = (x - pq) - twoProdErr(q, y, pq);
      return finishS(q, y < 0 ? -sgn(rem) : sgn(rem), rm);
    }
  }
  if (divSpecial(a, b, d)) return special;
  return divSoft(a, b, d, rm);
}

// ---------------------------------------------------------------------------------------------
// Square root

/** √a. */
export function fpSqrt(a: u64, d: bool, rm: u32): u64 {
  const e = expField(a, d);
  const s = signOf(a, d);
  if (d && s == 0 && <u32>(e - 64) <= 1936) {
    const x = reinterpret<f64>(a);
    const r = Math.sqrt(x);
    const p = r * r;
    const dir = sgn((x - p) - twoProdErr(r, r, p));
    // A square root is never a midpoint: RMM = RNE.
    return finishD(r, dir, rm == RMM ? RNE : rm);
  }
  if (!d && s == 0 && e != 255 && a != 0) {
    // Binary32: the binary64 root and the sign of x − r² (exact via TwoProduct) fix the rounding.
    const x = s2f(a);
    const r = Math.sqrt(x);
    const p = r * r;
    return finishS(r, sgn((x - p) - twoProdErr(r, r, p)), rm);
  }
  if (e == maxExp(d)) {
    if (isNaNBits(a, d)) {
      if (isSNaNBits(a, d)) raise(NV);
      return canonNaN(d);
    }
    if (s == 0) return a;
    raise(NV); // √−∞
    return canonNaN(d);
  }
  if (isZeroBits(a, d)) return a; // √±0 = ±0
  if (s != 0) {
    raise(NV); // √negative (§7.2 g)
    return canonNaN(d);
  }
  // Exact path: scale the significand to t ∈ [1, 4) with an even exponent, take the binary64
  // root, find on which side the exact root lies and round once.
  unpack(a, d);
  const ue = unExp();
  const odd = ue & 1;
  const t = reinterpret<f64>(((<u64>(1023 + odd)) << 52) | ((unSig() << 1) >> 12));
  const r = Math.sqrt(t);
  const p = r * r;
  const dir = sgn((t - p) - twoProdErr(r, r, p));
  // r ∈ [1, 2): give it the exponent (ue − odd) / 2, within [−537, 512] for any binary64 input.
  const re = (ue - odd) >> 1;
  const scaled = (reinterpret<u64>(r) & 0x000fffffffffffff) | ((<u64>(1023 + re)) << 52);
  return roundFromF64(reinterpret<f64>(scaled), dir, d, rm == RMM ? RNE : rm);
}

// ---------------------------------------------------------------------------------------------
// Fused multiply-add: a × b + c rounded once.

// Result of shiftRightJam128.
let jHi: u64 = 0;
let jLo: u64 = 0;

/** 128-bit (hi, lo) >> n with jamming into bit 0; result in (jHi, jLo). */
function shiftRightJam128(hi: u64, lo: u64, n: i32): void {
  if (n == 0) {
    jHi = hi;
    jLo = lo;
  } else if (n < 64) {
    jHi = hi >> n;
    jLo = (hi << (64 - n)) | (lo >> n) | ((lo << (64 - n)) != 0 ? 1 : 0);
  } else if (n < 128) {
    jHi = 0;
    const m = n - 64;
    const rest = m == 0 ? lo : (lo | (hi << (64 - m)));
    jLo = (m == 0 ? hi : hi >> m) | ((m == 0 ? lo : rest) != 0 ? 1 : 0);
  } else {
    jHi = 0;
    jLo = (hi | lo) != 0 ? 1 : 0;
  }
}

/** Exact software a × b + c for finite non-zero a, b, c. */
function fmaSoft(a: u64, b: u64, c: u64, d: bool, rm: u32): u64 {
  unpack(a, d);
  let sp = unSign();
  const ea = unExp();
  const ma = unSig();
  unpack(b, d);
  sp ^= unSign();
  // Product X·2^(E−126), X's leading one at bit 126 of (xh, xl).
  let ep = ea + unExp();
  let xh = mulHi(ma >> 1, unSig());
  let xl = (ma >> 1) * unSig();
  if ((xh >> 62) == 0) {
    xh = (xh << 1) | (xl >> 63);
    xl <<= 1;
  } else ep += 1;
  unpack(c, d);
  let sc = unSign();
  let ec = unExp();
  let yh = unSig() >> 1;
  let yl = unSig() << 63;
  // Order by magnitude: (xh, xl, ep, sp) is the larger.
  if (ec > ep || (ec == ep && (yh > xh || (yh == xh && yl > xl)))) {
    let t = xh; xh = yh; yh = t;
    t = xl; xl = yl; yl = t;
    const te = ep; ep = ec; ec = te;
    const ts = sp; sp = sc; sc = ts;
  }
  shiftRightJam128(yh, yl, ep - ec);
  yh = jHi;
  yl = jLo;
  let rh: u64;
  let rl: u64;
  if (sp == sc) {
    rl = xl + yl;
    rh = xh + yh + (rl < xl ? 1 : 0);
  } else {
    rl = xl - yl;
    rh = xh - yh - (xl < yl ? 1 : 0);
  }
  if ((rh | rl) == 0) return zeroOf(rm == RDN ? 1 : 0, d); // exact cancellation
  let lz: i32;
  let sig: u64;
  if (rh != 0) {
    lz = <i32>clz<u64>(rh);
    sig = lz == 0 ? rh | (rl != 0 ? 1 : 0) : (rh << lz) | (rl >> (64 - lz)) | ((rl << lz) != 0 ? 1 : 0);
  } else {
    const l2 = <i32>clz<u64>(rl);
    lz = 64 + l2;
    sig = rl << l2;
  }
  return roundPack(sp, ep + 1 - lz, sig, d, rm);
}

/** a × b + c rounded once (RISC-V FMADD; callers negate operands for FMSUB/FNMSUB/FNMADD). */
export function fpFma(a: u64, b: u64, c: u64, d: bool, rm: u32): u64 {
  const me = maxExp(d);
  const ea = expField(a, d);
  const eb = expField(b, d);
  const ec = expField(c, d);
  if (!d && ea != 255 && eb != 255 && ec != 255) {
    // Binary32: the product is exact in binary64; TwoSum gives the sum and its exact error.
    const p = s2f(a) * s2f(b);
    const z = s2f(c);
    const s = p + z;
    if (s == 0) {
      const sp = (reinterpret<u64>(p) >> 63) as u32;
      const sz = signOf(c, false);
      return zeroOf(rm == RDN ? sp | sz : p == 0 && z == 0 ? sp & sz : 0, false);
    }
    return finishS(s, sgn(twoSumErr(p, z, s)), rm);
  }
  if (d && <u32>(ea - 543) <= 960 && <u32>(eb - 543) <= 960 && ec <= 2045) {
    // Binary64 fast path. Error-free transformations give exact = r + re + ue with r the
    // binary64 nearest (th + ur); when |re + ue| is below half the spacing on its side of r,
    // r is RN(exact) and sign(re + ue) is the direction for the directed modes.
    const x = reinterpret<f64>(a);
    const y = reinterpret<f64>(b);
    const z = reinterpret<f64>(c);
    const p = x * y;
    const e = twoProdErr(x, y, p); // x·y = p + e
    const th = p + z;
    const tl = twoSumErr(p, z, th); // p + z = th + tl
    const ur = tl + e;
    const ue = twoSumErr(tl, e, ur); // tl + e = ur + ue
    const r = th + ur;
    const re = twoSumErr(th, ur, r); // th + ur = r + re
    const ds = re + ue;
    const rb = reinterpret<u64>(r);
    const k = (rb >> 52) & 0x7ff;
    if (k >= 60 && k <= 2045) {
      // Half the spacing above |r|; a quarter when |r| is a power of two and ds points to zero.
      const down = (ds < 0) != (r < 0);
      const hk = (rb & 0xfffffffffffff) == 0 && down ? k - 54 : k - 53;
      if (Math.abs(ds) < reinterpret<f64>(hk << 52)) return finishD(r, sgn(ds), rm == RMM ? RNE : rm);
    }
  }
  const sp = signOf(a, d) ^ signOf(b, d);
  if (ea == me || eb == me || ec == me) {
    const aZero = isZeroBits(a, d);
    const bZero = isZeroBits(b, d);
    // RISC-V: ∞ × 0 + qNaN raises NV too ("Single-Precision Fused Multiply-Add Instructions").
    if ((isInfBits(a, d) && bZero) || (isInfBits(b, d) && aZero)) {
      raise(NV);
      return canonNaN(d);
    }
    if (isNaNBits(a, d) || isNaNBits(b, d) || isNaNBits(c, d)) {
      if (isSNaNBits(a, d) || isSNaNBits(b, d) || isSNaNBits(c, d)) raise(NV);
      return canonNaN(d);
    }
    if (ea == me || eb == me) {
      if (ec == me && signOf(c, d) != sp) {
        raise(NV); // ∞ − ∞
        return canonNaN(d);
      }
      return infOf(sp, d);
    }
    return c;
  }
  if (isZeroBits(a, d) || isZeroBits(b, d)) {
    if (isZeroBits(c, d)) return zeroOf(zeroSumSign(sp, signOf(c, d), rm), d);
    return c;
  }
  if (isZeroBits(c, d)) return mulSoft(a, b, d, rm);
  return fmaSoft(a, b, c, d, rm);
}
