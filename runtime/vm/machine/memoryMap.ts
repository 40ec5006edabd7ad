// The machine's physical memory map and interrupt numbers: the one place addresses are defined.
//
// Every value is taken from QEMU's `virt` board (hw/riscv/virt.c `virt_memmap[]` and
// include/hw/riscv/virt.h), so stock OpenSBI and Linux find devices where they expect them.

/** sifive,test1 finisher (virt.c: [VIRT_TEST] = { 0x100000, 0x1000 }). */
export const TEST_BASE = 0x0010_0000;
export const TEST_SIZE = 0x1000;
/** Goldfish RTC (virt.c: [VIRT_RTC] = { 0x101000, 0x1000 }). */
export const RTC_BASE = 0x0010_1000;
export const RTC_SIZE = 0x1000;
/** CLINT (virt.c: [VIRT_CLINT] = { 0x2000000, 0x10000 }). */
export const CLINT_BASE = 0x0200_0000;
export const CLINT_SIZE = 0x1_0000;
/** PLIC (virt.c: [VIRT_PLIC] = { 0xc000000, VIRT_PLIC_SIZE(VIRT_CPUS_MAX * 2) }); we map one hart's two contexts. */
export const PLIC_BASE = 0x0c00_0000;
export const PLIC_SIZE = 0x60_0000;
/** UART0, a 16550A (virt.c: [VIRT_UART0] = { 0x10000000, 0x100 }). */
export const UART0_BASE = 0x1000_0000;
export const UART0_SIZE = 0x100;
/** virtio-mmio slots (virt.c: [VIRT_VIRTIO] = { 0x10001000, 0x1000 }, VIRTIO_COUNT = 8 slots). */
export const VIRTIO_BASE = 0x1000_1000;
export const VIRTIO_SIZE = 0x1000;
export const VIRTIO_COUNT = 8;
/** DRAM (virt.c: [VIRT_DRAM] = { 0x80000000, 0x0 }, size from -m). */
export const RAM_BASE = 0x8000_0000;

/** PLIC source of UART0 (virt.h: UART0_IRQ = 10). */
export const UART0_IRQ = 10;
/** PLIC source of the RTC (virt.h: RTC_IRQ = 11). */
export const RTC_IRQ = 11;
/** PLIC source of the first virtio-mmio slot; slot i uses VIRTIO_IRQ + i (virt.h: VIRTIO_IRQ = 1). */
export const VIRTIO_IRQ = 1;
/** Number of PLIC sources incl. source 0 (virt.h: VIRT_IRQCHIP_NUM_SOURCES = 96). */
export const PLIC_NUM_SOURCES = 96;

/** CLINT/mtime frequency in Hz (virt.c: RISCV_ACLINT_DEFAULT_TIMEBASE_FREQ = 10000000). */
export const TIMEBASE_FREQUENCY = 10_000_000;
/** UART input clock advertised in the device tree (virt.c: "clock-frequency" = 3686400). */
export const UART_CLOCK_FREQUENCY = 3_686_400;

/** Local interrupt numbers on a hart's interrupt controller = mip bit positions (privileged spec §3.1.9). */
export const IRQ_S_SOFT = 1;
export const IRQ_M_SOFT = 3;
export const IRQ_S_TIMER = 5;
export const IRQ_M_TIMER = 7;
export const IRQ_S_EXT = 9;
export const IRQ_M_EXT = 11;

/** Base address of virtio-mmio slot `i` (0-based). */
export function virtioBase(i: number): number {
  return VIRTIO_BASE + i * VIRTIO_SIZE;
}
