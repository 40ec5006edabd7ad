// Control and status registers (Zicsr, Zicntr, privileged spec §2–§4): storage, access rules, side effects.
import * as S from "./state";
import { updateCtx, satpChanged, ASID_MASK } from "./mmu";

/** Host time source: current mtime in ticks (used when timeMode == 0). */
// @ts-ignore: decorator
@external("vmspec", "hostTime") declare function hostTime(): f64;

// mstatus bits (privileged spec §3.1.6).
export const MS_SIE: u64 = 1 << 1;
export const MS_MIE: u64 = 1 << 3;
export const MS_SPIE: u64 = 1 << 5;
export const MS_MPIE: u64 = 1 << 7;
export const MS_SPP: u64 = 1 << 8;
export const MS_MPP: u64 = 3 << 11;
export const MS_FS: u64 = 3 << 13;
export const MS_MPRV: u64 = 1 << 17;
export const MS_SUM: u64 = 1 << 18;
export const MS_MXR: u64 = 1 << 19;
export const MS_TVM: u64 = 1 << 20;
export const MS_TW: u64 = 1 << 21;
export const MS_TSR: u64 = 1 << 22;
/** UXL = SXL = 2 (64-bit), read-only. */
const MS_XL: u64 = (<u64>2 << 32) | (<u64>2 << 34);
const MS_SD: u64 = <u64>1 << 63;
const MSTATUS_WMASK: u64 = MS_SIE | MS_MIE | MS_SPIE | MS_MPIE | MS_SPP | MS_MPP | MS_FS | MS_MPRV | MS_SUM | MS_MXR | MS_TVM | MS_TW | MS_TSR;
const SSTATUS_MASK: u64 = MS_SIE | MS_SPIE | MS_SPP | MS_FS | MS_SUM | MS_MXR | (<u64>3 << 32) | MS_SD;
const SSTATUS_WMASK: u64 = MS_SIE | MS_SPIE | MS_SPP | MS_FS | MS_SUM | MS_MXR;

/** misa: MXL=2 (RV64), extensions A C D F I M S U (privileged spec §3.1.1). */
export const MISA: u64 = (<u64>2 << 62) | (1 << 0) | (1 << 2) | (1 << 3) | (1 << 5) | (1 << 8) | (1 << 12) | (1 << 18) | (1 << 20);

/** Interrupt bits (privileged spec §3.1.9). */
const MIP_SSIP: u64 = 1 << 1;
const MIP_STIP: u64 = 1 << 5;
const MIP_SEIP: u64 = 1 << 9;
const S_INTS: u64 = MIP_SSIP | MIP_STIP | MIP_SEIP;
const ALL_INTS: u64 = 0xaaa;
/** medeleg writable bits: every exception except ecall-from-M (11) and reserved 10, 14. */
const MEDELEG_MASK: u64 = 0xb3ff;

/** CSR storage: one global per CSR, named as in the privileged spec (reset values). */
export let mstatus: u64 = MS_XL;
export let medeleg: u64 = 0;
export let mideleg: u64 = 0;
export let mie: u64 = 0;
/** mip bits driven by the machine (MSIP, MTIP, MEIP, SEIP level). */
export let mipHw: u64 = 0;
/** mip bits written by software (SSIP, STIP, SEIP). */
export let mipSw: u64 = 0;
export let mtvec: u64 = 0;
export let mcounteren: u64 = 0;
export let mscratch: u64 = 0;
export let mepc: u64 = 0;
export let mcause: u64 = 0;
export let mtval: u64 = 0;
export let menvcfg: u64 = 0;
export let mcountinhibit: u64 = 0;
export let stvec: u64 = 0;
export let scounteren: u64 = 0;
export let sscratch: u64 = 0;
export let sepc: u64 = 0;
export let scause: u64 = 0;
export let stval: u64 = 0;
export let senvcfg: u64 = 0;
export let satp: u64 = 0;
export let mhartid: u64 = 0;
/** PMP registers: accepted and stored, not enforced. */
export const PMPCFG: usize = memory.data(16 * 8, 8);
export const PMPADDR: usize = memory.data(64 * 8, 8);

/** Time source: 0 = host clock (hostTime import), 1 = deterministic (timeOffset + instret / instrPerTick). */
export let timeMode: i32 = 1;
export let timeOffset: u64 = 0;
export let instrPerTick: u64 = 10;

/** Set by csrRead/csrWrite when the access is illegal. */
export let csrIllegal: bool = false;

/** Raw setters used by trap entry/return (no WARL masking; setMstatusRaw re-selects the TLB context). */
export function setMstatusRaw(v: u64): void { mstatus = v; updateCtx(); }
export function setScause(v: u64): void { scause = v; }
export function setSepc(v: u64): void { sepc = v; }
export function setStval(v: u64): void { stval = v; }
export function setMcause(v: u64): void { mcause = v; }
export function setMepc(v: u64): void { mepc = v; }
export function setMtval(v: u64): void { mtval = v; }
export function setMipHw(v: u64): void { mipHw = v; S.requestIrqCheck(); }

/** Effective mip value. */
// @ts-ignore: decorator
@inline export function mipValue(): u64 {
  return mipHw | mipSw;
}

/** Current mtime value (ticks). */
export function readTime(): u64 {
  if (timeMode == 0) return <u64>hostTime();
  return timeOffset + S.instret / instrPerTick;
}

/** Marks the FP state dirty (mstatus.FS = 3). */
// @ts-ignore: decorator
@inline export function fsDirty(): void {
  mstatus |= MS_FS;
}

/** True when FP instructions are enabled (mstatus.FS != Off). */
// @ts-ignore: decorator
@inline export function fpOn(): bool {
  return (mstatus & MS_FS) != 0;
}

function counterAllowed(bit: u32): bool {
  if (S.priv == S.PRV_M) return true;
  if (((mcounteren >> bit) & 1) == 0) return false;
  if (S.priv == S.PRV_U && ((scounteren >> bit) & 1) == 0) return false;
  return true;
}

/** Reads a CSR for the current privilege; sets csrIllegal (and returns 0) when not accessible. */
export function csrRead(csr: u32): u64 {
  csrIllegal = false;
  if (<i32>((csr >> 8) & 3) > S.priv) { csrIllegal = true; return 0; }
  switch (csr) {
    case 0x001: if (!fpOn()) break; return <u64>(load<u32>(S.FCSR) & 0x1f);
    case 0x002: if (!fpOn()) break; return <u64>((load<u32>(S.FCSR) >> 5) & 7);
    case 0x003: if (!fpOn()) break; return <u64>(load<u32>(S.FCSR) & 0xff);
    case 0xc00: case 0xc02: if (!counterAllowed(csr & 31)) break; return S.instret - 1;
    case 0xc01: if (!counterAllowed(1)) break; return readTime();
    case 0x100: { const v = mstatus & SSTATUS_MASK; return ((v & MS_FS) == MS_FS) ? v | MS_SD : v; }
    case 0x104: return mie & mideleg;
    case 0x105: return stvec;
    case 0x106: return scounteren;
    case 0x10a: return senvcfg;
    case 0x140: return sscratch;
    case 0x141: return sepc;
    case 0x142: return scause;
    case 0x143: return stval;
    case 0x144: return mipValue() & mideleg;
    case 0x180:
      if (S.priv == S.PRV_S && (mstatus & MS_TVM) != 0) break;
      return satp;
    case 0xf11: case 0xf12: case 0xf13: case 0xf15: return 0;
    case 0xf14: return mhartid;
    case 0x300: return ((mstatus & MS_FS) == MS_FS) ? mstatus | MS_SD : mstatus;
    case 0x301: return MISA;
    case 0x302: return medeleg;
    case 0x303: return mideleg;
    case 0x304: return mie;
    case 0x305: return mtvec;
    case 0x306: return mcounteren;
    case 0x30a: return menvcfg;
    case 0x320: return mcountinhibit;
    case 0x340: return mscratch;
    case 0x341: return mepc;
    case 0x342: return mcause;
    case 0x343: return mtval;
    case 0x344: return mipValue();
    case 0x34a: case 0x34b: return 0;
    case 0xb00: case 0xb02: return S.instret - 1;
    default:
      if (csr >= 0x3a0 && csr <= 0x3af) { if (csr & 1) break; return load<u64>(PMPCFG + ((csr - 0x3a0) << 3)); }
      if (csr >= 0x3b0 && csr <= 0x3ef) return load<u64>(PMPADDR + ((csr - 0x3b0) << 3));
      if (csr >= 0xc03 && csr <= 0xc1f) { if (!counterAllowed(csr & 31)) break; return 0; }
      if (csr >= 0xb03 && csr <= 0xb1f) return 0;
      if (csr >= 0x323 && csr <= 0x33f) return 0;
      break;
  }
  csrIllegal = true;
  return 0;
}

/** Writes a CSR (access already checked by csrRead); sets csrIllegal for read-only or unknown CSRs. */
export function csrWrite(csr: u32, v: u64): void {
  csrIllegal = false;
  if ((csr >> 10) == 3 || <i32>((csr >> 8) & 3) > S.priv) { csrIllegal = true; return; }
  switch (csr) {
    case 0x001: if (!fpOn()) break; store<u32>(S.FCSR, (load<u32>(S.FCSR) & ~0x1f) | (<u32>v & 0x1f)); fsDirty(); return;
    case 0x002: if (!fpOn()) break; store<u32>(S.FCSR, (load<u32>(S.FCSR) & 0x1f) | ((<u32>v & 7) << 5)); fsDirty(); return;
    case 0x003: if (!fpOn()) break; store<u32>(S.FCSR, <u32>v & 0xff); fsDirty(); return;
    case 0x100: writeMstatus((mstatus & ~SSTATUS_WMASK) | (v & SSTATUS_WMASK)); return;
    case 0x104: mie = (mie & ~mideleg) | (v & mideleg); S.requestIrqCheck(); return;
    case 0x105: stvec = v & ~<u64>2; return;
    case 0x106: scounteren = v & 0xffffffff; return;
    case 0x10a: senvcfg = v & 1; return;
    case 0x140: sscratch = v; return;
    case 0x141: sepc = v & ~<u64>1; return;
    case 0x142: scause = v; return;
    case 0x143: stval = v; return;
    case 0x144: { const m = mideleg & MIP_SSIP; mipSw = (mipSw & ~m) | (v & m); S.requestIrqCheck(); return; }
    case 0x180: {
      if (S.priv == S.PRV_S && (mstatus & MS_TVM) != 0) break;
      const mode = v >> 60;
      // Only Bare, Sv39 and Sv48 are supported; other modes leave satp unchanged (privileged spec §4.1.11).
      if (mode != 0 && mode != 8 && mode != 9) return;
      // ASID keeps only its implemented bits (ASIDLEN = mmu.ASID_BITS); the TLB is ASID-tagged.
      const old = satp;
      satp = v & ((<u64>0xf << 60) | (ASID_MASK << 44) | ((<u64>1 << 44) - 1));
      satpChanged(old);
      return;
    }
    case 0x300: writeMstatus(v); return;
    case 0x301: return; // misa: WARL, fixed
    case 0x302: medeleg = v & MEDELEG_MASK; return;
    case 0x303: mideleg = v & S_INTS; S.requestIrqCheck(); return;
    case 0x304: mie = v & ALL_INTS; S.requestIrqCheck(); return;
    case 0x305: mtvec = v & ~<u64>2; return;
    case 0x306: mcounteren = v & 0xffffffff; return;
    case 0x30a: menvcfg = v & 1; return;
    case 0x320: mcountinhibit = v & 0xfffffffd; return;
    case 0x340: mscratch = v; return;
    case 0x341: mepc = v & ~<u64>1; return;
    case 0x342: mcause = v; return;
    case 0x343: mtval = v; return;
    case 0x344: mipSw = (mipSw & ~S_INTS) | (v & S_INTS); S.requestIrqCheck(); return;
    case 0x34a: case 0x34b: return;
    case 0xb00: case 0xb02: S.instret = v + 1; return;
    default:
      if (csr >= 0x3a0 && csr <= 0x3af) { if (csr & 1) break; store<u64>(PMPCFG + ((csr - 0x3a0) << 3), v); return; }
      if (csr >= 0x3b0 && csr <= 0x3ef) { store<u64>(PMPADDR + ((csr - 0x3b0) << 3), v & ((<u64>1 << 54) - 1)); return; }
      if (csr >= 0xb03 && csr <= 0xb1f) return;
      if (csr >= 0x323 && csr <= 0x33f) return;
      break;
  }
  csrIllegal = true;
}

/** Writes mstatus through its WARL mask; re-selects the TLB context when translation-relevant bits change. */
export function writeMstatus(v: u64): void {
  let nv = (mstatus & ~MSTATUS_WMASK) | (v & MSTATUS_WMASK);
  // MPP is WARL: the reserved value 2 keeps the old field.
  if (((nv >> 11) & 3) == 2) nv = (nv & ~MS_MPP) | (mstatus & MS_MPP);
  const changed = nv ^ mstatus;
  mstatus = nv;
  if ((changed & (MS_MPRV | MS_MPP | MS_SUM | MS_MXR)) != 0) updateCtx();
  S.requestIrqCheck();
}
