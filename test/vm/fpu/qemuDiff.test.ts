// Differential test: fpdiff.c (every F/D instruction, 5 rounding modes, edge-case operands) built
// with Debian's riscv64 cross gcc, run under our user-mode runner and under qemu-riscv64; the
// printed result bits and fflags must be identical.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import { gated } from "../../support/env.js";
import { repoRoot } from "./harness.js";

const CASES = process.env.VMSPEC_FPU_DIFF_CASES ?? "3000";
const t = gated(test, { tools: ["riscv64-linux-gnu-gcc", "qemu-riscv64"] });

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { cwd: repoRoot, encoding: "utf8", maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status ?? r.signal}: ${r.stderr}`);
  return r.stdout;
}

t("fpdiff: our CPU's F/D results and fflags equal qemu-riscv64's in every rounding mode", () => {
  const dir = mkdtempSync(join(tmpdir(), "vmspec-fpdiff-"));
  try {
    const exe = join(dir, "fpdiff");
    run("riscv64-linux-gnu-gcc", ["-static", "-O2", "-Wall", "-o", exe, join(repoRoot, "test/vm/fpu/fpdiff.c"), "-lm"]);
    const ref = run("qemu-riscv64", [exe, CASES]).split("\n");
    const ours = run(process.execPath, [join(repoRoot, "bin/vmspec.js"), "vm", "run-user", exe, CASES]).split("\n");
    const diffs: string[] = [];
    for (let i = 0; i < Math.max(ref.length, ours.length) && diffs.length < 10; i++) {
      if (ref[i] !== ours[i]) diffs.push(`line ${i + 1}:\n  qemu: ${ref[i]}\n  ours: ${ours[i]}`);
    }
    if (ref.length < 1000) throw new Error(`reference printed only ${ref.length} lines`);
    if (diffs.length > 0) throw new Error(`${diffs.length}+ differences (of ${ref.length} lines):\n${diffs.join("\n")}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
