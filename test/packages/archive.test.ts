// Integration against the real Debian mirror configured on this machine: resolve + unpack
// busybox-static (bookworm/amd64, trixie/riscv64) and python3-minimal, and rejection of tampered
// packages, tampered indices, bad signatures, wrong suites and expired Release files.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync } from "node:child_process";
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import {
  DigestMismatchError,
  DebianArchive,
  BlobCache,
  fetchPackageFile,
  fetchPackages,
  installPackages,
  ReleaseError,
  resolvePackages,
  SignatureError,
  loadUniverse,
  satisfiesRelation,
} from "../../runtime/packages/index.js";
import { gated } from "../support/env.js";
import { removeTempDirs, tempDir } from "./support/debs.js";
import { elfMachine, flipByte, realMirror, sharedCache, startProxy } from "./support/mirror.js";

const Archive = suite("archive");
const needs = gated(Archive, { tools: ["gpgv", "dpkg-query"] });
const cacheDir = sharedCache();
const work = tempDir("vmspec-archive-");

function blobs(dir: string): string[] {
  const d = join(dir, "blobs", "sha256");
  return existsSync(d) ? readdirSync(d).sort() : [];
}

needs("busybox-static bookworm/amd64: resolve, verify, unpack; dpkg-query sees it", async () => {
  const root = join(work, "bb-amd64");
  const r = await installPackages({ distro: "debian", suite: "bookworm", arch: "amd64", packages: [{ name: "busybox-static" }] }, root, { cacheDir });
  assert.equal(r.packages.map((p) => p.name), ["busybox-static"]);
  assert.is(elfMachine(readFileSync(join(root, "bin/busybox")).subarray(0, 64)), 62);
  const w = execFileSync("dpkg-query", [`--admindir=${root}/var/lib/dpkg`, "-W", "busybox-static"]).toString().trim();
  assert.is(w, `busybox-static\t${r.packages[0]!.version}`);
});

needs("baseLinks: a layer for a merged-/usr base keeps /bin a symlink and puts files under /usr", async () => {
  const root = join(work, "bb-layer");
  await installPackages({ distro: "debian", suite: "bookworm", arch: "amd64", packages: [{ name: "busybox-static" }] }, root, {
    cacheDir,
    baseLinks: { "/bin": "usr/bin", "/sbin": "usr/sbin" },
  });
  assert.ok(lstatSync(join(root, "bin")).isSymbolicLink());
  assert.is(readlinkSync(join(root, "bin")), "usr/bin");
  assert.is(elfMachine(readFileSync(join(root, "usr/bin/busybox")).subarray(0, 64)), 62);
  // dpkg's list keeps the package's own path, as on a real merged-/usr system.
  assert.ok(readFileSync(join(root, "var/lib/dpkg/info/busybox-static.list"), "utf8").split("\n").includes("/bin/busybox"));
});

needs("busybox-static trixie/riscv64: resolve, verify, unpack a RISC-V binary", async () => {
  const root = join(work, "bb-riscv64");
  const r = await installPackages({ distro: "debian", suite: "trixie", arch: "riscv64", packages: [{ name: "busybox-static" }] }, root, { cacheDir });
  assert.is(r.packages[0]!.arch, "riscv64");
  assert.is(elfMachine(readFileSync(join(root, "usr/bin/busybox")).subarray(0, 64)), 243);
});

needs("python3-minimal trixie/amd64: a closed dependency set, all in the dpkg status", async () => {
  const spec = { distro: "debian", suite: "trixie", arch: "amd64", packages: [{ name: "python3-minimal" }] };
  const set = await resolvePackages(spec, { cacheDir });
  const names = set.map((p) => p.name);
  for (const n of ["python3-minimal", "libc6", "libpython3.13-minimal", "python3.13-minimal"]) assert.ok(names.some((x) => x === n || x.startsWith(n)), n);
  // Closure: every Depends/Pre-Depends clause of every member is satisfied inside the set.
  const u = await loadUniverse("trixie", "amd64", { cacheDir });
  for (const p of set) {
    const e = u.versionsOf(p.name).find((x) => x.version === p.version)!;
    for (const clause of [...e.preDepends, ...e.depends]) {
      const ok = clause.some((d) =>
        set.some((q) => {
          const qe = u.versionsOf(q.name).find((x) => x.version === q.version)!;
          if (q.name === d.name && (d.relation === undefined || satisfiesRelation(q.version, d.relation, d.version!))) return true;
          return qe.provides.some((pr) => pr.name === d.name && (d.relation === undefined || (pr.version !== undefined && satisfiesRelation(pr.version, d.relation, d.version!))));
        }),
      );
      assert.ok(ok, `${p.name}: unsatisfied ${JSON.stringify(clause)}`);
    }
  }
  const root = join(work, "py");
  const r = await installPackages(spec, root, { cacheDir });
  const w = execFileSync("dpkg-query", [`--admindir=${root}/var/lib/dpkg`, "-W", "-f", "${Package} ${Version}\\n"]).toString().trim().split("\n").sort();
  assert.equal(w, set.map((p) => `${p.name} ${p.version}`).sort());
  assert.ok(existsSync(join(root, "usr/bin/python3.13")));
  assert.ok(r.maintainerScripts["python3-minimal"]?.includes("postinst"));
  assert.match(readFileSync(join(root, "var/lib/dpkg/status"), "utf8"), /Package: python3-minimal\nStatus: install ok unpacked\n/);
});

gated(Archive, { tools: ["chroot", "dpkg-query"], root: true })("essential=required trixie/amd64 makes a root filesystem dpkg can configure in a chroot", async () => {
  const root = join(work, "rootfs");
  const r = await installPackages({ distro: "debian", suite: "trixie", arch: "amd64", packages: [], essential: "required" }, root, { cacheDir });
  for (const n of ["base-files", "bash", "coreutils", "dpkg", "libc6"]) assert.ok(r.packages.some((p) => p.name === n), n);
  // base-files' merged-/usr symlinks were created first and later packages unpacked through them.
  assert.is(execFileSync("chroot", [root, "/bin/sh", "-c", "echo ok"]).toString(), "ok\n");
  // Maintainer scripts were not run; dpkg runs them now (ordering may need a second pass).
  const env = ["/usr/bin/env", "-i", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "DEBIAN_FRONTEND=noninteractive"];
  for (let pass = 0; pass < 5; pass++) {
    try {
      execFileSync("chroot", [root, ...env, "dpkg", "--configure", "-a"], { stdio: "ignore" });
      break;
    } catch {
      // retried below
    }
  }
  const states = execFileSync("dpkg-query", [`--admindir=${root}/var/lib/dpkg`, "-W", "-f", "${db:Status-Abbrev}\\n"]).toString().trim().split("\n").map((l) => l.trim());
  assert.is(states.length, r.packages.length);
  assert.equal([...new Set(states)], ["ii"]);
});

needs("fetchPackageFile: busybox for riscv64 by its classic path, cached on reuse", async () => {
  const f = await fetchPackageFile({ suite: "trixie", arch: "riscv64", package: "busybox-static", path: "/bin/busybox" }, { cacheDir });
  assert.is(f.member, "/usr/bin/busybox");
  assert.is(elfMachine(readFileSync(f.path).subarray(0, 64)), 243);
  const again = await fetchPackageFile({ suite: "trixie", arch: "riscv64", package: "busybox-static", path: "/bin/busybox" }, { cacheDir });
  assert.equal(again, f);
});

needs("a tampered .deb is rejected with both digests, nothing cached, nothing unpacked", async () => {
  const proxy = await startProxy((path, body) => (path.endsWith(".deb") ? flipByte(body) : undefined));
  const cache = tempDir("vmspec-tamper-deb-");
  const root = join(work, "tampered-root");
  try {
    // Indices come through the proxy untouched (and verified); only the .deb is altered.
    const err = await installPackages({ distro: "debian", suite: "bookworm", arch: "amd64", packages: [{ name: "busybox-static" }] }, root, { cacheDir: cache, mirror: proxy.url }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.instance(err, DigestMismatchError);
    const e = err as DigestMismatchError;
    const [p] = await resolvePackages({ distro: "debian", suite: "bookworm", arch: "amd64", packages: [{ name: "busybox-static" }] }, { cacheDir: cache, mirror: proxy.url });
    assert.is(e.expected, p!.sha256);
    assert.ok(/^[0-9a-f]{64}$/.test(e.actual) && e.actual !== e.expected);
    assert.match(e.message, e.expected);
    assert.match(e.message, e.actual);
    assert.not.ok(blobs(cache).includes(p!.sha256), "tampered .deb must not be cached");
    assert.equal(blobs(cache).filter((b) => b.includes("partial")), []);
    assert.not.ok(existsSync(root), "nothing may be unpacked");
  } finally {
    await proxy.close();
  }
});

needs("a tampered Packages index is rejected before parsing, nothing cached", async () => {
  const proxy = await startProxy((path, body) => (/\/binary-amd64\/(Packages\.xz|by-hash\/)/.test(path) ? flipByte(body) : undefined));
  const cache = tempDir("vmspec-tamper-idx-");
  try {
    const a = new DebianArchive({ mirror: { uri: proxy.url, keyrings: ["/usr/share/keyrings/debian-archive-keyring.gpg"], from: "test" }, cache: new BlobCache(cache) });
    const err = await a.packagesIndex("bookworm", "main", "amd64").then(() => undefined, (e: unknown) => e);
    assert.instance(err, DigestMismatchError);
    const rel = await a.release("bookworm");
    const listed = new Set([...rel.files.values()].map((f) => f.sha256));
    assert.equal(blobs(cache).filter((b) => listed.has(b) || b.includes("partial")), []);
  } finally {
    await proxy.close();
  }
});

needs("an InRelease with an altered signed line fails signature verification", async () => {
  // Change one hex digit of the first SHA256 entry: the text still parses, the signature no longer fits.
  const alter = (t: string) => t.replace(/(SHA256:\n )([0-9a-f])/, (_m, a: string, d: string) => a + (d === "0" ? "1" : "0"));
  const proxy = await startProxy((path, body) => (path.endsWith("/InRelease") ? Buffer.from(alter(body.toString("latin1")), "latin1") : undefined));
  try {
    const err = await resolvePackages({ distro: "debian", suite: "bookworm", arch: "amd64", packages: [{ name: "busybox-static" }] }, { cacheDir: tempDir(), mirror: proxy.url }).then(() => undefined, (e: unknown) => e);
    assert.instance(err, SignatureError);
    assert.ok((err as SignatureError).status.some((l) => l.includes("BADSIG")), (err as SignatureError).status.join("\n"));
  } finally {
    await proxy.close();
  }
});

needs("an unsigned Release and a keyring without Debian's keys are rejected", async () => {
  const proxy = await startProxy((path, body) => {
    if (!path.endsWith("/InRelease")) return undefined;
    const t = body.toString("latin1");
    return Buffer.from(t.slice(t.indexOf("\n\n") + 2, t.indexOf("-----BEGIN PGP SIGNATURE-----")), "latin1");
  });
  try {
    const err = await resolvePackages({ distro: "debian", suite: "bookworm", arch: "amd64", packages: [{ name: "busybox" }] }, { cacheDir: tempDir(), mirror: proxy.url }).then(() => undefined, (e: unknown) => e);
    assert.instance(err, SignatureError);
  } finally {
    await proxy.close();
  }
  const empty = join(tempDir(), "empty.gpg");
  execFileSync("sh", ["-c", `: > "${empty}"`]);
  const err2 = await resolvePackages({ distro: "debian", suite: "bookworm", arch: "amd64", packages: [{ name: "busybox" }] }, { cacheDir: tempDir(), mirror: realMirror(), keyrings: [empty] }).then(() => undefined, (e: unknown) => e);
  assert.instance(err2, SignatureError);
});

needs("a Release for another suite, an expired Valid-Until and a future Date are rejected", async () => {
  // Serve trixie's (validly signed) InRelease when bookworm is asked for.
  const swapProxy = await startProxy(() => undefined);
  const redirect = await import("node:http").then(({ createServer }) => {
    const s = createServer(async (req, res) => {
      const url = (req.url ?? "/").replace("/dists/bookworm/", "/dists/trixie/");
      const r = await fetch(swapProxy.url + url);
      const b = Buffer.from(await r.arrayBuffer());
      res.writeHead(r.status, { "content-length": b.length });
      res.end(b);
    });
    return new Promise<import("node:http").Server>((ok) => s.listen(0, "127.0.0.1", () => ok(s)));
  });
  const port = (redirect.address() as { port: number }).port;
  try {
    const mirror = { uri: `http://127.0.0.1:${port}`, keyrings: ["/usr/share/keyrings/debian-archive-keyring.gpg"], from: "test" };
    const wrong = await new DebianArchive({ mirror, cache: new BlobCache(tempDir()) }).release("bookworm").then(() => undefined, (e: unknown) => e);
    assert.instance(wrong, ReleaseError);
    assert.is((wrong as ReleaseError).code, "PKG_RELEASE_SUITE");
  } finally {
    await new Promise<void>((ok) => redirect.close(() => ok()));
    await swapProxy.close();
  }
  const real = { uri: realMirror(), keyrings: ["/usr/share/keyrings/debian-archive-keyring.gpg"], from: "test" };
  // trixie-updates carries Valid-Until (about a week ahead); a year from now it has expired.
  const expired = await new DebianArchive({ mirror: real, cache: new BlobCache(tempDir()), now: () => Date.now() + 365 * 86400e3 }).release("trixie-updates").then(() => undefined, (e: unknown) => e);
  assert.instance(expired, ReleaseError);
  assert.is((expired as ReleaseError).code, "PKG_RELEASE_EXPIRED");
  const future = await new DebianArchive({ mirror: real, cache: new BlobCache(tempDir()), now: () => Date.parse("2001-01-01T00:00:00Z") }).release("bookworm").then(() => undefined, (e: unknown) => e);
  assert.instance(future, ReleaseError);
  assert.is((future as ReleaseError).code, "PKG_RELEASE_FUTURE");
});

needs("offline mode uses only cached metadata and packages", async () => {
  const proxy = await startProxy(() => undefined);
  const cache = tempDir("vmspec-offline-");
  const spec = { distro: "debian", suite: "bookworm", arch: "amd64", packages: [{ name: "busybox-static" }] };
  try {
    await fetchPackages("bookworm", await resolvePackages(spec, { cacheDir: cache, mirror: proxy.url }), { cacheDir: cache, mirror: proxy.url });
  } finally {
    await proxy.close();
  }
  // The proxy is gone: any network access would fail now.
  const set = await resolvePackages(spec, { cacheDir: cache, mirror: proxy.url, offline: true });
  const paths = await fetchPackages("bookworm", set, { cacheDir: cache, mirror: proxy.url, offline: true });
  assert.ok(existsSync(paths[0]!));
  const cold = await resolvePackages(spec, { cacheDir: tempDir(), mirror: proxy.url, offline: true }).then(() => undefined, (e: unknown) => e);
  assert.ok(cold instanceof Error, "offline with an empty cache must fail");
});

Archive.after(removeTempDirs);
Archive.run();
