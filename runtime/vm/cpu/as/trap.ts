// Trap entry (exceptions and interrupts), delegation, interrupt priority and enable logic (privileged spec §3.1.6–3.1.9, §3.3.1, §4.1).
import * as S from "./state";
import * as C from "./csr";
import { updateCtx, fetchSlow } from "./mmu";

/** Exception causes (privileged spec Table 3.6). */
export const EXC_INSN_MISALIGNED: u64 = 0;
export const EXC_INSN_ACCESS: u64 = 1;
export const EXC_ILLEGAL: u64 = 2;
export const EXC_BREAKPOINT: u64 = 3;
export const EXC_LOAD_MISALIGNED: u64 = 4;
export const EXC_LOAD_ACCESS: u64 = 5;
export const EXC_STORE_MISALIGNED: u64 = 6;
export const EXC_STORE_ACCESS: u64 = 7;
export const EXC_ECALL_U: u64 = 8;
export const EXC_INSN_PAGE: u64 = 12;
export const EXC_LOAD_PAGE: u64 = 13;
export const EXC_STORE_PAGE: u64 = 15;

/** Exceptions from U-mode whose cause bit is set here stop run() with STOP_HOST_TRAP instead of trapping. */
export let hostTrapMask: u64 = 0;
/** Cause and tval of the last exception handed to the host. */
export let hostCause: u64 = 0;
export let hostTval: u64 = 0;
/** LR/SC reservation (physical address; u64 max = none). */
export let reservation: u64 = 0xffffffffffffffff;

/** Changes privilege; the TLB context (see mmu.updateCtx) follows, no flush is needed. */
export function setPriv(p: i32): void {
  if (p != S.priv) {
    S.priv = p;
    updateCtx();
  }
  S.requestIrqCheck();
}

/** Raises a synchronous exception for the current instruction (which then does not retire). */
export function raiseException(cause: u64, tval: u64): void {
  S.trapped = true;
  S.attn = true;
  S.instret--;
  if (S.priv == S.PRV_U && ((hostTrapMask >> cause) & 1) != 0) {
    hostCause = cause;
    hostTval = tval;
    S.stopReason = S.STOP_HOST_TRAP;
    return;
  }
  takeTrap(cause, tval, false);
}

/** Raises an illegal-instruction exception; tval is the instruction's own bits (16 for compressed). */
export function illegal(insn: u32): void {
  // A compressed instruction reports its own 16 bits, not the expansion (re-fetched: it just fetched fine).
  const bits = S.ilen == 2 ? (fetchSlow(S.pc) & 0xffff) : insn;
  raiseException(EXC_ILLEGAL, <u64>bits);
}

/** Enters the trap handler in M or (if delegated) S mode, setting cause/epc/tval and the status stack. */
export function takeTrap(cause: u64, tval: u64, interrupt: bool): void {
  reservation = 0xffffffffffffffff;
  const deleg = interrupt ? C.mideleg : C.medeleg;
  const causeReg = interrupt ? (cause | (<u64>1 << 63)) : cause;
  const p = S.priv;
  if (p <= S.PRV_S && ((deleg >> cause) & 1) != 0) {
    C.setScause(causeReg);
    C.setSepc(S.pc);
    C.setStval(tval);
    let ms = C.mstatus;
    const sie = (ms >> 1) & 1;
    ms = (ms & ~(<u64>(1 << 5) | <u64>(1 << 1) | <u64>(1 << 8))) | (sie << 5) | (<u64>p << 8);
    C.setMstatusRaw(ms);
    const tv = C.stvec;
    S.pc = (tv & ~<u64>3) + ((interrupt && (tv & 1) != 0) ? cause << 2 : 0);
    setPriv(S.PRV_S);
  } else {
    C.setMcause(causeReg);
    C.setMepc(S.pc);
    C.setMtval(tval);
    let ms = C.mstatus;
    const mie = (ms >> 3) & 1;
    ms = (ms & ~(<u64>(1 << 7) | <u64>(1 << 3) | (<u64>3 << 11))) | (mie << 7) | (<u64>p << 11);
    C.setMstatusRaw(ms);
    const tv = C.mtvec;
    S.pc = (tv & ~<u64>3) + ((interrupt && (tv & 1) != 0) ? cause << 2 : 0);
    setPriv(S.PRV_M);
  }
}

/** Interrupt priority order (privileged spec §3.1.9): MEI, MSI, MTI, SEI, SSI, STI. */
// @ts-ignore: decorator
@inline function pick(bits: u64): u64 {
  if (bits & (1 << 11)) return 11;
  if (bits & (1 << 3)) return 3;
  if (bits & (1 << 7)) return 7;
  if (bits & (1 << 9)) return 9;
  if (bits & (1 << 1)) return 1;
  if (bits & (1 << 5)) return 5;
  return 64;
}

/** Takes the highest-priority pending and enabled interrupt, if any; returns true when one was taken. */
export function checkInterrupts(): bool {
  const pending = C.mipValue() & C.mie;
  if (pending == 0) return false;
  const p = S.priv;
  const ms = C.mstatus;
  // M-level interrupts: enabled below M, or in M with MIE.
  let m = pending & ~C.mideleg;
  if (!(p < S.PRV_M || (ms & (1 << 3)) != 0)) m = 0;
  // S-level (delegated) interrupts: enabled below S, or in S with SIE; never in M.
  let s = pending & C.mideleg;
  if (!(p < S.PRV_S || (p == S.PRV_S && (ms & (1 << 1)) != 0))) s = 0;
  let cause = pick(m);
  if (cause == 64) cause = pick(s);
  if (cause == 64) return false;
  takeTrap(cause, 0, true);
  return true;
}
