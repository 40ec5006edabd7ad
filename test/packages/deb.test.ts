// .deb reading and unpacking on packages built here: dpkg-deb-built ones in every compression
// (compared with `dpkg-deb -x`), hostile hand-made ones that must be refused without writing
// outside the root, and the dpkg database as dpkg-query sees it.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { debLayout, readControl } from "../../runtime/packages/debFile.js";
import { writeDpkgDatabase, installedFromStatus } from "../../runtime/packages/dpkgDb.js";
import { UnsafePathError } from "../../runtime/packages/errors.js";
import { extractMember } from "../../runtime/packages/extractFile.js";
import { SafeRoot } from "../../runtime/packages/safeRoot.js";
import { unpackDeb } from "../../runtime/packages/unpack.js";
import { gated } from "../support/env.js";
import { buildSampleDeb, craftDeb, removeTempDirs, tempDir } from "./support/debs.js";

const Deb = suite("deb");
const withDpkg = gated(Deb, { tools: ["dpkg-deb", "dpkg-query", "dpkg"] });
const work = tempDir();

/** A tree listing: path, type, mode, link target, size — what must match between two unpackers. */
function listing(root: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(join(root, rel)).sort()) {
      const r = rel === "" ? name : `${rel}/${name}`;
      const st = lstatSync(join(root, r));
      const kind = st.isSymbolicLink() ? `l->${readlinkSync(join(root, r))}` : st.isDirectory() ? "d" : `f${st.size}`;
      out.push(`${r} ${kind} ${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid}`);
      if (st.isDirectory()) walk(r);
    }
  };
  walk("");
  return out;
}

for (const comp of ["xz", "gzip", "zstd", "none"] as const) {
  withDpkg(`dpkg-deb -Z${comp} package unpacks exactly like dpkg-deb -x`, async () => {
    const deb = buildSampleDeb(work, comp);
    const layout = await debLayout(deb);
    assert.is(layout.dataCompression, comp === "gzip" ? "gz" : comp === "zstd" ? "zst" : comp);
    const ours = join(work, `ours-${comp}`);
    const ref = join(work, `ref-${comp}`);
    const u = await unpackDeb(deb, ours);
    execFileSync("dpkg-deb", ["-x", deb, ref]);
    assert.equal(listing(ours), listing(ref));
    assert.is(u.name, "sample");
    assert.is(u.version, "1:2.0-1");
    assert.equal(u.maintainerScripts, ["postinst"]);
    assert.equal(u.conffiles, ["/etc/sample.conf"]);
    assert.ok(u.paths.includes("/usr/bin/tool-link"));
    // Hard links share an inode; setuid and 0750 survive.
    assert.is(statSync(join(ours, "usr/bin/tool")).ino, statSync(join(ours, "usr/bin/tool-hardlink")).ino);
    assert.is(statSync(join(ours, "usr/bin/suid")).mode & 0o7777, 0o4755);
    assert.is(statSync(join(ours, "var/lib/sample")).mode & 0o7777, 0o750);
  });
}

withDpkg("control.tar members are read (control, md5sums, conffiles, postinst)", async () => {
  const deb = buildSampleDeb(work, "xz", "ctl");
  const c = await readControl(await debLayout(deb));
  assert.equal([...c.keys()].sort(), ["conffiles", "control", "md5sums", "postinst"]);
  assert.match(c.get("control")!.data.toString(), "Package: ctl");
});

withDpkg("dpkg database: dpkg-query and dpkg -L see the unpacked package; postinst leaves it unpacked", async () => {
  const root = join(work, "db-root");
  const deb = buildSampleDeb(work, "xz", "dbpkg");
  const u = await unpackDeb(deb, root);
  // A pre-existing status entry is kept and merged.
  mkdirSync(join(root, "var/lib/dpkg"), { recursive: true });
  writeFileSync(join(root, "var/lib/dpkg/status"), "Package: base-thing\nStatus: install ok installed\nVersion: 3\nArchitecture: all\nMaintainer: x\nDescription: y\n");
  await writeDpkgDatabase(root, [u]);
  const admin = join(root, "var/lib/dpkg");
  const w = execFileSync("dpkg-query", [`--admindir=${admin}`, "-W", "-f", "${Package} ${Version} ${db:Status-Abbrev}\\n"]).toString();
  assert.equal(w.trim().split("\n").map((l) => l.trimEnd()), ["base-thing 3 ii", "dbpkg 1:2.0-1 iU"]);
  const files = execFileSync("dpkg-query", [`--admindir=${admin}`, "-L", "dbpkg"]).toString().trim().split("\n");
  assert.ok(files.includes("/usr/bin/tool"));
  assert.ok(files.includes("/etc/sample.conf"));
  const status = readFileSync(join(admin, "status"), "utf8");
  assert.match(status, /Conffiles:\n \/etc\/sample\.conf newconffile\n/);
  assert.match(status, "Description: sample\n a test package\n .\n with a blank line\n");
  assert.is(statSync(join(admin, "info/dbpkg.postinst")).mode & 0o777, 0o755);
  assert.ok(existsSync(join(admin, "info/dbpkg.md5sums")));
  // The status file reads back as installed packages for the resolver.
  const inst = await installedFromStatus(join(admin, "status"));
  assert.equal(inst.map((p) => `${p.name}=${p.version}`), ["base-thing=3", "dbpkg=1:2.0-1"]);
  // dpkg itself accepts the database (would configure the unpacked package).
  const audit = execFileSync("dpkg", [`--admindir=${admin}`, "--audit"]).toString();
  assert.match(audit, "dbpkg");
});

/** Asserts unpacking `entries` throws UnsafePathError and nothing appears in `outside`. */
async function refused(label: string, entries: Parameters<typeof craftDeb>[2], setup?: (root: string, outside: string) => void): Promise<UnsafePathError> {
  const base = join(work, `hostile-${label}`);
  const root = join(base, "root");
  const outside = join(base, "outside");
  mkdirSync(root, { recursive: true });
  mkdirSync(outside, { recursive: true });
  setup?.(root, outside);
  const before = listing(base).filter((l) => !l.startsWith("root"));
  const deb = await craftDeb(join(base, "evil.deb"), "evil", entries);
  try {
    await unpackDeb(deb, root);
  } catch (e) {
    assert.instance(e, UnsafePathError, `${label}: ${String(e)}`);
    assert.equal(listing(base).filter((l) => !l.startsWith("root") && !l.startsWith("evil.deb")), before.filter((l) => !l.startsWith("evil.deb")), `${label}: something was written outside the root`);
    return e as UnsafePathError;
  }
  throw new Error(`${label}: hostile package was unpacked`);
}

Deb("entries with ../ are refused", async () => {
  const e = await refused("dotdot", [{ name: "./", type: "directory" }, { name: "./../outside/pwned", body: "x" }]);
  assert.match(e.message, "'..' component");
  await refused("dotdot-mid", [{ name: "./usr/../../outside/pwned", body: "x" }]);
});

Deb("absolute entry names are refused", async () => {
  await refused("absolute", [{ name: "/outside/pwned", body: "x" }]);
});

Deb("writing through a symlink from the same archive is refused (absolute and relative targets)", async () => {
  let outsideDir = "";
  const e = await refused("abs-symlink", [{ name: "./link", type: "symlink", linkname: "/" }, { name: "./link/pwned", body: "x" }], (_r, o) => (outsideDir = o));
  assert.match(e.message, "symlink from the same archive");
  assert.not.ok(existsSync(join(outsideDir, "pwned")));
  await refused("rel-symlink", [{ name: "./up", type: "symlink", linkname: "../outside" }, { name: "./up/pwned", body: "x" }]);
  await refused("dir-through-symlink", [{ name: "./up", type: "symlink", linkname: "../outside" }, { name: "./up/sub/", type: "directory" }]);
});

Deb("a pre-existing symlink leading out of the root is refused; one inside the root is followed", async () => {
  await refused("preexisting-escape", [{ name: "./escape/pwned", body: "x" }], (root) => symlinkSync("../outside", join(root, "escape")));
  // usrmerge: /bin → usr/bin (relative) and /sbin → /usr/sbin (absolute, taken relative to the root).
  const root = join(work, "usrmerge");
  mkdirSync(join(root, "usr/bin"), { recursive: true });
  mkdirSync(join(root, "usr/sbin"), { recursive: true });
  symlinkSync("usr/bin", join(root, "bin"));
  symlinkSync("/usr/sbin", join(root, "sbin"));
  const deb = await craftDeb(join(work, "usrmerge.deb"), "um", [
    { name: "./bin/", type: "directory" },
    { name: "./bin/tool", body: "t", mode: 0o755 },
    { name: "./sbin/daemon", body: "d", mode: 0o755 },
  ]);
  const u = await unpackDeb(deb, root);
  assert.is(readFileSync(join(root, "usr/bin/tool"), "utf8"), "t");
  assert.is(readFileSync(join(root, "usr/sbin/daemon"), "utf8"), "d");
  assert.ok(lstatSync(join(root, "bin")).isSymbolicLink(), "the /bin symlink is kept");
  assert.equal(u.paths, ["/bin", "/bin/tool", "/sbin/daemon"]);
});

Deb("hard links must point inside the root at a regular file", async () => {
  await refused("hardlink-escape", [{ name: "./pwned", type: "link", linkname: "../outside/secret" }], (_r, o) => writeFileSync(join(o, "secret"), "s"));
  await refused("hardlink-abs", [{ name: "./pwned", type: "link", linkname: "/etc/passwd" }]);
});

Deb("SafeRoot.components normalises ./ and // and refuses NUL", () => {
  const s = new SafeRoot(work);
  assert.equal(s.components("./usr//bin/./x/"), ["usr", "bin", "x"]);
  assert.throws(() => s.components("a\0b"), (e: unknown) => e instanceof UnsafePathError);
});

Deb("ownership from the archive is applied when running as root", async () => {
  const deb = await craftDeb(join(work, "owner.deb"), "owner", [
    { name: "./srv/", type: "directory", uid: 4321, gid: 4322, mode: 0o700 },
    { name: "./srv/data", body: "d", uid: 1234, gid: 1235, mode: 0o600 },
  ]);
  const root = join(work, "owner-root");
  await unpackDeb(deb, root, { chown: process.getuid?.() === 0 });
  const st = statSync(join(root, "srv/data"));
  if (process.getuid?.() === 0) {
    assert.is(st.uid, 1234);
    assert.is(st.gid, 1235);
    assert.is(statSync(join(root, "srv")).uid, 4321);
  } else {
    assert.is(st.uid, process.getuid!());
  }
  assert.is(st.mode & 0o777, 0o600);
  assert.is(statSync(join(root, "srv")).mode & 0o777, 0o700);
});

withDpkg("extractMember pulls one file (following in-package symlinks) without unpacking the rest", async () => {
  const deb = buildSampleDeb(work, "xz", "extract");
  const dest = join(work, "extracted", "tool");
  const r = await extractMember(deb, "/usr/bin/tool-link", dest);
  assert.is(r?.member, "/usr/bin/tool");
  assert.is(readFileSync(dest, "utf8"), "#!/bin/sh\necho tool\n");
  assert.is(await extractMember(deb, "/nope", join(work, "extracted", "nope")), undefined);
  const viaRegex = await extractMember(deb, /\/sample\.conf$/, join(work, "extracted", "conf"));
  assert.is(viaRegex?.member, "/etc/sample.conf");
});

Deb.after(removeTempDirs);
Deb.run();
