// `vmspec vm run-elf` and `vmspec vm run-user` through the real CLI: exit statuses, output, --help, usage errors.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { execa } from "execa";
import { join } from "node:path";
import { gated } from "../../support/env.js";
import { buildAsm, buildC, CC, isaDir, repoRoot, tempDir } from "./toolchain.js";

const bin = join(repoRoot, "bin", "vmspec.js");
const t = gated(test, { tools: [CC] });
const dir = tempDir();

test("vm --help lists the subcommands; an unknown subcommand is a usage error", async () => {
  const h = await execa("node", [bin, "vm", "--help"], { reject: false });
  assert.is(h.exitCode, 0);
  assert.match(h.stdout, /run-elf/);
  assert.match(h.stdout, /run-user/);
  const u = await execa("node", [bin, "vm", "frob"], { reject: false });
  assert.is(u.exitCode, 2);
  assert.match(u.stderr, /unknown subcommand 'frob'/);
  for (const sub of ["run-elf", "run-user"]) {
    const r = await execa("node", [bin, "vm", sub, "--help"], { reject: false });
    assert.is(r.exitCode, 0);
    assert.match(r.stdout, new RegExp(`Usage: vmspec vm ${sub}`));
  }
});

t("run-elf: pass → 0, fail → 1 with the test number and console output", async () => {
  const ok = await execa("node", [bin, "vm", "run-elf", buildAsm("rv64m.S", dir)], { reject: false });
  assert.is(ok.exitCode, 0);
  assert.match(ok.stderr, /^PASS after \d+ instructions/);
  const bad = await execa("node", [bin, "vm", "run-elf", buildAsm("fail7.S", dir, "asm-negative")], { reject: false });
  assert.is(bad.exitCode, 1);
  assert.is(bad.stdout, "hi");
  assert.match(bad.stderr, /FAIL test 7/);
  const budget = await execa("node", [bin, "vm", "run-elf", "--max-insns", "5", buildAsm("rv64i.S", dir)], { reject: false });
  assert.is(budget.exitCode, 1);
  assert.match(budget.stderr, /TIMEOUT/);
});

t("run-user: a static glibc program gets its arguments, writes stdout/stderr, returns its status", async () => {
  const elf = buildC(join(isaDir, "c", "system.c"), dir);
  const r = await execa("node", [bin, "vm", "run-user", "--stats", elf, "a b", "c"], { reject: false });
  assert.is(r.exitCode, 7);
  assert.match(r.stdout, /^argc 3 \[a b\] \[c\]$/m);
  assert.match(r.stdout, /^machine riscv64 sysname Linux$/m);
  assert.match(r.stderr, /to stderr/);
  assert.match(r.stderr, /instructions: \d+ .* MIPS: [\d.]+/);
  const t2 = await execa("node", [bin, "vm", "run-user", "--max-insns", "1000", elf], { reject: false });
  assert.is(t2.exitCode, 124);
});

t("run-user: running out of guest memory is a reported fault (139), not a crash", async () => {
  const elf = buildC(join(isaDir, "c", "memory.c"), dir);
  const r = await execa("node", [bin, "vm", "run-user", "--memory", "16M", elf], { reject: false });
  assert.is(r.exitCode, 139);
  assert.match(r.stderr, /out of guest physical memory/);
});

test("run-elf on a missing file fails cleanly", async () => {
  const r = await execa("node", [bin, "vm", "run-elf", "/nonexistent/prog"], { reject: false });
  assert.is(r.exitCode, 1);
  assert.match(r.stderr, /vmspec vm run-elf: .*nonexistent/);
});

test.run();
