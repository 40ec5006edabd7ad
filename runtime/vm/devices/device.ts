// The contract every memory-mapped device model implements, and the interrupt-line value type.

/** Width of one MMIO access in bytes. */
export type AccessSize = 1 | 2 | 4 | 8;

/**
 * An interrupt line driven by a device: a level-sensitive wire. Calling it with `true` raises the
 * line, `false` lowers it; repeated calls with the same level are harmless (idempotent).
 */
export type IrqLine = (level: boolean) => void;

/** A line connected to nothing (for devices whose interrupt is not wired). */
export const unconnected: IrqLine = () => {};

/**
 * A memory-mapped device. Offsets are relative to the device's base address and always lie in
 * `[0, size)`; the bus splits or rejects accesses that cross the end. Values are unsigned and at
 * most `8 * size` bits wide. A register that does not exist reads as 0 and ignores writes
 * (like QEMU's models), unless the device documents otherwise.
 */
export interface MmioDevice {
  /** Short name used in diagnostics (e.g. `uart0`). */
  readonly name: string;
  /** Size of the register window in bytes. */
  readonly size: number;
  /** Reads `size` bytes at `offset`; returns the zero-extended value. */
  read(offset: number, size: AccessSize): bigint;
  /** Writes the low `8 * size` bits of `value` at `offset`. */
  write(offset: number, size: AccessSize, value: bigint): void;
}

/** Mask for an access of `size` bytes. */
export function sizeMask(size: AccessSize): bigint {
  return size === 8 ? 0xffff_ffff_ffff_ffffn : (1n << BigInt(size * 8)) - 1n;
}

/**
 * Reads a sub-word of a 64-bit register: `regOffset` is the access offset within the 8-byte
 * register (0..7), so a 4-byte access at +4 returns the high half.
 */
export function readSub(reg: bigint, regOffset: number, size: AccessSize): bigint {
  return (reg >> BigInt(regOffset * 8)) & sizeMask(size);
}

/** Returns `reg` with the bytes `[regOffset, regOffset + size)` replaced by `value`. */
export function writeSub(reg: bigint, regOffset: number, size: AccessSize, value: bigint): bigint {
  const shift = BigInt(regOffset * 8);
  const mask = sizeMask(size) << shift;
  return ((reg & ~mask) | ((value << shift) & mask)) & 0xffff_ffff_ffff_ffffn;
}
