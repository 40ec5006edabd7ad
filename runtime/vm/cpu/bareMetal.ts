// Bare-metal runner: loads an ELF at its physical addresses, starts in M-mode and follows the `tohost` protocol.
import { readFileSync } from "node:fs";
import { createHart, StopReason, type Hart } from "./hart.js";
import { parseElf, PT_LOAD } from "./elf.js";
import { CpuError } from "./errors.js";

/** How a bare-metal run ended. */
export type BareMetalOutcome =
  | { kind: "pass" }
  | { kind: "fail"; test: number }
  | { kind: "timeout" }
  | { kind: "error"; message: string };

/** Result of runBareMetal(). */
export interface BareMetalResult {
  outcome: BareMetalOutcome;
  /** Retired instructions. */
  instret: bigint;
  /** Console bytes written through tohost. */
  console: string;
  /** The hart after the run (registers, CSRs and RAM can be inspected). */
  hart: Hart;
}

/** Options for runBareMetal(). */
export interface BareMetalOptions {
  /** Instruction budget; default 100 million. */
  maxInsns?: number;
  /** RAM size in bytes; default 64 MiB. */
  ramSize?: number;
  /** Called with each console byte as it arrives. */
  onConsole?: (ch: number) => void;
}

/** The ELF has no `tohost` symbol or a segment outside RAM. */
export class BareMetalLoadError extends CpuError {
  constructor(readonly path: string, detail: string) {
    super(`${path}: ${detail}`, "BAREMETAL_LOAD");
  }
}

const RAM_BASE = 0x8000_0000n;
/** Instructions per run() slice between checks. */
const SLICE = 1 << 22;

/**
 * Runs `path`: PT_LOAD segments are copied to their physical addresses (RAM at 0x8000_0000),
 * execution starts in M-mode at the entry point. tohost protocol: 1 = pass; odd v = fail of test
 * v >> 1; (v >> 48) == 0x0101 = console character v & 0xff (tohost is then cleared).
 */
export function runBareMetal(path: string, opts: BareMetalOptions = {}): BareMetalResult {
  const elf = parseElf(readFileSync(path), path);
  const tohost = elf.symbols.get("tohost");
  if (tohost === undefined) throw new BareMetalLoadError(path, "no `tohost` symbol");
  const hart = createHart({ ramSize: opts.ramSize ?? 64 << 20, ramBase: RAM_BASE });
  for (const s of elf.segments) {
    if (s.type !== PT_LOAD || s.memsz === 0) continue;
    const end = s.paddr + BigInt(s.memsz);
    if (s.paddr < RAM_BASE || end > RAM_BASE + BigInt(hart.ramSize)) {
      throw new BareMetalLoadError(path, `segment at 0x${s.paddr.toString(16)} is outside RAM`);
    }
    hart.writePhys(s.paddr, elf.bytes.subarray(s.offset, s.offset + s.filesz));
  }
  hart.pc = elf.entry;
  hart.watch(tohost);
  let left = opts.maxInsns ?? 100_000_000;
  let out = "";
  for (;;) {
    if (left <= 0) return { outcome: { kind: "timeout" }, instret: hart.instret, console: out, hart };
    const stop = hart.run(Math.min(left, SLICE));
    left -= hart.lastSteps;
    if (stop === StopReason.Budget) continue;
    if (stop === StopReason.Wfi) {
      // Nothing can wake a bare-metal hart without a machine: count the wait as used budget.
      return { outcome: { kind: "error", message: `WFI with no interrupt source at pc 0x${hart.pc.toString(16)}` }, instret: hart.instret, console: out, hart };
    }
    if (stop !== StopReason.Watch) {
      return { outcome: { kind: "error", message: `hart stopped (${stop}) at pc 0x${hart.pc.toString(16)}` }, instret: hart.instret, console: out, hart };
    }
    const v = hart.readPhys64(tohost);
    if (v === 0n) continue;
    if (v >> 48n === 0x0101n) {
      const ch = Number(v & 0xffn);
      out += String.fromCharCode(ch);
      opts.onConsole?.(ch);
      hart.writePhys64(tohost, 0n);
      continue;
    }
    if (v === 1n) return { outcome: { kind: "pass" }, instret: hart.instret, console: out, hart };
    if ((v & 1n) === 1n) return { outcome: { kind: "fail", test: Number(v >> 1n) }, instret: hart.instret, console: out, hart };
    return { outcome: { kind: "error", message: `unsupported tohost value 0x${v.toString(16)}` }, instret: hart.instret, console: out, hart };
  }
}
