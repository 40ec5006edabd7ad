// Benchmark: fpExecute throughput (million ops/s) for the common F/D instructions under RNE and
// RTZ, driven from a wasm loop (bench/fpu/as/loop.ts) over a table of typical normal operands.
// Run: npm run build && node dist/bench/fpu.js
import { compileAs, encFp, encR4 } from "../test/vm/fpu/harness.js";

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const bytes = compileAs("bench/fpu/as/loop.ts");
const inst = new WA.Instance(new WA.Module(bytes), { env: { abort: () => { throw new Error("abort"); } } });
const mem = inst.exports.memory as { grow(n: number): number; buffer: ArrayBuffer };
const ROWS = 1024;
const base = mem.grow(2) * 65536;
const X = base, F = base + 256, FCSR = base + 512, TABLE = base + 1024;
const run = inst.exports.run as (insn: number, n: number, x: number, f: number, c: number, t: number, rows: number) => number;

// Deterministic xorshift so runs are comparable.
let seed = 0x2545f491;
function rand(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 4294967296;
}

function fillTable(kind: "D" | "S", positive: boolean): void {
  const t = new BigUint64Array(mem.buffer, TABLE, ROWS * 4);
  const dv = new DataView(new ArrayBuffer(8));
  for (let i = 0; i < ROWS; i++) {
    for (let j = 0; j < 3; j++) {
      const v = (1 + rand()) * 2 ** Math.floor(rand() * 60 - 30) * (positive || rand() < 0.5 ? 1 : -1);
      if (kind === "D") {
        dv.setFloat64(0, v);
        t[i * 4 + j] = dv.getBigUint64(0);
      } else {
        dv.setFloat32(0, v);
        t[i * 4 + j] = BigInt(dv.getUint32(0)) | 0xffffffff00000000n;
      }
    }
    t[i * 4 + 3] = BigInt.asUintN(64, BigInt(Math.floor((rand() - 0.5) * 2 ** 32)));
  }
}

const N = Number(process.env.BENCH_FPU_N ?? 2_000_000);
function measure(insn: number): number {
  new Uint32Array(mem.buffer, FCSR, 1)[0] = 0;
  run(insn, 100_000, X, F, FCSR, TABLE, ROWS); // warm-up
  let best = Infinity;
  for (let rep = 0; rep < 3; rep++) {
    // CPU time of this process, so other jobs on a shared machine distort the figure less.
    const t0 = process.cpuUsage();
    const bad = run(insn, N, X, F, FCSR, TABLE, ROWS);
    const u = process.cpuUsage(t0);
    const dt = (u.user + u.system) / 1e6;
    if (bad !== 0) throw new Error(`instruction ${insn.toString(16)} was illegal`);
    best = Math.min(best, dt);
  }
  return N / best / 1e6;
}

type Case = [string, (fmt: number, rm: number) => number, boolean]; // name, encoder, positive operands
const cases: Case[] = [
  ["fsgnj (loop overhead)", (fmt) => encFp(0x04, fmt, 2, 1, 0, 3), false],
  ["fadd", (fmt, rm) => encFp(0x00, fmt, 2, 1, rm, 3), false],
  ["fmul", (fmt, rm) => encFp(0x02, fmt, 2, 1, rm, 3), false],
  ["fmadd", (fmt, rm) => encR4(0x43, 4, fmt, 2, 1, rm, 3), false],
  ["fdiv", (fmt, rm) => encFp(0x03, fmt, 2, 1, rm, 3), false],
  ["fsqrt", (fmt, rm) => encFp(0x0b, fmt, 0, 1, rm, 3), true],
  ["fcvt.w.<fmt>", (fmt, rm) => encFp(0x18, fmt, 0, 1, rm, 6), false],
  ["fcvt.<fmt>.w", (fmt, rm) => encFp(0x1a, fmt, 0, 5, rm, 3), false],
  ["fcvt.s.d / fcvt.d.s", (fmt, rm) => encFp(0x08, fmt, fmt === 0 ? 1 : 0, 1, rm, 3), false],
];

console.log(`fpExecute throughput, million instructions/s (${N} per measurement, best of 3, CPU time)`);
console.log(`${"instruction".padEnd(24)} ${"S RNE".padStart(8)} ${"S RTZ".padStart(8)} ${"D RNE".padStart(8)} ${"D RTZ".padStart(8)}`);
for (const [name, enc, positive] of cases) {
  const cols: string[] = [];
  for (const fmt of [0, 1]) {
    // fcvt.s.d reads a double, fcvt.d.s a single: the source format is the other one.
    const src = name.startsWith("fcvt.s.d") ? (fmt === 0 ? "D" : "S") : fmt === 0 ? "S" : "D";
    fillTable(src, positive);
    for (const rm of [0, 1]) cols.push(measure(enc(fmt, rm)).toFixed(1).padStart(8));
  }
  console.log(`${name.padEnd(24)} ${cols.join(" ")}`);
}
