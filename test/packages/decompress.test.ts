// Decompression backends: xz through the host tool and through WebAssembly, gzip, zstd, none —
// round trips against the real compressors, and corrupt or truncated input is an error.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import { compressionOf, decompressBuffer } from "../../runtime/packages/decompress.js";
import { gated } from "../support/env.js";

const payload = Buffer.concat([Buffer.from("Package: a\nVersion: 1\n\n".repeat(5000)), randomBytes(100_000)]);

async function rejects(p: Promise<unknown>): Promise<boolean> {
  return p.then(
    () => false,
    () => true,
  );
}

gated(test, { tools: ["xz"] })("xz: the host tool and the WebAssembly decoder agree; truncation is an error in both", async () => {
  const xz = execFileSync("xz", ["-c"], { input: payload, maxBuffer: 1 << 26 });
  for (const backend of ["tool", "wasm"]) {
    process.env.VMSPEC_XZ = backend;
    try {
      assert.ok((await decompressBuffer(xz, "xz")).equals(payload), backend);
      assert.ok(await rejects(decompressBuffer(xz.subarray(0, xz.length >> 1), "xz")), `${backend}: truncated input accepted`);
    } finally {
      delete process.env.VMSPEC_XZ;
    }
  }
});

gated(test, { tools: ["zstd"] })("zstd and gzip round trips; corrupt gzip is an error", async () => {
  const zst = execFileSync("zstd", ["-c", "-q"], { input: payload, maxBuffer: 1 << 26 });
  assert.ok((await decompressBuffer(zst, "zst")).equals(payload));
  const gz = gzipSync(payload);
  assert.ok((await decompressBuffer(gz, "gz")).equals(payload));
  const bad = Buffer.from(gz);
  bad[20] = bad[20]! ^ 0xff;
  assert.ok(await rejects(decompressBuffer(bad, "gz")));
  assert.ok((await decompressBuffer(payload, "none")).equals(payload));
});

test("compressionOf maps suffixes", () => {
  assert.is(compressionOf("Packages.xz"), "xz");
  assert.is(compressionOf("data.tar.zst"), "zst");
  assert.is(compressionOf("control.tar.gz"), "gz");
  assert.is(compressionOf("data.tar"), "none");
  assert.is(compressionOf("Packages"), "none");
  assert.is(compressionOf("data.tar.bz2"), undefined);
});

test.run();
