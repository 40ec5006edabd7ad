// Typed operational errors of the machine: bad boot images, layouts that do not fit, guest faults.

/** Base class: every machine error has a stable `code`. */
export class MachineError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A kernel/firmware/initrd file is not what it claims to be (bad magic, truncated header). */
export class BootImageError extends MachineError {
  constructor(
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super("VM_BAD_IMAGE", `${path}: ${message}`, options);
  }
}

/** The images do not fit in guest RAM (or overlap). `address` is where the conflict starts. */
export class BootLayoutError extends MachineError {
  constructor(
    readonly address: bigint,
    message: string,
  ) {
    super("VM_LAYOUT", `${message} (at 0x${address.toString(16)})`);
  }
}

/**
 * The guest stopped in a way no guest software can recover from (e.g. a trap with no handler
 * installed, or the hart reported an unrecoverable condition). Carries the PC and cause.
 */
export class GuestFaultError extends MachineError {
  constructor(
    readonly pc: bigint,
    override readonly cause: string,
    readonly address?: bigint,
  ) {
    super(
      "VM_GUEST_FAULT",
      `guest fault at pc=0x${pc.toString(16)}: ${cause}` + (address !== undefined ? ` (address 0x${address.toString(16)})` : ""),
    );
  }
}
