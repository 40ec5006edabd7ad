// End-to-end: every example spec builds (PACKAGES from the Debian archive), validates, and hello runs under runc.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as fs from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { execa } from "execa";
import { Store } from "../../runtime/image/store.js";
import { readImage, validateImage } from "../../runtime/image/manifest.js";
import { gated } from "../support/env.js";

const root = new URL("../../../", import.meta.url).pathname;
const bin = join(root, "bin", "vmspec.js");
const work = await fs.mkdtemp(join(tmpdir(), "vmspec-examples-"));
const storeDir = join(work, "store");

async function buildExample(name: string, extra: string[] = []): Promise<{ exitCode: number; digest: string; stderr: string }> {
  const r = await execa("node", [bin, "build", "--store", storeDir, "-t", `example/${name}`, "--progress", "plain", ...extra, join(root, "examples", `${name}.vmspec`)], { reject: false, cwd: root });
  return { exitCode: r.exitCode ?? -1, digest: r.stdout.trim(), stderr: r.stderr };
}

for (const name of ["hello", "include", "packages", "riscv64-vm"]) {
  test(`examples/${name}.vmspec builds into a valid image`, async () => {
    const r = await buildExample(name);
    assert.is(r.exitCode, 0, r.stderr);
    const store = await Store.open(storeDir);
    const e = await store.resolve(`example/${name}`);
    assert.is(e.descriptor.digest, r.digest);
    assert.equal(await validateImage(store, e.descriptor, { deep: true }), []);
    const img = await readImage(store, e.descriptor);
    assert.ok(img.layers.length >= 1);
    if (name === "riscv64-vm") {
      assert.is(img.config.architecture, "riscv64");
      assert.is(img.annotations["dev.vmspec.machine.launch"], "vm");
    }
    await store.close();
  });
}

test("examples/multi-stage.vmspec needs debian:bookworm, which cannot be pulled yet: a clear error", async () => {
  const r = await buildExample("multi-stage");
  assert.is(r.exitCode, 1);
  // One line: where (the FROM's line), what, and how to get on (a named context or a PACKAGES stage).
  const lines = r.stderr.split("\n").filter((l) => l.startsWith("vmspec build:"));
  assert.is(lines.length, 1, r.stderr);
  const from = (await fs.readFile(join(root, "examples", "multi-stage.vmspec"), "utf8")).split("\n").findIndex((l) => l.startsWith("FROM debian:")) + 1;
  assert.match(lines[0]!, new RegExp(`^vmspec build: (?:.*/)?examples/multi-stage\\.vmspec:${from}: error: image 'debian:bookworm' is not in the local store .*not supported yet`));
  assert.match(lines[0]!, /--build-context debian:bookworm=oci-layout:\/\/DIR/);
  assert.match(lines[0]!, /PACKAGES --distro=debian:bookworm/);
  assert.match(lines[0]!, /\[BUILD_BASE_NOT_FOUND\]$/);
  assert.not.match(r.stderr, /\n\s+at /, "no stack trace");
});

gated(test, { root: true, tools: ["umoci", "runc"] })("the hello image runs under runc (bundle from umoci unpack)", async () => {
  const oci = join(work, "oci");
  const r = await buildExample("hello", ["--output", `type=oci,dest=${oci}`]);
  assert.is(r.exitCode, 0, r.stderr);
  const bundle = join(work, "bundle");
  execFileSync("umoci", ["unpack", "--image", `${oci}:latest`, bundle], { stdio: "pipe" });
  const cfgPath = join(bundle, "config.json");
  const cfg = JSON.parse(await fs.readFile(cfgPath, "utf8")) as { process: { terminal: boolean } };
  cfg.process.terminal = false;
  await fs.writeFile(cfgPath, JSON.stringify(cfg));
  const out = execFileSync("runc", ["run", "--bundle", bundle, `vmspec-example-${process.pid}`], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  assert.is(out.trim(), "Hello from vmspec");
});

test.after(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

test.run();
