// Test helper: builds our RISC-V test programs (assembly and C under test/vm/isa/) into a temp dir with Debian's cross toolchain.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Repository root (tests run from dist/test/vm/cpu). */
export const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));
/** Sources of the ISA programs. */
export const isaDir = join(repoRoot, "test", "vm", "isa");
/** The cross compiler used for every test program. */
export const CC = "riscv64-linux-gnu-gcc";

/** A temp dir removed at process exit. */
export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "vmspec-cpu-"));
  process.on("exit", () => rmSync(d, { recursive: true, force: true }));
  return d;
}

/** Assembly test sources (`*.S` in test/vm/isa/asm). */
export function asmTests(): string[] {
  return readdirSync(join(isaDir, "asm")).filter((f) => f.endsWith(".S")).sort();
}

/** C test sources (`*.c` in test/vm/isa/c). */
export function cTests(): string[] {
  return readdirSync(join(isaDir, "c")).filter((f) => f.endsWith(".c")).sort();
}

/** Builds a bare-metal assembly test; returns the ELF path. */
export function buildAsm(name: string, outDir: string, subdir = "asm"): string {
  const out = join(outDir, basename(name, ".S"));
  execFileSync(CC, ["-march=rv64gc", "-mabi=lp64d", "-nostdlib", "-nostartfiles", "-static", "-T", join(isaDir, "asm", "link.ld"), "-I", join(isaDir, "asm"), join(isaDir, subdir, name), "-o", out], { stdio: "pipe" });
  return out;
}

/** Builds a static Linux C program (default -O2); returns the ELF path. */
export function buildC(src: string, outDir: string, opt = "-O2"): string {
  const out = join(outDir, `${basename(src, ".c")}${opt}`);
  execFileSync(CC, [opt, "-static", "-o", out, src, "-lm"], { stdio: "pipe" });
  return out;
}

/** Builds a static Linux program from assembly source text (no libc); returns the ELF path. */
export function buildUserAsm(source: string, name: string, outDir: string): string {
  const src = join(outDir, `${name}.S`);
  const out = join(outDir, name);
  execFileSync("sh", ["-c", 'cat > "$1"', "sh", src], { input: source });
  execFileSync(CC, ["-march=rv64gc", "-mabi=lp64d", "-nostdlib", "-nostartfiles", "-static", "-o", out, src], { stdio: "pipe" });
  return out;
}

/** Builds a bare-metal program from assembly text (env.h macros available); returns the ELF path. */
export function buildAsmSource(source: string, name: string, outDir: string): string {
  const src = join(outDir, `${name}.S`);
  const out = join(outDir, name);
  execFileSync("sh", ["-c", 'cat > "$1"', "sh", src], { input: source });
  execFileSync(CC, ["-march=rv64gc", "-mabi=lp64d", "-nostdlib", "-nostartfiles", "-static", "-T", join(isaDir, "asm", "link.ld"), "-I", join(isaDir, "asm"), src, "-o", out], { stdio: "pipe" });
  return out;
}
