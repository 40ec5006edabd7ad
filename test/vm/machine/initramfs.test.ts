// initramfs: cpio newc writer (checked by parsing and by GNU cpio) and the generated /init.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readlinkSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { writeCpio } from "../../../runtime/vm/initramfs/cpio.js";
import { buildInitramfs, DEFAULT_MARKER, initScript } from "../../../runtime/vm/initramfs/initramfs.js";
import { gated } from "../../support/env.js";

/** Minimal newc reader, independent of the writer: returns name → {mode, data, rdev}. */
function parseNewc(buf: Uint8Array) {
  const dec = new TextDecoder();
  const out = new Map<string, { mode: number; data: Uint8Array; rdevmajor: number; rdevminor: number; ino: number }>();
  let off = 0;
  const field = (i: number) => parseInt(dec.decode(buf.subarray(off + 6 + i * 8, off + 14 + i * 8)), 16);
  for (;;) {
    assert.is(dec.decode(buf.subarray(off, off + 6)), "070701", `magic at ${off}`);
    const namesize = field(11);
    const filesize = field(6);
    const name = dec.decode(buf.subarray(off + 110, off + 110 + namesize - 1));
    let p = off + 110 + namesize;
    p = (p + 3) & ~3;
    const data = buf.subarray(p, p + filesize);
    const entry = { mode: field(1), data, rdevmajor: field(9), rdevminor: field(10), ino: field(0) };
    off = (p + filesize + 3) & ~3;
    if (name === "TRAILER!!!") break;
    out.set(name, entry);
  }
  assert.is(off, buf.length, "nothing after the trailer");
  return out;
}

test("newc entries: headers, 4-byte padding, modes, symlink targets, device numbers", () => {
  const cpio = writeCpio([
    { kind: "dir", path: "bin" },
    { kind: "file", path: "/bin/x", data: Uint8Array.of(1, 2, 3, 4, 5), mode: 0o755 },
    { kind: "symlink", path: "bin/y", target: "x" },
    { kind: "chardev", path: "dev/console", major: 5, minor: 1 },
  ]);
  assert.is(cpio.length % 4, 0);
  const m = parseNewc(cpio);
  assert.equal([...m.keys()], ["bin", "bin/x", "bin/y", "dev/console"]);
  assert.is(m.get("bin")!.mode, 0o040755);
  assert.is(m.get("bin/x")!.mode, 0o100755);
  assert.equal([...m.get("bin/x")!.data], [1, 2, 3, 4, 5]);
  assert.is(m.get("bin/y")!.mode, 0o120777);
  assert.is(new TextDecoder().decode(m.get("bin/y")!.data), "x");
  assert.is(m.get("dev/console")!.mode, 0o020600);
  assert.is(m.get("dev/console")!.rdevmajor, 5);
  assert.is(m.get("dev/console")!.rdevminor, 1);
  assert.equal(new Set([...m.values()].map((e) => e.ino)).size, 4, "distinct inode numbers");
});

test("initramfs: busybox, /bin/sh link, /dev/console, /init and extra files; deterministic", () => {
  const busybox = new TextEncoder().encode("not really busybox");
  const a = buildInitramfs({ busybox, commands: ["uname -m"], files: { "data/in.txt": Uint8Array.of(65) } });
  const b = buildInitramfs({ busybox, commands: ["uname -m"], files: { "data/in.txt": Uint8Array.of(65) } });
  assert.equal(a, b, "same inputs, same bytes");
  const m = parseNewc(gunzipSync(a));
  assert.equal([...m.get("bin/busybox")!.data], [...busybox]);
  assert.is(m.get("init")!.mode, 0o100755);
  assert.ok(m.has("dev/console") && m.has("data") && m.has("data/in.txt"));
  assert.match(new TextDecoder().decode(m.get("init")!.data), "uname -m");
});

test("/init: mounts, marker, commands with status capture, power-off paths", () => {
  const s = initScript({ marker: "HELLO 'x'", commands: ["echo a", "false"] });
  assert.ok(s.startsWith("#!/bin/busybox sh\n"));
  for (const needle of ["mount -t proc proc /proc", "mount -t sysfs sysfs /sys", "mount -t devtmpfs devtmpfs /dev"]) {
    assert.ok(s.includes(needle), needle);
  }
  assert.ok(s.includes(`echo 'HELLO '\\''x'\\'''`), "marker is shell-quoted");
  assert.ok(s.includes("(\necho a\nfalse\n)\nrc=$?\n"), "commands run in one subshell, status captured");
  assert.ok(s.includes('if [ "$rc" -eq 0 ]; then poweroff -f; fi'));
  assert.ok(s.includes("devmem 0x100000 32 $(( (rc << 16) | 0x3333 ))"));
  const interactive = initScript();
  assert.ok(interactive.includes(DEFAULT_MARKER));
  assert.ok(interactive.includes("cttyhack sh"));
});

gated(test, { tools: ["cpio"] })("GNU cpio extracts our archive", () => {
  const dir = mkdtempSync(join(tmpdir(), "vmspec-cpio-"));
  try {
    const cpio = writeCpio([
      { kind: "dir", path: "etc" },
      { kind: "file", path: "etc/motd", data: new TextEncoder().encode("hi\n"), mode: 0o640 },
      { kind: "symlink", path: "etc/link", target: "motd" },
    ]);
    const listing = execFileSync("cpio", ["-t", "--quiet"], { input: cpio, encoding: "utf8" });
    assert.equal(listing.trim().split("\n"), ["etc", "etc/motd", "etc/link"]);
    execFileSync("cpio", ["-id", "--quiet", "--no-absolute-filenames"], { input: cpio, cwd: dir });
    assert.is(readFileSync(join(dir, "etc/motd"), "utf8"), "hi\n");
    assert.is(statSync(join(dir, "etc/motd")).mode & 0o777, 0o640);
    assert.is(readlinkSync(join(dir, "etc/link")), "motd");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
