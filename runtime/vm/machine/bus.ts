// The MMIO side of the physical bus: routes non-RAM physical accesses to the device that owns the
// address, and reports accesses to unmapped addresses as access faults.
import type { AccessSize, MmioDevice } from "../devices/device.js";

/** A device mapped at a base address. */
export interface Mapping {
  base: number;
  device: MmioDevice;
}

/** Outcome of a bus access that found no device (the CPU turns it into an access fault). */
export interface BusFault {
  address: number;
  size: AccessSize;
  write: boolean;
}

/**
 * Address decoder for the MMIO devices. Mappings must not overlap (checked at construction).
 * An access is routed only if it lies entirely inside one device's window.
 */
export class MmioBus {
  private readonly map: Mapping[];
  /** The most recent unmapped access, for diagnostics (cleared by `takeFault`). */
  private lastFault: BusFault | undefined;

  constructor(mappings: Mapping[]) {
    this.map = [...mappings].sort((a, b) => a.base - b.base);
    for (let i = 1; i < this.map.length; i++) {
      const prev = this.map[i - 1]!;
      if (prev.base + prev.device.size > this.map[i]!.base) {
        throw new RangeError(`MMIO windows overlap: ${prev.device.name} and ${this.map[i]!.device.name}`);
      }
    }
  }

  /** The device containing [addr, addr+size), with the offset, or undefined. */
  find(addr: number, size: number): { device: MmioDevice; offset: number } | undefined {
    const a = addr;
    // Few devices: a linear scan from the highest base below `a` is cheap and clear.
    for (let i = this.map.length - 1; i >= 0; i--) {
      const m = this.map[i]!;
      if (a < m.base) continue;
      if (a + size <= m.base + m.device.size) return { device: m.device, offset: a - m.base };
      return undefined;
    }
    return undefined;
  }

  /** Reads, or returns undefined (and records the fault) if nothing is mapped there. */
  read(addr: number, size: AccessSize): bigint | undefined {
    const hit = this.find(addr, size);
    if (!hit) {
      this.lastFault = { address: addr, size, write: false };
      return undefined;
    }
    return hit.device.read(hit.offset, size);
  }

  /** Writes; returns false (and records the fault) if nothing is mapped there. */
  write(addr: number, size: AccessSize, value: bigint): boolean {
    const hit = this.find(addr, size);
    if (!hit) {
      this.lastFault = { address: addr, size, write: true };
      return false;
    }
    hit.device.write(hit.offset, size, value);
    return true;
  }

  /** Returns and clears the last unmapped access. */
  takeFault(): BusFault | undefined {
    const f = this.lastFault;
    this.lastFault = undefined;
    return f;
  }
}
