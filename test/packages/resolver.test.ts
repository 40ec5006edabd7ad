// Resolver scenarios on small synthetic Packages indices: alternatives, versions, Provides,
// Multi-Arch and arch qualifiers, Essential policy, determinism, explanations and suggestions.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { PackagesIndex } from "../../runtime/packages/packagesIndex.js";
import { Universe, findConflicts, resolve, type ResolveOptions } from "../../runtime/packages/resolver.js";
import { ResolveError } from "../../runtime/packages/errors.js";

/** Builds a Packages text from compact specs: `name version arch [Field: value]…`. */
function index(specs: Record<string, string>[], arch = "amd64"): Universe {
  const text = specs
    .map((s) => {
      const f = { Architecture: arch, Filename: `pool/${s.Package}_${s.Version}.deb`, Size: "1", SHA256: "0".repeat(64), ...s };
      return Object.entries(f).map(([k, v]) => `${k}: ${v}`).join("\n");
    })
    .join("\n\n");
  return new Universe([new PackagesIndex(Buffer.from(text + "\n"), "synthetic", arch)]);
}

function names(u: Universe, req: string[], opts: Partial<ResolveOptions> = {}): string[] {
  return resolve(u, req.map((r) => {
    const [name, version] = r.split("=") as [string, string | undefined];
    return version === undefined ? { name } : { name, version };
  }), { arch: "amd64", ...opts }).map((p) => `${p.name}=${p.version}`);
}

function failure(fn: () => unknown): ResolveError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ResolveError) return e;
    throw e;
  }
  throw new Error("expected a ResolveError");
}

test("closure over Depends and Pre-Depends, newest version chosen", () => {
  const u = index([
    { Package: "app", Version: "1.0", Depends: "libfoo (>= 1.0), libbar", "Pre-Depends": "dpkg" },
    { Package: "libfoo", Version: "1.0" },
    { Package: "libfoo", Version: "1.2" },
    { Package: "libbar", Version: "2", Depends: "libfoo" },
    { Package: "dpkg", Version: "1.22" },
    { Package: "unrelated", Version: "9" },
  ]);
  assert.equal(names(u, ["app"]), ["app=1.0", "dpkg=1.22", "libbar=2", "libfoo=1.2"]);
});

test("version relations with epochs and ~ pick the right candidate", () => {
  const u = index([
    { Package: "app", Version: "1", Depends: "lib (<< 2.0~)" },
    { Package: "lib", Version: "2.0~rc1" },
    { Package: "lib", Version: "1.9" },
    { Package: "lib", Version: "2.0" },
    { Package: "app2", Version: "1", Depends: "e (>= 1:0.1)" },
    { Package: "e", Version: "9.9" },
    { Package: "e", Version: "1:0.1" },
  ]);
  assert.equal(names(u, ["app"]), ["app=1", "lib=1.9"]);
  assert.equal(names(u, ["app2"]), ["app2=1", "e=1:0.1"]);
});

test("alternatives: first installable wins; an already selected later alternative satisfies", () => {
  const u = index([
    { Package: "a", Version: "1", Depends: "missing | b | c" },
    { Package: "b", Version: "1" },
    { Package: "c", Version: "1" },
    { Package: "d", Version: "1", Depends: "b | c" },
    { Package: "e", Version: "1", Depends: "c, d" },
  ]);
  assert.equal(names(u, ["a"]), ["a=1", "b=1"]);
  // e's clause `c` is processed before d's `b | c` (breadth-first), so d needs nothing more.
  assert.equal(names(u, ["e"]), ["c=1", "d=1", "e=1"]);
});

test("virtual packages through Provides, versioned Provides for versioned deps", () => {
  const u = index([
    { Package: "app", Version: "1", Depends: "mail-transport-agent, awk (>= 1:4)" },
    { Package: "postfix", Version: "3", Provides: "mail-transport-agent", Priority: "optional" },
    { Package: "exim4", Version: "4", Provides: "mail-transport-agent", Priority: "standard" },
    { Package: "mawk", Version: "1.3", Provides: "awk" },
    { Package: "gawk", Version: "5", Provides: "awk (= 1:5.2)" },
  ]);
  // exim4 wins by Priority; only gawk's versioned Provides satisfies awk (>= 1:4).
  assert.equal(names(u, ["app"]), ["app=1", "exim4=4", "gawk=5"]);
});

test("pinned versions and version conflicts explain the chain", () => {
  const u = index([
    { Package: "foo", Version: "1", Depends: "libbar (>= 2)" },
    { Package: "libbar", Version: "1.9" },
    { Package: "libbar", Version: "1.8" },
  ]);
  const e = failure(() => names(u, ["foo"]));
  assert.is(e.code, "PKG_UNSATISFIABLE");
  assert.match(e.message, "foo 1 → libbar (>= 2) but available versions are 1.9, 1.8");
  const u2 = index([
    { Package: "foo", Version: "1", Depends: "mid" },
    { Package: "mid", Version: "3", Depends: "libbar (>= 2)" },
    { Package: "libbar", Version: "1.9" },
  ]);
  assert.match(failure(() => names(u2, ["foo"])).message, "foo 1 → mid 3 → libbar (>= 2) but 1.9 is the newest");
  assert.equal(names(u, ["libbar=1.8"]), ["libbar=1.8"]);
  // A pinned version blocks a later dependency that needs another version.
  const u3 = index([
    { Package: "app", Version: "1", Depends: "lib (>= 2)" },
    { Package: "lib", Version: "1" },
    { Package: "lib", Version: "2" },
  ]);
  assert.match(failure(() => names(u3, ["app", "lib=1"])).message, "lib 1 is already selected (requested)");
});

test("unknown names suggest close matches", () => {
  const u = index([{ Package: "busybox-static", Version: "1" }, { Package: "busybox", Version: "1" }, { Package: "python3", Version: "3" }]);
  const e = failure(() => names(u, ["busybox-statc", "pyhton3"]));
  assert.is(e.code, "PKG_UNKNOWN");
  assert.match(e.message, "unknown package 'busybox-statc'; did you mean 'busybox-static'");
  assert.match(e.message, "unknown package 'pyhton3'; did you mean 'python3'");
  assert.match(failure(() => names(u, ["zzzzzzzz"])).message, /unknown package 'zzzzzzzz'$/);
});

test("missing dependency with no provider is explained", () => {
  const u = index([{ Package: "a", Version: "1", Depends: "ghost (>= 1) | phantom" }]);
  assert.match(failure(() => names(u, ["a"])).message, "a 1 → ghost (>= 1) | phantom but no package named or providing ghost exists; and no package named or providing phantom exists");
});

test("arch qualifiers and Multi-Arch: foreign/allowed/same", () => {
  const amd = new PackagesIndex(
    Buffer.from(
      [
        "Package: app\nVersion: 1\nArchitecture: amd64\nDepends: python3:any, tool, perl:native, lib:i386\n",
        "Package: python3\nVersion: 3\nArchitecture: amd64\nMulti-Arch: allowed\n",
        "Package: perl\nVersion: 5\nArchitecture: amd64\n",
        "Package: lib\nVersion: 1\nArchitecture: amd64\nMulti-Arch: same\n",
        "Package: data\nVersion: 1\nArchitecture: all\n",
      ].join("\n"),
    ),
    "amd64",
    "amd64",
  );
  const i386 = new PackagesIndex(
    Buffer.from(
      ["Package: tool\nVersion: 2\nArchitecture: i386\nMulti-Arch: foreign\n", "Package: lib\nVersion: 1\nArchitecture: i386\nMulti-Arch: same\n", "Package: python3\nVersion: 3\nArchitecture: i386\n"].join("\n"),
    ),
    "i386",
    "i386",
  );
  const got = resolve(new Universe([amd, i386]), [{ name: "app" }], { arch: "amd64" }).map((p) => `${p.name}:${p.arch}`);
  assert.equal(got, ["app:amd64", "lib:i386", "perl:amd64", "python3:amd64", "tool:i386"]);
  // A plain dependency is not satisfied by a foreign-arch package without Multi-Arch: foreign.
  const only386 = new Universe([
    new PackagesIndex(Buffer.from("Package: app\nVersion: 1\nArchitecture: amd64\nDepends: python3\n"), "a", "amd64"),
    i386,
  ]);
  assert.match(failure(() => resolve(only386, [{ name: "app" }], { arch: "amd64" })).message, "python3 exists only for i386");
  // Arch: all packages satisfy deps of native packages.
  const withAll = new Universe([new PackagesIndex(Buffer.from("Package: app\nVersion: 1\nArchitecture: amd64\nDepends: data\n"), "a", "amd64"), amd]);
  assert.equal(resolve(withAll, [{ name: "app" }], { arch: "amd64" }).map((p) => `${p.name}:${p.arch}`), ["app:amd64", "data:all"]);
});

test("Essential policy: exclude by default, include essential, required adds Priority: required", () => {
  const u = index([
    { Package: "app", Version: "1" },
    { Package: "base-files", Version: "13", Essential: "yes", Priority: "required" },
    { Package: "coreutils", Version: "9", Essential: "yes", Depends: "libacl" },
    { Package: "libacl", Version: "2" },
    { Package: "mawk", Version: "1", Priority: "required" },
    { Package: "vim", Version: "9", Priority: "optional" },
  ]);
  assert.equal(names(u, ["app"]), ["app=1"]);
  assert.equal(names(u, ["app"], { essential: "include" }), ["app=1", "base-files=13", "coreutils=9", "libacl=2"]);
  assert.equal(names(u, ["app"], { essential: "required" }), ["app=1", "base-files=13", "coreutils=9", "libacl=2", "mawk=1"]);
});

test("installed packages satisfy dependencies and are not repeated", () => {
  const u = index([
    { Package: "app", Version: "1", Depends: "libc6 (>= 2.36), awk" },
    { Package: "libc6", Version: "2.41" },
  ]);
  const installed = [
    { name: "libc6", version: "2.36-9", arch: "amd64" },
    { name: "mawk", version: "1.3", arch: "amd64", provides: [{ name: "awk" }] },
  ];
  assert.equal(names(u, ["app"], { installed }), ["app=1"]);
  const old = [{ name: "libc6", version: "2.31", arch: "amd64" }];
  const e = failure(() => names(u, ["app"], { installed: old }));
  assert.match(e.message, "no package named or providing awk exists");
});

test("deterministic: request order and repeated runs give the same set", () => {
  const u = index([
    { Package: "a", Version: "1", Depends: "x | y" },
    { Package: "b", Version: "1", Depends: "y" },
    { Package: "x", Version: "1" },
    { Package: "y", Version: "1" },
  ]);
  const one = names(u, ["a", "b"]);
  assert.equal(names(u, ["b", "a"]), one);
  assert.equal(names(u, ["a", "b"]), one);
  assert.equal(one, ["a=1", "b=1", "x=1", "y=1"]);
});

test("Conflicts and Breaks inside a set are reported, self-conflicts through Provides are not", () => {
  const u = index([
    { Package: "app", Version: "1", Depends: "exim4, oldlib, mta" },
    { Package: "exim4", Version: "4", Provides: "mail-transport-agent", Conflicts: "mail-transport-agent, postfix" },
    { Package: "oldlib", Version: "1.0", Breaks: "app (<< 1)" },
    { Package: "mta", Version: "1", Conflicts: "exim4 (<< 5)", Breaks: "oldlib (>= 2)" },
  ]);
  const set = resolve(u, [{ name: "app" }], { arch: "amd64" });
  assert.equal(findConflicts(u, set, "amd64"), ["mta 1 conflicts with exim4 4 (Conflicts: exim4 (<< 5))"]);
});

test.run();
