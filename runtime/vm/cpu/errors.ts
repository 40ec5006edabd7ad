// Typed errors of the emulator CPU module (loading the wasm core, guest memory access from the host).

/** Base class: every CPU-module error has a stable `code`. */
export class CpuError extends Error {
  constructor(
    message: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The compiled core (cpu.wasm) is missing or could not be instantiated. */
export class CpuLoadError extends CpuError {
  constructor(readonly path: string, cause?: unknown) {
    super(`cannot load the CPU core ${path} (run \`npm run build\`)`, "CPU_LOAD", { cause });
  }
}

/** Guest RAM could not be allocated at the requested size. */
export class CpuMemoryError extends CpuError {
  constructor(readonly bytes: number, cause?: unknown) {
    super(`cannot allocate ${bytes} bytes of guest RAM`, "CPU_MEMORY", { cause });
  }
}

/** A host-side physical access fell outside guest RAM. */
export class PhysicalAccessError extends CpuError {
  constructor(readonly address: bigint, readonly length: number) {
    super(`physical range 0x${address.toString(16)}+${length} is not in guest RAM`, "CPU_PHYS_RANGE");
  }
}

/** The user-mode runner ran out of guest physical memory (raise it with --memory). */
export class GuestMemoryExhaustedError extends CpuError {
  constructor(readonly bytes: number) {
    super(`out of guest physical memory (${bytes} bytes); use a larger --memory`, "CPU_GUEST_OOM");
  }
}
