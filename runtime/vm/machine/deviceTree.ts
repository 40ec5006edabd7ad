// The machine's device tree: what the firmware and kernel learn about the board, built from the
// memory map (the same node names, compatibles and wiring as QEMU's `virt` board, hw/riscv/virt.c).
import { encodeFdt, type FdtNode, fdtNode, fdtValue as v } from "./fdt.js";
import * as M from "./memoryMap.js";

/** ISA string of the hart (Linux Documentation/devicetree/bindings/riscv/cpus.yaml, `riscv,isa`). */
export const RISCV_ISA = "rv64imafdc_zicsr_zifencei";
/** Base ISA (cpus.yaml / extensions.yaml, `riscv,isa-base`). */
export const RISCV_ISA_BASE = "rv64i";
/** Extensions implemented by the CPU (extensions.yaml, `riscv,isa-extensions`). */
export const RISCV_ISA_EXTENSIONS = ["i", "m", "a", "f", "d", "c", "zicntr", "zicsr", "zifencei"] as const;
/** MMU type advertised (cpus.yaml, `mmu-type`). */
export const MMU_TYPE = "riscv,sv39";

/** Phandles assigned to the nodes others reference. */
export const PHANDLE = { cpu0Intc: 1, plic: 2, test: 3 } as const;

/** What varies between boots. */
export interface DeviceTreeOptions {
  /** RAM size in bytes (RAM starts at RAM_BASE). */
  memorySize: bigint;
  /** Kernel command line (`/chosen/bootargs`). */
  bootargs: string;
  /** Physical range of the initrd, end exclusive (`/chosen/linux,initrd-start|end`). */
  initrd?: { start: bigint; end: bigint };
  /** Optional seed for the kernel's RNG (`/chosen/rng-seed`); deterministic boots pass a fixed one. */
  rngSeed?: Uint8Array;
}

const reg64 = (base: number | bigint, size: number | bigint) => v.u64(BigInt(base), BigInt(size));
const hex = (n: number) => n.toString(16);

/** Builds the device tree for one hart. */
export function buildDeviceTree(opts: DeviceTreeOptions): FdtNode {
  const uartPath = `/soc/serial@${hex(M.UART0_BASE)}`;
  const chosenProps: Record<string, Uint8Array> = {
    bootargs: v.string(opts.bootargs),
    "stdout-path": v.string(uartPath),
  };
  if (opts.initrd) {
    chosenProps["linux,initrd-start"] = v.u64(opts.initrd.start);
    chosenProps["linux,initrd-end"] = v.u64(opts.initrd.end);
  }
  if (opts.rngSeed) chosenProps["rng-seed"] = v.bytes(opts.rngSeed);

  const cpu0 = fdtNode(
    "cpu@0",
    {
      device_type: v.string("cpu"),
      reg: v.u32(0),
      status: v.string("okay"),
      compatible: v.string("riscv"),
      "riscv,isa": v.string(RISCV_ISA),
      "riscv,isa-base": v.string(RISCV_ISA_BASE),
      "riscv,isa-extensions": v.strings(...RISCV_ISA_EXTENSIONS),
      "mmu-type": v.string(MMU_TYPE),
    },
    [
      fdtNode("interrupt-controller", {
        "#interrupt-cells": v.u32(1),
        "interrupt-controller": v.empty(),
        compatible: v.string("riscv,cpu-intc"),
        phandle: v.u32(PHANDLE.cpu0Intc),
      }),
    ],
  );

  const intc = PHANDLE.cpu0Intc;
  const devices: FdtNode[] = [
    fdtNode(`test@${hex(M.TEST_BASE)}`, {
      compatible: v.strings("sifive,test1", "sifive,test0", "syscon"),
      reg: reg64(M.TEST_BASE, M.TEST_SIZE),
      phandle: v.u32(PHANDLE.test),
    }),
    fdtNode(`rtc@${hex(M.RTC_BASE)}`, {
      compatible: v.string("google,goldfish-rtc"),
      reg: reg64(M.RTC_BASE, M.RTC_SIZE),
      "interrupt-parent": v.u32(PHANDLE.plic),
      interrupts: v.u32(M.RTC_IRQ),
    }),
    fdtNode(`clint@${hex(M.CLINT_BASE)}`, {
      compatible: v.strings("sifive,clint0", "riscv,clint0"),
      reg: reg64(M.CLINT_BASE, M.CLINT_SIZE),
      "interrupts-extended": v.u32(intc, M.IRQ_M_SOFT, intc, M.IRQ_M_TIMER),
    }),
    fdtNode(`plic@${hex(M.PLIC_BASE)}`, {
      compatible: v.strings("sifive,plic-1.0.0", "riscv,plic0"),
      reg: reg64(M.PLIC_BASE, M.PLIC_SIZE),
      "#address-cells": v.u32(0),
      "#interrupt-cells": v.u32(1),
      "interrupt-controller": v.empty(),
      "interrupts-extended": v.u32(intc, M.IRQ_M_EXT, intc, M.IRQ_S_EXT),
      "riscv,ndev": v.u32(M.PLIC_NUM_SOURCES - 1),
      phandle: v.u32(PHANDLE.plic),
    }),
    fdtNode(`serial@${hex(M.UART0_BASE)}`, {
      compatible: v.string("ns16550a"),
      reg: reg64(M.UART0_BASE, M.UART0_SIZE),
      "clock-frequency": v.u32(M.UART_CLOCK_FREQUENCY),
      "interrupt-parent": v.u32(PHANDLE.plic),
      interrupts: v.u32(M.UART0_IRQ),
    }),
  ];
  for (let i = 0; i < M.VIRTIO_COUNT; i++) {
    const base = M.virtioBase(i);
    devices.push(
      fdtNode(`virtio_mmio@${hex(base)}`, {
        compatible: v.string("virtio,mmio"),
        reg: reg64(base, M.VIRTIO_SIZE),
        "interrupt-parent": v.u32(PHANDLE.plic),
        interrupts: v.u32(M.VIRTIO_IRQ + i),
      }),
    );
  }

  return fdtNode(
    "",
    {
      "#address-cells": v.u32(2),
      "#size-cells": v.u32(2),
      compatible: v.string("riscv-virtio"),
      model: v.string("riscv-virtio,qemu"),
    },
    [
      fdtNode("chosen", chosenProps),
      fdtNode(`memory@${hex(M.RAM_BASE)}`, {
        device_type: v.string("memory"),
        reg: reg64(M.RAM_BASE, opts.memorySize),
      }),
      fdtNode("cpus", { "#address-cells": v.u32(1), "#size-cells": v.u32(0), "timebase-frequency": v.u32(M.TIMEBASE_FREQUENCY) }, [
        cpu0,
      ]),
      fdtNode(
        "soc",
        { "#address-cells": v.u32(2), "#size-cells": v.u32(2), compatible: v.string("simple-bus"), ranges: v.empty() },
        devices,
      ),
      // Power-off and reboot through the finisher, via the generic syscon bindings that OpenSBI and
      // Linux both understand (QEMU virt.c create_fdt_reset).
      fdtNode("poweroff", {
        compatible: v.string("syscon-poweroff"),
        regmap: v.u32(PHANDLE.test),
        offset: v.u32(0),
        value: v.u32(0x5555),
      }),
      fdtNode("reboot", {
        compatible: v.string("syscon-reboot"),
        regmap: v.u32(PHANDLE.test),
        offset: v.u32(0),
        value: v.u32(0x7777),
      }),
    ],
  );
}

/**
 * Spare bytes after the tree inside `totalsize`: OpenSBI grows the blob in place when it adds its
 * reserved-memory nodes (lib/utils/fdt/fdt_fixup.c, fdt_open_into).
 */
export const DTB_PADDING = 16 * 1024;

/** Encodes the device tree as a DTB ready to load into guest memory. */
export function encodeDeviceTree(opts: DeviceTreeOptions): Uint8Array {
  return encodeFdt(buildDeviceTree(opts), { padding: DTB_PADDING });
}
