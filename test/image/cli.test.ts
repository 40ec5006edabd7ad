// The store commands through the real bin: images, inspect, rmi, store verify, prune (all with --store).
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as fs from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { Store } from "../../runtime/image/store.js";
import { randomImage } from "./imageKit.js";

const bin = new URL("../../../bin/vmspec.js", import.meta.url).pathname;
const work = await fs.mkdtemp(join(tmpdir(), "vmspec-cli-"));
const root = join(work, "store");
const vm = (...args: string[]) => execa("node", [bin, ...args], { reject: false });

const store = await Store.open(root);
const { desc } = await randomImage(store, join(work, "src"), 2, 11);
await store.tag("demo/app:1.0", desc);
const { desc: other } = await randomImage(store, join(work, "src2"), 1, 12);
await store.tag("demo/other", other);
await store.close();

test("every store command has --help", async () => {
  for (const c of ["images", "inspect", "rmi", "store", "prune"]) {
    const r = await vm(c, "--help");
    assert.is(r.exitCode, 0, c);
    assert.match(r.stdout, /--store DIR/);
  }
});

test("images lists names, digests and sizes; --format json; VMSPEC_STORE is honoured", async () => {
  const r = await vm("images", "--store", root);
  assert.is(r.exitCode, 0, r.stderr);
  assert.match(r.stdout, /^NAME\s+DIGEST\s+PLATFORM/);
  assert.match(r.stdout, new RegExp(`demo/app:1.0\\s+${desc.digest.slice(7, 19)}\\s+linux/amd64`));
  assert.match(r.stdout, /demo\/other:latest/);
  const j = await execa("node", [bin, "images", "--format", "json"], { reject: false, env: { VMSPEC_STORE: root } });
  const rows = JSON.parse(j.stdout) as { name: string; digest: string; size: number; layers: number }[];
  assert.equal(rows.map((x) => x.name), ["demo/app:1.0", "demo/other:latest"]);
  assert.is(rows[0]!.layers, 2);
  assert.ok(rows[0]!.size > 1000);
});

test("inspect shows config, machine, layers and history; json has manifest and config", async () => {
  const r = await vm("inspect", "--store", root, "demo/app:1.0");
  assert.is(r.exitCode, 0, r.stderr);
  assert.match(r.stdout, /Env\s+STEP1=11/);
  assert.match(r.stdout, /Layers \(2\):/);
  assert.match(r.stdout, /CPUs\s+2/);
  assert.match(r.stdout, /COPY tree0 \//);
  const j = await vm("inspect", "--store", root, "--format", "json", desc.digest.slice(7, 20));
  const o = JSON.parse(j.stdout) as { digest: string; manifest: { layers: unknown[] }; config: { rootfs: { diff_ids: string[] } } };
  assert.is(o.digest, desc.digest);
  assert.is(o.manifest.layers.length, 2);
  assert.is(o.config.rootfs.diff_ids.length, 2);
  const missing = await vm("inspect", "--store", root, "nope");
  assert.is(missing.exitCode, 1);
  assert.match(missing.stderr, /image 'nope' not found/);
});

test("store verify passes, detects corruption; rmi then prune removes the blobs", async () => {
  let r = await vm("store", "verify", "--store", root);
  assert.is(r.exitCode, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /OK: the store is consistent/);
  r = await vm("rmi", "--store", root, "demo/other", "not-there");
  assert.is(r.exitCode, 1);
  assert.match(r.stdout, /Untagged: demo\/other:latest/);
  r = await vm("prune", "--store", root, "--format", "json");
  assert.is(r.exitCode, 0, r.stderr);
  const p = JSON.parse(r.stdout) as { removedBlobs: string[] };
  assert.ok(p.removedBlobs.includes(other.digest));
  r = await vm("images", "--store", root, "-q");
  assert.is(r.stdout.trim(), desc.digest);
  // Corrupt a layer: verify fails with exit 1 and names the blob.
  const s = await Store.open(root);
  const m = JSON.parse((await s.readBlob(desc.digest)).toString()) as { layers: { digest: `sha256:${string}` }[] };
  await s.close();
  const victim = join(root, "blobs", "sha256", m.layers[0]!.digest.slice(7));
  await fs.appendFile(victim, "garbage");
  r = await vm("store", "verify", "--store", root);
  assert.is(r.exitCode, 1);
  assert.match(r.stdout, new RegExp(`corrupt-blob: .*${m.layers[0]!.digest.slice(7)}`));
});

test.after(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

test.run();
