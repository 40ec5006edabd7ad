// The hart's wasm entry: memory setup, the step loop (fetch, expand, dispatch per extension) and the host-facing exports.
import * as S from "./state";
import * as C from "./csr";
import * as B from "./bus";
import * as M from "./mmu";
import * as T from "./trap";
import * as Sys from "./system";
import { buildTable } from "./cext";
import {
  execLui, execAuipc, execJal, execJalr, execBranch, execLoad, execStore,
  execOpImm, execOpImm32, execOp, execOp32, execMiscMem,
} from "./base";
import { execA } from "./aext";
import { execLoadFp, execStoreFp, execFp } from "./fp";

/** Compressed-expansion table (65536 × u32), placed in linear memory by init(). */
let ctable: usize = 0;
/** Where the code-page bitmap lives once a page is marked. */
let codeBitmap: usize = 0;

/**
 * Lays out linear memory (expansion table, then guest RAM), growing it as needed, and resets the hart.
 * Returns 0, or 1 when memory could not grow to hold `ramSize` bytes of RAM.
 */
export function init(ramBase: u64, ramSize: u64): i32 {
  const base = (__heap_base + 0xffff) & ~<usize>0xffff;
  ctable = base + 0x10000;
  // Code-page bitmap (1 bit per 4 KiB of RAM, up to 4 GiB) between the table and RAM.
  codeBitmap = ctable + 0x40000;
  const ram = (codeBitmap + 0x20000 + 0xfffff) & ~<usize>0xfffff;
  const end = <u64>ram + ramSize;
  if (end > 0xffff0000) return 1;
  const needPages = <i32>((end + 0xffff) >> 16);
  const have = memory.size();
  if (needPages > have && memory.grow(needPages - have) < 0) return 1;
  S.ramBase = ramBase;
  S.ramSize = ramSize;
  S.ramHost = ram;
  buildTable(ctable);
  reset();
  return 0;
}

/** Resets the hart: registers zero, pc = RAM base, M-mode, CSRs at their reset values (RAM untouched). */
export function reset(): void {
  memory.fill(S.XREGS, 0, 256);
  memory.fill(S.FREGS, 0, 256);
  store<u32>(S.FCSR, 0);
  S.pc = S.ramBase;
  S.priv = S.PRV_M;
  S.instret = 0;
  C.setMstatusRaw((<u64>2 << 32) | (<u64>2 << 34));
  C.csrWrite(0x302, 0);
  C.csrWrite(0x303, 0);
  C.csrWrite(0x304, 0);
  C.csrWrite(0x344, 0);
  C.csrWrite(0x180, 0);
  T.reservation = 0xffffffffffffffff;
  Sys.clearWfi();
  M.tlbFlush();
  M.updateCtx();
  S.requestIrqCheck();
}

/** Address of guest RAM in linear memory (the host views it as a Uint8Array). */
export function ramPtr(): usize {
  return S.ramHost;
}

/**
 * Dispatches one (expanded) 32-bit instruction by major opcode and returns the next pc. The hot
 * executors work on the pc in a local; the others (and every trap) go through S.pc, which the
 * loop keeps equal to `pc` while an instruction executes.
 */
// @ts-ignore: decorator
@inline function execute(insn: u32, pc: u64, len: u64): u64 {
  switch (insn & 0x7f) {
    case 0x03: return execLoad(insn, pc, len);
    case 0x13: return execOpImm(insn, pc, len);
    case 0x33: return execOp(insn, pc, len);
    case 0x23: return execStore(insn, pc, len);
    case 0x63: return execBranch(insn, pc, len);
    case 0x3b: return execOp32(insn, pc, len);
    case 0x1b: return execOpImm32(insn, pc, len);
    case 0x37: return execLui(insn, pc, len);
    case 0x17: return execAuipc(insn, pc, len);
    case 0x6f: return execJal(insn, pc, len);
    case 0x67: if (((insn >> 12) & 7) != 0) { S.ilen = len; T.illegal(insn); return S.pc; } return execJalr(insn, pc, len);
    // The remaining executors use S.pc/S.ilen (S.ilen is only stored on these paths).
    case 0x0f: S.ilen = len; execMiscMem(insn); return S.pc;
    case 0x73: S.ilen = len; Sys.execSystem(insn); return S.pc;
    case 0x2f: S.ilen = len; if (!execA(insn)) T.illegal(insn); return S.pc;
    case 0x07: S.ilen = len; execLoadFp(insn); return S.pc;
    case 0x27: S.ilen = len; execStoreFp(insn); return S.pc;
    case 0x43: case 0x47: case 0x4b: case 0x4f: case 0x53: S.ilen = len; execFp(insn); return S.pc;
    default: S.ilen = len; T.illegal(insn); return S.pc;
  }
}

/**
 * Runs at most `budget` instructions and returns the stop reason (S.STOP_*). Interrupts are taken
 * at instruction boundaries; a WFI with nothing pending returns STOP_WFI (and keeps returning it
 * until an interrupt is pending in mip & mie).
 */
export function run(budget: i32): i32 {
  S.stopReason = -1;
  if (Sys.wfiWait) {
    if ((C.mipValue() & C.mie) == 0) return S.STOP_WFI;
    Sys.clearWfi();
  }
  S.attn = true;
  let n = budget;
  const ct = ctable;
  let pc = S.pc;
  // The current fetch page (virtual page number and host addend), valid until the next attention
  // (every TLB flush, trap, privilege or translation change raises attention).
  let fvpn: u64 = 0xffffffffffffffff;
  let fadd: u32 = 0;
  while (n > 0) {
    if (S.attn) {
      S.attn = false;
      S.trapped = false;
      fvpn = 0xffffffffffffffff;
      S.pc = pc;
      if (S.stopReason >= 0) break;
      if (S.irqCheck) {
        S.irqCheck = false;
        T.checkInterrupts();
        pc = S.pc;
      }
    }
    S.pc = pc;
    let insn: u32;
    if ((pc >> 12) == fvpn && (<u32>pc & 0xfff) != 0xffe) {
      insn = load<u32>(fadd + <u32>pc);
    } else {
      // Fetch through the fetch TLB (a 4-byte read is safe unless the halfword sits at the page end).
      const vpn = pc >> 12;
      const e = M.TLB_FETCH + ((<usize>vpn & (M.TLB_N - 1)) << 4);
      if (load<u64>(e) == (vpn | M.ctxFetch) && (<u32>pc & 0xfff) != 0xffe) {
        fvpn = vpn;
        fadd = load<u32>(e, 8);
        insn = load<u32>(fadd + <u32>pc);
      } else {
        insn = M.fetchSlow(pc);
        if (S.trapped) { S.instret++; n--; pc = S.pc; continue; } // the fault already un-counted the instruction
      }
    }
    let len: u64 = 4;
    if ((insn & 3) != 3) {
      len = 2;
      insn = load<u32>(ct + (<usize>(insn & 0xffff) << 2));
    }
    S.instret++;
    n--;
    pc = execute(insn, pc, len);
    store<u64>(S.XREGS, 0);
  }
  S.pc = pc;
  lastSteps = budget - n;
  return S.stopReason >= 0 ? S.stopReason : S.STOP_BUDGET;
}

let lastSteps: i32 = 0;
/** Steps (instructions attempted, including ones that trapped) taken by the last run(). */
export function getLastSteps(): i32 { return lastSteps; }

// ---- host accessors (not on the hot path) ----

/** Current pc. */
export function getPc(): u64 { return S.pc; }
/** Sets the pc. */
export function setPc(v: u64): void { S.pc = v; }
/** Integer register i. */
export function getXReg(i: i32): u64 { return S.getX(<u32>i & 31); }
/** Sets integer register i (x0 stays 0). */
export function setXReg(i: i32, v: u64): void { if ((i & 31) != 0) S.setX(<u32>i & 31, v); }
/** FP register i (raw bits). */
export function getFReg(i: i32): u64 { return S.getF(<u32>i & 31); }
/** Sets FP register i (raw bits). */
export function setFReg(i: i32, v: u64): void { S.setF(<u32>i & 31, v); }
/** Current privilege (0 U, 1 S, 3 M). */
export function getPriv(): i32 { return S.priv; }
/** Sets the privilege (selects the TLB context of the new mode). */
export function setPriv(p: i32): void { T.setPriv(p == 1 ? S.PRV_S : (p == 0 ? S.PRV_U : S.PRV_M)); }
/** Retired instructions. */
export function getInstret(): u64 { return S.instret; }
/** Sets the retired-instruction counter. */
export function setInstret(v: u64): void { S.instret = v; }
/** Address of the integer register file in linear memory. */
export function xregsPtr(): usize { return S.XREGS; }

/** Reads a CSR with M-mode rights; returns 0 and sets csrFailed() for an unknown CSR. */
export function csrGet(csr: i32): u64 {
  const p = S.priv;
  S.priv = S.PRV_M;
  // Counters read "before this instruction retires" inside the hart; the host sees the plain count.
  S.instret++;
  const v = C.csrRead(<u32>csr & 0xfff);
  S.instret--;
  S.priv = p;
  return v;
}

/** Writes a CSR with M-mode rights (read-only CSRs fail; see csrFailed()). */
export function csrSet(csr: i32, v: u64): void {
  const p = S.priv;
  S.priv = S.PRV_M;
  if ((csr & 0xfff) == 0xb00 || (csr & 0xfff) == 0xb02) { S.instret = v; S.priv = p; C.csrIllegal = false; return; }
  C.csrWrite(<u32>csr & 0xfff, v);
  S.priv = p;
  M.updateCtx();
}

/** True when the last csrGet/csrSet addressed a CSR that does not exist or is read-only. */
export function csrFailed(): bool { return C.csrIllegal; }

/** Sets (on != 0) or clears the machine-driven mip bits in `mask` (MSIP 3, MTIP 7, SEIP 9, MEIP 11). */
export function setMip(mask: i32, on: i32): void {
  const m = <u64>mask & 0xaa8;
  C.setMipHw(on != 0 ? C.mipHw | m : C.mipHw & ~m);
}

/** Current mip (hardware | software bits). */
export function getMip(): u64 { return C.mipValue(); }

/** True when the hart sleeps in WFI. */
export function inWfi(): bool { return Sys.wfiWait; }

/** Time source: mode 0 = host clock (hostTime import), 1 = deterministic (offset + instret / instrPerTick). */
export function setTimeMode(mode: i32, offset: u64, instrPerTick: u64): void {
  C.timeMode = mode;
  C.timeOffset = offset;
  C.instrPerTick = instrPerTick == 0 ? 1 : instrPerTick;
}

/** Current mtime as the hart sees it (the `time` CSR). */
export function getTime(): u64 { return C.readTime(); }

/** Deterministic mode: advances time by `ticks` (e.g. to skip a WFI sleep). */
export function advanceTime(ticks: u64): void { C.timeOffset += ticks; }

/** U-mode exceptions whose cause bit is set stop run() with STOP_HOST_TRAP (user-mode emulation). */
export function setHostTrapMask(mask: u64): void { T.hostTrapMask = mask; }
/** Cause of the last exception handed to the host. */
export function getHostCause(): u64 { return T.hostCause; }
/** tval of the last exception handed to the host. */
export function getHostTval(): u64 { return T.hostTval; }

/** Stores covering physical `pa` stop run() with STOP_WATCH after completing (u64 max = none). */
export function setWatch(pa: u64): void {
  B.watchAddr = pa;
  B.watchPage = pa == 0xffffffffffffffff ? pa : pa >> 12;
  M.tlbFlush();
}
/** Value stored by the store that hit the watched address. */
export function getWatchValue(): u64 { return B.watchValue; }

/** Called by the host inside an MMIO callback: the access faults (access-fault exception). */
export function busError(): void { B.busFault = true; }

/** Called by the host (e.g. from an MMIO callback): run() returns STOP_REQUESTED after the current instruction. */
export function requestStop(): void {
  S.stopReason = S.STOP_REQUESTED;
  S.attn = true;
}

/** Empties the TLBs (after the host changed page tables behind the hart's back). */
export function flushTlb(): void { M.tlbFlush(); }

/** Translation-tier hook: counter bumped by fence.i and by stores to marked code pages. */
export function getCodeEpoch(): u64 { return B.codeEpoch; }

/**
 * Translation-tier hook: marks the RAM page holding physical `pa` as translated code. Stores to a
 * marked page clear the mark and bump the code epoch (marked pages are never cached in the store TLB).
 */
export function markCodePage(pa: u64): void {
  if (!B.inRam(pa, 1)) return;
  if (B.codeMap == 0) {
    memory.fill(codeBitmap, 0, 0x20000);
    B.setCodeMap(codeBitmap);
  }
  const pg = <usize>((pa - S.ramBase) >> 12);
  store<u8>(codeBitmap + (pg >> 3), load<u8>(codeBitmap + (pg >> 3)) | (<u8>1 << <u8>(pg & 7)));
  M.tlbFlush();
}

/** True while the page of `pa` is marked as translated code. */
export function isCodePage(pa: u64): bool { return B.inRam(pa, 1) && B.isCodePage(pa); }

/** Sets mhartid. */
export function setHartId(id: u64): void { C.mhartid = id; }
