// Layers: deterministic tars, round trips through extraction, GNU tar compatibility, overlay and diff whiteouts.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as fs from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { Store } from "../../runtime/image/store.js";
import { createLayer, createLayerFromDir } from "../../runtime/image/layer.js";
import { applyLayer } from "../../runtime/image/extract.js";
import { diffTrees, walkOverlayUpper, walkTree, type LayerEntry } from "../../runtime/image/layerEntries.js";
import { readTar } from "../../runtime/image/tarReader.js";
import { decompress } from "../../runtime/image/compression.js";
import { digestOf } from "../../runtime/image/digest.js";
import { gated } from "../support/env.js";
import { featureTree, randomTree, snapshot } from "./treeKit.js";

const work = await fs.mkdtemp(join(tmpdir(), "vmspec-layer-"));
const store = await Store.open(join(work, "store"));
let n = 0;
const dir = async (): Promise<string> => {
  const d = join(work, `t${n++}`);
  await fs.mkdir(d);
  return d;
};

async function entriesOf(digest: `sha256:${string}`): Promise<string[]> {
  const out: string[] = [];
  for await (const e of readTar(decompress(await store.openBlob(digest)))) out.push(`${e.header.type} ${e.header.path}${e.header.linkname ? ` -> ${e.header.linkname}` : ""}`);
  return out;
}

test("the same tree gives the same layer digest regardless of location and file times", async () => {
  const a = await dir();
  await featureTree(a);
  const b = await dir();
  execFileSync("cp", ["-a", `${a}/.`, b]);
  await fs.utimes(join(b, "etc", "hosts"), 1_000_000, 1_000_000);
  const la = await createLayerFromDir(store, a);
  const lb = await createLayerFromDir(store, b);
  assert.is(la.descriptor.digest, lb.descriptor.digest);
  assert.is(la.diffId, lb.diffId);
  assert.is(la.descriptor.mediaType, "application/vnd.oci.image.layer.v1.tar+gzip");
  // diff_id is the digest of the uncompressed tar; digest of the compressed blob.
  const tar = Buffer.concat(await (async () => { const c: Buffer[] = []; for await (const x of decompress(await store.openBlob(la.descriptor.digest))) c.push(x); return c; })());
  assert.is(digestOf(tar), la.diffId);
  assert.is(tar.length, la.uncompressedSize);
  assert.is(tar.length % 512, 0);
  // A content change changes it.
  await fs.writeFile(join(b, "etc", "hosts"), "changed\n");
  const lc = await createLayerFromDir(store, b);
  assert.is.not(lc.descriptor.digest, la.descriptor.digest);
});

test("SOURCE_DATE_EPOCH sets every entry's mtime", async () => {
  const a = await dir();
  await fs.writeFile(join(a, "f"), "x");
  const l0 = await createLayerFromDir(store, a, { mtime: 0 });
  const l1 = await createLayerFromDir(store, a, { mtime: 1_700_000_000 });
  assert.is.not(l0.diffId, l1.diffId);
  for await (const e of readTar(decompress(await store.openBlob(l1.descriptor.digest)))) assert.is(e.header.mtime, 1_700_000_000);
});

test("entries are sorted, dirs before contents, hardlinks and long names encoded", async () => {
  const a = await dir();
  await featureTree(a);
  const l = await createLayerFromDir(store, a);
  const list = await entriesOf(l.descriptor.digest);
  assert.ok(list.includes("hardlink hl-a -> etc/hl-b") || list.includes("hardlink etc/hl-b -> hl-a"), list.join("\n"));
  assert.ok(list.includes(`file ${"l".repeat(120)}/${"n".repeat(150)}`));
  assert.ok(list.includes(`symlink long-link -> /${"t".repeat(130)}`));
  assert.ok(list.indexOf("dir etc") < list.indexOf("file etc/hosts"));
  assert.ok(list.includes("fifo fifo"));
  const tops = list.filter((x) => !x.split(" ")[1]!.includes("/")).map((x) => x.split(" ")[1]!);
  assert.equal(tops, [...tops].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y))));
});

test("round trip: create then apply reproduces the tree (modes, owners, links, fifos)", async () => {
  const a = await dir();
  await featureTree(a);
  const l = await createLayerFromDir(store, a);
  const b = await dir();
  const r = await applyLayer(b, await store.openBlob(l.descriptor.digest));
  assert.ok(r.entries > 10);
  assert.equal(await snapshot(b), await snapshot(a));
});

test("GNU tar reads our layers and extracts the same tree", async () => {
  const a = await dir();
  await featureTree(a);
  const l = await createLayerFromDir(store, a);
  const b = await dir();
  execFileSync("tar", ["-xzf", store.blobPath(l.descriptor.digest), "-C", b, "--numeric-owner", "--same-permissions", "--xattrs", "--xattrs-include=*"]);
  assert.equal(await snapshot(b), await snapshot(a));
});

gated(test, { root: true, tools: ["getfattr", "setfattr", "mknod"] })("devices and xattrs (security.capability, user.*) survive a round trip", async () => {
  const a = await dir();
  execFileSync("mknod", [join(a, "null"), "c", "1", "3"]);
  execFileSync("mknod", [join(a, "loop9"), "b", "7", "9"]);
  await fs.writeFile(join(a, "ping"), "binary");
  // cap_net_raw+ep, VFS_CAP_REVISION_2 (linux/capability.h)
  execFileSync("setfattr", ["-n", "security.capability", "-v", "0x0000000202000000000000000000000000000000", join(a, "ping")]);
  execFileSync("setfattr", ["-n", "user.note", "-v", "hello", join(a, "ping")]);
  const l = await createLayerFromDir(store, a);
  const b = await dir();
  await applyLayer(b, await store.openBlob(l.descriptor.digest));
  const sa = await snapshot(a, { xattrs: true });
  assert.equal(await snapshot(b, { xattrs: true }), sa);
  assert.ok(sa.some((x) => x.includes("security.capability=0x0000000202")), sa.join("\n"));
  assert.ok(sa.some((x) => x.startsWith("null char")));
});

test("diff of two trees: additions, changes, deletions (whiteouts), dir replaced by file", async () => {
  const lower = await dir();
  await randomTree(lower, 30, 3000);
  await featureTree(lower);
  const upper = await dir();
  execFileSync("cp", ["-a", `${lower}/.`, upper]);
  await fs.rm(join(upper, "d1"), { recursive: true });
  await fs.rm(join(upper, "etc", "hosts"));
  await fs.writeFile(join(upper, "d2", "e0", "f2"), "changed content");
  await fs.writeFile(join(upper, "new-file"), "new");
  await fs.mkdir(join(upper, "d3", "new-dir", "x"), { recursive: true });
  await fs.rm(join(upper, "d4"), { recursive: true });
  await fs.writeFile(join(upper, "d4"), "was a dir");
  await fs.chmod(join(upper, "d5"), 0o700);
  const entries: LayerEntry[] = [];
  for await (const e of diffTrees(lower, upper)) entries.push(e);
  const paths = entries.map((e) => e.path);
  assert.ok(paths.includes(".wh.d1"));
  assert.ok(paths.includes("etc/.wh.hosts"));
  assert.ok(paths.includes("d2/e0/f2"));
  assert.ok(!paths.includes("d2/e1/f4"), "unchanged files are not in the diff");
  assert.ok(paths.includes("d4"));
  const l = await createLayer(store, entries);
  const applied = await dir();
  execFileSync("cp", ["-a", `${lower}/.`, applied]);
  await applyLayer(applied, await store.openBlob(l.descriptor.digest));
  assert.equal(await snapshot(applied), await snapshot(upper));
});

gated(test, { root: true, tools: ["getfattr", "mount", "umount"] })("an overlayfs upper dir becomes a layer with whiteouts and opaque dirs", async () => {
  const lower = await dir();
  await randomTree(lower, 20, 2000);
  await fs.writeFile(join(lower, "keep"), "keep");
  const upper = await dir();
  const workd = await dir();
  const merged = await dir();
  execFileSync("mount", ["-t", "overlay", "overlay", "-o", `lowerdir=${lower},upperdir=${upper},workdir=${workd}`, merged]);
  try {
    await fs.rm(join(merged, "d0"), { recursive: true });
    await fs.mkdir(join(merged, "d0")); // a dir deleted then re-created: opaque
    await fs.writeFile(join(merged, "d0", "only"), "fresh");
    await fs.rm(join(merged, "d1", "e1"), { recursive: true });
    await fs.writeFile(join(merged, "keep"), "changed");
    await fs.symlink("keep", join(merged, "link"));
  } finally {
    execFileSync("umount", [merged]);
  }
  const entries: LayerEntry[] = [];
  for await (const e of walkOverlayUpper(upper)) entries.push(e);
  const paths = entries.map((e) => e.path);
  assert.ok(paths.includes("d0/.wh..wh..opq"), paths.join(","));
  assert.ok(paths.includes("d1/.wh.e1"), paths.join(","));
  assert.ok(entries.every((e) => !Object.keys(e.xattrs ?? {}).some((k) => k.includes("overlay"))));
  const l = await createLayer(store, entries);
  // Applying the layer onto a copy of lower gives what the merged view showed.
  const applied = await dir();
  execFileSync("cp", ["-a", `${lower}/.`, applied]);
  await applyLayer(applied, await store.openBlob(l.descriptor.digest));
  execFileSync("mount", ["-t", "overlay", "overlay", "-o", `lowerdir=${upper}:${lower}`, merged]);
  try {
    assert.equal(await snapshot(applied), await snapshot(merged));
  } finally {
    execFileSync("umount", [merged]);
  }
});

test("walkTree skips the root and reports every entry once", async () => {
  const a = await dir();
  await randomTree(a, 25, 100);
  const seen: string[] = [];
  for await (const e of walkTree(a)) seen.push(e.path);
  assert.is(new Set(seen).size, seen.length);
  assert.is(seen.filter((p) => /\/f\d+$/.test(p)).length, 25);
});

test("readTar reads its source to the end after the end-of-archive marker (a verifying source gets to check)", async () => {
  const d = await dir();
  await fs.writeFile(join(d, "f"), "x");
  const l = await createLayerFromDir(store, d, { compression: "none" });
  const tar = await store.readBlob(l.descriptor.digest);
  const pulled: number[] = [];
  async function* source(): AsyncGenerator<Uint8Array> {
    // The archive, then trailing bytes a reader could stop before (as a compression trailer is).
    for (let i = 0; i < tar.length; i += 512) {
      pulled.push(i);
      yield tar.subarray(i, i + 512);
    }
    pulled.push(-1);
    yield Buffer.alloc(4096);
    pulled.push(-2);
  }
  const names: string[] = [];
  for await (const e of readTar(source())) names.push(e.header.path);
  assert.equal(names, ["f"]);
  assert.is(pulled[pulled.length - 1], -2, "the source ran to its end before readTar finished");
});

test("uncompressed layers have digest == diff_id", async () => {
  const a = await dir();
  await randomTree(a, 5, 1000);
  const l = await createLayerFromDir(store, a, { compression: "none" });
  assert.is(l.descriptor.digest, l.diffId);
  assert.is(l.descriptor.mediaType, "application/vnd.oci.image.layer.v1.tar");
});

test("a file that changed size after it was listed fails the layer, small (read at once) or large (streamed)", async () => {
  for (const size of [1000, 300 * 1024]) {
    for (const change of ["grew", "shrank"] as const) {
      const a = await dir();
      await fs.writeFile(join(a, "f"), Buffer.alloc(size, 1));
      const entries: LayerEntry[] = [];
      for await (const e of walkTree(a, { xattrs: false })) entries.push(e);
      await fs.writeFile(join(a, "f"), Buffer.alloc(change === "grew" ? size + 10 : size - 10, 1));
      try {
        await createLayer(store, entries);
        assert.unreachable(`${size} ${change}`);
      } catch (e) {
        assert.match((e as Error).message, new RegExp(`${change} while being archived`), `${size} ${change}`);
      }
    }
  }
  // Small and large files both round trip byte for byte.
  const b = await dir();
  await fs.writeFile(join(b, "small"), Buffer.from("x".repeat(100)));
  await fs.writeFile(join(b, "large"), Buffer.alloc(600 * 1024, 7));
  const l = await createLayerFromDir(store, b, { xattrs: false });
  const out = await dir();
  await applyLayer(out, await store.openBlob(l.descriptor.digest));
  assert.ok((await fs.readFile(join(out, "small"))).equals(Buffer.from("x".repeat(100))));
  assert.ok((await fs.readFile(join(out, "large"))).equals(Buffer.alloc(600 * 1024, 7)));
});

test("small layers (built in memory) and large ones (streamed) are the gzip of the same tar bytes", async () => {
  const { tarStream } = await import("../../runtime/image/layer.js");
  const { gzipSync, constants } = await import("node:zlib");
  for (const fileSize of [3000, 700 * 1024]) {
    const a = await dir();
    // Two files: a small tree stays under the 1 MiB in-memory limit, the large one crosses it mid-file.
    await fs.writeFile(join(a, "one"), Buffer.alloc(fileSize, 1));
    await fs.writeFile(join(a, "two"), Buffer.from(Array.from({ length: fileSize }, (_, i) => (i * 7) % 251)));
    const entries: LayerEntry[] = [];
    for await (const e of walkTree(a, { xattrs: false })) entries.push(e);
    const chunks: Uint8Array[] = [];
    for await (const c of tarStream(entries)) chunks.push(c);
    const tar = Buffer.concat(chunks);
    const l = await createLayer(store, entries);
    assert.is(l.diffId, digestOf(tar), `diff_id, ${fileSize}`);
    assert.is(l.uncompressedSize, tar.length);
    assert.is(l.descriptor.digest, digestOf(gzipSync(tar, { level: 6, chunkSize: 1 << 16, strategy: constants.Z_DEFAULT_STRATEGY })), `digest, ${fileSize}`);
    const plain = await createLayer(store, entries, { compression: "none" });
    assert.is(plain.descriptor.digest, digestOf(tar));
  }
});

test.after(async () => {
  await store.close();
  await fs.rm(work, { recursive: true, force: true });
});

test.run();
