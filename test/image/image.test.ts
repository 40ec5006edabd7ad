// Images: config/manifest mutation, validation, reproducibility, OCI layout and docker archive import/export, real OCI tools.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as fs from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { Store } from "../../runtime/image/store.js";
import { appendLayer, readImage, scratchImage, updateConfig, validateImage, writeImage } from "../../runtime/image/manifest.js";
import { createLayerFromDir } from "../../runtime/image/layer.js";
import { containerConfigFromIr, machineFromLabels } from "../../runtime/image/config.js";
import { exportLayout, importLayout } from "../../runtime/image/layout.js";
import { exportDockerArchive, importDockerArchive } from "../../runtime/image/dockerArchive.js";
import { applyLayer } from "../../runtime/image/extract.js";
import { DigestMismatchError } from "../../runtime/image/errors.js";
import { gated } from "../support/env.js";
import { machine, randomImage, writeValid } from "./imageKit.js";
import { snapshot } from "./treeKit.js";

const work = await fs.mkdtemp(join(tmpdir(), "vmspec-image-"));
let n = 0;
const fresh = (): string => join(work, `d${n++}`);

/** Applies every layer of an image from the store onto a fresh dir. */
async function unpack(store: Store, desc: Parameters<typeof readImage>[1]): Promise<string> {
  const img = await readImage(store, desc);
  const dir = fresh();
  await fs.mkdir(dir);
  for (const l of img.layers) await applyLayer(dir, await store.openBlob(l.digest, l.size));
  return dir;
}

test("mutation returns new images and validateImage accepts each step; config fields land", async () => {
  const store = await Store.open(fresh());
  const { desc, image } = await randomImage(store, fresh(), 3, 1);
  const img = await readImage(store, desc);
  assert.is(img.layers.length, 3);
  assert.is(img.config.rootfs.diff_ids.length, 3);
  assert.is(img.config.history!.length, 7);
  assert.is(img.config.history!.filter((h) => h.empty_layer).length, 4);
  assert.equal(img.config.config!.Env, ["STEP0=1", "STEP1=1", "STEP2=1"]);
  assert.equal(img.config.config!.Cmd, ["/bin/sh"]);
  assert.equal(machineFromLabels(img.config.config!.Labels), machine);
  assert.is(img.annotations["dev.vmspec.machine.cpus"], "2");
  assert.is(img.config.config!.Labels!["dev.vmspec.machine.ports"], "8080:80/tcp");
  // The original value was not mutated by later steps.
  const earlier = updateConfig(image, (c) => ({ ...c, Cmd: ["other"] }));
  assert.equal(image.config.config!.Cmd, ["/bin/sh"]);
  assert.equal(earlier.config.config!.Cmd, ["other"]);
  await store.close();
});

test("validateImage catches a wrong diff_id and a missing layer", async () => {
  const store = await Store.open(fresh());
  const t = fresh();
  await fs.mkdir(t);
  await fs.writeFile(join(t, "f"), "x");
  const layer = await createLayerFromDir(store, t);
  let img = appendLayer(scratchImage({ os: "linux", architecture: "amd64" }), layer, { createdBy: "x" });
  const bad = { ...img, config: { ...img.config, rootfs: { type: "layers" as const, diff_ids: [layer.descriptor.digest] } } };
  const { manifest } = await writeImage(store, bad);
  const problems = await validateImage(store, manifest, { deep: true });
  assert.is(problems.length, 1);
  assert.match(problems[0]!, /decompresses to/);
  img = { ...img, layers: [{ ...layer.descriptor, digest: `sha256:${"0".repeat(64)}` }] };
  const m2 = await writeImage(store, img);
  assert.match((await validateImage(store, m2.manifest)).join("\n"), /not found/);
  await store.close();
});

test("IR image config maps to the OCI config (healthcheck as Docker's extension)", () => {
  const c = containerConfigFromIr({
    env: ["A=1"],
    cmd: ["run"],
    entrypoint: null,
    workdir: "/app",
    user: "1000:1000",
    exposedPorts: ["80/tcp", "53/udp"],
    volumes: ["/data"],
    labels: { a: "b" },
    stopSignal: "SIGTERM",
    healthcheck: { test: ["CMD", "true"], interval: 30e9, timeout: 0, startPeriod: 0, startInterval: 0, retries: 3 },
    shell: ["/bin/sh", "-c"],
    onBuild: [],
  });
  assert.equal(c, {
    User: "1000:1000",
    ExposedPorts: { "53/udp": {}, "80/tcp": {} },
    Env: ["A=1"],
    Cmd: ["run"],
    Volumes: { "/data": {} },
    WorkingDir: "/app",
    Labels: { a: "b" },
    StopSignal: "SIGTERM",
    Healthcheck: { Test: ["CMD", "true"], Interval: 30e9, Retries: 3 },
  });
});

test("reproducible: the same trees built into two empty stores give the same image digest", async () => {
  const a = await Store.open(fresh());
  const b = await Store.open(fresh());
  const src = fresh();
  const r1 = await randomImage(a, src, 2, 7, { features: true });
  const r2 = await randomImage(b, src, 2, 7, { trees: r1.trees });
  assert.is(r2.desc.digest, r1.desc.digest);
  // The blobs themselves are byte-identical.
  for (const d of await a.referencedBlobs(r1.desc)) assert.ok((await a.readBlob(d)).equals(await b.readBlob(d)));
  await a.close();
  await b.close();
});

test("OCI layout export → import round trip keeps digests; the unpacked tree matches", async () => {
  const store = await Store.open(fresh());
  const { desc, trees } = await randomImage(store, fresh(), 2, 3, { features: true });
  const out = fresh();
  await exportLayout(store, desc, out, "v1");
  await fs.access(join(out, "oci-layout"));
  await assert.not.throws(async () => fs.access(join(out, ".vmspec")).then(() => assert.unreachable(".vmspec left behind"), () => undefined));
  const other = await Store.open(fresh());
  const img = await importLayout(other, out, "v1");
  assert.is(img.manifestDescriptor.digest, desc.digest);
  const dir = await unpack(other, img.manifestDescriptor);
  const expected = fresh();
  await fs.mkdir(expected);
  for (const t of trees) execFileSync("cp", ["-a", `${t}/.`, expected]);
  assert.equal(await snapshot(dir), await snapshot(expected));
  await store.close();
  await other.close();
});

test("importing a layout with a tampered blob fails with a digest mismatch", async () => {
  const store = await Store.open(fresh());
  const { desc } = await randomImage(store, fresh(), 1, 4);
  const out = fresh();
  await exportLayout(store, desc, out, "latest");
  const img = await readImage(store, desc);
  const victim = join(out, "blobs", "sha256", img.layers[0]!.digest.slice(7));
  const bytes = await fs.readFile(victim);
  bytes[bytes.length - 10] ^= 0xff;
  await fs.writeFile(victim, bytes);
  const other = await Store.open(fresh());
  try {
    await importLayout(other, out, "latest");
    assert.unreachable();
  } catch (e) {
    assert.instance(e, DigestMismatchError);
  }
  assert.is((await other.verify()).ok, true);
  await store.close();
  await other.close();
});

test("docker archive export → import keeps config and diff_ids; tampered layers are refused", async () => {
  const store = await Store.open(fresh());
  const { desc } = await randomImage(store, fresh(), 2, 5, { features: true });
  const archive = join(work, "img.tar");
  await exportDockerArchive(store, desc, ["example/app:1"], archive);
  const listing = execFileSync("tar", ["-tf", archive], { encoding: "utf8" }).trim().split("\n");
  assert.ok(listing.includes("manifest.json"));
  const other = await Store.open(fresh());
  const [imp] = await importDockerArchive(other, archive);
  const orig = await readImage(store, desc);
  assert.equal(imp!.repoTags, ["example/app:1"]);
  assert.is(imp!.image.configDescriptor.digest, orig.configDescriptor.digest);
  assert.equal(imp!.image.config.rootfs.diff_ids, orig.config.rootfs.diff_ids);
  assert.equal(await validateImage(other, imp!.image.manifestDescriptor, { deep: true }), []);
  // Same archive again: byte-identical (pure function of image + tags).
  const again = join(work, "img2.tar");
  await exportDockerArchive(store, desc, ["example/app:1"], again);
  assert.ok((await fs.readFile(archive)).equals(await fs.readFile(again)));
  // Flip a byte inside a layer.tar: import must fail.
  const dir = fresh();
  await fs.mkdir(dir);
  execFileSync("tar", ["-xf", archive, "-C", dir]);
  const layerTar = listing.find((l) => l.endsWith("layer.tar"))!;
  const lb = await fs.readFile(join(dir, layerTar));
  lb[600] ^= 0x01;
  await fs.writeFile(join(dir, layerTar), lb);
  const bad = join(work, "bad.tar");
  execFileSync("tar", ["-cf", bad, "-C", dir, "."]);
  try {
    await importDockerArchive(other, bad);
    assert.unreachable();
  } catch (e) {
    assert.instance(e, DigestMismatchError);
  }
  await store.close();
  await other.close();
});

const tools = gated(test, { tools: ["skopeo", "umoci"] });

tools("skopeo inspects and copies the store and exports; umoci unpacks the same tree", async () => {
  const store = await Store.open(fresh());
  const { desc, trees } = await randomImage(store, fresh(), 2, 9, { features: true });
  await store.tag("example/app:v1", desc);
  const inspect = JSON.parse(execFileSync("skopeo", ["inspect", `oci:${store.root}:example/app:v1`], { encoding: "utf8" })) as { Digest: string; Layers: string[]; Env: string[]; Labels: Record<string, string> };
  assert.is(inspect.Digest, desc.digest);
  assert.is(inspect.Layers.length, 2);
  assert.equal(inspect.Env, ["STEP0=9", "STEP1=9"]);
  assert.is(inspect.Labels["dev.vmspec.machine.launch"], "container");
  const copy = fresh();
  execFileSync("skopeo", ["copy", "-q", `oci:${store.root}:example/app:v1`, `oci:${copy}:copied`]);
  const other = await Store.open(fresh());
  const imp = await importLayout(other, copy, "copied");
  assert.equal(await validateImage(other, imp.manifestDescriptor, { deep: true }), []);
  // umoci unpacks our export into the same tree our own extractor produces.
  const out = fresh();
  await exportLayout(store, desc, out, "latest");
  const bundle = fresh();
  execFileSync("umoci", ["unpack", "--image", `${out}:latest`, bundle], { stdio: "pipe" });
  const expected = fresh();
  await fs.mkdir(expected);
  for (const t of trees) execFileSync("cp", ["-a", `${t}/.`, expected]);
  assert.equal(await snapshot(join(bundle, "rootfs")), await snapshot(expected));
  // skopeo reads our docker archive too.
  const archive = join(work, "skopeo.tar");
  await exportDockerArchive(store, desc, ["example/app:v1"], archive);
  const di = JSON.parse(execFileSync("skopeo", ["inspect", `docker-archive:${archive}`], { encoding: "utf8" })) as { Layers: string[] };
  assert.is(di.Layers.length, 2);
  const fromArchive = fresh();
  execFileSync("skopeo", ["copy", "-q", `docker-archive:${archive}`, `oci:${fromArchive}:x`]);
  await store.close();
  await other.close();
});

test.after(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

test.run();
