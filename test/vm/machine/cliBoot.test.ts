// `vmspec vm boot` with local images (no network): exit status from the guest, --timeout,
// guest faults, bad images, usage errors, --console-log.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { addi, fakeKernel, lui, lw, program, reg, spin, store } from "./asm.js";

const cli = fileURLToPath(new URL("../../../../bin/vmspec.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "vmspec-cliboot-"));
const { t0, t1 } = reg;

function file(name: string, bytes: Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

const kernel = file("Image", fakeKernel());
const initrd = file("initrd", new Uint8Array(16));

function vmBoot(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = execFile(process.execPath, [cli, "vm", "boot", ...args], (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code) : 0, stdout, stderr }),
    );
    p.stdin?.end();
  });
}

const hello = program([
  lui(t0, 0x10000),
  ...[..."hello\n"].flatMap((c) => [addi(t1, 0, c.charCodeAt(0)), store(0, t1, t0, 0)]),
  lui(t0, 0x100), lui(t1, 0x93), addi(t1, t1, 0x333), store(2, t1, t0, 0), // FINISHER_FAIL, code 9
  spin(),
]);

test("the process exits with the guest's finisher status; --console-log gets the output", async () => {
  const log = join(dir, "console.txt");
  const r = await vmBoot(["--kernel", kernel, "--firmware", file("hello.bin", hello), "--initrd", initrd, "--console-log", log, "--timeout", "60"]);
  assert.is(r.code, 9, r.stderr);
  assert.is(r.stdout, "hello\n");
  assert.is(readFileSync(log, "utf8"), "hello\n");
});

test("--timeout ends a hung guest with status 124 and says where it was", async () => {
  const r = await vmBoot(["--kernel", kernel, "--firmware", file("spin.bin", program([spin()])), "--initrd", initrd, "--timeout", "0.5"]);
  assert.is(r.code, 124);
  assert.match(r.stderr, "timed out after 0.5 s");
  assert.match(r.stderr, "pc=0x80000000");
});

test("a guest fault is reported with PC and cause and exit status 1", async () => {
  const fw = file("fault.bin", program([lui(t0, 0x20000), lw(t1, t0, 0), spin()]));
  const r = await vmBoot(["--kernel", kernel, "--firmware", fw, "--initrd", initrd, "--timeout", "30"]);
  assert.is(r.code, 1);
  assert.ok(r.stderr.includes("guest fault at pc=0x80000004"), r.stderr);
  assert.match(r.stderr, "0x20000000");
});

test("a file that is not a RISC-V Image is refused before booting", async () => {
  const r = await vmBoot(["--kernel", file("zeros", new Uint8Array(8192)), "--firmware", file("x.bin", hello), "--initrd", initrd]);
  assert.is(r.code, 1);
  assert.match(r.stderr, "not a RISC-V Linux Image");
});

test("usage errors exit 2; --help documents the options", async () => {
  assert.is((await vmBoot(["--memory", "12Q"])).code, 2);
  assert.is((await vmBoot(["--initrd", initrd, "--busybox"])).code, 2);
  assert.is((await vmBoot(["--bogus"])).code, 2);
  const h = await vmBoot(["--help"]);
  assert.is(h.code, 0);
  for (const opt of ["--kernel", "--firmware", "--initrd", "--busybox", "--append", "--memory", "--deterministic", "--timeout", "--console-log"]) {
    assert.match(h.stdout, opt);
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
