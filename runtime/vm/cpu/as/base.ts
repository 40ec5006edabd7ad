// RV64I base integer instructions (unprivileged spec ch. 2 and 5), one executor per major opcode.
import * as S from "./state";
import * as M from "./mmu";
import { execM, execMW } from "./mext";
import { illegal } from "./trap";
import * as B from "./bus";

/** Illegal instruction inside a hot executor: records the length (for the tval re-fetch) first. */
function illegalLen(insn: u32, len: u64): u64 {
  S.ilen = len;
  illegal(insn);
  return S.pc;
}

// @ts-ignore: decorator
@inline function immI(insn: u32): u64 { return <u64><i64>(<i32>insn >> 20); }
// @ts-ignore: decorator
@inline function immS(insn: u32): u64 { return <u64><i64>(((<i32>insn >> 20) & ~31) | ((insn >> 7) & 31)); }
// @ts-ignore: decorator
@inline function immB(insn: u32): u64 {
  return <u64><i64>(((<i32>insn >> 19) & ~0xfff) | ((insn << 4) & 0x800) | ((insn >> 20) & 0x7e0) | ((insn >> 7) & 0x1e));
}
// @ts-ignore: decorator
@inline function immJ(insn: u32): u64 {
  return <u64><i64>(((<i32>insn >> 11) & ~0xfffff) | (insn & 0xff000) | ((insn >> 9) & 0x800) | ((insn >> 20) & 0x7fe));
}

/** LUI. */
// @ts-ignore: decorator
@inline export function execLui(insn: u32, pc: u64, len: u64): u64 {
  S.setX((insn >> 7) & 31, <u64><i64><i32>(insn & 0xfffff000));
  return pc + len;
}

/** AUIPC. */
// @ts-ignore: decorator
@inline export function execAuipc(insn: u32, pc: u64, len: u64): u64 {
  S.setX((insn >> 7) & 31, pc + <u64><i64><i32>(insn & 0xfffff000));
  return pc + len;
}

/** JAL (targets are always 2-byte aligned: C is enabled). */
// @ts-ignore: decorator
@inline export function execJal(insn: u32, pc: u64, len: u64): u64 {
  S.setX((insn >> 7) & 31, pc + len);
  return pc + immJ(insn);
}

/** JALR. */
// @ts-ignore: decorator
@inline export function execJalr(insn: u32, pc: u64, len: u64): u64 {
  const t = (S.getX((insn >> 15) & 31) + immI(insn)) & ~<u64>1;
  S.setX((insn >> 7) & 31, pc + len);
  return t;
}

/** BEQ/BNE/BLT/BGE/BLTU/BGEU. */
// @ts-ignore: decorator
@inline export function execBranch(insn: u32, pc: u64, len: u64): u64 {
  const a = S.getX((insn >> 15) & 31), b = S.getX((insn >> 20) & 31);
  let t: bool;
  switch ((insn >> 12) & 7) {
    case 0: t = a == b; break;
    case 1: t = a != b; break;
    case 4: t = <i64>a < <i64>b; break;
    case 5: t = <i64>a >= <i64>b; break;
    case 6: t = a < b; break;
    case 7: t = a >= b; break;
    default: return illegalLen(insn, len);
  }
  return t ? pc + immB(insn) : pc + len;
}

/** LB/LH/LW/LD/LBU/LHU/LWU. */
// @ts-ignore: decorator
@inline export function execLoad(insn: u32, pc: u64, len: u64): u64 {
  const va = S.getX((insn >> 15) & 31) + immI(insn);
  let v: u64;
  switch ((insn >> 12) & 7) {
    case 0: v = <u64><i64><i8>M.vload8(va); break;
    case 1: v = <u64><i64><i16>M.vload16(va); break;
    case 2: v = <u64><i64><i32>M.vload32(va); break;
    case 3: v = M.vload64(va); break;
    case 4: v = <u64>M.vload8(va); break;
    case 5: v = <u64>M.vload16(va); break;
    case 6: v = <u64>M.vload32(va); break;
    default: return illegalLen(insn, len);
  }
  if (S.trapped) return S.pc;
  S.setX((insn >> 7) & 31, v);
  return pc + len;
}

/** SB/SH/SW/SD. */
// @ts-ignore: decorator
@inline export function execStore(insn: u32, pc: u64, len: u64): u64 {
  const va = S.getX((insn >> 15) & 31) + immS(insn);
  const v = S.getX((insn >> 20) & 31);
  switch ((insn >> 12) & 7) {
    case 0: M.vstore8(va, <u8>v); break;
    case 1: M.vstore16(va, <u16>v); break;
    case 2: M.vstore32(va, <u32>v); break;
    case 3: M.vstore64(va, v); break;
    default: return illegalLen(insn, len);
  }
  if (S.trapped) return S.pc;
  return pc + len;
}

/** ADDI/SLTI/SLTIU/XORI/ORI/ANDI/SLLI/SRLI/SRAI. */
// @ts-ignore: decorator
@inline export function execOpImm(insn: u32, pc: u64, len: u64): u64 {
  const a = S.getX((insn >> 15) & 31);
  const imm = immI(insn);
  let r: u64;
  switch ((insn >> 12) & 7) {
    case 0: r = a + imm; break;
    case 1: if ((insn >> 26) != 0) { return illegalLen(insn, len); } r = a << (imm & 63); break;
    case 2: r = <i64>a < <i64>imm ? 1 : 0; break;
    case 3: r = a < imm ? 1 : 0; break;
    case 4: r = a ^ imm; break;
    case 5: {
      const f6 = insn >> 26;
      if (f6 == 0) r = a >> (imm & 63);
      else if (f6 == 0x10) r = <u64>(<i64>a >> <i64>(imm & 63));
      else { return illegalLen(insn, len); }
      break;
    }
    case 6: r = a | imm; break;
    default: r = a & imm; break;
  }
  S.setX((insn >> 7) & 31, r);
  return pc + len;
}

/** ADDIW/SLLIW/SRLIW/SRAIW. */
// @ts-ignore: decorator
@inline export function execOpImm32(insn: u32, pc: u64, len: u64): u64 {
  const a = <i32>S.getX((insn >> 15) & 31);
  const sh = (insn >> 20) & 31;
  let r: i32;
  switch ((insn >> 12) & 7) {
    case 0: r = a + (<i32>insn >> 20); break;
    case 1: if ((insn >> 25) != 0) { return illegalLen(insn, len); } r = a << sh; break;
    case 5: {
      const f7 = insn >> 25;
      if (f7 == 0) r = <i32>(<u32>a >> sh);
      else if (f7 == 0x20) r = a >> sh;
      else { return illegalLen(insn, len); }
      break;
    }
    default: return illegalLen(insn, len);
  }
  S.setX((insn >> 7) & 31, <u64><i64>r);
  return pc + len;
}

/** ADD/SUB/SLL/SLT/SLTU/XOR/SRL/SRA/OR/AND and the M extension. */
// @ts-ignore: decorator
@inline export function execOp(insn: u32, pc: u64, len: u64): u64 {
  const a = S.getX((insn >> 15) & 31), b = S.getX((insn >> 20) & 31);
  const rd = (insn >> 7) & 31;
  const f7 = insn >> 25;
  let r: u64;
  if (f7 == 0) {
    switch ((insn >> 12) & 7) {
      case 0: r = a + b; break;
      case 1: r = a << (b & 63); break;
      case 2: r = <i64>a < <i64>b ? 1 : 0; break;
      case 3: r = a < b ? 1 : 0; break;
      case 4: r = a ^ b; break;
      case 5: r = a >> (b & 63); break;
      case 6: r = a | b; break;
      default: r = a & b; break;
    }
  } else if (f7 == 0x20) {
    const f3 = (insn >> 12) & 7;
    if (f3 == 0) r = a - b;
    else if (f3 == 5) r = <u64>(<i64>a >> <i64>(b & 63));
    else { return illegalLen(insn, len); }
  } else if (f7 == 1) {
    execM(insn, rd, a, b);
    return pc + len;
  } else { return illegalLen(insn, len); }
  S.setX(rd, r);
  return pc + len;
}

/** ADDW/SUBW/SLLW/SRLW/SRAW and the M extension's word forms. */
// @ts-ignore: decorator
@inline export function execOp32(insn: u32, pc: u64, len: u64): u64 {
  const a64 = S.getX((insn >> 15) & 31), b64 = S.getX((insn >> 20) & 31);
  const rd = (insn >> 7) & 31;
  const f7 = insn >> 25;
  const f3 = (insn >> 12) & 7;
  const a = <i32>a64, b = <i32>b64;
  let r: i32;
  if (f7 == 0) {
    if (f3 == 0) r = a + b;
    else if (f3 == 1) r = a << (b & 31);
    else if (f3 == 5) r = <i32>(<u32>a >> (<u32>b & 31));
    else { return illegalLen(insn, len); }
  } else if (f7 == 0x20) {
    if (f3 == 0) r = a - b;
    else if (f3 == 5) r = a >> (b & 31);
    else { return illegalLen(insn, len); }
  } else if (f7 == 1) {
    if (!execMW(insn, rd, a64, b64)) { return illegalLen(insn, len); }
    return pc + len;
  } else { return illegalLen(insn, len); }
  S.setX(rd, <u64><i64>r);
  return pc + len;
}

/** FENCE, FENCE.I (Zifencei: bumps the code epoch for a translation tier). */
export function execMiscMem(insn: u32): void {
  const f3 = (insn >> 12) & 7;
  if (f3 == 0) { S.pc += S.ilen; return; }
  if (f3 == 1) { B.bumpCodeEpoch(); S.pc += S.ilen; return; }
  illegal(insn);
}
