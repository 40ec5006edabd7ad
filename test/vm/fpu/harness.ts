// Test/bench harness for the FPU: compiles runtime/vm/cpu/as/fpu.ts alone with asc into a
// temporary wasm, and drives fpExecute on register files in that module's linear memory.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Repository root (this file runs from dist/test/vm/fpu/). */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..");

/** Compiles an AssemblyScript entry to wasm bytes (`-O3 --runtime stub`, like the real build). */
export function compileAs(entry: string, extra: string[] = []): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), "vmspec-fpu-"));
  try {
    const out = join(dir, "out.wasm");
    const asc = join(repoRoot, "node_modules", ".bin", "asc");
    const r = spawnSync(asc, [join(repoRoot, entry), "-o", out, "-O3", "--runtime", "stub", "--noAssert", ...extra], {
      cwd: repoRoot,
      encoding: "utf8",
    });
    if (r.status !== 0) throw new Error(`asc failed (${r.status}): ${r.stderr}${r.stdout}`);
    return readFileSync(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A loaded FPU module with its own register files. */
export interface Fpu {
  /** Runs one instruction; returns fpExecute's result (0 ok, 1 illegal). */
  exec(insn: number): number;
  /** Integer registers (BigUint64 view, 32 entries). */
  x: BigUint64Array;
  /** FP registers (BigUint64 view, 32 entries). */
  f: BigUint64Array;
  /** fcsr (one u32). */
  fcsr: Uint32Array;
  /** The module's exports (for benchmarks). */
  exports: Record<string, unknown>;
  /** Addresses of the register files and fcsr in linear memory. */
  addr: { x: number; f: number; fcsr: number };
}

// Node's WebAssembly global, typed minimally (the project's lib settings do not declare it).
interface WasmMemory {
  grow(pages: number): number;
  buffer: ArrayBuffer;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let cached: Uint8Array | undefined;

/** Compiles (once per process) and instantiates the FPU module. */
export function loadFpu(): Fpu {
  cached ??= compileAs("runtime/vm/cpu/as/fpu.ts");
  const inst = new WA.Instance(new WA.Module(cached), {
    env: {
      abort() {
        throw new Error("abort called from wasm");
      },
    },
  });
  const mem = inst.exports.memory as WasmMemory;
  const base = mem.grow(1) * 65536; // a fresh page no static data lives in
  const addr = { x: base, f: base + 256, fcsr: base + 512 };
  const fn = inst.exports.fpExecute as (i: number, x: number, f: number, c: number) => number;
  return {
    exec: (insn) => fn(insn >>> 0, addr.x, addr.f, addr.fcsr),
    x: new BigUint64Array(mem.buffer, addr.x, 32),
    f: new BigUint64Array(mem.buffer, addr.f, 32),
    fcsr: new Uint32Array(mem.buffer, addr.fcsr, 1),
    exports: inst.exports,
    addr,
  };
}

/** Encodes an OP-FP (0x53) R-type instruction. */
export function encFp(funct5: number, fmt: number, rs2: number, rs1: number, rm: number, rd: number): number {
  return ((funct5 << 27) | (fmt << 25) | (rs2 << 20) | (rs1 << 15) | (rm << 12) | (rd << 7) | 0x53) >>> 0;
}

/** Encodes an R4-type fused multiply-add (opcode 0x43/0x47/0x4b/0x4f). */
export function encR4(opcode: number, rs3: number, fmt: number, rs2: number, rs1: number, rm: number, rd: number): number {
  return ((rs3 << 27) | (fmt << 25) | (rs2 << 20) | (rs1 << 15) | (rm << 12) | (rd << 7) | opcode) >>> 0;
}

/** NaN-boxes a binary32 bit pattern. */
export const box = (v: bigint): bigint => v | 0xffffffff00000000n;
