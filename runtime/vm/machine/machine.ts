// The virt-style machine: one hart, the devices at their QEMU `virt` addresses, boot images
// loaded per the boot layout, and the run loop (time, WFI, interrupts, power-off, timeout).
import { randomBytes } from "node:crypto";
import { createHart, type Hart, Irq, Priv, StopReason } from "../cpu/hart.js";
import { Clint } from "../devices/clint.js";
import { GoldfishRtc } from "../devices/goldfishRtc.js";
import { Plic } from "../devices/plic.js";
import { type PowerEvent, SifiveTest } from "../devices/sifiveTest.js";
import { Uart16550 } from "../devices/uart16550.js";
import { VirtioMmio } from "../devices/virtioMmio.js";
import { type BootLayout, computeBootLayout, encodeFwDynamicInfo, parseImageHeader } from "./bootLayout.js";
import { MmioBus, type BusFault } from "./bus.js";
import { type ConsoleSinks, GuestConsole } from "./console.js";
import { encodeDeviceTree } from "./deviceTree.js";
import { GuestFaultError, MachineError } from "./errors.js";
import * as M from "./memoryMap.js";

/** CSR numbers read for diagnostics and the SEIP workaround (privileged spec §2.2, Tables 2.2–2.5). */
const CSR_SATP = 0x180;
const CSR_MEPC = 0x341;
const CSR_MCAUSE = 0x342;
const CSR_MTVAL = 0x343;

/** Guest instructions per mtime tick in deterministic mode: a nominal 100 MIPS at 10 MHz. */
export const DEFAULT_INSTRUCTIONS_PER_TICK = 10;
/** Wall-clock epoch of the RTC in deterministic mode: 2025-01-01T00:00:00Z, in ns. */
export const DETERMINISTIC_EPOCH_NS = 1_735_689_600n * 1_000_000_000n;
/** Longest run slice in instructions; interrupts from devices are sampled between slices. */
export const MAX_SLICE = 2_000_000;

/** Everything needed to boot. */
export interface MachineOptions {
  /** RAM size in bytes (a multiple of 2 MiB). */
  memorySize: number;
  /** OpenSBI fw_dynamic.bin (or any M-mode firmware that takes a0/a1/a2 the same way). */
  firmware: Uint8Array;
  /** RISC-V Linux `Image` (with its header). */
  kernel: Uint8Array;
  /** initramfs (e.g. gzip'd cpio). */
  initrd?: Uint8Array;
  /** Kernel command line. */
  bootargs: string;
  /** Time from the instruction count (bit-for-bit repeatable), instead of the host clock. */
  deterministic?: boolean;
  /** Deterministic mode: guest instructions per 100 ns tick (default 10). */
  instructionsPerTick?: number;
  /** Where console output goes besides the log. */
  console?: ConsoleSinks;
  /** An existing console to keep writing to (e.g. across a guest reboot); overrides `console`. */
  guestConsole?: GuestConsole;
  /** Paths for error messages. */
  kernelPath?: string;
}

/** How a run ended. */
export type MachineExit =
  | { kind: "poweroff"; status: number }
  | { kind: "reset" }
  | { kind: "timeout" }
  | { kind: "stopped" }
  | { kind: "instruction-limit" };

/** Run-loop controls. */
export interface RunOptions {
  /** Wall-clock limit in ms. */
  timeoutMs?: number;
  /** Stop after about this many guest instructions. */
  instructionLimit?: bigint;
}

/** A bootable machine. Create with `new Machine(opts)`, then `await run()`. */
export class Machine {
  readonly hart: Hart;
  readonly clint: Clint;
  readonly plic: Plic;
  readonly uart: Uart16550;
  readonly rtc: GoldfishRtc;
  readonly finisher: SifiveTest;
  readonly virtio: VirtioMmio[];
  readonly console: GuestConsole;
  readonly bus: MmioBus;
  readonly layout: BootLayout;
  readonly deterministic: boolean;
  /** Deterministic mode: guest instructions per mtime tick. */
  private readonly instructionsPerTick: number;
  private power: PowerEvent | undefined;
  private deviceFailurePc: bigint | undefined;
  private stopRequested = false;
  private wake: (() => void) | undefined;
  /** Unmapped physical accesses seen: the first 16 (the first is usually the root cause). */
  readonly busFaults: Array<BusFault & { pc: bigint }> = [];

  constructor(opts: MachineOptions) {
    this.deterministic = opts.deterministic ?? false;
    const ipt = opts.instructionsPerTick ?? DEFAULT_INSTRUCTIONS_PER_TICK;
    this.instructionsPerTick = ipt;
    const t0 = process.hrtime.bigint();
    const hostTicks = () => Number((process.hrtime.bigint() - t0) / 100n); // 10 MHz (memoryMap TIMEBASE_FREQUENCY)
    const bus = (): MmioBus => this.bus;
    // A throwing device model stops the hart after the instruction; remember where it happened.
    const failed = (e: unknown): never => {
      this.deviceFailurePc ??= BigInt.asUintN(64, this.hart.pc);
      throw e;
    };
    const mmio = {
      read: (addr: number, size: 1 | 2 | 4 | 8) => {
        let v: bigint | undefined;
        try {
          v = bus().read(addr, size);
        } catch (e) {
          failed(e);
        }
        if (v === undefined) this.noteFault();
        return v;
      },
      write: (addr: number, size: 1 | 2 | 4 | 8, value: bigint) => {
        let ok = false;
        try {
          ok = bus().write(addr, size, value);
        } catch (e) {
          failed(e);
        }
        if (!ok) this.noteFault();
        return ok;
      },
    };
    this.hart = createHart({
      ramSize: opts.memorySize,
      ramBase: BigInt(M.RAM_BASE),
      mmio,
      time: this.deterministic ? { mode: "deterministic", instructionsPerTick: ipt } : { mode: "realtime", now: hostTicks },
    });
    const hart = this.hart;
    const mtime = this.deterministic ? () => hart.time : () => BigInt(hostTicks());
    this.clint = new Clint(mtime, {
      msip: (_h, level) => hart.setInterrupt(Irq.MSIP, level),
      mtip: (_h, level) => hart.setInterrupt(Irq.MTIP, level),
    });
    this.plic = new Plic([
      (l) => hart.setInterrupt(Irq.MEIP, l),
      (l) => hart.setInterrupt(Irq.SEIP, l),
    ]);
    this.console = opts.guestConsole ?? new GuestConsole(opts.console);
    this.uart = new Uart16550(this.console.transmit, this.plic.line(M.UART0_IRQ));
    const wallNs = this.deterministic
      ? () => DETERMINISTIC_EPOCH_NS + hart.time * 100n
      : () => BigInt(Date.now()) * 1_000_000n;
    this.rtc = new GoldfishRtc(wallNs, this.plic.line(M.RTC_IRQ));
    this.finisher = new SifiveTest((e) => {
      this.power = e;
      hart.requestStop();
    });
    this.virtio = Array.from({ length: M.VIRTIO_COUNT }, (_, i) => new VirtioMmio(`virtio${i}`, this.plic.line(M.VIRTIO_IRQ + i)));
    this.bus = new MmioBus([
      { base: M.TEST_BASE, device: this.finisher },
      { base: M.RTC_BASE, device: this.rtc },
      { base: M.CLINT_BASE, device: this.clint },
      { base: M.PLIC_BASE, device: this.plic },
      { base: M.UART0_BASE, device: this.uart },
      ...this.virtio.map((d, i) => ({ base: M.virtioBase(i), device: d })),
    ]);
    this.layout = this.load(opts);
  }

  private load(opts: MachineOptions): BootLayout {
    const header = parseImageHeader(opts.kernel, opts.kernelPath);
    const memorySize = BigInt(opts.memorySize);
    const dtbOptions = (initrd?: { start: bigint; end: bigint }) => ({
      memorySize,
      bootargs: opts.bootargs,
      initrd,
      rngSeed: this.deterministic ? undefined : new Uint8Array(randomBytes(64)),
    });
    // The DTB's size does not depend on the initrd addresses, only on whether there is one.
    const probe = encodeDeviceTree(dtbOptions(opts.initrd ? { start: 0n, end: 0n } : undefined));
    const layout = computeBootLayout({
      memorySize,
      firmwareSize: opts.firmware.length,
      kernel: { ...header, fileSize: opts.kernel.length },
      initrdSize: opts.initrd?.length,
      dtbSize: probe.length,
    });
    const dtb = encodeDeviceTree(dtbOptions(layout.initrd));
    const h = this.hart;
    h.writePhys(layout.firmware.start, opts.firmware);
    h.writePhys(layout.kernel.start, opts.kernel);
    if (opts.initrd && layout.initrd) h.writePhys(layout.initrd.start, opts.initrd);
    h.writePhys(layout.dtb.start, dtb);
    h.writePhys(layout.fwDynamicInfo.start, encodeFwDynamicInfo(layout.kernel.start, 0n));
    h.pc = layout.entry.pc;
    h.setX(10, layout.entry.a0);
    h.setX(11, layout.entry.a1);
    h.setX(12, layout.entry.a2);
    return layout;
  }

  private noteFault(): void {
    const f = this.bus.takeFault();
    if (!f) return;
    if (this.busFaults.length < 16) this.busFaults.push({ ...f, pc: BigInt.asUintN(64, this.hart.pc) });
  }

  /** Queues host keyboard input for the guest (wakes a hart sleeping in WFI). */
  input(bytes: Iterable<number>): void {
    this.uart.receive(bytes);
    this.wake?.();
  }

  /** Asks `run()` to return `{ kind: "stopped" }` soon (e.g. on Ctrl-A x). */
  stop(): void {
    this.stopRequested = true;
    this.hart.requestStop();
    this.wake?.();
  }

  /** The guest's instruction count so far. */
  get instructions(): bigint {
    return this.hart.instret;
  }

  /**
   * Runs until the guest powers off or resets, `stop()` is called, or a limit is hit. Guest
   * faults that leave the hart executing outside RAM (no handler) throw GuestFaultError; a device
   * callback that throws is rethrown as MachineError. Yields to the event loop between slices.
   */
  async run(opts: RunOptions = {}): Promise<MachineExit> {
    const deadline = opts.timeoutMs !== undefined ? Date.now() + opts.timeoutMs : undefined;
    const ramStart = BigInt(M.RAM_BASE);
    const ramEnd = ramStart + BigInt(this.hart.ramSize);
    const h = this.hart;
    let lastYield = Date.now();
    try {
      for (;;) {
        if (this.power) return this.power.kind === "reset" ? { kind: "reset" } : { kind: "poweroff", status: this.power.status };
        if (this.stopRequested) return { kind: "stopped" };
        if (deadline !== undefined && Date.now() >= deadline) return { kind: "timeout" };
        if (opts.instructionLimit !== undefined && h.instret >= opts.instructionLimit) return { kind: "instruction-limit" };

        const budget = this.sliceBudget();
        const stop = h.run(budget);
        this.clint.update();
        this.rtc.update();
        if (stop === StopReason.Fatal) {
          const at = (this.deviceFailurePc ?? BigInt.asUintN(64, h.pc)).toString(16);
          throw new MachineError("VM_DEVICE", `a device model failed at pc=0x${at}: ${String(h.fatalError())}`, { cause: h.fatalError() });
        }
        const pc = BigInt.asUintN(64, h.pc);
        if ((pc < ramStart || pc >= ramEnd) && this.fetchIsPhysical()) this.raiseStuck();
        if (stop === StopReason.Wfi) await this.idle(deadline);
        const now = Date.now();
        if (now - lastYield >= 20) {
          this.console.flush();
          lastYield = now;
          await new Promise<void>((r) => setImmediate(r));
        }
      }
    } finally {
      this.console.flush();
    }
  }

  /** Instructions to run before the next device check: up to the next timer deadline. */
  private sliceBudget(): number {
    const ticks = this.clint.ticksUntilNextTimer();
    if (ticks === undefined) return MAX_SLICE;
    // Deterministic: exactly the instructions until the deadline. Real time: assume ~100 MIPS.
    const ipt = this.deterministic ? BigInt(this.instructionsPerTick) : 10n;
    const n = ticks * ipt;
    if (n < 1n) return 1;
    return n > BigInt(MAX_SLICE) ? MAX_SLICE : Number(n);
  }

  /** The hart waits for an interrupt: skip (deterministic) or sleep (real time) to the next event. */
  private async idle(deadline: number | undefined): Promise<void> {
    const ticks = this.clint.ticksUntilNextTimer();
    if (this.deterministic && ticks !== undefined) {
      this.hart.advanceTime(ticks);
      this.clint.update();
      this.rtc.update();
      return;
    }
    // Real time, or nothing armed: sleep until the timer is due, input arrives, or 10 ms pass.
    this.console.flush();
    let ms = ticks === undefined ? 10 : Math.min(10, Number(ticks / 10_000n));
    if (deadline !== undefined) ms = Math.max(0, Math.min(ms, deadline - Date.now()));
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(t);
        this.wake = undefined;
        resolve();
      };
    });
  }

  /** True when the pc is a physical address: M-mode, or S/U-mode with satp.MODE = Bare. */
  private fetchIsPhysical(): boolean {
    if (this.hart.priv === Priv.M) return true;
    const satp = this.hart.readCsr(CSR_SATP) ?? 0n;
    return BigInt.asUintN(64, satp) >> 60n === 0n; // satp.MODE (bits 63:60) = Bare
  }

  /** The hart is executing outside RAM: there is nothing there, so it can never recover. */
  private raiseStuck(): never {
    const h = this.hart;
    const csr = (n: number) => BigInt.asUintN(64, h.readCsr(n) ?? 0n);
    const mcause = csr(CSR_MCAUSE);
    const mepc = csr(CSR_MEPC);
    const mtval = csr(CSR_MTVAL);
    const first = this.busFaults[0];
    const detail = [
      `hart is executing at unmapped address 0x${BigInt.asUintN(64, h.pc).toString(16)} (no trap handler)`,
      `last trap: mcause=${describeCause(mcause)} mepc=0x${mepc.toString(16)} mtval=0x${mtval.toString(16)}`,
      first ? `first unmapped access: ${first.write ? "store" : "load/fetch"} of ${first.size} bytes at 0x${first.address.toString(16)} by pc=0x${first.pc.toString(16)}` : "",
    ].filter((s) => s !== "");
    throw new GuestFaultError(first?.pc ?? mepc, detail.join("; "), first !== undefined ? BigInt(first.address) : mtval);
  }
}

const CAUSES: Record<number, string> = {
  0: "instruction address misaligned",
  1: "instruction access fault",
  2: "illegal instruction",
  3: "breakpoint",
  4: "load address misaligned",
  5: "load access fault",
  6: "store/AMO address misaligned",
  7: "store/AMO access fault",
  8: "ecall from U-mode",
  9: "ecall from S-mode",
  11: "ecall from M-mode",
  12: "instruction page fault",
  13: "load page fault",
  15: "store/AMO page fault",
};

/** Human-readable mcause (privileged spec §3.1.15, Table 14). */
export function describeCause(mcause: bigint): string {
  const interrupt = (mcause >> 63n) & 1n;
  const code = Number(mcause & 0x7fff_ffff_ffff_ffffn);
  if (interrupt) return `interrupt ${code}`;
  return `${code} (${CAUSES[code] ?? "unknown"})`;
}
