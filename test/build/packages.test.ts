// PACKAGES steps in builds (real Debian archive): merged-/usr bases keep their links, SPEC.lock pins the set, --frozen-lockfile, lockfile errors.
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
import { formatLockfile, lockEntry, makeLockfile, resolvePackages, type LockedPackage } from "../../runtime/packages/index.js";
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

async function resolved(suite: string, name: string): Promise<LockedPackage> {
  const [p] = await resolvePackages({ distro: "debian", suite, arch, packages: [{ name }] }, { cacheDir: pkgCache });
  return p!;
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

net("SPEC.lock is used by default: the locked .deb is installed, not what the resolver would choose", async () => {
  // Lock the bookworm op to trixie's busybox-static (the pool is shared, so it is a valid, verifiable .deb).
  const bookworm = await resolved("bookworm", "busybox-static");
  const trixie = await resolved("trixie", "busybox-static");
  assert.is.not(trixie.version, bookworm.version, "the two suites must differ for this test to mean anything");
  const lock = makeLockfile([lockEntry({ distro: "debian", suite: "bookworm", arch, packages: [{ name: "busybox-static" }] }, [trixie])]);
  const spec = await specFile("FROM scratch\nPACKAGES --distro=debian:bookworm busybox-static\n", formatLockfile(lock));
  const storeDir = fresh();
  const r = await vmspecBuild(spec, storeDir, ["--frozen-lockfile"]);
  assert.is(r.exitCode, 0, r.stderr);
  const store = await Store.open(storeDir);
  const dir = fresh();
  await unpackImage(store, (await store.resolve(r.digest)).descriptor, dir);
  assert.is(await statusVersion(dir, "busybox-static"), trixie.version);
  // Without the lockfile, the same spec resolves bookworm's version (the cache key includes the lockfile).
  await fs.rm(`${spec}.lock`);
  const r2 = await vmspecBuild(spec, storeDir);
  assert.is(r2.exitCode, 0, r2.stderr);
  const dir2 = fresh();
  await unpackImage(store, (await store.resolve(r2.digest)).descriptor, dir2);
  assert.is(await statusVersion(dir2, "busybox-static"), bookworm.version);
  await store.close();
});

test("a malformed SPEC.lock fails the PACKAGES step with a one-line error naming the lockfile and the step", async () => {
  for (const bad of ["{ not json", JSON.stringify({ lockfileVersion: 1, entries: [{ distro: "debian", suite: "bookworm" }] })]) {
    const spec = await specFile("FROM scratch\nENV A=1\nPACKAGES --distro=debian:bookworm busybox-static\n", bad);
    const r = await vmspecBuild(spec, fresh());
    assert.is(r.exitCode, 1, r.stderr);
    const line = r.stderr.split("\n").find((l) => l.startsWith("vmspec build:"));
    assert.ok(line, r.stderr);
    assert.match(line!, /app\.vmspec:3: error: .*app\.vmspec\.lock: .*PKG_LOCK_FORMAT.*\[BUILD_PACKAGES_FAILED\]$/);
    assert.not.match(r.stderr, /\n\s+at /, "no stack trace");
  }
});

test("--frozen-lockfile: a missing lockfile, an unlocked op and a stale entry each fail before building, naming the op", async () => {
  const spec = "FROM scratch\nPACKAGES --distro=debian:bookworm busybox-static\nPACKAGES --distro=debian:bookworm zlib1g\n";
  const fake: LockedPackage = { name: "busybox-static", version: "1", arch, filename: "pool/x.deb", sha256: "0".repeat(64), size: 1 };
  const sel = (name: string) => ({ distro: "debian", suite: "bookworm", arch, packages: [{ name }] });
  // No lockfile at all.
  let r = await vmspecBuild(await specFile(spec), fresh(), ["--frozen-lockfile"]);
  assert.is(r.exitCode, 1, r.stderr);
  assert.match(r.stderr, /app\.vmspec:2: error: .*no lockfile, but --frozen-lockfile was given.*\[PKG_LOCK_MISMATCH\]/);
  // The second op is not locked: its line is named (and nothing is fetched: the fake .deb would fail).
  r = await vmspecBuild(await specFile(spec, formatLockfile(makeLockfile([lockEntry(sel("busybox-static"), [fake])]))), fresh(), ["--frozen-lockfile"]);
  assert.is(r.exitCode, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`app\\.vmspec:3: error: .*not locked: debian/bookworm/${arch}: zlib1g`, "s"));
  assert.not.match(r.stderr, /#\d+ \[/, "fails before any step runs");
  // Both locked plus one the spec no longer has.
  r = await vmspecBuild(await specFile(spec, formatLockfile(makeLockfile([lockEntry(sel("busybox-static"), [fake]), lockEntry(sel("zlib1g"), [{ ...fake, name: "zlib1g" }]), lockEntry(sel("curl"), [{ ...fake, name: "curl" }])]))), fresh(), ["--frozen-lockfile"]);
  assert.is(r.exitCode, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`error: .*locked but no longer in the spec: debian/bookworm/${arch}: curl.*\\[PKG_LOCK_MISMATCH\\]`, "s"));
  // --help documents the flag.
  const h = await execa("node", [bin, "build", "--help"], { reject: false });
  assert.match(h.stdout, /--frozen-lockfile/);
});

test.after(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

test.run();
