// RUN steps in a container on this host: layers from the upper dir (whiteouts, no mount stubs), cache, failures, platforms.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as fs from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { Store } from "../../runtime/image/store.js";
import { BuildError } from "../../runtime/build/errors.js";
import { readImage, validateImage } from "../../runtime/image/manifest.js";
import { gated } from "../support/env.js";
import { buildSpec, ranSteps, unpackImage, writeTree } from "./buildKit.js";
import { defaultExecutors } from "../../runtime/build/executors.js";

const work = await fs.mkdtemp(join(tmpdir(), "vmspec-build-run-"));
let n = 0;
const fresh = (): string => join(work, `d${n++}`);
const run = gated(test, { root: true, tools: ["busybox", "gcc"] });

const BASE = 'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox", "--install", "-s", "/bin"]\n';

async function context(): Promise<string> {
  const ctx = fresh();
  await fs.mkdir(ctx);
  const bb = execFileSync("sh", ["-c", "command -v busybox"], { encoding: "utf8" }).trim();
  await fs.copyFile(bb, join(ctx, "busybox"));
  await fs.chmod(join(ctx, "busybox"), 0o755);
  return ctx;
}

run("RUN changes become a layer: new files, deletions as whiteouts, env and workdir, heredocs; no mount stubs", async () => {
  const store = await Store.open(fresh());
  const ctx = await context();
  const spec = `${BASE}ENV X=42\nWORKDIR /w\nRUN rm /bin/ls && echo "$X" > /greeting && pwd > here\nRUN <<EOF\necho from-heredoc > /h\nEOF\n`;
  const r = await buildSpec(store, ctx, spec);
  assert.equal(await validateImage(store, r.manifest, { deep: true }), []);
  const img = await readImage(store, r.manifest);
  const runLayer = img.layers[3]!;
  const listing = execFileSync("tar", ["-tzf", store.blobPath(runLayer.digest)], { encoding: "utf8" }).trim().split("\n");
  assert.ok(listing.includes("bin/.wh.ls"), listing.join(","));
  assert.ok(listing.includes("greeting"));
  const installLayer = execFileSync("tar", ["-tzf", store.blobPath(img.layers[1]!.digest)], { encoding: "utf8" }).trim().split("\n");
  assert.ok(!installLayer.some((p) => /^(dev|proc|sys)\//.test(p)), installLayer.filter((p) => !p.startsWith("bin/")).join(","));
  const dir = fresh();
  await unpackImage(store, r.manifest, dir);
  assert.is(await fs.readFile(join(dir, "greeting"), "utf8"), "42\n");
  assert.is(await fs.readFile(join(dir, "w", "here"), "utf8"), "/w\n");
  assert.is(await fs.readFile(join(dir, "h"), "utf8"), "from-heredoc\n");
  await assert.not.throws(() => fs.access(join(dir, "bin", "cat")));
  assert.is(await fs.lstat(join(dir, "bin", "ls")).catch(() => "gone"), "gone");
  // Rebuild: every step cached.
  const again = await buildSpec(store, ctx, spec);
  assert.is(again.manifest.digest, r.manifest.digest);
  assert.equal(ranSteps(again.events), ["FROM scratch"]);
  await store.close();
});

run("RUN mounts: bind from the context and a stage (ro, rw discarded), secrets never land in a layer, cache dirs persist", async () => {
  const store = await Store.open(fresh());
  const ctx = await context();
  await writeTree(ctx, { "data/in.txt": "from-context", "secret.txt": "s3cr3t" });
  const spec =
    BASE.replace("FROM scratch", "FROM scratch AS bb") +
    "FROM scratch AS other\nCOPY data/in.txt /stage.txt\n" +
    "FROM bb\n" +
    "RUN --mount=type=bind,source=data,target=/data cp /data/in.txt /copied.txt\n" +
    "RUN --mount=type=bind,from=other,source=/,target=/o,rw echo changed > /o/stage.txt && cp /o/stage.txt /rw.txt\n" +
    "RUN --mount=type=secret,id=tok test \"$(cat /run/secrets/tok)\" = s3cr3t && echo ok > /secret-ok\n" +
    "RUN --mount=type=secret,id=tok,env=TOK test \"$TOK\" = s3cr3t\n" +
    "RUN --mount=type=cache,target=/cache echo x >> /cache/log && wc -l < /cache/log > /count\n";
  const executors = defaultExecutors({ secrets: { tok: { file: join(ctx, "secret.txt") } } });
  const r = await buildSpec(store, ctx, spec, { executors });
  const dir = fresh();
  await unpackImage(store, r.manifest, dir);
  assert.is(await fs.readFile(join(dir, "copied.txt"), "utf8"), "from-context");
  assert.is(await fs.readFile(join(dir, "rw.txt"), "utf8"), "changed\n");
  assert.is(await fs.readFile(join(dir, "secret-ok"), "utf8"), "ok\n");
  assert.is(await fs.lstat(join(dir, "run")).catch(() => "absent"), "absent", "no /run/secrets stub in the image");
  assert.is(await fs.lstat(join(dir, "data")).catch(() => "absent"), "absent", "no bind mount stub in the image");
  const img = await readImage(store, r.manifest);
  for (const l of img.layers) {
    const bytes = execFileSync("sh", ["-c", `gzip -dc '${store.blobPath(l.digest)}' | grep -c s3cr3t || true`], { encoding: "utf8" }).trim();
    assert.is(bytes, "0", `secret found in layer ${l.digest}`);
  }
  // Changing bind-mounted content reruns that step; the cache mount keeps its content across runs.
  await fs.writeFile(join(ctx, "data", "in.txt"), "changed-context");
  const r2 = await buildSpec(store, ctx, spec, { executors });
  assert.ok(ranSteps(r2.events).some((s) => s.includes("cp /data/in.txt")), ranSteps(r2.events).join("\n"));
  const dir2 = fresh();
  await unpackImage(store, r2.manifest, dir2);
  assert.is(await fs.readFile(join(dir2, "copied.txt"), "utf8"), "changed-context");
  assert.is((await fs.readFile(join(dir2, "count"), "utf8")).trim(), "2");
  // A required secret that is not given fails clearly.
  try {
    await buildSpec(store, ctx, `${BASE}RUN --mount=type=secret,id=missing,required cat /run/secrets/missing\n`);
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /secret 'missing'/);
  }
  await store.close();
});

run("RUN layers keep xattrs and opaque dirs: reported by the built-in runtime, the same as read with getfattr (runc)", async () => {
  const ctx = await context();
  // A static setxattr(2) tool for the image (busybox has no setfattr applet).
  await fs.writeFile(
    join(ctx, "setx.c"),
    '#include <string.h>\n#include <sys/xattr.h>\nint main(int c, char **v) { return c == 4 && lsetxattr(v[1], v[2], v[3], strlen(v[3]), 0) == 0 ? 0 : 1; }\n',
  );
  execFileSync("gcc", ["-static", "-O2", "-o", join(ctx, "setx"), join(ctx, "setx.c")]);
  const spec =
    `${BASE}COPY setx /bin/setx\n` +
    "RUN mkdir -p /d/old && touch /d/old/f /keep\n" +
    // rm + mkdir of a lower dir: overlayfs marks the new dir opaque (trusted.overlay.opaque=y).
    "RUN rm -rf /d && mkdir /d && touch '/d/with space' && setx '/d/with space' user.note 'a b' && ln -s nowhere /d/link && setx /keep user.other x\n";
  const digests: string[] = [];
  for (const runtime of ["builtin", "runc"] as const) {
    const store = await Store.open(fresh());
    const r = await buildSpec(store, ctx, spec, { executors: defaultExecutors({ runtime }) });
    const img = await readImage(store, r.manifest);
    const last = img.layers[img.layers.length - 1]!;
    const headers = new Map<string, Record<string, Buffer> | undefined>();
    const { readTar } = await import("../../runtime/image/tarReader.js");
    const { decompress } = await import("../../runtime/image/compression.js");
    for await (const e of readTar(decompress(await store.openBlob(last.digest, last.size)))) headers.set(e.header.path, e.header.xattrs);
    assert.ok(headers.has("d/.wh..wh..opq"), `${runtime}: ${[...headers.keys()].join(",")}`);
    assert.is(headers.get("d/with space")?.["user.note"]?.toString(), "a b", runtime);
    assert.is(headers.get("keep")?.["user.other"]?.toString(), "x", runtime);
    assert.ok(![...headers.values()].some((x) => Object.keys(x ?? {}).some((k) => k.includes(".overlay."))), `${runtime}: overlayfs' own xattrs are dropped`);
    digests.push(last.digest);
    await store.close();
  }
  assert.is(digests[0], digests[1], "the built-in runtime's report and getfattr give the same layer");
});

run("a parent layer is unpacked for RUN only after its blob verified: a tampered blob fails the step and leaves no snapshot", async () => {
  const store = await Store.open(fresh());
  const ctx = await context();
  const base = await buildSpec(store, ctx, BASE);
  const img = await readImage(store, base.manifest);
  const unpacked = join(store.root, ".vmspec", "unpacked");
  await fs.rm(unpacked, { recursive: true, force: true });
  // Change one byte of busybox inside the first layer and re-gzip it: a valid archive whose
  // bytes no longer match the digest it is stored under.
  const { gunzipSync, gzipSync } = await import("node:zlib");
  const layer = img.layers[0]!;
  const tar = gunzipSync(await fs.readFile(store.blobPath(layer.digest)));
  tar[tar.length - 20_000] ^= 0xff;
  await fs.writeFile(store.blobPath(layer.digest), gzipSync(tar));
  try {
    await buildSpec(store, ctx, `${BASE}RUN true\n`, { noCache: true });
    assert.unreachable("built on a tampered layer");
  } catch (e) {
    assert.match(String(e), /digest|sha256/i);
  }
  assert.equal(await fs.readdir(unpacked).catch(() => []), []);
  await store.close();
});

run("independent stages run concurrently", async () => {
  const store = await Store.open(fresh());
  const ctx = await context();
  const spec =
    BASE.replace("FROM scratch", "FROM scratch AS bb") +
    "FROM bb AS a\nRUN sleep 1 && echo a > /a\n" +
    "FROM bb AS b\nRUN sleep 1 && echo b > /b\n" +
    "FROM scratch\nCOPY --from=a /a /a\nCOPY --from=b /b /b\n";
  const r = await buildSpec(store, ctx, spec);
  const ev = (stage: string, status: string): number => r.events.findIndex((e) => e.name.startsWith(`[${stage} `) && e.name.includes("sleep 1") && e.status === status);
  // Both RUN steps start before either finishes.
  assert.ok(ev("a", "start") >= 0 && ev("b", "start") >= 0);
  assert.ok(ev("a", "start") < ev("b", "done") && ev("b", "start") < ev("a", "done"), r.events.map((e) => `${e.status} ${e.name}`).join("\n"));
  await store.close();
});

run("without overlayfs, RUN copies the parent and diffs: same files, deletions as whiteouts", async () => {
  const store = await Store.open(fresh());
  const ctx = await context();
  const spec = `${BASE}RUN rm /bin/ls && mkdir -p /etc && echo diffed > /etc/motd\n`;
  process.env.VMSPEC_BUILD_NO_OVERLAY = "1";
  try {
    const r = await buildSpec(store, ctx, spec, { noCache: true });
    const img = await readImage(store, r.manifest);
    const listing = execFileSync("tar", ["-tzf", store.blobPath(img.layers[2]!.digest)], { encoding: "utf8" }).trim().split("\n");
    assert.ok(listing.includes("bin/.wh.ls"), listing.join(","));
    assert.ok(listing.includes("etc/motd"), listing.join(","));
    assert.ok(!listing.some((p) => /^bin\/(cat|sh)$/.test(p)), "unchanged files are not in the diff");
    assert.ok(!listing.some((p) => /^(dev|proc|sys)\//.test(p)), listing.join(","));
    const dir = fresh();
    await unpackImage(store, r.manifest, dir);
    assert.is(await fs.readFile(join(dir, "etc", "motd"), "utf8"), "diffed\n");
    assert.is(await fs.lstat(join(dir, "bin", "ls")).catch(() => "gone"), "gone");
  } finally {
    delete process.env.VMSPEC_BUILD_NO_OVERLAY;
  }
  await store.close();
});

run("a failing RUN reports its exit code and the tail of its output", async () => {
  const store = await Store.open(fresh());
  const ctx = await context();
  try {
    await buildSpec(store, ctx, `${BASE}RUN echo line-one && echo to-stderr >&2 && exit 3\n`);
    assert.unreachable();
  } catch (e) {
    assert.instance(e, BuildError);
    assert.is((e as BuildError).code, "BUILD_RUN_FAILED");
    assert.match((e as Error).message, /exit code 3/);
    assert.match((e as Error).message, /line-one/);
    assert.match((e as Error).message, /to-stderr/);
  }
  assert.ok((await store.verify()).ok);
  await store.close();
});

test("RUN in a foreign-architecture stage is rejected with a clear message", async () => {
  const store = await Store.open(fresh());
  const ctx = fresh();
  await fs.mkdir(ctx);
  const foreign = process.arch === "riscv64" ? "amd64" : "riscv64";
  try {
    await buildSpec(store, ctx, `FROM --platform=linux/${foreign} scratch\nRUN true\n`);
    assert.unreachable();
  } catch (e) {
    assert.instance(e, BuildError);
    assert.is((e as BuildError).code, "BUILD_UNSUPPORTED");
    assert.match((e as Error).message, new RegExp(`linux/${foreign}`));
  }
  await store.close();
});

test.after(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

test.run();
