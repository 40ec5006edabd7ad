// End to end: Debian trixie's stock riscv64 kernel under Debian's OpenSBI on our machine, with an
// initramfs of busybox-static; once through the CLI (exit status, console log), and twice in
// deterministic mode (byte-identical console logs).
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { buildInitramfs } from "../../../runtime/vm/initramfs/initramfs.js";
import { boot } from "../../../runtime/vm/machine/boot.js";
import { fetchBusybox, fetchFirmware, fetchKernel } from "../../../runtime/vm/machine/bootArtifacts.js";
import { gated } from "../../support/env.js";

const SUITE = "trixie";
const net = gated(test, { tools: ["gpgv"] });
const cli = fileURLToPath(new URL("../../../../bin/vmspec.js", import.meta.url));

/** 64 KiB of patterned bytes placed in the initramfs; the guest hashes it with dd + md5sum. */
const blob = Uint8Array.from({ length: 65536 }, (_, i) => (i * 7 + (i >> 8)) & 0xff);
const md5 = (b: Uint8Array) => createHash("md5").update(b).digest("hex");

net("CLI: Debian kernel boots, runs busybox commands, powers off with the guest's status", async () => {
  const dir = mkdtempSync(join(tmpdir(), "vmspec-boot-"));
  try {
    const log = join(dir, "console.log");
    // --run commands share one shell; the last one's status (exit 3) becomes the process status.
    const args = [
      cli, "vm", "boot", "--timeout", "900", "--console-log", log, "--append", "console=ttyS0",
      "--run", "echo UNAME=$(uname -m)",
      "--run", "cat /proc/cpuinfo",
      "--run", "echo SUM=$((6 * 7 + 1000))",
      "--run", "echo MD5ZERO=$(dd if=/dev/zero bs=1024 count=64 2>/dev/null | md5sum)",
      "--run", "exit 3",
    ];
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const p = execFile(process.execPath, args, { maxBuffer: 64 << 20 }, (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr }),
      );
      p.stdin?.end();
    });
    const console_ = readFileSync(log, "utf8");
    const context = `status ${code}\nstderr:\n${stderr}\nconsole tail:\n${console_.slice(-3000)}`;
    assert.is(code, 3, context);
    assert.ok(stdout.includes("VMSPEC-INIT-READY"), "console goes to stdout");
    assert.match(console_, "OpenSBI v");
    assert.match(console_, /Linux version 6\.\d+/);
    assert.match(console_, "VMSPEC-INIT-READY");
    assert.match(console_, /UNAME=riscv64\r?\n/);
    assert.match(console_, /isa\s+: rv64imafdc/);
    assert.match(console_, /mmu\s+: sv(39|48)/);
    assert.match(console_, /SUM=1042\r?\n/);
    assert.match(console_, new RegExp(`MD5ZERO=${md5(new Uint8Array(65536))}\\s+-`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

net("deterministic mode: two boots print byte-identical console logs and retire the same instructions", async () => {
  const [kernel, firmware, busybox] = await Promise.all([fetchKernel(SUITE), fetchFirmware(SUITE), fetchBusybox(SUITE)]);
  const initrd = buildInitramfs({
    busybox: busybox.bytes,
    files: { "data/blob": blob },
    commands: ["echo MD5BLOB=$(dd if=/data/blob bs=4096 count=16 2>/dev/null | md5sum)", "date -u +DATE=%Y-%m-%d", "cat /proc/uptime"],
  });
  const once = () =>
    boot({ firmware: firmware.bytes, kernel: kernel.bytes, initrd, bootargs: "console=ttyS0", deterministic: true, timeoutMs: 900_000 });
  const a = await once();
  const text = a.console.text();
  assert.equal(a.exit, { kind: "poweroff", status: 0 }, text.slice(-3000));
  assert.match(text, new RegExp(`MD5BLOB=${md5(blob)}\\s+-`));
  assert.match(text, /DATE=2025-01-01/, "RTC starts at the fixed epoch in deterministic mode");
  const b = await once();
  assert.equal(b.exit, { kind: "poweroff", status: 0 });
  assert.is(b.instructions, a.instructions);
  assert.ok(Buffer.compare(a.console.log(), b.console.log()) === 0, "console logs differ");
});

net("interactive shell: typed input reaches busybox sh through the UART's receive interrupt", async () => {
  const [kernel, firmware, busybox] = await Promise.all([fetchKernel(SUITE), fetchFirmware(SUITE), fetchBusybox(SUITE)]);
  const initrd = buildInitramfs({ busybox: busybox.bytes }); // no commands: /init starts a shell
  const r = await boot({
    firmware: firmware.bytes,
    kernel: kernel.bytes,
    initrd,
    bootargs: "console=ttyS0 quiet",
    deterministic: true,
    timeoutMs: 900_000,
    onMachine: (m) => {
      // Type like a user once the prompt is up: a command, then power off.
      m.console.onMarker("~ # ", () => {
        m.input(Buffer.from("echo TYPED=$((40 + 2))\r"));
        m.console.onMarker("TYPED=42\r\n", () => m.input(Buffer.from("poweroff -f\r")));
      });
    },
  });
  const text = r.console.text();
  assert.equal(r.exit, { kind: "poweroff", status: 0 }, text.slice(-3000));
  assert.match(text, "echo TYPED=$((40 + 2))", "the shell echoed the typed line");
  assert.ok(/TYPED=42\r?\n/.test(text), JSON.stringify(text.slice(-400)));
});

test.run();
