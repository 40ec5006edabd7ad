// Pure metadata handling: apt sources (one-line and deb822), gpgv status interpretation, Release
// parsing and date/suite checks, the lockfile format, frozen checks and diffs.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { findMirror, parseSourcesDeb822, parseSourcesList } from "../../runtime/packages/aptSources.js";
import { defaultCacheDir } from "../../runtime/packages/cache.js";
import { LockfileError, MirrorConfigError, ReleaseError, SignatureError } from "../../runtime/packages/errors.js";
import { interpretGpgvStatus } from "../../runtime/packages/gpg.js";
import { checkFrozen, diffLockfiles, formatChanges, formatLockfile, lockEntry, makeLockfile, parseLockfile } from "../../runtime/packages/lockfile.js";
import { checkRelease, parseRelease } from "../../runtime/packages/release.js";
import { removeTempDirs, tempDir } from "./support/debs.js";

// Example hosts use the reserved `.invalid` TLD (RFC 2606): never a real mirror.
test("one-line sources.list: options, Signed-By, deb-src and comments", () => {
  const s = parseSourcesList(
    "# comment\ndeb [arch=amd64 signed-by=/k.gpg] http://m.invalid/debian/ trixie main contrib # tail\ndeb-src http://m.invalid/debian trixie main\n\ndeb http://s.invalid/debian-security bookworm-security main\n",
    "/etc/apt/sources.list",
  );
  assert.equal(s.map((x) => [x.uri, x.suites, x.components, x.signedBy]), [
    ["http://m.invalid/debian", ["trixie"], ["main", "contrib"], ["/k.gpg"]],
    ["http://s.invalid/debian-security", ["bookworm-security"], ["main"], []],
  ]);
  assert.throws(() => parseSourcesList("deb\n", "x"), (e: unknown) => e instanceof MirrorConfigError);
});

test("deb822 .sources: several URIs/suites, Enabled: no, inline keys ignored", () => {
  const s = parseSourcesDeb822(
    "Types: deb deb-src\nURIs: http://a.invalid/debian http://b.invalid/debian\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: /usr/share/keyrings/k.gpg\n\n# off\nTypes: deb\nURIs: http://c.invalid/debian\nSuites: sid\nComponents: main\nEnabled: no\n\nTypes: deb\nURIs: http://d.invalid/debian\nSuites: trixie\nComponents: main\nSigned-By:\n -----BEGIN PGP PUBLIC KEY BLOCK-----\n .\n abc\n",
    "/etc/apt/sources.list.d/x.sources",
  );
  assert.equal(s.map((x) => [x.uri, x.suites.join(","), x.signedBy.join(",")]), [
    ["http://a.invalid/debian", "bookworm,bookworm-updates", "/usr/share/keyrings/k.gpg"],
    ["http://b.invalid/debian", "bookworm,bookworm-updates", "/usr/share/keyrings/k.gpg"],
    ["http://d.invalid/debian", "trixie", ""],
  ]);
});

test("findMirror: flag, then env, then the apt source listing the suite, else the main archive", () => {
  const etc = tempDir("vmspec-etcapt-");
  mkdirSync(join(etc, "sources.list.d"));
  writeFileSync(join(etc, "sources.list.d", "a.sources"), "Types: deb\nURIs: http://sec.invalid/debian-security\nSuites: bookworm-security\nComponents: main\n\nTypes: deb\nURIs: http://main.invalid/debian\nSuites: bookworm\nComponents: main\nSigned-By: /k.gpg\n");
  writeFileSync(join(etc, "sources.list.d", "b.list"), "deb http://t.invalid/debian trixie main\n");
  assert.equal(findMirror({ etcApt: etc, env: {}, suite: "trixie" }), { uri: "http://t.invalid/debian", keyrings: ["/usr/share/keyrings/debian-archive-keyring.gpg"], from: join(etc, "sources.list.d", "b.list") });
  assert.is(findMirror({ etcApt: etc, env: {}, suite: "bookworm" }).uri, "http://main.invalid/debian");
  assert.equal(findMirror({ etcApt: etc, env: {}, suite: "bookworm" }).keyrings, ["/k.gpg"]);
  assert.is(findMirror({ etcApt: etc, env: {}, suite: "sid" }).uri, "http://main.invalid/debian");
  assert.is(findMirror({ etcApt: etc, env: { VMSPEC_DEBIAN_MIRROR: "http://env.invalid/d/" } }).uri, "http://env.invalid/d");
  assert.is(findMirror({ etcApt: etc, env: { VMSPEC_DEBIAN_MIRROR: "http://env.invalid/d" }, mirror: "http://flag.invalid/x" }).uri, "http://flag.invalid/x");
  assert.throws(() => findMirror({ etcApt: tempDir(), env: {} }), (e: unknown) => e instanceof MirrorConfigError);
});

test("defaultCacheDir: flag, VMSPEC_CACHE, XDG_CACHE_HOME, home", () => {
  assert.is(defaultCacheDir("/f", { VMSPEC_CACHE: "/v" }), "/f");
  assert.is(defaultCacheDir(undefined, { VMSPEC_CACHE: "/v", XDG_CACHE_HOME: "/x" }), "/v");
  assert.is(defaultCacheDir(undefined, { XDG_CACHE_HOME: "/x" }), "/x/vmspec");
  assert.match(defaultCacheDir(undefined, {}), /\.cache\/vmspec$/);
});

const GOOD = [
  "[GNUPG:] NEWSIG",
  "[GNUPG:] KEY_CONSIDERED B8B80B5B623EAB6AD8775C45B7C5D7D6350947F8 0",
  "[GNUPG:] GOODSIG 6ED0E7B82643E131 Debian Archive Automatic Signing Key (12/bookworm) <ftpmaster@debian.org>",
  "[GNUPG:] VALIDSIG 4CB50190207B4758A3F73A796ED0E7B82643E131 2026-07-11 1783765031 0 4 0 1 8 01 B8B80B5B623EAB6AD8775C45B7C5D7D6350947F8",
];

test("gpgv status: good signatures accepted, primary key fingerprints returned", () => {
  const r = interpretGpgvStatus("x", GOOD.join("\n"), 0);
  assert.equal(r.signers, ["B8B80B5B623EAB6AD8775C45B7C5D7D6350947F8"]);
  assert.equal(r.signedAt, [1783765031]);
});

test("gpgv status: BADSIG, ERRSIG, expired/revoked keys, no signature, non-zero exit are rejected", () => {
  const bad = (lines: string[], code = 0) => assert.throws(() => interpretGpgvStatus("x", lines.join("\n"), code), (e: unknown) => e instanceof SignatureError);
  bad([...GOOD, "[GNUPG:] NEWSIG", "[GNUPG:] BADSIG 78DBA3BC47EF2265 Debian"]);
  bad([...GOOD, "[GNUPG:] ERRSIG 78DBA3BC47EF2265 1 8 01 1783765032 9 -", "[GNUPG:] NO_PUBKEY 78DBA3BC47EF2265"]);
  bad(["[GNUPG:] EXPKEYSIG 6ED0E7B82643E131 Old key", "[GNUPG:] VALIDSIG A 2020-01-01 1 0 4 0 1 8 01 A"]);
  bad(["[GNUPG:] REVKEYSIG 6ED0E7B82643E131 Revoked"]);
  bad(["[GNUPG:] NEWSIG"]);
  bad([], 0);
  bad(GOOD, 2);
});

const RELEASE = `Origin: Debian
Suite: stable
Codename: trixie
Date: Sat, 21 Nov 2026 09:15:44 UTC
Valid-Until: Sat, 28 Nov 2026 09:15:44 UTC
Acquire-By-Hash: yes
Architectures: all amd64 riscv64
Components: main contrib
MD5Sum:
 d41d8cd98f00b204e9800998ecf8427e 0 main/binary-amd64/Packages
SHA256:
 2efd6103f013081f8118f4c9f228739bc97bff2e4e1de496f80458c7e72a24ac 56634892 main/binary-amd64/Packages
 BE3D7D96A040EDA0505C1808CCCC67F183BBC05DFF0842C50F88E6C396557412  9679304 main/binary-amd64/Packages.xz
`;

test("Release: SHA256 table, dates, suite identity", () => {
  const r = parseRelease("r", RELEASE);
  assert.is(r.codename, "trixie");
  assert.is(r.suite, "stable");
  assert.ok(r.acquireByHash);
  assert.equal(r.architectures, ["all", "amd64", "riscv64"]);
  assert.equal(r.files.get("main/binary-amd64/Packages.xz"), { sha256: "be3d7d96a040eda0505c1808cccc67f183bbc05dff0842c50f88e6c396557412", size: 9679304 });
  const t = Date.parse("2026-11-22T00:00:00Z");
  checkRelease("r", r, "trixie", t);
  checkRelease("r", r, "stable", t);
  const code = (fn: () => void) => {
    try {
      fn();
    } catch (e) {
      assert.instance(e, ReleaseError);
      return (e as ReleaseError).code;
    }
    return "none";
  };
  assert.is(code(() => checkRelease("r", r, "bookworm", t)), "PKG_RELEASE_SUITE");
  assert.is(code(() => checkRelease("r", r, "trixie", Date.parse("2026-12-01T00:00:00Z"))), "PKG_RELEASE_EXPIRED");
  assert.is(code(() => checkRelease("r", r, "trixie", Date.parse("2026-11-21T08:00:00Z"))), "PKG_RELEASE_FUTURE");
  assert.is(code(() => parseRelease("r", "Origin: x\nMD5Sum:\n 00 1 a\n")), "PKG_RELEASE_FORMAT");
});

const P = (name: string, version: string) => ({ name, version, arch: "amd64", filename: `pool/${name}_${version}.deb`, sha256: "a".repeat(64), size: 1 });

test("lockfile: stable order and text, parse round trip, malformed input rejected", () => {
  const e1 = lockEntry({ distro: "debian", suite: "trixie", arch: "amd64", packages: [{ name: "zz" }, { name: "aa", version: "1" }] }, [P("zz", "2"), P("aa", "1")]);
  const e2 = lockEntry({ distro: "debian", suite: "bookworm", arch: "amd64", packages: [{ name: "x" }] }, [P("x", "1")]);
  const a = makeLockfile([e1, e2]);
  const b = makeLockfile([e2, e1]);
  assert.is(formatLockfile(a), formatLockfile(b));
  assert.equal(a.entries.map((e) => e.suite), ["bookworm", "trixie"]);
  assert.equal(a.entries[1]!.packages, [{ name: "aa", version: "1" }, { name: "zz" }]);
  assert.equal(a.entries[1]!.resolved.map((p) => p.name), ["aa", "zz"]);
  assert.equal(parseLockfile(formatLockfile(a), "l"), a);
  for (const bad of ["{", "{}", '{"lockfileVersion":2,"entries":[]}', '{"lockfileVersion":1,"entries":[{"distro":"debian"}]}']) {
    assert.throws(() => parseLockfile(bad, "l"), (e: unknown) => e instanceof LockfileError && e.code === "PKG_LOCK_FORMAT", bad);
  }
});

test("frozen lockfile: missing, stale and extra ops are mismatches", () => {
  const s1 = { distro: "debian", suite: "trixie", arch: "amd64", packages: [{ name: "a" }] };
  const s2 = { distro: "debian", suite: "trixie", arch: "riscv64", packages: [{ name: "a" }] };
  const lock = makeLockfile([lockEntry(s1, [P("a", "1")])]);
  checkFrozen(lock, [s1], "l");
  checkFrozen(undefined, [], "l");
  const mismatch = (fn: () => void) => assert.throws(fn, (e: unknown) => e instanceof LockfileError && e.code === "PKG_LOCK_MISMATCH");
  mismatch(() => checkFrozen(lock, [s1, s2], "l"));
  mismatch(() => checkFrozen(lock, [], "l"));
  mismatch(() => checkFrozen(undefined, [s1], "l"));
  mismatch(() => checkFrozen(lock, [{ ...s1, packages: [{ name: "a", version: "1" }] }], "l"));
});

test("lockfile diff: added, removed, upgraded, downgraded, changed digest", () => {
  const s = { distro: "debian", suite: "trixie", arch: "amd64", packages: [{ name: "app" }] };
  const before = makeLockfile([lockEntry(s, [P("app", "1.0"), P("old", "1"), P("lib", "2:1.0"), P("dn", "2"), { ...P("same", "1") }])]);
  const after = makeLockfile([lockEntry(s, [P("app", "1.0+really1.1"), P("new", "1"), P("lib", "2:1.0-1"), P("dn", "1"), { ...P("same", "1"), sha256: "b".repeat(64) }])]);
  const d = diffLockfiles(before, after);
  assert.equal(d.map((c) => `${c.kind} ${c.name}`), ["upgraded app", "downgraded dn", "upgraded lib", "added new", "removed old", "changed same"]);
  assert.match(formatChanges(d)[0]!, "app:amd64 1.0 → 1.0+really1.1");
  assert.equal(diffLockfiles(after, after), []);
});

test.after(removeTempDirs);
test.run();
