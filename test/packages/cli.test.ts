// The `vmspec packages` and `vmspec lock` commands through the real bin against the configured
// mirror: resolve output, did-you-mean exit status, unpack, lockfile writing, frozen checks, --update.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { execa } from "execa";
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gated } from "../support/env.js";
import { removeTempDirs, tempDir } from "./support/debs.js";
import { sharedCache } from "./support/mirror.js";

const Cli = suite("cli");
const needs = gated(Cli, { tools: ["gpgv"] });
const bin = new URL("../../../bin/vmspec.js", import.meta.url).pathname;
const cache = sharedCache();
const vmspec = (...args: string[]) => execa("node", [bin, ...args], { reject: false });

Cli("--help for both commands, usage errors exit 2", async () => {
  for (const c of ["packages", "lock"]) {
    const r = await vmspec(c, "--help");
    assert.is(r.exitCode, 0);
    assert.match(r.stdout, `Usage: vmspec ${c}`);
  }
  assert.is((await vmspec("packages", "frob")).exitCode, 2);
  assert.is((await vmspec("packages", "unpack", "--suite", "trixie", "busybox")).exitCode, 2);
  assert.is((await vmspec("lock")).exitCode, 2);
});

needs("packages resolve prints the set; an unknown name exits 1 with a suggestion", async () => {
  const r = await vmspec("packages", "resolve", "--cache", cache, "--suite", "trixie", "--arch", "riscv64", "--json", "busybox-static");
  assert.is(r.exitCode, 0, r.stderr);
  const set = JSON.parse(r.stdout) as { name: string; arch: string; sha256: string }[];
  assert.equal(set.map((p) => `${p.name}:${p.arch}`), ["busybox-static:riscv64"]);
  const bad = await vmspec("packages", "resolve", "--cache", cache, "--suite", "trixie", "busybox-statik");
  assert.is(bad.exitCode, 1);
  assert.match(bad.stderr, "did you mean 'busybox-static'");
});

needs("packages unpack writes the tree and the dpkg status", async () => {
  const root = join(tempDir(), "root");
  const r = await vmspec("packages", "unpack", "--cache", cache, "--suite", "bookworm", "--arch", "amd64", "--root", root, "busybox-static");
  assert.is(r.exitCode, 0, r.stderr);
  assert.ok(existsSync(join(root, "bin/busybox")));
  assert.match(readFileSync(join(root, "var/lib/dpkg/status"), "utf8"), "Package: busybox-static\nStatus: install ok installed\n");
});

needs("lock writes SPEC.lock; --frozen-lockfile checks it; --update reports changes", async () => {
  const dir = tempDir();
  const spec = join(dir, "app.vmspec");
  writeFileSync(spec, "FROM scratch\nPACKAGES --distro=debian:bookworm busybox-static\n");
  const r = await vmspec("lock", "--cache", cache, spec);
  assert.is(r.exitCode, 0, r.stderr);
  assert.match(r.stdout, /added +busybox-static:amd64/);
  const lock = JSON.parse(readFileSync(`${spec}.lock`, "utf8"));
  assert.is(lock.lockfileVersion, 1);
  assert.equal(lock.entries.map((e: { suite: string; resolved: { name: string }[] }) => [e.suite, e.resolved.map((p) => p.name)]), [["bookworm", ["busybox-static"]]]);
  const text = readFileSync(`${spec}.lock`, "utf8");
  assert.is((await vmspec("lock", "--frozen-lockfile", "--cache", cache, spec)).exitCode, 0);
  // Re-locking an unchanged spec changes nothing, byte for byte.
  assert.is((await vmspec("lock", "--cache", cache, spec)).exitCode, 0);
  assert.is(readFileSync(`${spec}.lock`, "utf8"), text);
  appendFileSync(spec, "PACKAGES --distro=debian:trixie busybox-static\n");
  const frozen = await vmspec("lock", "--frozen-lockfile", "--cache", cache, spec);
  assert.is(frozen.exitCode, 1);
  assert.match(frozen.stderr, "not locked: debian/trixie/amd64: busybox-static");
  // A stale locked version shows up as an upgrade with --update.
  const stale = JSON.parse(text);
  stale.entries[0].resolved[0].version = "1:1.0-1";
  writeFileSync(`${spec}.lock`, JSON.stringify(stale));
  const up = await vmspec("lock", "--update", "--cache", cache, spec);
  assert.is(up.exitCode, 0, up.stderr);
  assert.match(up.stdout, /upgraded +busybox-static:amd64 1:1\.0-1 → /);
  assert.match(up.stdout, /added +busybox-static:amd64 .*debian\/trixie\/amd64/);
  assert.is(JSON.parse(readFileSync(`${spec}.lock`, "utf8")).entries.length, 2);
});

Cli.after(removeTempDirs);
Cli.run();
