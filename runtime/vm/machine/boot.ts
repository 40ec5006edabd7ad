// Boots a machine to completion: builds it from images, follows guest reboots, bounds the run by
// a wall-clock timeout, and returns how it ended with the console log and instruction count.
import { GuestConsole, type ConsoleSinks } from "./console.js";
import { Machine, type MachineExit } from "./machine.js";

/** Default kernel command line: console on the UART, early console from the DT's stdout-path. */
export const DEFAULT_BOOTARGS = "console=ttyS0 earlycon";
/** Default guest RAM (bytes). */
export const DEFAULT_MEMORY = 512 * 1024 * 1024;

/** What to boot and how. */
export interface BootRequest {
  firmware: Uint8Array;
  kernel: Uint8Array;
  kernelPath?: string;
  initrd?: Uint8Array;
  bootargs?: string;
  memorySize?: number;
  deterministic?: boolean;
  /** Wall-clock limit for the whole run, reboots included. */
  timeoutMs?: number;
  /** Host terminal output. */
  console?: ConsoleSinks;
  /** Console to write to (default: a new one on `console`); lets a caller keep the log on errors. */
  guestConsole?: GuestConsole;
  /** Called with each machine as it starts (e.g. to attach stdin). */
  onMachine?: (m: Machine) => void;
}

/** How a boot ended. `exit` is never "reset": reboots are followed. */
export interface BootResult {
  exit: Exclude<MachineExit, { kind: "reset" }>;
  console: GuestConsole;
  /** Guest instructions retired (summed over reboots). */
  instructions: bigint;
  /** Guest reboots followed. */
  reboots: number;
  /** The hart's pc when the run ended (for "how far did it get" reports). */
  pc: bigint;
  wallMs: number;
}

/**
 * Boots and runs until the guest powers off, `stop()` is called on the machine, or the timeout
 * passes. Throws BootImageError/BootLayoutError for bad inputs and GuestFaultError when the
 * guest can never continue.
 */
export async function boot(req: BootRequest): Promise<BootResult> {
  const started = Date.now();
  const guestConsole = req.guestConsole ?? new GuestConsole(req.console);
  let instructions = 0n;
  let reboots = 0;
  for (;;) {
    const m = new Machine({
      memorySize: req.memorySize ?? DEFAULT_MEMORY,
      firmware: req.firmware,
      kernel: req.kernel,
      kernelPath: req.kernelPath,
      initrd: req.initrd,
      bootargs: req.bootargs ?? DEFAULT_BOOTARGS,
      deterministic: req.deterministic,
      guestConsole,
    });
    req.onMachine?.(m);
    const left = req.timeoutMs === undefined ? undefined : Math.max(0, req.timeoutMs - (Date.now() - started));
    const exit = await m.run({ timeoutMs: left });
    instructions += m.instructions;
    if (exit.kind === "reset") {
      reboots++;
      continue;
    }
    return { exit, console: guestConsole, instructions, reboots, pc: BigInt.asUintN(64, m.hart.pc), wallMs: Date.now() - started };
  }
}
