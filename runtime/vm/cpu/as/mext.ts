// RV64M: multiply/divide (unprivileged spec ch. 13), incl. the 128-bit high products and the division special cases.
import * as S from "./state";

/** High 64 bits of the unsigned 128-bit product a*b. */
export function mulhu(a: u64, b: u64): u64 {
  const a0 = a & 0xffffffff, a1 = a >> 32, b0 = b & 0xffffffff, b1 = b >> 32;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >> 32) + (p01 & 0xffffffff) + (p10 & 0xffffffff);
  return p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

/** High 64 bits of the signed 128-bit product. */
export function mulh(a: u64, b: u64): u64 {
  let h = mulhu(a, b);
  if (<i64>a < 0) h -= b;
  if (<i64>b < 0) h -= a;
  return h;
}

/** High 64 bits of signed a times unsigned b. */
export function mulhsu(a: u64, b: u64): u64 {
  let h = mulhu(a, b);
  if (<i64>a < 0) h -= b;
  return h;
}

/** OP (funct7 = 1): MUL, MULH, MULHSU, MULHU, DIV, DIVU, REM, REMU. */
export function execM(insn: u32, rd: u32, a: u64, b: u64): void {
  let r: u64;
  switch ((insn >> 12) & 7) {
    case 0: r = a * b; break;
    case 1: r = mulh(a, b); break;
    case 2: r = mulhsu(a, b); break;
    case 3: r = mulhu(a, b); break;
    case 4: r = b == 0 ? 0xffffffffffffffff : ((<i64>a == i64.MIN_VALUE && <i64>b == -1) ? a : <u64>(<i64>a / <i64>b)); break;
    case 5: r = b == 0 ? 0xffffffffffffffff : a / b; break;
    case 6: r = b == 0 ? a : ((<i64>a == i64.MIN_VALUE && <i64>b == -1) ? 0 : <u64>(<i64>a % <i64>b)); break;
    default: r = b == 0 ? a : a % b; break;
  }
  S.setX(rd, r);
}

/** OP-32 (funct7 = 1): MULW, DIVW, DIVUW, REMW, REMUW (results sign-extended from 32 bits). */
export function execMW(insn: u32, rd: u32, a64: u64, b64: u64): bool {
  const a = <i32>a64, b = <i32>b64;
  let r: i32;
  switch ((insn >> 12) & 7) {
    case 0: r = a * b; break;
    case 4: r = b == 0 ? -1 : ((a == i32.MIN_VALUE && b == -1) ? a : a / b); break;
    case 5: r = b == 0 ? -1 : <i32>(<u32>a / <u32>b); break;
    case 6: r = b == 0 ? a : ((a == i32.MIN_VALUE && b == -1) ? 0 : a % b); break;
    case 7: r = b == 0 ? a : <i32>(<u32>a % <u32>b); break;
    default: return false;
  }
  S.setX(rd, <u64><i64>r);
  return true;
}
