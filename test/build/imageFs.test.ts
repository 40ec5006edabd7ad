// Layer header indexes (the parent's file tree without decompressing its layers) and verified layer reads.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as fs from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { Store, layerHeaderIndexDir } from "../../runtime/image/store.js";
import { createLayer } from "../../runtime/image/layer.js";
import { applyLayer } from "../../runtime/image/extract.js";
import { digestHex } from "../../runtime/image/digest.js";
import { DigestMismatchError } from "../../runtime/image/errors.js";
import type { LayerEntry } from "../../runtime/image/layerEntries.js";
import { ImageFs, decodeHeaderIndex, layerHeaders } from "../../runtime/build/imageFs.js";

const work = await fs.mkdtemp(join(tmpdir(), "vmspec-imagefs-"));
let n = 0;
const fresh = (): string => join(work, `d${n++}`);

/** A layer with a directory, a file and a symlink; `tag` makes its digest unique per test. */
async function layer(store: Store, tag: string, compression: "gzip" | "none" = "gzip") {
  const body = Buffer.from(`content ${tag}\n`);
  const entries: LayerEntry[] = [
    { path: "etc", type: "dir", mode: 0o755, uid: 0, gid: 0, size: 0, mtime: 0 },
    { path: "etc/f", type: "file", mode: 0o644, uid: 1, gid: 2, size: body.length, mtime: 0, content: async function* () { yield body; }, xattrs: { "user.k": Buffer.from([0, 1, 255]) } },
    { path: "etc/l", type: "symlink", mode: 0o777, uid: 0, gid: 0, size: 0, mtime: 0, linkname: "f" },
  ];
  return createLayer(store, entries, { compression });
}

/** Replaces the blob file's bytes (the store writes blobs read-only for others, not for root). */
async function overwriteBlob(store: Store, digest: string, bytes: Buffer): Promise<void> {
  await fs.writeFile(store.blobPath(digest as `sha256:${string}`), bytes);
}

test("a layer's headers are indexed once per store, checksummed; later reads use the index", async () => {
  const store = await Store.open(fresh());
  const l = await layer(store, "a");
  const dir = layerHeaderIndexDir(store.root);
  const headers = await layerHeaders(store, l.descriptor, dir);
  assert.equal(headers.map((h) => `${h.type} ${h.path}`), ["dir etc", "file etc/f", "symlink etc/l"]);
  const file = join(dir, digestHex(l.descriptor.digest));
  const text = await fs.readFile(file, "utf8");
  const decoded = decodeHeaderIndex(text)!;
  assert.equal(decoded, headers);
  assert.ok(Buffer.isBuffer(decoded[1]!.xattrs!["user.k"]), "xattr values stay bytes");
  // Another process reads the index, not the blob (removed here to prove it).
  await fs.rm(store.blobPath(l.descriptor.digest));
  const mod = new URL("../../runtime/build/imageFs.js", import.meta.url).href;
  const script = `const m = await import(${JSON.stringify(mod)}); const h = await m.layerHeaders({ openBlob() { throw new Error("blob read"); } }, ${JSON.stringify(l.descriptor)}, ${JSON.stringify(dir)}); console.log(h.map((x) => x.path).join(","));`;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  assert.is(out.trim(), "etc,etc/f,etc/l");
  assert.equal(await fs.readdir(dir), [digestHex(l.descriptor.digest)], "no temp files left");
  await store.close();
});

test("a corrupted, truncated or foreign header index is ignored", async () => {
  const store = await Store.open(fresh());
  const l = await layer(store, "b");
  const dir = layerHeaderIndexDir(store.root);
  await layerHeaders(store, l.descriptor, dir);
  const text = await fs.readFile(join(dir, digestHex(l.descriptor.digest)), "utf8");
  assert.ok(decodeHeaderIndex(text));
  assert.is(decodeHeaderIndex(text.replace("etc/f", "etc/g")), undefined, "edited content");
  assert.is(decodeHeaderIndex(text.slice(0, -3)), undefined, "truncated");
  assert.is(decodeHeaderIndex(""), undefined, "empty (a crash before the data reached the disk)");
  assert.is(decodeHeaderIndex(text.replace("vmspec-headers 1", "vmspec-headers 2")), undefined, "other format");
  await store.close();
});

test("headers of a corrupted blob fail with a digest mismatch and are not indexed", async () => {
  const store = await Store.open(fresh());
  const l = await layer(store, "c", "none");
  const blob = await fs.readFile(store.blobPath(l.descriptor.digest));
  // Change one byte of the file body: the tar still parses, only the digest tells.
  const i = blob.indexOf("content c");
  blob[i] = "C".charCodeAt(0);
  await overwriteBlob(store, l.descriptor.digest, blob);
  const dir = layerHeaderIndexDir(store.root);
  try {
    await layerHeaders(store, l.descriptor, dir);
    assert.unreachable("read headers of a corrupted blob");
  } catch (e) {
    assert.instance(e, DigestMismatchError);
  }
  assert.equal(await fs.readdir(dir).catch(() => []), []);
  await store.close();
});

test("applyLayer reads a blob to its end: a changed file body (the tar still parses) fails the digest check", async () => {
  const store = await Store.open(fresh());
  const l = await layer(store, "d", "none");
  const blob = await fs.readFile(store.blobPath(l.descriptor.digest));
  blob[blob.indexOf("content d")] = "X".charCodeAt(0);
  await overwriteBlob(store, l.descriptor.digest, blob);
  try {
    const root = fresh();
    await fs.mkdir(root);
    await applyLayer(root, await store.openBlob(l.descriptor.digest, l.descriptor.size));
    assert.unreachable("applied a corrupted blob");
  } catch (e) {
    assert.instance(e, DigestMismatchError);
  }
  await store.close();
});

test("ImageFs.readFile verifies the layer before returning content", async () => {
  const store = await Store.open(fresh());
  const l = await layer(store, "e", "none");
  const view = await ImageFs.load(store, [l.descriptor], layerHeaderIndexDir(store.root));
  assert.is((await view.readFile("/etc/l"))?.toString(), "content e\n");
  const blob = await fs.readFile(store.blobPath(l.descriptor.digest));
  blob[blob.indexOf("content e")] = "Y".charCodeAt(0);
  await overwriteBlob(store, l.descriptor.digest, blob);
  try {
    await view.readFile("/etc/f");
    assert.unreachable("returned content of a corrupted blob");
  } catch (e) {
    assert.instance(e, DigestMismatchError);
  }
  await store.close();
});

test("concurrent readers of one layer each get the headers and leave one index, no temp files", async () => {
  const store = await Store.open(fresh());
  const l = await layer(store, "f");
  const dir = layerHeaderIndexDir(store.root);
  // Not yet in the process cache: every call reads the blob and writes the index concurrently.
  const all = await Promise.all(Array.from({ length: 6 }, () => layerHeaders(store, l.descriptor, dir)));
  for (const h of all) assert.equal(h, all[0]);
  assert.equal(await fs.readdir(dir), [digestHex(l.descriptor.digest)]);
  await store.close();
});

test("prune removes header indexes of pruned blobs and leftover temp files, keeps those of tagged images", async () => {
  const store = await Store.open(fresh());
  const kept = await layer(store, "g", "none");
  const gone = await layer(store, "h", "none");
  const config = await store.putJson({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [kept.diffId] } });
  const m = await store.putJson({ schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json", config: { mediaType: "application/vnd.oci.image.config.v1+json", ...config }, layers: [kept.descriptor] });
  await store.tag("keep", { mediaType: "application/vnd.oci.image.manifest.v1+json", digest: m.digest, size: m.size });
  const dir = layerHeaderIndexDir(store.root);
  await layerHeaders(store, kept.descriptor, dir);
  await layerHeaders(store, gone.descriptor, dir);
  await fs.writeFile(join(dir, `${digestHex(kept.descriptor.digest)}.123.abc.tmp`), "partial");
  await store.prune();
  assert.equal(await fs.readdir(dir), [digestHex(kept.descriptor.digest)]);
  await store.close();
});

test.after(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

test.run();
