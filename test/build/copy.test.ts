// COPY/ADD and WORKDIR through the real compiler and builder: dest semantics, ignore files, globs, flags, archives, escapes.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as fs from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { Store } from "../../runtime/image/store.js";
import { BuildError } from "../../runtime/build/errors.js";
import { validateImage, readImage } from "../../runtime/image/manifest.js";
import { IgnoreMatcher } from "../../runtime/build/ignore.js";
import { applyChmod, fileHashStats } from "../../runtime/build/copy.js";
import { snapshot } from "../image/treeKit.js";
import { buildSpec, unpackImage, writeTree } from "./buildKit.js";

const work = await fs.mkdtemp(join(tmpdir(), "vmspec-build-copy-"));
const store = await Store.open(join(work, "store"));
let n = 0;
const fresh = (): string => join(work, `d${n++}`);

async function buildAndUnpack(files: Record<string, string | Buffer | null>, spec: string): Promise<string[]> {
  const ctx = fresh();
  await writeTree(ctx, files);
  const r = await buildSpec(store, ctx, spec);
  assert.equal(await validateImage(store, r.manifest, { deep: true }), []);
  const out = fresh();
  await unpackImage(store, r.manifest, out);
  return snapshot(out);
}

async function buildError(files: Record<string, string | Buffer | null>, spec: string): Promise<BuildError> {
  const ctx = fresh();
  await writeTree(ctx, files);
  try {
    await buildSpec(store, ctx, spec);
  } catch (e) {
    assert.instance(e, BuildError, String(e));
    return e as BuildError;
  }
  throw new Error("build succeeded but should have failed");
}

test("ignore matcher: anchored patterns, **, negation, parent dirs", () => {
  const m = new IgnoreMatcher(["# comment", "*.log", "**/*.tmp", "build", "!build/keep.txt", "/secret/"]);
  assert.ok(m.ignores("a.log"));
  assert.not.ok(m.ignores("sub/a.log"));
  assert.ok(m.ignores("sub/deep/x.tmp"));
  assert.ok(m.ignores("build/out.o"));
  assert.not.ok(m.ignores("build/keep.txt"));
  assert.ok(m.ignores("secret/key"));
  assert.not.ok(m.ignores("src/main.c"));
});

test("chmod: octal and symbolic", () => {
  assert.is(applyChmod(0o644, 0o755, false), 0o755);
  assert.is(applyChmod(0o644, "u+x", false), 0o744);
  assert.is(applyChmod(0o644, "go-r", false), 0o600);
  assert.is(applyChmod(0o600, "a+X", true), 0o711);
  assert.is(applyChmod(0o600, "a+X", false), 0o600);
  assert.is(applyChmod(0o777, "o=r", false), 0o774);
});

test("COPY: a dir copies its contents, a file into a dir, a renamed file, ignore rules", async () => {
  const snap = await buildAndUnpack(
    {
      "app/main.js": "main",
      "app/lib/util.js": "util",
      "app/debug.log": "log",
      "app/node_modules/x/index.js": "dep",
      "readme.md": "readme",
      ".dockerignore": "**/*.log\napp/node_modules\n",
    },
    "FROM scratch\nCOPY app /srv/\nCOPY readme.md /docs/\nCOPY readme.md /renamed.txt\n",
  );
  assert.equal(
    snap.map((l) => l.split(" ").slice(0, 2).join(" ")),
    ["docs dir", "docs/readme.md file", "renamed.txt file", "srv dir", "srv/lib dir", "srv/lib/util.js file", "srv/main.js file"].map((x) => x),
  );
  assert.ok(snap.every((l) => l.endsWith(" 0:0")), snap.join("\n"));
});

test("COPY: globs, several sources need a dir dest, --exclude, --parents", async () => {
  const files = { "src/a.c": "a", "src/b.c": "b", "src/b.h": "h", "src/sub/c.c": "c", "docs/x.md": "x" };
  const snap = await buildAndUnpack(files, "FROM scratch\nCOPY src/*.c /c/\nCOPY --exclude=*.h src /all/\nCOPY --parents src/sub/c.c docs/x.md /p/\n");
  const paths = snap.map((l) => l.split(" ")[0]);
  assert.equal(paths, ["all", "all/a.c", "all/b.c", "all/sub", "all/sub/c.c", "c", "c/a.c", "c/b.c", "p", "p/docs", "p/docs/x.md", "p/src", "p/src/sub", "p/src/sub/c.c"]);
  const e = await buildError(files, "FROM scratch\nCOPY src/a.c src/b.c /nodir\n");
  assert.is(e.code, "BUILD_INVALID_COPY");
});

test("COPY --chown (numeric and names from the image) and --chmod", async () => {
  const snap = await buildAndUnpack(
    {
      "passwd": "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1001:app:/home/app:/bin/sh\n",
      "group": "root:x:0:\nstaff:x:50:\n",
      "f.txt": "f",
      "d/g.txt": "g",
    },
    "FROM scratch\nCOPY passwd group /etc/\nCOPY --chown=app f.txt /a.txt\nCOPY --chown=app:staff --chmod=0640 d /d/\nCOPY --chown=42:43 --chmod=u+x f.txt /b.txt\n",
  );
  assert.ok(snap.includes("a.txt file " + snap.find((l) => l.startsWith("a.txt"))!.split(" ")[2] + " 644 1000:1001"), snap.join("\n"));
  assert.ok(snap.some((l) => /^d\/g\.txt file \S+ 640 1000:50$/.test(l)), snap.join("\n"));
  assert.ok(snap.some((l) => /^b\.txt file \S+ 744 42:43$/.test(l)), snap.join("\n"));
  const e = await buildError({ f: "x" }, "FROM scratch\nCOPY --chown=nobody f /f\n");
  assert.is(e.code, "BUILD_USER_NOT_FOUND");
});

test("COPY keeps an existing parent's metadata and follows the image's symlinks for the destination", async () => {
  const ctx = fresh();
  await writeTree(ctx, { "tmpdir/.keep": "", "f": "x" });
  await fs.chmod(join(ctx, "tmpdir"), 0o1777);
  const r = await buildSpec(store, ctx, "FROM scratch\nCOPY --parents tmpdir /\nCOPY f /tmpdir/f\n");
  const img = await readImage(store, r.manifest);
  const last = img.layers[img.layers.length - 1]!;
  const out = execFileSync("tar", ["-tvzf", store.blobPath(last.digest)], { encoding: "utf8" });
  assert.match(out, /drwxrwxrwt 0\/0 .* tmpdir\//);
  const ctx2 = fresh();
  await writeTree(ctx2, { "f": "x", "usr/lib/.keep": "" });
  await fs.symlink("usr/lib", join(ctx2, "lib"));
  await fs.rm(join(ctx2, "f"));
  await writeTree(ctx2, { "sub/f": "x" });
  const r2 = await buildSpec(store, ctx2, "FROM scratch\nCOPY . /\nCOPY sub/f /lib/f\n");
  const dir = fresh();
  await unpackImage(store, r2.manifest, dir);
  assert.is(await fs.readFile(join(dir, "usr", "lib", "f"), "utf8"), "x");
  assert.is(await fs.readlink(join(dir, "lib")), "usr/lib");
});

test("COPY --link layers do not depend on the parent", async () => {
  const ctx = fresh();
  await writeTree(ctx, { "a": "a", "b": "b", "c": "c" });
  const r1 = await buildSpec(store, ctx, "FROM scratch\nCOPY a /a\nCOPY --link c /c\n");
  const r2 = await buildSpec(store, ctx, "FROM scratch\nCOPY b /b\nCOPY --link c /c\n");
  const l1 = (await readImage(store, r1.manifest)).layers;
  const l2 = (await readImage(store, r2.manifest)).layers;
  assert.is(l1[1]!.digest, l2[1]!.digest);
  assert.is.not(l1[0]!.digest, l2[0]!.digest);
});

test("ADD extracts local tar archives (gzip or plain); hostile archives are refused", async () => {
  const src = fresh();
  await writeTree(src, { "pkg/bin/tool": "#!/bin/sh\n", "pkg/share/doc": "doc" });
  const ctx = fresh();
  await fs.mkdir(ctx);
  execFileSync("tar", ["-czf", join(ctx, "pkg.tar.gz"), "-C", src, "pkg"]);
  execFileSync("tar", ["-cf", join(ctx, "plain.tar"), "-C", src, "pkg/share"]);
  await fs.writeFile(join(ctx, "notes.txt"), "not an archive");
  const r = await buildSpec(store, ctx, "FROM scratch\nADD pkg.tar.gz /opt/\nADD plain.tar /plain/\nADD notes.txt /notes.txt\nCOPY pkg.tar.gz /copied.tgz\n");
  const dir = fresh();
  await unpackImage(store, r.manifest, dir);
  assert.is(await fs.readFile(join(dir, "opt", "pkg", "share", "doc"), "utf8"), "doc");
  assert.is(await fs.readFile(join(dir, "plain", "pkg", "share", "doc"), "utf8"), "doc");
  assert.is(await fs.readFile(join(dir, "notes.txt"), "utf8"), "not an archive");
  assert.ok((await fs.stat(join(dir, "copied.tgz"))).isFile());
  // A tar whose entry climbs out of the destination.
  const evil = fresh();
  await writeTree(evil, { "x": "evil" });
  execFileSync("tar", ["-cf", join(evil, "evil.tar"), "-C", evil, "--transform", "s,^x,../../escape,", "x"]);
  const ctx3 = fresh();
  await fs.mkdir(ctx3);
  await fs.copyFile(join(evil, "evil.tar"), join(ctx3, "evil.tar"));
  try {
    await buildSpec(store, ctx3, "FROM scratch\nADD evil.tar /dst/\n");
    assert.unreachable();
  } catch (err) {
    assert.instance(err, BuildError);
    assert.match(String(err), /'\.\.' component/);
  }
});

test("sources never escape the context: '..', symlinks out, absolute symlinks", async () => {
  const outside = fresh();
  await writeTree(outside, { "secret": "s3cret" });
  const ctx = fresh();
  await writeTree(ctx, { "ok": "ok", "dir/file": "f" });
  await fs.symlink(join(outside, "secret"), join(ctx, "abs-link"));
  await fs.symlink("../" + outside.split("/").pop() + "/secret", join(ctx, "rel-link"));
  await fs.symlink("/", join(ctx, "root-link"));
  for (const spec of ["COPY ../x /x", "COPY dir/../../x /x"]) {
    try {
      await buildSpec(store, ctx, `FROM scratch\n${spec}\n`);
      assert.unreachable(spec);
    } catch (e) {
      assert.instance(e, BuildError);
      assert.ok(["BUILD_SOURCE_ESCAPES_CONTEXT", "BUILD_SOURCE_NOT_FOUND"].includes((e as BuildError).code), String(e));
    }
  }
  try {
    await buildSpec(store, ctx, "FROM scratch\nCOPY rel-link /x\n");
    assert.unreachable();
  } catch (e) {
    assert.is((e as BuildError).code, "BUILD_SOURCE_ESCAPES_CONTEXT");
  }
  // An absolute symlink is re-rooted at the context: it names ctx/<target>, which does not exist.
  try {
    await buildSpec(store, ctx, "FROM scratch\nCOPY abs-link /x\n");
    assert.unreachable();
  } catch (e) {
    assert.is((e as BuildError).code, "BUILD_SOURCE_NOT_FOUND");
  }
  // Copying a directory copies symlinks as symlinks, never their targets.
  const r = await buildSpec(store, ctx, "FROM scratch\nCOPY . /ctx/\n");
  const dir = fresh();
  await unpackImage(store, r.manifest, dir);
  assert.is(await fs.readlink(join(dir, "ctx", "abs-link")), join(outside, "secret"));
  assert.ok((await fs.lstat(join(dir, "ctx", "root-link"))).isSymbolicLink());
});

test("hardlinks are kept within a copy; one whose first link is excluded becomes a file", async () => {
  const ctx = fresh();
  await writeTree(ctx, { "d/a-first": "shared", "d/keep": "k", ".dockerignore": "d/a-first\n" });
  await fs.link(join(ctx, "d", "a-first"), join(ctx, "d", "b-second"));
  await fs.link(join(ctx, "d", "keep"), join(ctx, "d", "keep2"));
  const r = await buildSpec(store, ctx, "FROM scratch\nCOPY d /d/\n");
  const dir = fresh();
  await unpackImage(store, r.manifest, dir);
  assert.is(await fs.readFile(join(dir, "d", "b-second"), "utf8"), "shared");
  assert.is(await fs.lstat(join(dir, "d", "a-first")).catch(() => "absent"), "absent");
  const [k1, k2] = await Promise.all([fs.stat(join(dir, "d", "keep")), fs.stat(join(dir, "d", "keep2"))]);
  assert.is(k1.ino, k2.ino);
});

test("WORKDIR creates the directory (once) and sets the config", async () => {
  const ctx = fresh();
  await writeTree(ctx, { f: "x" });
  const r = await buildSpec(store, ctx, "FROM scratch\nWORKDIR /app/sub\nCOPY f .\nWORKDIR /app/sub\n");
  const img = await readImage(store, r.manifest);
  assert.is(img.config.config?.WorkingDir, "/app/sub");
  const dir = fresh();
  await unpackImage(store, r.manifest, dir);
  assert.is(await fs.readFile(join(dir, "app", "sub", "f"), "utf8"), "x");
});

test("context files are read for hashing once per change: a COPY miss reuses its key's digests, a changed file alone is hashed again", async () => {
  const ctx = fresh();
  await writeTree(ctx, { "d/a": "aaa", "d/b": "bbb", "d/c": "ccc" });
  const spec = "FROM scratch\nCOPY d /d/\n";
  const s0 = fileHashStats();
  const own = await Store.open(fresh());
  const r1 = await buildSpec(own, ctx, spec);
  const s1 = fileHashStats();
  assert.is(s1.hashed - s0.hashed, 3, "each file hashed once on a miss (cache key + layer plan)");
  assert.is(s1.reused - s0.reused, 3);
  // The content changes (same size; mtime set back): the new digest gives a new layer.
  const before = await fs.stat(join(ctx, "d/b"));
  await fs.writeFile(join(ctx, "d/b"), "BBB");
  await fs.utimes(join(ctx, "d/b"), before.atime, before.mtime);
  const r2 = await buildSpec(own, ctx, spec);
  const s2 = fileHashStats();
  assert.is(s2.hashed - s1.hashed, 1, "only the rewritten file is read again");
  assert.is.not(r2.manifest.digest, r1.manifest.digest);
  const out = fresh();
  await unpackImage(own, r2.manifest, out);
  assert.is(await fs.readFile(join(out, "d/b"), "utf8"), "BBB");
  await own.close();
});

test.after(async () => {
  await store.close();
  await fs.rm(work, { recursive: true, force: true });
});

test.run();
