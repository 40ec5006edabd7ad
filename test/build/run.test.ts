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
import { buildSpec, ranSteps, unpackImage } from "./buildKit.js";

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
