// PACKAGES steps in builds (real Debian archive): merged-/usr bases keep their links.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as fs from "node:fs/promises";
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { execa } from "execa";
import { Store } from "../../runtime/image/store.js";
import { readImage } from "../../runtime/image/manifest.js";
import { hostArch } from "../../runtime/build/executors.js";
import { gated } from "../support/env.js";
import { unpackImage } from "./buildKit.js";

const root = new URL("../../../", import.meta.url).pathname;
const bin = join(root, "bin", "vmspec.js");
const work = await fs.mkdtemp(join(tmpdir(), "vmspec-build-packages-"));
// .debs and indices are cached across the tests of a run (and runs) in one directory.
const pkgCache = join(tmpdir(), "vmspec-build-packages-cache");
mkdirSync(pkgCache, { recursive: true });
let n = 0;
const fresh = (): string => join(work, `d${n++}`);
const net = gated(test, { tools: ["gpgv"] });
const arch = hostArch();

/** Writes `spec` as `DIR/app.vmspec` (and `lock` as its `app.vmspec.lock`), returns the spec path. */
async function specFile(spec: string, lock?: string): Promise<string> {
  const dir = fresh();
  await fs.mkdir(dir, { recursive: true });
  const p = join(dir, "app.vmspec");
  await fs.writeFile(p, spec);
  if (lock !== undefined) await fs.writeFile(`${p}.lock`, lock);
  return p;
}

async function vmspecBuild(specPath: string, storeDir: string, extra: string[] = []): Promise<{ exitCode: number; digest: string; stderr: string }> {
  const r = await execa("node", [bin, "build", "--store", storeDir, "--progress", "plain", ...extra, specPath], { reject: false, cwd: root, env: { VMSPEC_CACHE: pkgCache } });
  return { exitCode: r.exitCode ?? -1, digest: r.stdout.trim(), stderr: r.stderr };
}

/** The Version of `pkg` in the image's dpkg status, or undefined. */
async function statusVersion(dir: string, pkg: string): Promise<string | undefined> {
  const status = await fs.readFile(join(dir, "var/lib/dpkg/status"), "utf8");
  const stanza = status.split("\n\n").find((s) => s.startsWith(`Package: ${pkg}\n`));
  return stanza?.match(/^Version: (.*)$/m)?.[1];
}

net("PACKAGES on a merged-/usr base (trixie base-files): /bin stays a symlink, a bookworm package's /bin files land in /usr/bin", async () => {
  // trixie's base-files ships bin -> usr/bin; bookworm's busybox-static ships /bin/busybox.
  const spec = await specFile("FROM scratch\nPACKAGES --distro=debian:trixie base-files\nPACKAGES --distro=debian:bookworm busybox-static\n");
  const storeDir = fresh();
  const r = await vmspecBuild(spec, storeDir);
  assert.is(r.exitCode, 0, r.stderr);
  const store = await Store.open(storeDir);
  const desc = (await store.resolve(r.digest)).descriptor;
  const img = await readImage(store, desc);
  const top = execFileSync("tar", ["-tzf", store.blobPath(img.layers.at(-1)!.digest)], { encoding: "utf8" }).trim().split("\n");
  assert.ok(top.includes("usr/bin/busybox"), top.slice(0, 20).join(","));
  assert.ok(!top.some((p) => p.startsWith("bin/")), `the layer has a real bin/ directory: ${top.filter((p) => p.startsWith("bin/")).join(",")}`);
  const dir = fresh();
  await unpackImage(store, desc, dir);
  assert.ok((await fs.lstat(join(dir, "bin"))).isSymbolicLink(), "/bin must stay a symlink");
  assert.is(await fs.readlink(join(dir, "bin")), "usr/bin");
  // The new binary and the base's binaries are both reachable through /bin.
  assert.ok((await fs.stat(join(dir, "bin", "busybox"))).isFile());
  assert.ok((await fs.stat(join(dir, "usr", "bin", "busybox"))).isFile());
  assert.ok((await fs.lstat(join(dir, "bin", "mawk")).catch(() => undefined)) !== undefined, "base's /usr/bin/mawk reachable as /bin/mawk");
  // dpkg knows both layers' packages.
  assert.ok((await statusVersion(dir, "base-files")) !== undefined);
  assert.ok((await statusVersion(dir, "busybox-static")) !== undefined);
  await store.close();
});

test.after(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

test.run();
