// SiFive-style CLINT (core-local interruptor): msip, mtimecmp and mtime for one or more harts.
//
// Register layout (SiFive CLINT, as used by QEMU's `virt` board, hw/intc/riscv_aclint.c):
//   0x0000 + 4*hart   msip      bit 0 drives the hart's machine software interrupt (MSIP, mip bit 3)
//   0x4000 + 8*hart   mtimecmp  MTIP (mip bit 7) is high while mtime >= mtimecmp
//   0xbff8            mtime     64-bit, counting at the timebase frequency (10 MHz on `virt`)
import { type AccessSize, type MmioDevice, readSub, writeSub } from "./device.js";

/** Offset of the first msip register (SiFive CLINT). */
export const CLINT_MSIP = 0x0000;
/** Offset of the first mtimecmp register (SiFive CLINT). */
export const CLINT_MTIMECMP = 0x4000;
/** Offset of the mtime register (SiFive CLINT). */
export const CLINT_MTIME = 0xbff8;
/** Size of the CLINT register window (QEMU `virt`: VIRT_CLINT size 0x10000). */
export const CLINT_SIZE = 0x10000;

const U64_MAX = 0xffff_ffff_ffff_ffffn;

/** What the CLINT drives on each hart. */
export interface ClintOutputs {
  /** Machine software interrupt pending (mip.MSIP) of `hart`. */
  msip(hart: number, level: boolean): void;
  /** Machine timer interrupt pending (mip.MTIP) of `hart`. */
  mtip(hart: number, level: boolean): void;
}

/**
 * The CLINT. Time comes from `timeSource` (ticks at the timebase frequency); a guest write to mtime
 * moves an offset, never the source. The timer output is re-evaluated on every mtimecmp/mtime
 * access and on `update()`, which the machine calls whenever time may have advanced.
 */
export class Clint implements MmioDevice {
  readonly name = "clint";
  readonly size = CLINT_SIZE;
  private readonly msipBits: number[];
  private readonly mtimecmp: bigint[];
  private readonly mtipLevel: boolean[];
  private timeOffset = 0n;

  constructor(
    private readonly timeSource: () => bigint,
    private readonly outputs: ClintOutputs,
    readonly harts = 1,
  ) {
    this.msipBits = new Array<number>(harts).fill(0);
    // Reset value: all ones, so no timer interrupt fires before software programs it.
    this.mtimecmp = new Array<bigint>(harts).fill(U64_MAX);
    this.mtipLevel = new Array<boolean>(harts).fill(false);
  }

  /** Current mtime as the guest sees it. */
  mtime(): bigint {
    return (this.timeSource() + this.timeOffset) & U64_MAX;
  }

  /** The programmed compare value of `hart` (all ones until software writes it). */
  timerCompare(hart = 0): bigint {
    return this.mtimecmp[hart]!;
  }

  /**
   * Ticks of the time source until the next timer fires (> 0), or undefined when no timer lies in
   * the future (none armed, or all already due: their MTIP is asserted, nothing more will
   * happen until software moves mtimecmp). Used by the machine to size run slices and to skip or
   * sleep through WFI.
   */
  ticksUntilNextTimer(): bigint | undefined {
    const now = this.mtime();
    let best: bigint | undefined;
    for (const cmp of this.mtimecmp) {
      if (cmp === U64_MAX || cmp <= now) continue;
      const d = cmp - now;
      if (best === undefined || d < best) best = d;
    }
    return best;
  }

  /** Re-evaluates every hart's MTIP against the current time. */
  update(): void {
    const now = this.mtime();
    for (let h = 0; h < this.harts; h++) this.setMtip(h, now >= this.mtimecmp[h]!);
  }

  read(offset: number, size: AccessSize): bigint {
    if (offset < CLINT_MTIMECMP) {
      const hart = offset >> 2;
      if (hart >= this.harts) return 0n;
      return readSub(BigInt(this.msipBits[hart]!), offset & 3, size);
    }
    if (offset >= CLINT_MTIME) return readSub(this.mtime(), offset - CLINT_MTIME, size);
    const hart = (offset - CLINT_MTIMECMP) >> 3;
    if (hart >= this.harts) return 0n;
    return readSub(this.mtimecmp[hart]!, (offset - CLINT_MTIMECMP) & 7, size);
  }

  write(offset: number, size: AccessSize, value: bigint): void {
    if (offset < CLINT_MTIMECMP) {
      const hart = offset >> 2;
      if (hart >= this.harts || (offset & 3) !== 0) return;
      const bit = Number(value & 1n);
      this.msipBits[hart] = bit;
      this.outputs.msip(hart, bit === 1);
      return;
    }
    if (offset >= CLINT_MTIME) {
      const next = writeSub(this.mtime(), offset - CLINT_MTIME, size, value);
      this.timeOffset = (next - this.timeSource()) & U64_MAX;
      this.update();
      return;
    }
    const hart = (offset - CLINT_MTIMECMP) >> 3;
    if (hart >= this.harts) return;
    this.mtimecmp[hart] = writeSub(this.mtimecmp[hart]!, (offset - CLINT_MTIMECMP) & 7, size, value);
    this.setMtip(hart, this.mtime() >= this.mtimecmp[hart]!);
  }

  private setMtip(hart: number, level: boolean): void {
    if (this.mtipLevel[hart] === level) return;
    this.mtipLevel[hart] = level;
    this.outputs.mtip(hart, level);
  }
}
