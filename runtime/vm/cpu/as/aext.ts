// RV64A: LR/SC with a single reservation and all AMOs, word and doubleword (unprivileged spec ch. 14).
import * as S from "./state";
import * as T from "./trap";
import { translateAmo } from "./mmu";
import * as B from "./bus";

/** Executes an AMO-opcode (0x2F) instruction; returns false when the encoding is illegal. */
export function execA(insn: u32): bool {
  const f3 = (insn >> 12) & 7;
  if (f3 != 2 && f3 != 3) return false;
  const size: i32 = f3 == 3 ? 8 : 4;
  const rd = (insn >> 7) & 31;
  const va = S.getX((insn >> 15) & 31);
  const src = S.getX((insn >> 20) & 31);
  const op = insn >> 27;
  const isLr = op == 2;
  if (isLr && ((insn >> 20) & 31) != 0) return false;
  if (!isLr && op != 3 && op != 0 && op != 1 && op != 4 && op != 8 && op != 12 && op != 16 && op != 20 && op != 24 && op != 28) return false;
  if ((va & <u64>(size - 1)) != 0) {
    T.raiseException(isLr ? T.EXC_LOAD_MISALIGNED : T.EXC_STORE_MISALIGNED, va);
    return true;
  }
  const pa = translateAmo(va, isLr);
  if (S.trapped) return true;
  const h = S.ramHost + <usize>(pa - S.ramBase);
  if (isLr) {
    T.reservation = pa;
    S.setX(rd, size == 8 ? load<u64>(h) : <u64><i64>load<i32>(h));
    S.pc += S.ilen;
    return true;
  }
  if (op == 3) {
    // SC: succeeds only with a valid reservation on the same address; always clears it.
    const ok = T.reservation == pa;
    T.reservation = 0xffffffffffffffff;
    if (ok) {
      if (size == 8) store<u64>(h, src); else store<u32>(h, <u32>src);
      afterStore(pa);
    }
    S.setX(rd, ok ? 0 : 1);
    S.pc += S.ilen;
    return true;
  }
  let old: u64, nv: u64;
  if (size == 8) {
    old = load<u64>(h);
    nv = amo64(op, old, src);
    store<u64>(h, nv);
  } else {
    const o = load<i32>(h);
    old = <u64><i64>o;
    nv = amo32(op, o, <i32>src);
    store<u32>(h, <u32>nv);
  }
  afterStore(pa);
  S.setX(rd, old);
  S.pc += S.ilen;
  return true;
}

function afterStore(pa: u64): void {
  if ((pa >> 12) == B.watchPage) { B.physWrite(pa, 1, <u64>load<u8>(S.ramHost + <usize>(pa - S.ramBase))); }
  else if (B.codeMap != 0 && B.isCodePage(pa)) B.invalidateCode(pa);
}

function amo64(op: u32, a: u64, b: u64): u64 {
  switch (op) {
    case 1: return b;
    case 0: return a + b;
    case 4: return a ^ b;
    case 12: return a & b;
    case 8: return a | b;
    case 16: return <i64>a < <i64>b ? a : b;
    case 20: return <i64>a > <i64>b ? a : b;
    case 24: return a < b ? a : b;
    default: return a > b ? a : b;
  }
}

function amo32(op: u32, a: i32, b: i32): u64 {
  let r: i32;
  switch (op) {
    case 1: r = b; break;
    case 0: r = a + b; break;
    case 4: r = a ^ b; break;
    case 12: r = a & b; break;
    case 8: r = a | b; break;
    case 16: r = a < b ? a : b; break;
    case 20: r = a > b ? a : b; break;
    case 24: r = <u32>a < <u32>b ? a : b; break;
    default: r = <u32>a > <u32>b ? a : b; break;
  }
  return <u64><u32>r;
}
