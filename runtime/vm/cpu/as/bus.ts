// Physical bus: guest RAM fast path in linear memory, MMIO callbacks into TypeScript, watch and code pages.
import * as S from "./state";

/** Host MMIO read of `size` bytes at physical `addr`; on a bus error the host calls busError(). */
// @ts-ignore: decorator
@external("vmspec", "mmioRead") declare function hostMmioRead(addr: u64, size: i32): u64;
/** Host MMIO write; on a bus error the host calls busError(). */
// @ts-ignore: decorator
@external("vmspec", "mmioWrite") declare function hostMmioWrite(addr: u64, size: i32, value: u64): void;

/** Set by the host (via the exported busError()) during an MMIO callback that must fault. */
export let busFault: bool = false;

/** Physical address whose stores stop the hart with STOP_WATCH (u64 max = none). */
export let watchAddr: u64 = 0xffffffffffffffff;
/** Physical page number of watchAddr (never cached in the store TLB). */
export let watchPage: u64 = 0xffffffffffffffff;
/** Value of the last store to watchAddr (what the host reads after STOP_WATCH). */
export let watchValue: u64 = 0;

/** Bitmap of RAM pages holding translated code (one bit per 4 KiB page); 0 = no bitmap yet. */
export let codeMap: usize = 0;
/** Incremented by fence.i and by every store to a marked code page (translation-tier invalidation). */
export let codeEpoch: u64 = 0;

/** True when [pa, pa+size) lies inside guest RAM. */
// @ts-ignore: decorator
@inline export function inRam(pa: u64, size: u64): bool {
  const off = pa - S.ramBase;
  return off < S.ramSize && off + size <= S.ramSize;
}

/** True when the RAM page of `pa` is marked as holding translated code. */
export function isCodePage(pa: u64): bool {
  if (codeMap == 0) return false;
  const pg = <usize>((pa - S.ramBase) >> 12);
  return ((load<u8>(codeMap + (pg >> 3)) >> (<u8>(pg & 7))) & 1) != 0;
}

/** Called on a store to a code page: clears the mark and bumps codeEpoch. */
export function invalidateCode(pa: u64): void {
  const pg = <usize>((pa - S.ramBase) >> 12);
  const b = codeMap + (pg >> 3);
  store<u8>(b, load<u8>(b) & ~(<u8>1 << <u8>(pg & 7)));
  codeEpoch++;
}

/** Physical read (size 1, 2, 4, 8; may be misaligned in RAM). Sets busFault on an error. */
export function physRead(pa: u64, size: i32): u64 {
  busFault = false;
  if (inRam(pa, <u64>size)) {
    const h = S.ramHost + <usize>(pa - S.ramBase);
    if (size == 8) return load<u64>(h);
    if (size == 4) return <u64>load<u32>(h);
    if (size == 2) return <u64>load<u16>(h);
    return <u64>load<u8>(h);
  }
  busFault = false;
  const v = hostMmioRead(pa, size);
  return v;
}

/** Physical write (size 1, 2, 4, 8). Sets busFault on an error. */
export function physWrite(pa: u64, size: i32, v: u64): void {
  busFault = false;
  if (inRam(pa, <u64>size)) {
    const h = S.ramHost + <usize>(pa - S.ramBase);
    if (size == 8) store<u64>(h, v);
    else if (size == 4) store<u32>(h, <u32>v);
    else if (size == 2) store<u16>(h, <u16>v);
    else store<u8>(h, <u8>v);
    if ((pa >> 12) == watchPage || ((pa + <u64>size - 1) >> 12) == watchPage) {
      if (pa <= watchAddr && watchAddr < pa + <u64>size) {
        watchValue = load<u64>(S.ramHost + <usize>(watchAddr - S.ramBase));
        S.stopReason = S.STOP_WATCH;
        S.attn = true;
      }
    }
    if (codeMap != 0 && isCodePage(pa)) invalidateCode(pa);
    return;
  }
  busFault = false;
  hostMmioWrite(pa, size, v);
}

/** Installs the code-page bitmap (see markCodePage). */
export function setCodeMap(p: usize): void {
  codeMap = p;
}

/** fence.i: every translated block may be stale. */
export function bumpCodeEpoch(): void {
  codeEpoch++;
}
