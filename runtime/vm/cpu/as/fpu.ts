// F and D extensions: decodes and executes OP-FP and the four fused multiply-add opcodes for
// binary32 and binary64 against register files in linear memory (entry point fpExecute).
import {
  RMM, clearFlags, currentFlags, raise, NV, expField, fracField, signOf, isNaNBits, isSNaNBits,
  canonNaN, negate,
} from "./fpuRound";
import { fpAdd, fpMul, fpDiv, fpSqrt, fpFma } from "./fpuArith";
import { fpToInt, fpFromInt, fpS2D, fpD2S } from "./fpuConvert";

// Major opcodes (RISC-V unprivileged spec, "RV32/64G Instruction Set Listings").
const OP_FMADD: u32 = 0x43;
const OP_FMSUB: u32 = 0x47;
const OP_FNMSUB: u32 = 0x4b;
const OP_FNMADD: u32 = 0x4f;
const OP_FP: u32 = 0x53;

// funct5 (insn[31:27]) values of OP-FP (same listings).
const F_ADD: u32 = 0x00;
const F_SUB: u32 = 0x01;
const F_MUL: u32 = 0x02;
const F_DIV: u32 = 0x03;
const F_SGNJ: u32 = 0x04;
const F_MINMAX: u32 = 0x05;
const F_CVT_FF: u32 = 0x08;
const F_SQRT: u32 = 0x0b;
const F_CMP: u32 = 0x14;
const F_CVT_IF: u32 = 0x18; // float → integer
const F_CVT_FI: u32 = 0x1a; // integer → float
const F_MV_XF: u32 = 0x1c; // FMV.X.W/D and FCLASS
const F_MV_FX: u32 = 0x1e; // FMV.W.X/D.X

/** Return value of fpExecute: executed. */
export const FP_OK: u32 = 0;
/** Return value of fpExecute: illegal instruction (nothing was modified). */
export const FP_ILLEGAL: u32 = 1;

/** Reads an FP register as binary32 (low 32 bits) or binary64; an improperly NaN-boxed single reads as the canonical NaN. */
@inline function readF(fregs: usize, r: u32, d: bool): u64 {
  const v = load<u64>(fregs + ((<usize>r) << 3));
  if (d) return v;
  return (v >> 32) == 0xffffffff ? v & 0xffffffff : 0x7fc00000;
}

/** Writes a binary32 (NaN-boxed) or binary64 result. */
@inline function writeF(fregs: usize, r: u32, v: u64, d: bool): void {
  store<u64>(fregs + ((<usize>r) << 3), d ? v : v | 0xffffffff00000000);
}

/** Writes an integer register (x0 stays zero). */
@inline function writeX(xregs: usize, r: u32, v: u64): void {
  if (r != 0) store<u64>(xregs + ((<usize>r) << 3), v);
}

/** FCLASS.S/D: one-hot class mask (spec table "Format of result of FCLASS instruction"). */
function fclass(x: u64, d: bool): u64 {
  const s = signOf(x, d);
  const e = expField(x, d);
  const f = fracField(x, d);
  if (e == (d ? 2047 : 255)) {
    if (f == 0) return s != 0 ? 1 : 128; // −∞ : +∞
    return isSNaNBits(x, d) ? 256 : 512;
  }
  if (e == 0) {
    if (f == 0) return s != 0 ? 8 : 16; // −0 : +0
    return s != 0 ? 4 : 32; // subnormal
  }
  return s != 0 ? 2 : 64; // normal
}

/** a < b as IEEE values for non-NaN bit patterns, with −0 < +0 (for FMIN/FMAX). */
@inline function lessOrdered(a: u64, b: u64, d: bool): bool {
  const sa = signOf(a, d);
  const sb = signOf(b, d);
  if (sa != sb) return sa != 0;
  return sa != 0 ? a > b : a < b;
}

/** FMIN/FMAX (IEEE 754-2019 minimumNumber/maximumNumber, as RISC-V F v2.2 specifies). */
function minMax(a: u64, b: u64, d: bool, isMax: bool): u64 {
  const an = isNaNBits(a, d);
  const bn = isNaNBits(b, d);
  if (isSNaNBits(a, d) || isSNaNBits(b, d)) raise(NV);
  if (an && bn) return canonNaN(d);
  if (an) return b;
  if (bn) return a;
  return lessOrdered(a, b, d) != isMax ? a : b;
}

/** FEQ (quiet), FLT and FLE (signalling); funct3 2 = EQ, 1 = LT, 0 = LE. */
function compare(a: u64, b: u64, d: bool, op: u32): u64 {
  if (isNaNBits(a, d) || isNaNBits(b, d)) {
    if (op != 2 || isSNaNBits(a, d) || isSNaNBits(b, d)) raise(NV);
    return 0;
  }
  let r: bool;
  if (d) {
    const x = reinterpret<f64>(a);
    const y = reinterpret<f64>(b);
    r = op == 2 ? x == y : op == 1 ? x < y : x <= y;
  } else {
    const x = reinterpret<f32>(<u32>a);
    const y = reinterpret<f32>(<u32>b);
    r = op == 2 ? x == y : op == 1 ? x < y : x <= y;
  }
  return r ? 1 : 0;
}

/**
 * Executes one F/D instruction `insn` (major opcode OP-FP, FMADD, FMSUB, FNMSUB or FNMADD) on
 * the 32 × u64 integer registers at `xregs`, the 32 × u64 FP registers at `fregs` (singles
 * NaN-boxed) and the u32 fcsr at `fcsr` (fflags bits 0–4, frm bits 5–7). Returns FP_OK, with
 * exception flags ORed into fflags, or FP_ILLEGAL (unsupported fmt, reserved rm or frm, reserved
 * rs2/funct3 encodings), in which case nothing was modified. Does not check mstatus.FS: the
 * caller traps when FS is Off and marks FS Dirty after FP_OK.
 */
export function fpExecute(insn: u32, xregs: usize, fregs: usize, fcsr: usize): u32 {
  const opcode = insn & 0x7f;
  const rd = (insn >> 7) & 31;
  const f3 = (insn >> 12) & 7;
  const rs1 = (insn >> 15) & 31;
  const rs2 = (insn >> 20) & 31;
  const fmt = (insn >> 25) & 3;
  const funct5 = insn >> 27;
  if (fmt > 1) return FP_ILLEGAL; // H and Q formats are not implemented
  const d = fmt == 1;
  const csr = load<u32>(fcsr);
  // Effective rounding mode for instructions with an rm field (7 = dynamic: frm).
  let rm = f3 == 7 ? (csr >> 5) & 7 : f3;
  clearFlags();

  if (opcode != OP_FP) {
    if (opcode != OP_FMADD && opcode != OP_FMSUB && opcode != OP_FNMSUB && opcode != OP_FNMADD) {
      return FP_ILLEGAL;
    }
    if (rm > RMM) return FP_ILLEGAL;
    let a = readF(fregs, rs1, d);
    const b = readF(fregs, rs2, d);
    let c = readF(fregs, funct5, d); // rs3 = insn[31:27]
    if (opcode == OP_FMSUB) c = negate(c, d);
    else if (opcode == OP_FNMSUB) a = negate(a, d);
    else if (opcode == OP_FNMADD) {
      a = negate(a, d);
      c = negate(c, d);
    }
    writeF(fregs, rd, fpFma(a, b, c, d, rm), d);
    store<u32>(fcsr, csr | currentFlags());
    return FP_OK;
  }

  switch (funct5) {
    case F_ADD:
    case F_SUB: {
      if (rm > RMM) return FP_ILLEGAL;
      const a = readF(fregs, rs1, d);
      let b = readF(fregs, rs2, d);
      if (funct5 == F_SUB) b = negate(b, d);
      writeF(fregs, rd, fpAdd(a, b, d, rm), d);
      break;
    }
    case F_MUL: {
      if (rm > RMM) return FP_ILLEGAL;
      writeF(fregs, rd, fpMul(readF(fregs, rs1, d), readF(fregs, rs2, d), d, rm), d);
      break;
    }
    case F_DIV: {
      if (rm > RMM) return FP_ILLEGAL;
      writeF(fregs, rd, fpDiv(readF(fregs, rs1, d), readF(fregs, rs2, d), d, rm), d);
      break;
    }
    case F_SQRT: {
      if (rm > RMM || rs2 != 0) return FP_ILLEGAL;
      writeF(fregs, rd, fpSqrt(readF(fregs, rs1, d), d, rm), d);
      break;
    }
    case F_SGNJ: {
      if (f3 > 2) return FP_ILLEGAL;
      const a = readF(fregs, rs1, d);
      const b = readF(fregs, rs2, d);
      const sbit: u64 = d ? 0x8000000000000000 : 0x80000000;
      const s = f3 == 0 ? b & sbit : f3 == 1 ? (b ^ sbit) & sbit : (a ^ b) & sbit;
      writeF(fregs, rd, (a & ~sbit) | s, d);
      break;
    }
    case F_MINMAX: {
      if (f3 > 1) return FP_ILLEGAL;
      writeF(fregs, rd, minMax(readF(fregs, rs1, d), readF(fregs, rs2, d), d, f3 == 1), d);
      break;
    }
    case F_CVT_FF: {
      // FCVT.S.D: fmt S, rs2 = 1 (source D); FCVT.D.S: fmt D, rs2 = 0 (source S).
      if (rm > RMM || rs2 != (d ? 0 : 1)) return FP_ILLEGAL;
      if (d) writeF(fregs, rd, fpS2D(readF(fregs, rs1, false)), true);
      else writeF(fregs, rd, fpD2S(readF(fregs, rs1, true), rm), false);
      break;
    }
    case F_CMP: {
      if (f3 > 2) return FP_ILLEGAL;
      writeX(xregs, rd, compare(readF(fregs, rs1, d), readF(fregs, rs2, d), d, f3));
      break;
    }
    case F_CVT_IF: {
      if (rm > RMM || rs2 > 3) return FP_ILLEGAL;
      writeX(xregs, rd, fpToInt(readF(fregs, rs1, d), d, rm, rs2));
      break;
    }
    case F_CVT_FI: {
      if (rm > RMM || rs2 > 3) return FP_ILLEGAL;
      const v = load<u64>(xregs + ((<usize>rs1) << 3));
      writeF(fregs, rd, fpFromInt(rs1 == 0 ? 0 : v, d, rm, rs2), d);
      break;
    }
    case F_MV_XF: {
      if (rs2 != 0) return FP_ILLEGAL;
      if (f3 == 0) {
        // FMV.X.W / FMV.X.D: raw bits, no NaN-box check; W sign-extends bit 31.
        const v = load<u64>(fregs + ((<usize>rs1) << 3));
        writeX(xregs, rd, d ? v : <u64>(<i64>(<i32>(<u32>v))));
      } else if (f3 == 1) {
        writeX(xregs, rd, fclass(readF(fregs, rs1, d), d));
      } else return FP_ILLEGAL;
      break;
    }
    case F_MV_FX: {
      if (rs2 != 0 || f3 != 0) return FP_ILLEGAL;
      const v = rs1 == 0 ? 0 : load<u64>(xregs + ((<usize>rs1) << 3));
      writeF(fregs, rd, d ? v : v & 0xffffffff, d);
      break;
    }
    default:
      return FP_ILLEGAL;
  }
  store<u32>(fcsr, csr | currentFlags());
  return FP_OK;
}
