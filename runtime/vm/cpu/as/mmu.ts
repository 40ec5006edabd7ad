// Virtual memory: Sv39/Sv48 page walks with A/D updates (privileged spec §4.3–4.4), TLBs, virtual loads/stores incl. misaligned.
import * as S from "./state";
import * as B from "./bus";
import * as C from "./csr";
import { raiseException, EXC_INSN_ACCESS, EXC_LOAD_ACCESS, EXC_STORE_ACCESS, EXC_INSN_PAGE, EXC_LOAD_PAGE, EXC_STORE_PAGE } from "./trap";

/** Access kinds, also the TLB index. */
export const ACC_FETCH: i32 = 0;
export const ACC_LOAD: i32 = 1;
export const ACC_STORE: i32 = 2;

/**
 * Direct-mapped TLB per access kind, indexed by virtual page number. Entry (16 bytes): u64 tag,
 * u32 host addend, u32 flags (bit 0 global, bits 8–15 the page-table level of the leaf: 0 = 4 KiB,
 * 1+ = superpage). Tag = VPN (va >> 12, bits 0–51) | context class (bits 52–54) | ASID (bits 55–63).
 *
 * Permissions are not re-checked on a hit: instead each entry belongs to one translation context,
 * the class of the effective privilege and the mstatus bits its permission check used (fetch: S, U;
 * load: S, S+SUM, U, each ×MXR; store: S, S+SUM, U), so a privilege, MPRV/MPP, SUM or MXR change
 * just selects another context (a different tag) and the hot path stays a single compare. Class 0
 * is the untranslated identity context (M-mode, or satp.MODE = Bare) with ASID 0. Class 7 is never
 * used, so the empty tag (all ones) can never match.
 */
export const TLB_N: usize = 256;
const TLB_MASK: usize = TLB_N - 1;
/** 3 kinds × 256 entries × 16 bytes. */
const TLB_BYTES: i32 = 3 * 256 * 16;
export const TLB: usize = memory.data(TLB_BYTES, 16);
export const TLB_FETCH: usize = TLB;
export const TLB_LOAD: usize = TLB + TLB_N * 16;
export const TLB_STORE: usize = TLB + 2 * TLB_N * 16;
const TLB_EMPTY: u64 = 0xffffffffffffffff;
const VPN_MASK: u64 = (<u64>1 << 52) - 1;
/** Implemented ASID bits (ASIDLEN, privileged spec §4.1.11: satp.ASID is WARL; unimplemented bits read 0). */
export const ASID_BITS: u64 = 9;
export const ASID_MASK: u64 = (<u64>1 << ASID_BITS) - 1;
const F_GLOBAL: u32 = 1;
/** True when a superpage-derived entry may be cached (address-specific sfence then scans every entry). */
let tlbSuper: bool = false;

/** Current context tags (class | ASID, bits 52–63) for fetches, loads and stores; see updateCtx(). */
export let ctxFetch: u64 = 0;
export let ctxLoad: u64 = 0;
export let ctxStore: u64 = 0;

/**
 * Recomputes the context tags from priv, mstatus (MPRV, MPP, SUM, MXR) and satp (MODE, ASID). Must
 * be called after any of them changes; raises attention so the step loop drops its fetch page.
 */
export function updateCtx(): void {
  const on = (C.satp >> 60) != 0;
  const asidTag = ((C.satp >> 44) & ASID_MASK) << 55;
  const p = S.priv;
  ctxFetch = (p == S.PRV_M || !on) ? 0 : (asidTag | (<u64>(p == S.PRV_U ? 2 : 1) << 52));
  const ep = effPriv(ACC_LOAD);
  if (ep == S.PRV_M || !on) {
    ctxLoad = 0;
    ctxStore = 0;
  } else {
    const base: u64 = ep == S.PRV_U ? 3 : ((C.mstatus & C.MS_SUM) != 0 ? 2 : 1);
    ctxStore = asidTag | (base << 52);
    ctxLoad = asidTag | ((base + ((C.mstatus & C.MS_MXR) != 0 ? 3 : 0)) << 52);
  }
  S.attn = true;
}

/** Empties every TLB. */
export function tlbFlush(): void {
  for (let i: usize = 0; i < 3 * TLB_N; i++) store<u64>(TLB + (i << 4), TLB_EMPTY);
  tlbSuper = false;
  // The step loop caches the current fetch page; attention makes it drop that cache.
  S.attn = true;
}

/** True when entry `e` (valid) must be dropped by an sfence.vma with these operands. */
// @ts-ignore: decorator
@inline function sfenceMatch(e: usize, vpn: u64, byAddr: bool, asid: u64, byAsid: bool): bool {
  const tag = load<u64>(e);
  if (byAsid && ((load<u32>(e, 12) & F_GLOBAL) != 0 || (tag >> 55) != asid)) return false;
  if (!byAddr) return true;
  // An entry of a superpage at level l covers every VPN that agrees above bit 9*l.
  const sh = <u64>((load<u32>(e, 12) >> 8) & 0xff) * 9;
  return ((tag & VPN_MASK) >> sh) == (vpn >> sh);
}

/**
 * sfence.vma (privileged spec §4.2.1): no operands flushes everything; an ASID (rs2 != x0) limits it
 * to that ASID's non-global entries; an address (rs1 != x0) to entries whose page (4 KiB or
 * superpage) contains it, in every ASID unless one is given.
 */
export function sfenceVma(va: u64, byAddr: bool, asidVal: u64, byAsid: bool): void {
  if (!byAddr && !byAsid) { tlbFlush(); return; }
  const vpn = va >> 12;
  const asid = asidVal & ASID_MASK;
  if (byAddr && !tlbSuper) {
    // Only 4 KiB entries: the page can only sit in its own slot of each kind.
    for (let k: usize = 0; k < 3; k++) {
      const e = TLB + k * TLB_N * 16 + ((<usize>vpn & TLB_MASK) << 4);
      if (load<u64>(e) != TLB_EMPTY && sfenceMatch(e, vpn, true, asid, byAsid)) store<u64>(e, TLB_EMPTY);
    }
  } else {
    for (let i: usize = 0; i < 3 * TLB_N; i++) {
      const e = TLB + (i << 4);
      if (load<u64>(e) != TLB_EMPTY && sfenceMatch(e, vpn, byAddr, asid, byAsid)) store<u64>(e, TLB_EMPTY);
    }
  }
  S.attn = true;
}

/** Handles a satp write: a new ASID needs no flush; a new MODE or root with the same ASID flushes conservatively. */
export function satpChanged(old: u64): void {
  if (old != C.satp && ((old ^ C.satp) & (ASID_MASK << 44)) == 0) tlbFlush();
  updateCtx();
}

/** Set by translate() when the walk failed (the exception is already raised). */
let xlateFault: bool = false;
/** Page-table level of the leaf the last translate() used (0 = 4 KiB page) and whether it was global. */
let lastLevel: i32 = 0;
let lastGlobal: bool = true;

function pageFault(acc: i32, va: u64): void {
  xlateFault = true;
  raiseException(acc == ACC_FETCH ? EXC_INSN_PAGE : (acc == ACC_LOAD ? EXC_LOAD_PAGE : EXC_STORE_PAGE), va);
}

function accessFault(acc: i32, va: u64): void {
  xlateFault = true;
  raiseException(acc == ACC_FETCH ? EXC_INSN_ACCESS : (acc == ACC_LOAD ? EXC_LOAD_ACCESS : EXC_STORE_ACCESS), va);
}

/** Effective privilege for an access: MPRV makes M-mode loads/stores use MPP (privileged spec §3.1.6.3). */
// @ts-ignore: decorator
@inline function effPriv(acc: i32): i32 {
  if (acc != ACC_FETCH && S.priv == S.PRV_M && (C.mstatus & C.MS_MPRV) != 0) return <i32>((C.mstatus >> 11) & 3);
  return S.priv;
}

/** Translates `va` for `acc`; on failure raises the page/access fault (tval = faultVa) and returns 0 with xlateFault set. */
export function translate(va: u64, acc: i32, faultVa: u64): u64 {
  xlateFault = false;
  lastLevel = 0;
  lastGlobal = true;
  const p = effPriv(acc);
  const mode = C.satp >> 60;
  if (p == S.PRV_M || mode == 0) return va;
  const levels: i32 = mode == 9 ? 4 : 3;
  const vaBits: u64 = mode == 9 ? 48 : 39;
  // Bits above the VA width must equal the top VA bit (privileged spec §4.4.1).
  const top = <i64>va >> <i64>(vaBits - 1);
  if (top != 0 && top != -1) { pageFault(acc, faultVa); return 0; }
  {
    // A global entry of another ASID in this slot (same page, same context class) is valid in every
    // address space (privileged spec §4.3.1, G bit): re-tag it instead of walking again.
    const vpn = va >> 12;
    const e = TLB + <usize>acc * TLB_N * 16 + ((<usize>vpn & TLB_MASK) << 4);
    const ctx = acc == ACC_FETCH ? ctxFetch : (acc == ACC_LOAD ? ctxLoad : ctxStore);
    const tag = load<u64>(e);
    const fl = load<u32>(e, 12);
    if (tag != TLB_EMPTY && (fl & F_GLOBAL) != 0 && ctx != 0 && ((tag ^ (vpn | ctx)) & ~(ASID_MASK << 55)) == 0) {
      store<u64>(e, vpn | ctx);
      lastLevel = <i32>(fl >> 8);
      lastGlobal = true;
      const host = load<u32>(e, 8) + <u32>(va & ~<u64>0xfff);
      return <u64>(<usize>host - S.ramHost) + S.ramBase + (va & 0xfff);
    }
  }
  let a = (C.satp & ((<u64>1 << 44) - 1)) << 12;
  // G in a non-leaf PTE makes every mapping below it global (privileged spec §4.3.1).
  let glob = false;
  for (let i = levels - 1; i >= 0; i--) {
    const pteAddr = a + (((va >> (12 + 9 * <u64>i)) & 0x1ff) << 3);
    if (!B.inRam(pteAddr, 8)) { accessFault(acc, faultVa); return 0; }
    const ph = S.ramHost + <usize>(pteAddr - S.ramBase);
    let pte = load<u64>(ph);
    if ((pte & 1) == 0 || ((pte & 2) == 0 && (pte & 4) != 0) || (pte >> 54) != 0) { pageFault(acc, faultVa); return 0; }
    if ((pte & 0x20) != 0) glob = true;
    if ((pte & 0xa) == 0) {
      // Pointer to the next level (D, A, U must be clear in non-leaf PTEs).
      if ((pte & 0xd0) != 0) { pageFault(acc, faultVa); return 0; }
      a = ((pte >> 10) & ((<u64>1 << 44) - 1)) << 12;
      continue;
    }
    // Leaf: permissions.
    const r = (pte & 2) != 0, w = (pte & 4) != 0, x = (pte & 8) != 0, u = (pte & 16) != 0;
    if (acc == ACC_FETCH) { if (!x) { pageFault(acc, faultVa); return 0; } }
    else if (acc == ACC_LOAD) { if (!(r || ((C.mstatus & C.MS_MXR) != 0 && x))) { pageFault(acc, faultVa); return 0; } }
    else if (!w) { pageFault(acc, faultVa); return 0; }
    if (p == S.PRV_U) { if (!u) { pageFault(acc, faultVa); return 0; } }
    else if (u && (acc == ACC_FETCH || (C.mstatus & C.MS_SUM) == 0)) { pageFault(acc, faultVa); return 0; }
    const ppn = (pte >> 10) & ((<u64>1 << 44) - 1);
    // A misaligned superpage is a page fault (privileged spec §4.3.2 step 6).
    if (i > 0 && (ppn & ((<u64>1 << (9 * <u64>i)) - 1)) != 0) { pageFault(acc, faultVa); return 0; }
    // Hardware A/D update (step 7).
    const need: u64 = acc == ACC_STORE ? 0xc0 : 0x40;
    if ((pte & need) != need) { pte |= need; store<u64>(ph, pte); }
    lastLevel = i;
    lastGlobal = glob;
    const offMask = (<u64>1 << (12 + 9 * <u64>i)) - 1;
    return ((ppn << 12) & ~offMask) | (va & offMask);
  }
  pageFault(acc, faultVa);
  return 0;
}

/** Caches a RAM page translation (never for MMIO, the watched page or code pages on stores). */
function tlbFill(acc: i32, va: u64, pa: u64): void {
  if (!B.inRam(pa & ~<u64>0xfff, 4096)) return;
  if (acc == ACC_STORE && ((pa >> 12) == B.watchPage || B.isCodePage(pa))) return;
  if (lastLevel > 0) tlbSuper = true;
  const vpn = va >> 12;
  const e = TLB + <usize>acc * TLB_N * 16 + ((<usize>vpn & TLB_MASK) << 4);
  const ctx = acc == ACC_FETCH ? ctxFetch : (acc == ACC_LOAD ? ctxLoad : ctxStore);
  store<u64>(e, vpn | ctx);
  store<u32>(e, <u32>(S.ramHost + <usize>((pa & ~<u64>0xfff) - S.ramBase)) - <u32>(va & ~<u64>0xfff), 8);
  // Identity (class 0) entries are marked global: they belong to no ASID.
  store<u32>(e, (lastGlobal || ctx == 0 ? F_GLOBAL : 0) | (<u32>lastLevel << 8), 12);
}

/** Reads `size` bytes at virtual `va` (any alignment); raises the fault and sets S.trapped on failure. */
export function loadSlow(va: u64, size: i32): u64 {
  const off = <i32>(va & 0xfff);
  if (off + size > 4096) {
    // Crosses a page: translate both pages first, then combine bytes (little-endian).
    const n1 = 4096 - off;
    const pa1 = translate(va, ACC_LOAD, va);
    if (xlateFault) return 0;
    const va2 = va + <u64>n1;
    const pa2 = translate(va2, ACC_LOAD, va2);
    if (xlateFault) return 0;
    let v: u64 = 0;
    for (let i = 0; i < size; i++) {
      const pa = i < n1 ? pa1 + <u64>i : pa2 + <u64>(i - n1);
      const b = B.physRead(pa, 1);
      if (B.busFault) { raiseException(EXC_LOAD_ACCESS, va); return 0; }
      v |= (b & 0xff) << (<u64>i << 3);
    }
    return v;
  }
  const pa = translate(va, ACC_LOAD, va);
  if (xlateFault) return 0;
  const v = B.physRead(pa, size);
  if (B.busFault) { raiseException(EXC_LOAD_ACCESS, va); return 0; }
  tlbFill(ACC_LOAD, va, pa);
  return v;
}

/** Writes `size` bytes at virtual `va` (any alignment); raises the fault and sets S.trapped on failure. */
export function storeSlow(va: u64, size: i32, v: u64): void {
  const off = <i32>(va & 0xfff);
  if (off + size > 4096) {
    const n1 = 4096 - off;
    const pa1 = translate(va, ACC_STORE, va);
    if (xlateFault) return;
    const va2 = va + <u64>n1;
    const pa2 = translate(va2, ACC_STORE, va2);
    if (xlateFault) return;
    for (let i = 0; i < size; i++) {
      const pa = i < n1 ? pa1 + <u64>i : pa2 + <u64>(i - n1);
      B.physWrite(pa, 1, (v >> (<u64>i << 3)) & 0xff);
      if (B.busFault) { raiseException(EXC_STORE_ACCESS, va); return; }
    }
    return;
  }
  const pa = translate(va, ACC_STORE, va);
  if (xlateFault) return;
  B.physWrite(pa, size, v);
  if (B.busFault) { raiseException(EXC_STORE_ACCESS, va); return; }
  tlbFill(ACC_STORE, va, pa);
}

/** Translates for an atomic access (needs store permission; must be naturally aligned — checked by the caller). */
export function translateAmo(va: u64, isLr: bool): u64 {
  const pa = translate(va, isLr ? ACC_LOAD : ACC_STORE, va);
  if (xlateFault) return 0;
  if (!B.inRam(pa, 8)) {
    // Atomics are supported on RAM only (PMA); elsewhere they are access faults.
    raiseException(isLr ? EXC_LOAD_ACCESS : EXC_STORE_ACCESS, va);
    return 0;
  }
  return pa;
}

/** Fetches the instruction at `va` through the slow path (page-crossing or TLB miss); 0 with S.trapped on a fault. */
export function fetchSlow(va: u64): u32 {
  const pa = translate(va, ACC_FETCH, va);
  if (xlateFault) return 0;
  const lo = <u32>B.physRead(pa, 2);
  if (B.busFault) { raiseException(EXC_INSN_ACCESS, va); return 0; }
  if (B.inRam(pa, 2)) tlbFill(ACC_FETCH, va, pa);
  if ((lo & 3) != 3) return lo;
  const va2 = va + 2;
  let pa2 = pa + 2;
  if ((va2 & 0xfff) == 0) {
    pa2 = translate(va2, ACC_FETCH, va2);
    if (xlateFault) return 0;
  }
  const hi = <u32>B.physRead(pa2, 2);
  if (B.busFault) { raiseException(EXC_INSN_ACCESS, va2); return 0; }
  return lo | (hi << 16);
}

// Fast paths: a TLB hit on a page-internal access is one compare and one host load/store.

/** Loads 8 byte(s) at virtual va (fast TLB path, else the slow path; S.trapped on a fault). */
// @ts-ignore: decorator
@inline export function vload64(va: u64): u64 {
  const vpn = va >> 12;
  const e = TLB_LOAD + ((<usize>vpn & TLB_MASK) << 4);
  if (load<u64>(e) == (vpn | ctxLoad) && (<u32>va & 0xfff) <= 0xff8) return load<u64>(load<u32>(e, 8) + <u32>va);
  return loadSlow(va, 8);
}
/** Loads 4 byte(s) at virtual va (fast TLB path, else the slow path; S.trapped on a fault). */
// @ts-ignore: decorator
@inline export function vload32(va: u64): u32 {
  const vpn = va >> 12;
  const e = TLB_LOAD + ((<usize>vpn & TLB_MASK) << 4);
  if (load<u64>(e) == (vpn | ctxLoad) && (<u32>va & 0xfff) <= 0xffc) return load<u32>(load<u32>(e, 8) + <u32>va);
  return <u32>loadSlow(va, 4);
}
/** Loads 2 byte(s) at virtual va (fast TLB path, else the slow path; S.trapped on a fault). */
// @ts-ignore: decorator
@inline export function vload16(va: u64): u16 {
  const vpn = va >> 12;
  const e = TLB_LOAD + ((<usize>vpn & TLB_MASK) << 4);
  if (load<u64>(e) == (vpn | ctxLoad) && (<u32>va & 0xfff) <= 0xffe) return load<u16>(load<u32>(e, 8) + <u32>va);
  return <u16>loadSlow(va, 2);
}
/** Loads 1 byte(s) at virtual va (fast TLB path, else the slow path; S.trapped on a fault). */
// @ts-ignore: decorator
@inline export function vload8(va: u64): u8 {
  const vpn = va >> 12;
  const e = TLB_LOAD + ((<usize>vpn & TLB_MASK) << 4);
  if (load<u64>(e) == (vpn | ctxLoad)) return load<u8>(load<u32>(e, 8) + <u32>va);
  return <u8>loadSlow(va, 1);
}
/** Stores 8 byte(s) at virtual va (fast TLB path, else the slow path; S.trapped on a fault). */
// @ts-ignore: decorator
@inline export function vstore64(va: u64, v: u64): void {
  const vpn = va >> 12;
  const e = TLB_STORE + ((<usize>vpn & TLB_MASK) << 4);
  if (load<u64>(e) == (vpn | ctxStore) && (<u32>va & 0xfff) <= 0xff8) store<u64>(load<u32>(e, 8) + <u32>va, v);
  else storeSlow(va, 8, v);
}
/** Stores 4 byte(s) at virtual va (fast TLB path, else the slow path; S.trapped on a fault). */
// @ts-ignore: decorator
@inline export function vstore32(va: u64, v: u32): void {
  const vpn = va >> 12;
  const e = TLB_STORE + ((<usize>vpn & TLB_MASK) << 4);
  if (load<u64>(e) == (vpn | ctxStore) && (<u32>va & 0xfff) <= 0xffc) store<u32>(load<u32>(e, 8) + <u32>va, v);
  else storeSlow(va, 4, <u64>v);
}
/** Stores 2 byte(s) at virtual va (fast TLB path, else the slow path; S.trapped on a fault). */
// @ts-ignore: decorator
@inline export function vstore16(va: u64, v: u16): void {
  const vpn = va >> 12;
  const e = TLB_STORE + ((<usize>vpn & TLB_MASK) << 4);
  if (load<u64>(e) == (vpn | ctxStore) && (<u32>va & 0xfff) <= 0xffe) store<u16>(load<u32>(e, 8) + <u32>va, v);
  else storeSlow(va, 2, <u64>v);
}
/** Stores 1 byte(s) at virtual va (fast TLB path, else the slow path; S.trapped on a fault). */
// @ts-ignore: decorator
@inline export function vstore8(va: u64, v: u8): void {
  const vpn = va >> 12;
  const e = TLB_STORE + ((<usize>vpn & TLB_MASK) << 4);
  if (load<u64>(e) == (vpn | ctxStore)) store<u8>(load<u32>(e, 8) + <u32>va, v);
  else storeSlow(va, 1, <u64>v);
}
