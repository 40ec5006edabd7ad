// User-mode runner: loads a static Linux riscv64 ELF into an Sv39 address space and runs it in U-mode with a syscall layer.
import { readFileSync, readSync } from "node:fs";
import { resolve } from "node:path";
import { randomFillSync } from "node:crypto";
import { createHart, Priv, StopReason, type Hart } from "./hart.js";
import { parseElf, PT_LOAD, PT_PHDR, PT_INTERP } from "./elf.js";
import { AddressSpace, PROT_EXEC, PROT_READ, PROT_WRITE } from "./userMemory.js";
import { newProcess, syscall, writeAll, type ProcessIo } from "./linuxSyscalls.js";
import { CpuError, GuestMemoryExhaustedError } from "./errors.js";

/** How a user-mode run ended. */
export type UserOutcome =
  | { kind: "exit"; status: number }
  | { kind: "timeout" }
  | { kind: "fault"; message: string };

/** Result of runUserElf(). */
export interface UserResult {
  outcome: UserOutcome;
  instret: bigint;
  hart: Hart;
}

/** Options for runUserElf(). */
export interface UserOptions {
  /** Instruction budget (default: unlimited). */
  maxInsns?: number;
  /** Guest physical memory in bytes (default 1 GiB). */
  memory?: number;
  /** Process I/O (default: the host's stdin/stdout/stderr). */
  io?: ProcessIo;
  /** Environment strings (default: none). */
  env?: string[];
  /** Called for every system call (tracing). */
  trace?: (nr: number, args: bigint[], ret: bigint) => void;
}

/** The ELF cannot run in user mode (dynamic, or bad layout). */
export class UserLoadError extends CpuError {
  constructor(readonly path: string, detail: string) {
    super(`${path}: ${detail}`, "USER_LOAD");
  }
}

const PAGE = 4096;
/** Sv39 user stack: 8 MiB just below 2^38 (the top half of the Sv39 user range). */
const STACK_TOP = 0x3f_ffff_f000;
const STACK_SIZE = 8 << 20;
/** Load bias for static-pie (ET_DYN) executables. */
const PIE_BASE = 0x40_0000;
/** Auxiliary vector keys (include/uapi/linux/auxvec.h). */
const AT = { NULL: 0, PHDR: 3, PHENT: 4, PHNUM: 5, PAGESZ: 6, BASE: 7, FLAGS: 8, ENTRY: 9, UID: 11, EUID: 12, GID: 13, EGID: 14, PLATFORM: 15, HWCAP: 16, CLKTCK: 17, SECURE: 23, RANDOM: 25, EXECFN: 31 };
/** AT_HWCAP bits for IMAFDC (letter − 'a'). */
const HWCAP = [..."imafdc"].reduce((m, c) => m | (1 << (c.charCodeAt(0) - 97)), 0);

function defaultIo(): ProcessIo {
  return {
    stdout: (b) => writeAll(1, b),
    stderr: (b) => writeAll(2, b),
    stdin: (max) => {
      const buf = new Uint8Array(max);
      try {
        return buf.subarray(0, readSync(0, buf, 0, max, null));
      } catch {
        return new Uint8Array(0);
      }
    },
  };
}

/**
 * Runs the static riscv64 Linux executable `path` with `args` (argv[1..]) in U-mode. Returns the
 * exit status, a timeout, or a fault (an unhandled exception: SIGSEGV/SIGILL-like).
 */
export function runUserElf(path: string, args: readonly string[], opts: UserOptions = {}): UserResult {
  const bytes = readFileSync(path);
  const elf = parseElf(bytes, path);
  if (elf.segments.some((s) => s.type === PT_INTERP)) throw new UserLoadError(path, "dynamically linked (build with -static)");
  const hart = createHart({ ramSize: opts.memory ?? 1 << 30, time: { mode: "realtime", now: () => Number(process.hrtime.bigint() / 100n) } });
  const mem = new AddressSpace(hart);
  const bias = elf.type === 3 ? PIE_BASE : 0;

  // Segments: reserve regions, copy file bytes (the host writes through its own mapping).
  let end = 0;
  for (const s of elf.segments) {
    if (s.type !== PT_LOAD || s.memsz === 0) continue;
    const va = Number(s.vaddr) + bias;
    const start = Math.floor(va / PAGE) * PAGE;
    const stop = Math.ceil((va + s.memsz) / PAGE) * PAGE;
    const prot = (s.flags & 4 ? PROT_READ : 0) | (s.flags & 2 ? PROT_WRITE : 0) | (s.flags & 1 ? PROT_EXEC : 0);
    // Pages shared with a previous segment keep the union of protections.
    for (let p = start; p < stop; p += PAGE) {
      const prev = mem.regionAt(p);
      mem.addRegion(p, p + PAGE, prot | (prev?.prot ?? 0));
    }
    if (!mem.write(va, bytes.subarray(s.offset, s.offset + s.filesz))) throw new UserLoadError(path, "segment copy failed");
    end = Math.max(end, stop);
  }
  for (const r of mem.regions) for (let p = r.start; p < r.end; p += PAGE) mem.mapNew(p, r.prot);

  // Stack: strings, AT_RANDOM bytes, then argv/envp/auxv (System V psABI §3.4.1 layout).
  mem.addRegion(STACK_TOP - STACK_SIZE, STACK_TOP, PROT_READ | PROT_WRITE);
  let sp = STACK_TOP;
  const enc = new TextEncoder();
  const pushBytes = (b: Uint8Array) => {
    sp -= b.length;
    mem.write(sp, b);
    return sp;
  };
  const exe = resolve(path);
  const argv = [path, ...args].map((a) => pushBytes(enc.encode(a + "\0")));
  const envp = (opts.env ?? []).map((e) => pushBytes(enc.encode(e + "\0")));
  const execfn = pushBytes(enc.encode(path + "\0"));
  const platform = pushBytes(enc.encode("riscv64\0"));
  const rnd = new Uint8Array(16);
  randomFillSync(rnd);
  const random = pushBytes(rnd);
  const phdrSeg = elf.segments.find((s) => s.type === PT_PHDR);
  let phdr: number;
  if (phdrSeg) phdr = Number(phdrSeg.vaddr) + bias;
  else {
    const first = elf.segments.find((s) => s.type === PT_LOAD && s.offset <= elf.phoff && elf.phoff < s.offset + s.filesz);
    phdr = first ? Number(first.vaddr) + bias + (elf.phoff - first.offset) : 0;
  }
  const aux: [number, number][] = [
    [AT.PHDR, phdr], [AT.PHENT, elf.phentsize], [AT.PHNUM, elf.phnum], [AT.PAGESZ, PAGE], [AT.BASE, 0],
    [AT.FLAGS, 0], [AT.ENTRY, Number(elf.entry) + bias], [AT.UID, 1000], [AT.EUID, 1000], [AT.GID, 1000],
    [AT.EGID, 1000], [AT.HWCAP, HWCAP], [AT.CLKTCK, 100], [AT.SECURE, 0], [AT.RANDOM, random],
    [AT.EXECFN, execfn], [AT.PLATFORM, platform], [AT.NULL, 0],
  ];
  const words: number[] = [argv.length, ...argv, 0, ...envp, 0, ...aux.flat()];
  sp = Math.floor((sp - words.length * 8) / 16) * 16;
  const block = new Uint8Array(words.length * 8);
  const dv = new DataView(block.buffer);
  words.forEach((w, i) => dv.setBigUint64(i * 8, BigInt(w), true));
  mem.write(sp, block);

  // The hart: U-mode, Sv39, FP on (FS = Initial), every U-mode exception handed to us.
  hart.writeCsr(0x180, mem.satp);
  hart.writeCsr(0x300, (hart.readCsr(0x300) ?? 0n) | (1n << 13n));
  hart.priv = Priv.U;
  hart.hostTraps = [0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 13, 15];
  hart.pc = BigInt(Number(elf.entry) + bias);
  hart.setX(2, BigInt(sp));

  const proc = newProcess(mem, opts.io ?? defaultIo(), exe, end);
  let left = opts.maxInsns ?? Number.POSITIVE_INFINITY;
  const SLICE = 1 << 26;
  for (;;) {
    if (left <= 0) return { outcome: { kind: "timeout" }, instret: hart.instret, hart };
    const stop = hart.run(Math.min(left, SLICE));
    left -= hart.lastSteps;
    if (stop === StopReason.Budget) continue;
    if (stop !== StopReason.HostTrap) {
      return { outcome: { kind: "fault", message: `hart stopped (${stop}) at pc 0x${hart.pc.toString(16)}` }, instret: hart.instret, hart };
    }
    const t = hart.lastHostTrap();
    if (t.cause === 8) {
      const nr = Number(hart.getX(17));
      const a = [10, 11, 12, 13, 14, 15].map((r) => hart.getX(r));
      const ret = syscall(proc, nr, a);
      opts.trace?.(nr, a, ret);
      if (proc.exitStatus !== undefined) return { outcome: { kind: "exit", status: proc.exitStatus }, instret: hart.instret, hart };
      hart.setX(10, ret);
      hart.pc = t.pc + 4n;
      continue;
    }
    if (t.cause === 12 || t.cause === 13 || t.cause === 15) {
      const access = t.cause === 12 ? "fetch" : t.cause === 13 ? "load" : "store";
      let handled: boolean;
      try {
        handled = mem.fault(Number(t.tval), access);
      } catch (e) {
        if (e instanceof GuestMemoryExhaustedError) return { outcome: { kind: "fault", message: e.message }, instret: hart.instret, hart };
        throw e;
      }
      if (handled) continue;
      return { outcome: { kind: "fault", message: `segmentation fault: ${access} at 0x${t.tval.toString(16)}, pc 0x${t.pc.toString(16)}` }, instret: hart.instret, hart };
    }
    const names: Record<number, string> = { 2: "illegal instruction", 3: "breakpoint", 0: "misaligned fetch", 1: "instruction access fault", 5: "load access fault", 7: "store access fault" };
    return { outcome: { kind: "fault", message: `${names[t.cause] ?? `exception ${t.cause}`} at pc 0x${t.pc.toString(16)} (tval 0x${t.tval.toString(16)})` }, instret: hart.instret, hart };
  }
}
