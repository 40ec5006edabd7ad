// The content store: atomic idempotent blobs, verified reads, tags, verify/prune, killed writers, concurrent writers.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtemp, readdir, rm, writeFile, readFile } from "node:fs/promises";
import * as fs from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { Store, normalizeTag, resolveStoreDir } from "../../runtime/image/store.js";
import { digestOf } from "../../runtime/image/digest.js";
import { BlobNotFoundError, DigestMismatchError, ImageNotFoundError, SizeMismatchError } from "../../runtime/image/errors.js";

const child = new URL("./storeChild.js", import.meta.url).pathname;

async function tmp(): Promise<string> {
  return mkdtemp(join(tmpdir(), "vmspec-store-"));
}

function runChild(args: string[]): Promise<number | null> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [child, ...args], { stdio: "inherit" });
    c.on("exit", (code) => resolve(code));
  });
}

test("store dir resolution: flag, env, XDG, home", () => {
  assert.is(resolveStoreDir("/x", { VMSPEC_STORE: "/y" }), "/x");
  assert.is(resolveStoreDir(undefined, { VMSPEC_STORE: "/y", XDG_DATA_HOME: "/z" }), "/y");
  assert.is(resolveStoreDir(undefined, { XDG_DATA_HOME: "/z" }), "/z/vmspec/store");
  assert.match(resolveStoreDir(undefined, {}), /\.local\/share\/vmspec\/store$/);
  assert.is(normalizeTag("a"), "a:latest");
  assert.is(normalizeTag("host:5000/a"), "host:5000/a:latest");
  assert.is(normalizeTag("a:v1"), "a:v1");
});

test("putBlob is idempotent, content addressed, and lays out an OCI layout", async () => {
  const root = await tmp();
  const s = await Store.open(root);
  const a = await s.putBlob("hello");
  const b = await s.putBlob(Buffer.from("hello"));
  assert.equal(a, b);
  assert.is(a.digest, digestOf("hello"));
  assert.equal(JSON.parse(await readFile(join(root, "oci-layout"), "utf8")), { imageLayoutVersion: "1.0.0" });
  assert.equal((await s.readIndex()).manifests, []);
  assert.equal(await readdir(join(root, "blobs", "sha256")), [a.digest.slice(7)]);
  assert.is((await s.readBlob(a.digest)).toString(), "hello");
  await s.close();
  await rm(root, { recursive: true });
});

test("readBlob checks the expected size before the digest, naming the blob's path", async () => {
  const root = await tmp();
  const s = await Store.open(root);
  const { digest } = await s.putBlob("twelve bytes");
  assert.is((await s.readBlob(digest, 12)).toString(), "twelve bytes");
  try {
    await s.readBlob(digest, 11);
    assert.unreachable();
  } catch (e) {
    assert.instance(e, SizeMismatchError);
    assert.match(String((e as Error).message) + JSON.stringify(e), s.blobPath(digest).slice(-20));
  }
  await s.close();
  await rm(root, { recursive: true });
});

test("a wrong expected digest stores nothing; a corrupted blob fails to read and verify", async () => {
  const root = await tmp();
  const s = await Store.open(root);
  try {
    await s.putBlob("abc", { digest: digestOf("abd") });
    assert.unreachable();
  } catch (e) {
    assert.instance(e, DigestMismatchError);
  }
  assert.equal(await readdir(join(root, "blobs", "sha256")), []);
  assert.equal(await readdir(join(root, ".vmspec", "tmp")), []);
  const { digest } = await s.putBlob("original content");
  await writeFile(s.blobPath(digest), "tampered content");
  try {
    await s.readBlob(digest);
    assert.unreachable();
  } catch (e) {
    assert.instance(e, DigestMismatchError);
  }
  const r = await s.verify();
  assert.is(r.ok, false);
  assert.is(r.problems[0]?.code, "corrupt-blob");
  try {
    await s.readBlob(digestOf("absent"));
    assert.unreachable();
  } catch (e) {
    assert.instance(e, BlobNotFoundError);
  }
  await s.close();
  await rm(root, { recursive: true });
});

test("a corrupted blob opened but consumed later still fails as a DigestMismatchError for the consumer", async () => {
  // Regression: openBlob used to start reading at once; a small blob was fully read and failed
  // verification before anyone listened, crashing the process with an uncaught 'error' event.
  const root = await tmp();
  const s = await Store.open(root);
  const { digest } = await s.putBlob("original content");
  await writeFile(s.blobPath(digest), "tampered content");
  const stream = await s.openBlob(digest);
  await new Promise((r) => setTimeout(r, 100));
  try {
    for await (const _ of stream) void _;
    assert.unreachable();
  } catch (e) {
    assert.instance(e, DigestMismatchError);
  }
  const other = await Store.open(await tmp());
  try {
    await other.putBlob(await s.openBlob(digest), { digest });
    assert.unreachable();
  } catch (e) {
    assert.instance(e, DigestMismatchError);
  }
  assert.equal(await readdir(join(other.root, "blobs", "sha256")), []);
  await s.close();
  await other.close();
  await rm(root, { recursive: true });
});

test("tag refuses incomplete images; resolve by tag, digest and prefix; untag; prune", async () => {
  const root = await tmp();
  const s = await Store.open(root);
  const layer = await s.putBlob("layer");
  const config = await s.putJson({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [layer.digest] } });
  const missing = digestOf("never stored");
  const bad = await s.putJson({ schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json", config: { mediaType: "application/vnd.oci.image.config.v1+json", ...config }, layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", digest: missing, size: 1 }] });
  try {
    await s.tag("bad", { mediaType: "application/vnd.oci.image.manifest.v1+json", digest: bad.digest, size: bad.size });
    assert.unreachable();
  } catch (e) {
    assert.instance(e, BlobNotFoundError);
  }
  const good = await s.putJson({ schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json", config: { mediaType: "application/vnd.oci.image.config.v1+json", ...config }, layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", ...layer }] });
  const desc = { mediaType: "application/vnd.oci.image.manifest.v1+json", digest: good.digest, size: good.size };
  await s.tag("app", desc);
  await s.tag("app:v2", desc);
  assert.equal((await s.listImages()).map((i) => i.name), ["app:latest", "app:v2"]);
  assert.is((await s.resolve("app")).descriptor.digest, good.digest);
  assert.is((await s.resolve(good.digest)).name, "app:latest");
  assert.is((await s.resolve(good.digest.slice(7, 19))).descriptor.digest, good.digest);
  try {
    await s.resolve("nope");
    assert.unreachable();
  } catch (e) {
    assert.instance(e, ImageNotFoundError);
  }
  // untag by tag removes only that tag; prune then keeps the blobs.
  await s.untag("app:v2");
  let p = await s.prune();
  assert.equal(p.removedBlobs, [bad.digest]);
  assert.ok(await s.hasBlob(layer.digest));
  // untag by digest removes every tag; prune removes everything.
  await s.untag(good.digest);
  p = await s.prune();
  assert.is(p.removedBlobs.length, 3);
  assert.equal(await readdir(join(root, "blobs", "sha256")), []);
  assert.ok((await s.verify()).ok);
  await s.close();
  await rm(root, { recursive: true });
});

test("prune keeps unpacked layer dirs of indexed images and removes the others", async () => {
  const root = await tmp();
  const s = await Store.open(root);
  const layer = await s.putBlob("layer bytes");
  const config = await s.putJson({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [layer.digest] } });
  const m = await s.putJson({ schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json", config: { mediaType: "application/vnd.oci.image.config.v1+json", ...config }, layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", ...layer }] });
  await s.tag("keep", { mediaType: "application/vnd.oci.image.manifest.v1+json", digest: m.digest, size: m.size });
  const unpacked = join(root, ".vmspec", "unpacked");
  const kept = layer.digest.slice(7);
  for (const d of [kept, "f".repeat(64), `${kept}.tmp-123-456`]) await fs.mkdir(join(unpacked, d, "etc"), { recursive: true });
  await s.prune();
  assert.equal(await readdir(unpacked), [kept]);
  await s.close();
  await rm(root, { recursive: true });
});

test("a writer killed at a random point leaves the store consistent", async () => {
  const root = await tmp();
  for (let round = 0; round < 3; round++) {
    const c = spawn(process.execPath, [child, root, "forever", `k${round}`, "0"], { stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve) => c.stdout.once("data", () => resolve()));
    // Let it run a random while, then SIGKILL it (it is mid-write most of the time).
    await new Promise((r) => setTimeout(r, 50 + Math.floor(Math.random() * 400)));
    c.kill("SIGKILL");
    await new Promise((r) => c.on("exit", r));
  }
  const s = await Store.open(root);
  const before = await s.verify();
  assert.ok(before.ok, JSON.stringify(before.problems));
  for (const img of await s.listImages()) await s.assertComplete(img.descriptor);
  const p = await s.prune();
  assert.is(p.removedTempFiles, before.tempFiles);
  const after = await s.verify();
  assert.ok(after.ok);
  assert.is(after.tempFiles, 0);
  assert.is(after.unreferenced, 0);
  assert.is(after.images, before.images);
  await s.close();
  await rm(root, { recursive: true });
});

test("concurrent writers never lose a tag", async () => {
  const root = await tmp();
  const codes = await Promise.all([0, 1, 2, 3].map((i) => runChild([root, "tags", `w${i}`, "10"])));
  assert.equal(codes, [0, 0, 0, 0]);
  const s = await Store.open(root);
  const names = (await s.listImages()).map((i) => i.name).sort();
  assert.is(names.length, 40);
  for (let i = 0; i < 4; i++) for (let j = 0; j < 10; j++) assert.ok(names.includes(`w${i}:t${j}`));
  const r = await s.verify();
  assert.ok(r.ok);
  assert.is(r.unreferenced, 0);
  await s.close();
  await rm(root, { recursive: true });
});

test("prune waits for writers: it cannot run while another process holds the store", async () => {
  const root = await tmp();
  const writer = await Store.open(root);
  await writer.putBlob("in progress, not yet tagged");
  const pruner = await Store.open(root, { lockTimeoutMs: 300 });
  try {
    await pruner.prune();
    assert.unreachable();
  } catch (e) {
    assert.is((e as { code?: string }).code, "IMG_STORE_BUSY");
  }
  assert.ok(await writer.hasBlob(digestOf("in progress, not yet tagged")));
  await writer.close();
  const p = await pruner.prune();
  assert.is(p.removedBlobs.length, 1);
  await pruner.close();
  await rm(root, { recursive: true });
});

test.run();
