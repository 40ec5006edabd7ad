// Builds end to end: cache behaviour, multi-stage targets, reproducibility, bases, config merge, outputs, the CLI, a killed build.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as fs from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { execa } from "execa";
import { Store } from "../../runtime/image/store.js";
import { BuildError } from "../../runtime/build/errors.js";
import { readImage, validateImage } from "../../runtime/image/manifest.js";
import { exportLayout } from "../../runtime/image/layout.js";
import { exportDockerArchive } from "../../runtime/image/dockerArchive.js";
import { machineFromLabels } from "../../runtime/image/config.js";
import { gated } from "../support/env.js";
import { buildSpec, ranSteps, unpackImage, writeTree } from "./buildKit.js";

const bin = new URL("../../../bin/vmspec.js", import.meta.url).pathname;
const work = await fs.mkdtemp(join(tmpdir(), "vmspec-build-"));
let n = 0;
const fresh = (): string => join(work, `d${n++}`);
const newStore = (): Promise<Store> => Store.open(fresh());

test("cache: a rebuild is fully cached; a change reruns exactly the dependent steps; --link survives", async () => {
  const store = await newStore();
  const ctx = fresh();
  await writeTree(ctx, { a: "a", b: "b", c: "c" });
  const spec = "FROM scratch\nCOPY a /a\nCOPY b /b\nCOPY --link c /c\nWORKDIR /w\nENV X=1\n";
  const r1 = await buildSpec(store, ctx, spec);
  assert.equal(ranSteps(r1.events), ["FROM scratch", "COPY a /a", "COPY b /b", "COPY --link c /c", "WORKDIR /w"]);
  const r2 = await buildSpec(store, ctx, spec);
  assert.is(r2.manifest.digest, r1.manifest.digest);
  assert.equal(ranSteps(r2.events), ["FROM scratch"]);
  assert.is(r2.cached, 4);
  await fs.writeFile(join(ctx, "b"), "b2");
  const r3 = await buildSpec(store, ctx, spec);
  assert.equal(ranSteps(r3.events), ["FROM scratch", "COPY b /b", "WORKDIR /w"]);
  assert.is.not(r3.manifest.digest, r1.manifest.digest);
  const r4 = await buildSpec(store, ctx, spec, { noCache: true });
  assert.is(r4.cached, 0);
  assert.is(r4.manifest.digest, r3.manifest.digest);
  await store.close();
});

test("multi-stage: only what the target needs is built; COPY --from a stage", async () => {
  const store = await newStore();
  const ctx = fresh();
  await writeTree(ctx, { "src/x": "x" });
  const spec = "FROM scratch AS unused\nCOPY does-not-exist /\n\nFROM scratch AS builder\nCOPY src /out/\n\nFROM scratch\nCOPY --from=builder /out/x /x\nCMD [\"/x\"]\n";
  const r = await buildSpec(store, ctx, spec);
  assert.ok(!r.events.some((e) => e.name.includes("does-not-exist")));
  const dir = fresh();
  await unpackImage(store, r.manifest, dir);
  assert.is(await fs.readFile(join(dir, "x"), "utf8"), "x");
  try {
    await buildSpec(store, ctx, spec, { target: "unused" });
    assert.unreachable();
  } catch (e) {
    assert.instance(e, BuildError);
    assert.is((e as BuildError).code, "BUILD_SOURCE_NOT_FOUND");
    assert.ok((e as BuildError).op, "the error names the op");
  }
  await store.close();
});

test("reproducible: the same spec and context in two empty stores give the same image digest", async () => {
  const ctx = fresh();
  await writeTree(ctx, { "app/main": randomBytes(5000), "app/etc/conf": "k=v\n", "README": "r" });
  const spec = "FROM scratch AS b\nCOPY app /app/\nFROM scratch\nCOPY --from=b /app /app\nCOPY README /\nWORKDIR /app\nENV A=1 B=2\nEXPOSE 80\nLABEL x=y\nCMD [\"/app/main\"]\nMACHINE cpus=2 memory=1G\n";
  const s1 = await newStore();
  const s2 = await newStore();
  const r1 = await buildSpec(s1, ctx, spec);
  const r2 = await buildSpec(s2, ctx, spec);
  assert.is(r1.manifest.digest, r2.manifest.digest);
  const img = await readImage(s1, r1.manifest);
  assert.equal(img.config.config?.Env, ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "A=1", "B=2"]);
  assert.equal(img.config.config?.ExposedPorts, { "80/tcp": {} });
  assert.is(machineFromLabels(img.config.config?.Labels)?.cpus, 2);
  assert.is(img.annotations["dev.vmspec.machine.memory"], String(1024 ** 3));
  assert.equal(await validateImage(s1, r1.manifest, { deep: true }), []);
  await s1.close();
  await s2.close();
});

test("bases: the store by tag, --build-context oci-layout:// and docker-archive://; config inherited; registries refused", async () => {
  const store = await newStore();
  const ctx = fresh();
  await writeTree(ctx, { "etc/passwd": "root:x:0:0::/root:/bin/sh\n", f: "f" });
  const base = await buildSpec(store, ctx, "FROM scratch\nCOPY etc /etc/\nENV PATH=/custom/bin HOME=/root\nCMD [\"base-cmd\"]\nLABEL from=base\n");
  await store.tag("example/base:1", base.manifest);
  const child = "FROM example/base:1\nCOPY f /f\nENV A=1\nENTRYPOINT [\"/entry\"]\n";
  const r = await buildSpec(store, ctx, child);
  const img = await readImage(store, r.manifest);
  assert.equal(img.config.config?.Env, ["PATH=/custom/bin", "HOME=/root", "A=1"]);
  assert.equal(img.config.config?.Entrypoint, ["/entry"]);
  assert.is(img.config.config?.Cmd, undefined, "ENTRYPOINT resets the base CMD");
  assert.is(img.config.config?.Labels?.from, "base");
  assert.is(img.layers.length, 2);
  assert.is(img.layers[0]!.digest, (await readImage(store, base.manifest)).layers[0]!.digest);
  // The same base from an OCI layout and from a docker archive, into fresh stores.
  const layout = fresh();
  await exportLayout(store, base.manifest, layout, "v1");
  const archive = join(work, "base.tar");
  await exportDockerArchive(store, base.manifest, ["example/base:1"], archive);
  for (const value of [`oci-layout://${layout}:v1`, `docker-archive://${archive}`]) {
    const other = await newStore();
    const r2 = await buildSpec(other, ctx, child, { buildContexts: { "example/base:1": value } });
    assert.is(r2.manifest.digest, r.manifest.digest, value);
    await other.close();
  }
  try {
    await buildSpec(store, ctx, "FROM debian:bookworm\nCOPY f /f\n");
    assert.unreachable();
  } catch (e) {
    assert.instance(e, BuildError);
    assert.is((e as BuildError).code, "BUILD_BASE_NOT_FOUND");
    assert.match((e as Error).message, /not supported yet/);
  }
  await store.close();
});

test("vmspec build: tags, outputs, progress, exit codes and file:line of a failing step", async () => {
  const ctx = fresh();
  await writeTree(ctx, { "Dockerfile": "FROM scratch\nCOPY hello /hello\nCMD [\"/hello\"]\n", hello: "hi" });
  const storeDir = fresh();
  const oci = fresh();
  const tar = join(work, "out.tar");
  let r = await execa("node", [bin, "build", "--store", storeDir, "-t", "demo:1", "--output", `type=oci,dest=${oci}`, "--output", `type=docker,dest=${tar}`, "--progress", "plain", ctx], { reject: false });
  assert.is(r.exitCode, 0, r.stderr);
  assert.match(r.stdout.trim(), /^sha256:[0-9a-f]{64}$/);
  assert.match(r.stderr, /#2 \[stage-0 2\/2\] COPY hello \/hello\n#2 DONE/);
  const digest = r.stdout.trim();
  r = await execa("node", [bin, "build", "--store", storeDir, "-t", "demo:1", "--progress", "json", ctx], { reject: false });
  assert.is(r.stdout.trim(), digest);
  assert.ok(r.stderr.split("\n").filter(Boolean).map((l) => JSON.parse(l) as { status: string }).some((e) => e.status === "cached"));
  const layout = JSON.parse(await fs.readFile(join(oci, "index.json"), "utf8")) as { manifests: { digest: string; annotations: Record<string, string> }[] };
  assert.is(layout.manifests[0]!.digest, digest);
  assert.is(layout.manifests[0]!.annotations["org.opencontainers.image.ref.name"], "1");
  assert.match(execFileSync("tar", ["-tf", tar], { encoding: "utf8" }), /manifest\.json/);
  await fs.writeFile(join(ctx, "Dockerfile"), "FROM scratch\n\nCOPY missing /x\n");
  r = await execa("node", [bin, "build", "--store", storeDir, "--progress", "quiet", ctx], { reject: false });
  assert.is(r.exitCode, 1);
  assert.match(r.stderr, /Dockerfile:3: error: 'missing' not found in the build context \[BUILD_SOURCE_NOT_FOUND\]/);
  r = await execa("node", [bin, "build", "--store", storeDir, "--bogus", ctx], { reject: false });
  assert.is(r.exitCode, 2);
});

gated(test, { tools: ["skopeo"] })("skopeo reads the build outputs", async () => {
  const ctx = fresh();
  await writeTree(ctx, { "Dockerfile": "FROM scratch\nCOPY a /a\nENV K=V\n", a: "a" });
  const oci = fresh();
  const tar = join(work, "sk.tar");
  const r = await execa("node", [bin, "build", "--store", fresh(), "-t", "sk", "--output", `type=oci,dest=${oci}`, "--output", `type=docker,dest=${tar}`, "--progress", "quiet", ctx], { reject: false });
  assert.is(r.exitCode, 0, r.stderr);
  const i1 = JSON.parse(execFileSync("skopeo", ["inspect", `oci:${oci}:latest`], { encoding: "utf8" })) as { Env: string[]; Digest: string };
  assert.ok(i1.Env.includes("K=V"));
  assert.is(i1.Digest, r.stdout.trim());
  const i2 = JSON.parse(execFileSync("skopeo", ["inspect", `docker-archive:${tar}`], { encoding: "utf8" })) as { Layers: string[] };
  assert.is(i2.Layers.length, 1);
});

test("concurrent builds into one store all succeed and leave it consistent", async () => {
  const storeDir = fresh();
  const ctxs: string[] = [];
  for (let i = 0; i < 3; i++) {
    const ctx = fresh();
    // Shared first step (same cache key in every build), then a build-specific one.
    await writeTree(ctx, { "Dockerfile": `FROM scratch\nCOPY shared /shared\nCOPY own /own\nENV N=${i}\n`, shared: "same in all", own: `build ${i}` });
    ctxs.push(ctx);
  }
  const rs = await Promise.all(ctxs.map((c, i) => execa("node", [bin, "build", "--store", storeDir, "-t", `c${i}`, "--progress", "quiet", c], { reject: false })));
  for (const r of rs) assert.is(r.exitCode, 0, r.stderr);
  const store = await Store.open(storeDir);
  assert.equal((await store.listImages()).map((i) => i.name).sort(), ["c0:latest", "c1:latest", "c2:latest"]);
  const v = await store.verify();
  assert.ok(v.ok, JSON.stringify(v.problems));
  assert.is(v.unreferenced, 0);
  await store.close();
});

test("the cached IR is invalidated when the spec or an INCLUDEd file changes", async () => {
  const ctx = fresh();
  await writeTree(ctx, { "app.vmspec": "FROM scratch\nINCLUDE parts/env.inc\nCOPY f /f\n", "parts/env.inc": "ENV PART=one\n", f: "f" });
  const storeDir = fresh();
  const envOf = async (): Promise<string[]> => {
    const r = await execa("node", [bin, "build", "--store", storeDir, "-t", "inc", "--progress", "quiet", join(ctx, "app.vmspec")], { reject: false });
    assert.is(r.exitCode, 0, r.stderr);
    const store = await Store.open(storeDir);
    const img = await readImage(store, (await store.resolve("inc")).descriptor);
    await store.close();
    return img.config.config?.Env ?? [];
  };
  assert.ok((await envOf()).includes("PART=one"));
  assert.ok((await envOf()).includes("PART=one"));
  await fs.writeFile(join(ctx, "parts", "env.inc"), "ENV PART=two\n");
  assert.ok((await envOf()).includes("PART=two"));
  await fs.writeFile(join(ctx, "app.vmspec"), "FROM scratch\nINCLUDE parts/env.inc\nCOPY f /f\nENV MORE=1\n");
  const env = await envOf();
  assert.ok(env.includes("PART=two") && env.includes("MORE=1"), env.join(","));
});

test("ONBUILD triggers are recorded, run right after a child's FROM, and not inherited further", async () => {
  const ctx = fresh();
  await writeTree(ctx, {
    "base.vmspec": "FROM scratch\nCOPY f /base-f\nONBUILD COPY f /from-trigger\nONBUILD ENV TRIG=1\n",
    "child.vmspec": "FROM ob/base\nCOPY f /child-f\n",
    "grandchild.vmspec": "FROM ob/child\nCOPY f /gc-f\n",
    f: "f",
  });
  const storeDir = fresh();
  const b = async (spec: string, tag: string): Promise<string> => {
    const r = await execa("node", [bin, "build", "--store", storeDir, "-t", tag, "--progress", "plain", join(ctx, spec)], { reject: false });
    assert.is(r.exitCode, 0, r.stderr);
    return r.stderr;
  };
  await b("base.vmspec", "ob/base");
  const log = await b("child.vmspec", "ob/child");
  assert.match(log, /ONBUILD triggers of ob\/base: COPY f \/from-trigger; ENV TRIG=1/);
  await b("grandchild.vmspec", "ob/gc");
  const store = await Store.open(storeDir);
  const base = await readImage(store, (await store.resolve("ob/base")).descriptor);
  assert.equal(base.config.config?.OnBuild, ["COPY f /from-trigger", "ENV TRIG=1"]);
  const child = await readImage(store, (await store.resolve("ob/child")).descriptor);
  assert.ok(child.config.config?.Env?.includes("TRIG=1"));
  assert.is(child.config.config?.OnBuild, undefined);
  assert.equal(child.config.history?.map((h) => h.created_by), ["COPY f /base-f", "COPY f /from-trigger", "COPY f /child-f"]);
  const gc = await readImage(store, (await store.resolve("ob/gc")).descriptor);
  assert.is(gc.layers.length, 4, "the grandchild does not run the triggers again");
  const dir = fresh();
  await unpackImage(store, (await store.resolve("ob/child")).descriptor, dir);
  assert.is(await fs.readFile(join(dir, "from-trigger"), "utf8"), "f");
  await store.close();
});

test("a build killed mid-way leaves the store consistent (store verify) and the next build works", async () => {
  const ctx = fresh();
  await writeTree(ctx, { "Dockerfile": "FROM scratch\nCOPY big /big\nCOPY small /small\n", small: "s" });
  await fs.writeFile(join(ctx, "big"), randomBytes(40 * 1024 * 1024));
  const storeDir = fresh();
  const c = spawn("node", [bin, "build", "--store", storeDir, "--progress", "plain", ctx], { stdio: ["ignore", "ignore", "pipe"] });
  await new Promise<void>((resolve) => {
    let err = "";
    c.stderr.on("data", (d: Buffer) => {
      err += d.toString();
      if (err.includes("COPY big")) resolve();
    });
    c.on("exit", () => resolve());
  });
  await new Promise((r) => setTimeout(r, 150));
  const exited = c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise((r) => c.on("exit", r));
  c.kill("SIGKILL");
  await exited;
  const v = await execa("node", [bin, "store", "verify", "--store", storeDir], { reject: false });
  assert.is(v.exitCode, 0, v.stdout + v.stderr);
  const b = await execa("node", [bin, "build", "--store", storeDir, "-t", "after", "--progress", "quiet", ctx], { reject: false });
  assert.is(b.exitCode, 0, b.stderr);
  const p = await execa("node", [bin, "prune", "--store", storeDir], { reject: false });
  assert.is(p.exitCode, 0);
  const v2 = await execa("node", [bin, "store", "verify", "--store", storeDir, "--format", "json"], { reject: false });
  const rep = JSON.parse(v2.stdout) as { ok: boolean; tempFiles: number; unreferenced: number };
  assert.equal([rep.ok, rep.tempFiles, rep.unreferenced], [true, 0, 0]);
});

test.after(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

test.run();
