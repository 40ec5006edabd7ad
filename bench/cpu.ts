// Benchmark: guest MIPS of the interpreter on a CPU-bound C program (SHA-256 over a buffer, a sort, some FP),
// run under our user-mode runner and under qemu-riscv64 side by side. Prints numbers; asserts nothing.
//
// Usage: npm run build && node dist/bench/cpu.js [--mib N] [--no-qemu]
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runUserElf } from "../runtime/vm/cpu/userMode.js";

const args = process.argv.slice(2);
const mibArg = args.indexOf("--mib");
const mib = mibArg >= 0 ? Number(args[mibArg + 1]) : 16;
const withQemu = !args.includes("--no-qemu");
const src = fileURLToPath(new URL("../../bench/cpu/workload.c", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "vmspec-bench-cpu-"));
try {
  const elf = join(dir, "workload");
  execFileSync("riscv64-linux-gnu-gcc", ["-O2", "-static", "-o", elf, src], { stdio: "inherit" });

  const out: Uint8Array[] = [];
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const r = runUserElf(elf, [String(mib)], {
    memory: Math.max(256, mib * 2 + 128) << 20,
    io: { stdout: (b) => out.push(b.slice()), stderr: (b) => process.stderr.write(b), stdin: () => new Uint8Array(0) },
  });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const cpuSecs = (cpu.user + cpu.system) / 1e6;
  const insns = Number(r.instret);
  const ourOut = Buffer.concat(out).toString();
  console.log(`workload: sha256 over ${mib} MiB + qsort of 256 Ki words + 2 M FP divisions (riscv64-linux-gnu-gcc -O2 -static)`);
  console.log(`vmspec interpreter: ${insns} guest instructions, ${wall.toFixed(2)} s wall, ${cpuSecs.toFixed(2)} s CPU`);
  console.log(`vmspec interpreter: ${(insns / wall / 1e6).toFixed(1)} guest MIPS (wall), ${(insns / cpuSecs / 1e6).toFixed(1)} guest MIPS (CPU time)`);
  if (r.outcome.kind !== "exit" || r.outcome.status !== 0) console.log(`vmspec interpreter: FAILED ${JSON.stringify(r.outcome)}`);
  if (withQemu) {
    const q0 = process.hrtime.bigint();
    const q = spawnSync("qemu-riscv64", [elf, String(mib)], { maxBuffer: 1 << 20 });
    const qwall = Number(process.hrtime.bigint() - q0) / 1e9;
    console.log(`qemu-riscv64 (TCG): ${qwall.toFixed(2)} s wall (≈ ${(insns / qwall / 1e6).toFixed(0)} MIPS-equivalent for the same instruction count)`);
    console.log(`output identical to qemu: ${q.stdout.toString() === ourOut ? "yes" : "NO"}`);
  }
  process.stdout.write(ourOut);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
