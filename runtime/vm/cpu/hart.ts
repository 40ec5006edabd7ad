// The interface a machine uses to drive one RV64GC hart: create, load memory, registers/CSRs, run, interrupts, time, MMIO.
//
// Usage (a machine's main loop):
//   const hart = createHart({ ramSize: 512 << 20, mmio: bus, time: { mode: "realtime", now: () => clint.mtime() } });
//   hart.writePhys(0x8000_0000n, firmware); hart.pc = 0x8000_0000n; hart.setX(10, 0n); hart.setX(11, dtbAddr);
//   for (;;) {
//     const stop = hart.run(1_000_000);           // budget of instructions
//     clint.update(hart); plic.update(hart);      // → hart.setInterrupt(MTIP, level) etc.
//     if (stop === StopReason.Wfi) await untilSomethingPending();
//     if (stop === StopReason.Requested) break;   // e.g. the power-off device called hart.requestStop()
//   }
import { readFileSync } from "node:fs";
import { Wasm, type WasmMemory, type WasmModule } from "./wasmApi.js";
import { CpuLoadError, CpuMemoryError, PhysicalAccessError } from "./errors.js";

/** Why run() returned. */
export const StopReason = {
  /** The instruction budget was used up. */
  Budget: 0,
  /** The hart executed WFI with nothing pending in mip & mie; run() keeps returning this until an interrupt is pending. */
  Wfi: 1,
  /** A U-mode exception selected by `hostTraps` stopped the hart (pc = the faulting instruction); see lastHostTrap(). */
  HostTrap: 2,
  /** Unrecoverable: a host callback threw. */
  Fatal: 3,
  /** A store hit the watched physical address (see watch()); the store completed. */
  Watch: 4,
  /** requestStop() was called (e.g. from an MMIO callback). */
  Requested: 5,
} as const;
/** A value of StopReason. */
export type StopReason = (typeof StopReason)[keyof typeof StopReason];

/** mip bit numbers the machine drives (privileged spec §3.1.9). */
export const Irq = { SSIP: 1, MSIP: 3, STIP: 5, MTIP: 7, SEIP: 9, MEIP: 11 } as const;

/** Privilege levels. */
export const Priv = { U: 0, S: 1, M: 3 } as const;

/** Access size in bytes of an MMIO access. */
export type AccessSize = 1 | 2 | 4 | 8;

/**
 * Physical accesses outside RAM. `read` returns the value (zero-extended), or `undefined` for a bus
 * error; `write` returns false for a bus error. A bus error becomes an access-fault exception in
 * the guest (load/store/instruction access fault, tval = the virtual address). Addresses are
 * physical (< 2^56, so exact in a number). Callbacks may call hart.setInterrupt / requestStop.
 */
export interface MmioHandler {
  read(addr: number, size: AccessSize): bigint | undefined;
  write(addr: number, size: AccessSize, value: bigint): boolean;
}

/**
 * Where the `time` CSR (and mtime) comes from:
 * - realtime: `now()` returns the current mtime in ticks (the machine's CLINT clock, e.g. 10 MHz).
 * - deterministic: mtime = offset + instret / instructionsPerTick (bit-for-bit repeatable runs);
 *   a machine skips idle time with advanceTime().
 */
export type TimeSource =
  | { mode: "realtime"; now(): number }
  | { mode: "deterministic"; instructionsPerTick: number; offset?: bigint };

/** Options for createHart(). */
export interface HartOptions {
  /** Guest RAM size in bytes (multiple of 4096). */
  ramSize: number;
  /** Physical base of RAM; default 0x8000_0000. */
  ramBase?: bigint;
  /** Non-RAM physical accesses; default: every access is a bus error. */
  mmio?: MmioHandler;
  /** Default: deterministic, 10 instructions per tick. */
  time?: TimeSource;
  /** mhartid; default 0. */
  hartId?: number;
}

/** Details of the exception behind StopReason.HostTrap. */
export interface HostTrap {
  /** Exception cause (e.g. 8 = ecall from U, 13 = load page fault). */
  cause: number;
  /** mtval-style value (faulting address, or instruction bits for illegal instructions). */
  tval: bigint;
  /** pc of the trapping instruction. */
  pc: bigint;
}

interface CoreExports {
  memory: WasmMemory;
  init(base: bigint, size: bigint): number;
  reset(): void;
  ramPtr(): number;
  run(budget: number): number;
  getLastSteps(): number;
  getPc(): bigint;
  setPc(v: bigint): void;
  getXReg(i: number): bigint;
  setXReg(i: number, v: bigint): void;
  getFReg(i: number): bigint;
  setFReg(i: number, v: bigint): void;
  getPriv(): number;
  setPriv(p: number): void;
  getInstret(): bigint;
  setInstret(v: bigint): void;
  xregsPtr(): number;
  csrGet(csr: number): bigint;
  csrSet(csr: number, v: bigint): void;
  csrFailed(): number;
  setMip(mask: number, on: number): void;
  getMip(): bigint;
  inWfi(): number;
  setTimeMode(mode: number, offset: bigint, ipt: bigint): void;
  getTime(): bigint;
  advanceTime(t: bigint): void;
  setHostTrapMask(m: bigint): void;
  getHostCause(): bigint;
  getHostTval(): bigint;
  setWatch(pa: bigint): void;
  getWatchValue(): bigint;
  busError(): void;
  requestStop(): void;
  flushTlb(): void;
  getCodeEpoch(): bigint;
  markCodePage(pa: bigint): void;
  isCodePage(pa: bigint): number;
  setHartId(id: bigint): void;
}

let compiled: WasmModule | undefined;

/** Path of the compiled core (built by `npm run build` from runtime/vm/cpu/as/). */
export const CORE_WASM = new URL("./cpu.wasm", import.meta.url);

function module(): WasmModule {
  if (compiled === undefined) {
    try {
      compiled = new Wasm.Module(readFileSync(CORE_WASM));
    } catch (e) {
      throw new CpuLoadError(CORE_WASM.pathname, e);
    }
  }
  return compiled;
}

/** One RV64GC hart (RV64IMAFDC + Zicsr, Zifencei, Zicntr; M/S/U; Sv39/Sv48) with its own guest RAM. */
export class Hart {
  readonly ramBase: bigint;
  readonly ramSize: number;
  private readonly x: CoreExports;
  private ramView: Uint8Array;
  private hostError: unknown;

  /** Use createHart(). */
  constructor(opts: HartOptions) {
    this.ramBase = opts.ramBase ?? 0x8000_0000n;
    this.ramSize = opts.ramSize;
    const mmio = opts.mmio;
    const time = opts.time ?? { mode: "deterministic", instructionsPerTick: 10 };
    // Linear memory: ~2 MiB of core state and tables, then RAM; sized here, growable by the core.
    const pages = Math.ceil((opts.ramSize + (4 << 20)) / 65536);
    let memory: WasmMemory;
    try {
      memory = new Wasm.Memory({ initial: pages, maximum: 65536 });
    } catch (e) {
      throw new CpuMemoryError(opts.ramSize, e);
    }
    const self = this;
    const imports = {
      env: {
        memory,
        abort: () => {
          throw new Error("cpu core aborted");
        },
      },
      vmspec: {
        mmioRead(addr: bigint, size: number): bigint {
          if (mmio === undefined) {
            self.x.busError();
            return 0n;
          }
          try {
            const v = mmio.read(Number(addr), size as AccessSize);
            if (v === undefined) {
              self.x.busError();
              return 0n;
            }
            return BigInt.asUintN(64, v);
          } catch (e) {
            self.hostError = e;
            self.x.requestStop();
            return 0n;
          }
        },
        mmioWrite(addr: bigint, size: number, value: bigint): void {
          if (mmio === undefined) {
            self.x.busError();
            return;
          }
          try {
            if (!mmio.write(Number(addr), size as AccessSize, BigInt.asUintN(size * 8, value))) self.x.busError();
          } catch (e) {
            self.hostError = e;
            self.x.requestStop();
          }
        },
        hostTime(): number {
          return time.mode === "realtime" ? time.now() : 0;
        },
      },
    };
    const inst = new Wasm.Instance(module(), imports);
    this.x = inst.exports as unknown as CoreExports;
    if (this.x.init(this.ramBase, BigInt(opts.ramSize)) !== 0) throw new CpuMemoryError(opts.ramSize);
    if (time.mode === "realtime") this.x.setTimeMode(0, 0n, 1n);
    else this.x.setTimeMode(1, time.offset ?? 0n, BigInt(Math.max(1, Math.floor(time.instructionsPerTick))));
    this.x.setHartId(BigInt(opts.hartId ?? 0));
    this.ramView = new Uint8Array(this.x.memory.buffer, this.x.ramPtr(), opts.ramSize);
  }

  /** Guest RAM as bytes (index 0 = ramBase). Re-fetch after run(): memory growth replaces the buffer. */
  get ram(): Uint8Array {
    if (this.ramView.buffer !== this.x.memory.buffer) {
      this.ramView = new Uint8Array(this.x.memory.buffer, this.x.ramPtr(), this.ramSize);
    }
    return this.ramView;
  }

  private ramOffset(addr: bigint, length: number): number {
    const off = addr - this.ramBase;
    if (off < 0n || off + BigInt(length) > BigInt(this.ramSize)) throw new PhysicalAccessError(addr, length);
    return Number(off);
  }

  /** Copies bytes into guest RAM at physical `addr` (throws PhysicalAccessError outside RAM). */
  writePhys(addr: bigint, bytes: Uint8Array): void {
    this.ram.set(bytes, this.ramOffset(addr, bytes.length));
  }

  /** Copies `length` bytes out of guest RAM at physical `addr`. */
  readPhys(addr: bigint, length: number): Uint8Array {
    const off = this.ramOffset(addr, length);
    return this.ram.slice(off, off + length);
  }

  /** Reads a little-endian u64 from guest RAM. */
  readPhys64(addr: bigint): bigint {
    const off = this.ramOffset(addr, 8);
    return new DataView(this.ram.buffer, this.ram.byteOffset + off, 8).getBigUint64(0, true);
  }

  /** Writes a little-endian u64 to guest RAM. */
  writePhys64(addr: bigint, value: bigint): void {
    const off = this.ramOffset(addr, 8);
    new DataView(this.ram.buffer, this.ram.byteOffset + off, 8).setBigUint64(0, BigInt.asUintN(64, value), true);
  }

  /** Program counter. */
  get pc(): bigint {
    return BigInt.asUintN(64, this.x.getPc());
  }
  set pc(v: bigint) {
    this.x.setPc(BigInt.asUintN(64, v));
  }

  /** Current privilege level (Priv.U/S/M). Setting it selects the TLB context of the new mode. */
  get priv(): number {
    return this.x.getPriv();
  }
  set priv(p: number) {
    this.x.setPriv(p);
  }

  /** Integer register x`i` (unsigned 64-bit); x0 reads 0. */
  getX(i: number): bigint {
    return BigInt.asUintN(64, this.x.getXReg(i));
  }
  /** Sets x`i` (writes to x0 are ignored). */
  setX(i: number, v: bigint): void {
    this.x.setXReg(i, BigInt.asUintN(64, v));
  }
  /** All 32 integer registers at once (a fresh copy). */
  xregs(): BigUint64Array {
    return new BigUint64Array(this.x.memory.buffer.slice(this.x.xregsPtr(), this.x.xregsPtr() + 256));
  }
  /** FP register f`i`, raw 64 bits (singles are NaN-boxed). */
  getF(i: number): bigint {
    return BigInt.asUintN(64, this.x.getFReg(i));
  }
  setF(i: number, v: bigint): void {
    this.x.setFReg(i, BigInt.asUintN(64, v));
  }

  /** Reads a CSR with M-mode rights; undefined for a CSR the hart does not have. */
  readCsr(csr: number): bigint | undefined {
    const v = this.x.csrGet(csr);
    return this.x.csrFailed() ? undefined : BigInt.asUintN(64, v);
  }
  /** Writes a CSR with M-mode rights (WARL rules apply); false for a missing or read-only CSR. */
  writeCsr(csr: number, v: bigint): boolean {
    this.x.csrSet(csr, BigInt.asUintN(64, v));
    return !this.x.csrFailed();
  }

  /** Retired instructions (minstret). */
  get instret(): bigint {
    return BigInt.asUintN(64, this.x.getInstret());
  }

  /**
   * Runs up to `budget` instructions (clamped to 0…2^31-1); returns why it stopped. Interrupts are taken
   * between instructions; MMIO callbacks run synchronously inside. A host callback that throws
   * stops the hart with StopReason.Fatal and the error in fatalError().
   */
  run(budget: number): StopReason {
    this.hostError = undefined;
    const r = this.x.run(Math.max(0, Math.min(Math.floor(budget), 0x7fff_ffff))) as StopReason;
    if (this.hostError !== undefined) return StopReason.Fatal;
    return r;
  }

  /** Steps taken by the last run(): instructions attempted, including those that trapped (≤ budget). */
  get lastSteps(): number {
    return this.x.getLastSteps();
  }

  /** The error thrown by a host callback that caused StopReason.Fatal. */
  fatalError(): unknown {
    return this.hostError;
  }

  /** Stops run() after the current instruction with StopReason.Requested (callable from callbacks). */
  requestStop(): void {
    this.x.requestStop();
  }

  /** Drives a machine interrupt line: mip bit `bit` (Irq.MSIP/MTIP/SEIP/MEIP) to `level`. */
  setInterrupt(bit: number, level: boolean): void {
    this.x.setMip(1 << bit, level ? 1 : 0);
  }

  /** Current mip (lines driven by the machine OR bits written by software). */
  get mip(): bigint {
    return BigInt.asUintN(64, this.x.getMip());
  }

  /** True while the hart sleeps in WFI (it wakes when mip & mie != 0). */
  get waiting(): boolean {
    return this.x.inWfi() !== 0;
  }

  /** mtime as the hart's `time` CSR sees it (use it as the CLINT's mtime in deterministic mode). */
  get time(): bigint {
    return BigInt.asUintN(64, this.x.getTime());
  }

  /** Deterministic mode: moves time forward by `ticks` (e.g. to the next timer deadline during WFI). */
  advanceTime(ticks: bigint): void {
    this.x.advanceTime(ticks);
  }

  /**
   * User-mode emulation: U-mode exceptions whose cause number is in `causes` stop run() with
   * StopReason.HostTrap instead of entering a trap handler; the pc stays at the instruction.
   */
  set hostTraps(causes: readonly number[]) {
    let m = 0n;
    for (const c of causes) m |= 1n << BigInt(c);
    this.x.setHostTrapMask(m);
  }

  /** The exception behind the last StopReason.HostTrap. */
  lastHostTrap(): HostTrap {
    return { cause: Number(this.x.getHostCause()), tval: BigInt.asUintN(64, this.x.getHostTval()), pc: this.pc };
  }

  /** Stores to physical `addr` stop run() with StopReason.Watch (e.g. the `tohost` word); undefined clears. */
  watch(addr: bigint | undefined): void {
    this.x.setWatch(addr === undefined ? 0xffff_ffff_ffff_ffffn : addr);
  }

  /** Empties the TLBs (call after editing page tables from the host). */
  flushTlb(): void {
    this.x.flushTlb();
  }

  /** Translation-tier hook: bumped by fence.i and stores to marked code pages. */
  get codeEpoch(): bigint {
    return BigInt.asUintN(64, this.x.getCodeEpoch());
  }

  /**
   * Translation-tier hook: marks the RAM page of physical `addr` as holding translated code. The
   * next store to it (by the guest, any width, also AMOs) clears the mark and bumps codeEpoch.
   */
  markCodePage(addr: bigint): void {
    this.x.markCodePage(addr);
  }

  /** True while the page of physical `addr` is marked (see markCodePage). */
  isCodePage(addr: bigint): boolean {
    return this.x.isCodePage(addr) !== 0;
  }

  /** Resets registers and CSRs (pc = RAM base, M-mode); RAM is kept. */
  reset(): void {
    this.x.reset();
  }
}

/** Creates a hart with its own guest RAM (zeroed). Throws CpuLoadError / CpuMemoryError. */
export function createHart(opts: HartOptions): Hart {
  return new Hart(opts);
}
