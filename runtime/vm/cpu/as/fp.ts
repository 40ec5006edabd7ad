// F/D glue: FP loads/stores (NaN-boxing on FLW), mstatus.FS gating and dirtying, dispatch of FP arithmetic to fpu.ts.
import * as S from "./state";
import * as C from "./csr";
import * as M from "./mmu";
import { illegal } from "./trap";
import { fpExecute } from "./fpu";

/** LOAD-FP (0x07): FLW, FLD. */
export function execLoadFp(insn: u32): void {
  const f3 = (insn >> 12) & 7;
  if (!C.fpOn() || (f3 != 2 && f3 != 3)) { illegal(insn); return; }
  const va = S.getX((insn >> 15) & 31) + <u64><i64>(<i32>insn >> 20);
  let v: u64;
  if (f3 == 2) v = <u64>M.vload32(va) | 0xffffffff00000000; else v = M.vload64(va);
  if (S.trapped) return;
  S.setF((insn >> 7) & 31, v);
  C.fsDirty();
  S.pc += S.ilen;
}

/** STORE-FP (0x27): FSW, FSD. */
export function execStoreFp(insn: u32): void {
  const f3 = (insn >> 12) & 7;
  if (!C.fpOn() || (f3 != 2 && f3 != 3)) { illegal(insn); return; }
  const va = S.getX((insn >> 15) & 31) + <u64><i64>(((<i32>insn >> 20) & ~31) | ((insn >> 7) & 31));
  const v = S.getF((insn >> 20) & 31);
  if (f3 == 2) M.vstore32(va, <u32>v); else M.vstore64(va, v);
  if (S.trapped) return;
  S.pc += S.ilen;
}

/** OP-FP and the fused multiply-adds: executed by fpExecute; FS must be on, and becomes Dirty. */
export function execFp(insn: u32): void {
  if (!C.fpOn()) { illegal(insn); return; }
  if (fpExecute(insn, S.XREGS, S.FREGS, S.FCSR) != 0) { illegal(insn); return; }
  C.fsDirty();
  S.pc += S.ilen;
}
