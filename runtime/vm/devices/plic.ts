// SiFive-style PLIC (platform-level interrupt controller): level-triggered sources, priorities,
// pending bits, per-context enables, thresholds and claim/complete.
//
// Register layout (RISC-V PLIC specification v1.0.0, §3; QEMU hw/intc/sifive_plic.c):
//   0x000000 + 4*src            priority of source `src` (1..N-1; source 0 does not exist)
//   0x001000 + 4*word           pending bits, read-only
//   0x002000 + 0x80*ctx + 4*w   enable bits of context `ctx`
//   0x200000 + 0x1000*ctx       priority threshold of context `ctx`
//   0x200004 + 0x1000*ctx       claim (read) / complete (write) of context `ctx`
import type { AccessSize, MmioDevice } from "./device.js";

/** Offset of the priority registers (PLIC spec §3). */
export const PLIC_PRIORITY = 0x0;
/** Offset of the pending bit array (PLIC spec §3). */
export const PLIC_PENDING = 0x1000;
/** Offset of context 0's enable bits (PLIC spec §3). */
export const PLIC_ENABLE = 0x2000;
/** Stride between contexts' enable bit arrays (PLIC spec §3). */
export const PLIC_ENABLE_STRIDE = 0x80;
/** Offset of context 0's threshold/claim block (PLIC spec §3). */
export const PLIC_CONTEXT = 0x200000;
/** Stride between contexts' threshold/claim blocks (PLIC spec §3). */
export const PLIC_CONTEXT_STRIDE = 0x1000;
/** Number of interrupt sources including the reserved source 0 (QEMU `virt`: VIRT_IRQCHIP_NUM_SOURCES). */
export const PLIC_NUM_SOURCES = 96;
/** Highest priority value; priorities are 3 bits wide like QEMU's `virt` (VIRT_IRQCHIP_NUM_PRIO_BITS). */
export const PLIC_MAX_PRIORITY = 7;

/**
 * A PLIC with `contexts` interrupt targets. `outputs[ctx]` is driven high while context `ctx` has an
 * enabled pending source whose priority exceeds its threshold (on `virt`: context 2h is hart h's
 * M-mode → MEIP, 2h+1 its S-mode → SEIP).
 */
export class Plic implements MmioDevice {
  readonly name = "plic";
  readonly size: number;
  private readonly priority = new Uint32Array(PLIC_NUM_SOURCES);
  private readonly level = new Uint8Array(PLIC_NUM_SOURCES);
  private readonly pending = new Uint8Array(PLIC_NUM_SOURCES);
  /** A source between claim and complete: it cannot become pending again (PLIC spec §9). */
  private readonly inFlight = new Uint8Array(PLIC_NUM_SOURCES);
  private readonly enable: Uint32Array[];
  private readonly threshold: Uint32Array;
  private readonly outLevel: boolean[];

  constructor(private readonly outputs: ReadonlyArray<(level: boolean) => void>) {
    const contexts = outputs.length;
    this.size = PLIC_CONTEXT + contexts * PLIC_CONTEXT_STRIDE;
    this.enable = Array.from({ length: contexts }, () => new Uint32Array(PLIC_NUM_SOURCES / 32));
    this.threshold = new Uint32Array(contexts);
    this.outLevel = new Array<boolean>(contexts).fill(false);
  }

  /**
   * Sets the input level of source `src` (1..95) as driven by a device: a high level makes the
   * source pending unless it is currently claimed (the gateway of PLIC spec §5 for level sources).
   */
  setSource(src: number, level: boolean): void {
    if (src <= 0 || src >= PLIC_NUM_SOURCES) return;
    this.level[src] = level ? 1 : 0;
    if (level && !this.inFlight[src]) this.pending[src] = 1;
    // A level source whose wire drops before being claimed is withdrawn (as in QEMU's model).
    if (!level && !this.inFlight[src]) this.pending[src] = 0;
    this.updateOutputs();
  }

  /** An `IrqLine` that drives source `src`. */
  line(src: number): (level: boolean) => void {
    return (level) => this.setSource(src, level);
  }

  /** True if source `src` is pending (for tests and diagnostics). */
  isPending(src: number): boolean {
    return this.pending[src] === 1;
  }

  read(offset: number, size: AccessSize): bigint {
    if (size !== 4 || (offset & 3) !== 0) return 0n;
    if (offset < PLIC_PENDING) {
      const src = offset >> 2;
      return src < PLIC_NUM_SOURCES ? BigInt(this.priority[src]!) : 0n;
    }
    if (offset < PLIC_ENABLE) {
      const word = (offset - PLIC_PENDING) >> 2;
      let bits = 0;
      for (let b = 0; b < 32; b++) {
        const src = word * 32 + b;
        if (src < PLIC_NUM_SOURCES && this.pending[src]) bits |= 1 << b;
      }
      return BigInt(bits >>> 0);
    }
    if (offset < PLIC_CONTEXT) {
      const ctx = Math.floor((offset - PLIC_ENABLE) / PLIC_ENABLE_STRIDE);
      const word = ((offset - PLIC_ENABLE) % PLIC_ENABLE_STRIDE) >> 2;
      const en = this.enable[ctx];
      return en !== undefined && word < en.length ? BigInt(en[word]!) : 0n;
    }
    const ctx = Math.floor((offset - PLIC_CONTEXT) / PLIC_CONTEXT_STRIDE);
    if (ctx >= this.threshold.length) return 0n;
    const reg = (offset - PLIC_CONTEXT) % PLIC_CONTEXT_STRIDE;
    if (reg === 0) return BigInt(this.threshold[ctx]!);
    if (reg === 4) return BigInt(this.claim(ctx));
    return 0n;
  }

  write(offset: number, size: AccessSize, value: bigint): void {
    if (size !== 4 || (offset & 3) !== 0) return;
    const v = Number(value & 0xffff_ffffn);
    if (offset < PLIC_PENDING) {
      const src = offset >> 2;
      if (src > 0 && src < PLIC_NUM_SOURCES) this.priority[src] = Math.min(v, PLIC_MAX_PRIORITY);
    } else if (offset < PLIC_ENABLE) {
      return; // pending bits are read-only
    } else if (offset < PLIC_CONTEXT) {
      const ctx = Math.floor((offset - PLIC_ENABLE) / PLIC_ENABLE_STRIDE);
      const word = ((offset - PLIC_ENABLE) % PLIC_ENABLE_STRIDE) >> 2;
      const en = this.enable[ctx];
      if (en === undefined || word >= en.length) return;
      en[word] = word === 0 ? v & ~1 : v; // source 0 cannot be enabled
    } else {
      const ctx = Math.floor((offset - PLIC_CONTEXT) / PLIC_CONTEXT_STRIDE);
      if (ctx >= this.threshold.length) return;
      const reg = (offset - PLIC_CONTEXT) % PLIC_CONTEXT_STRIDE;
      if (reg === 0) this.threshold[ctx] = Math.min(v, PLIC_MAX_PRIORITY);
      else if (reg === 4) this.complete(ctx, v);
    }
    this.updateOutputs();
  }

  /** Highest-priority claimable source of `ctx` (ties → lowest id), or 0. */
  private best(ctx: number): number {
    const en = this.enable[ctx]!;
    const thr = this.threshold[ctx]!;
    let bestSrc = 0;
    let bestPrio = thr;
    for (let src = 1; src < PLIC_NUM_SOURCES; src++) {
      if (!this.pending[src] || !((en[src >> 5]! >>> (src & 31)) & 1)) continue;
      const p = this.priority[src]!;
      if (p > bestPrio) {
        bestPrio = p;
        bestSrc = src;
      }
    }
    return bestSrc;
  }

  /** Claim (PLIC spec §7): returns the best source and clears its pending bit, or 0. */
  private claim(ctx: number): number {
    const src = this.best(ctx);
    if (src !== 0) {
      this.pending[src] = 0;
      this.inFlight[src] = 1;
    }
    this.updateOutputs();
    return src;
  }

  /** Complete (PLIC spec §8): a source enabled for `ctx` may become pending again. */
  private complete(ctx: number, src: number): void {
    if (src <= 0 || src >= PLIC_NUM_SOURCES) return;
    const en = this.enable[ctx]!;
    if (!((en[src >> 5]! >>> (src & 31)) & 1)) return; // spec §8: ignored if not enabled
    this.inFlight[src] = 0;
    if (this.level[src]) this.pending[src] = 1;
  }

  private updateOutputs(): void {
    for (let ctx = 0; ctx < this.outLevel.length; ctx++) {
      const level = this.best(ctx) !== 0;
      if (level !== this.outLevel[ctx]) {
        this.outLevel[ctx] = level;
        this.outputs[ctx]!(level);
      }
    }
  }
}
