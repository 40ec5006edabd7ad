// Hostile and malformed archives: nothing may be written outside the extraction root; broken tars are refused.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as fs from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { applyLayer } from "../../runtime/image/extract.js";
import { MalformedArchiveError, UnsafeArchiveEntryError } from "../../runtime/image/errors.js";
import { END_OF_ARCHIVE, encodeHeader, padding, type TarHeader } from "../../runtime/image/tarFormat.js";

const work = await fs.mkdtemp(join(tmpdir(), "vmspec-hostile-"));
let n = 0;

type E = Partial<TarHeader> & { path: string; body?: string };
function tar(entries: E[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const body = Buffer.from(e.body ?? "");
    parts.push(encodeHeader({ type: "file", mode: 0o644, uid: 0, gid: 0, mtime: 0, ...e, size: e.type && e.type !== "file" ? 0 : body.length }));
    if (body.length > 0) parts.push(body, padding(body.length));
  }
  parts.push(END_OF_ARCHIVE);
  return Buffer.concat(parts);
}

/** Applies `archive` in a fresh root inside a fresh sandbox; returns [root, sandbox]. */
async function apply(archive: Buffer): Promise<{ root: string; sandbox: string; error?: unknown }> {
  const sandbox = join(work, `s${n++}`);
  const root = join(sandbox, "a", "b", "root");
  await fs.mkdir(root, { recursive: true });
  try {
    await applyLayer(root, [archive]);
    return { root, sandbox };
  } catch (error) {
    return { root, sandbox, error };
  }
}

/** Every path below `dir` (relative), never following symlinks: a hostile tree may hold symlinks
 * pointing back up, which Node 20's recursive readdir can follow until ELOOP. */
async function listAll(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.readdir(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix === "" ? e.name : `${prefix}/${e.name}`;
    out.push(rel);
    if (e.isDirectory()) out.push(...(await listAll(dir, rel)));
  }
  return out.sort();
}

/** Everything in the sandbox outside `root` must be exactly the directories that hold it. */
async function assertNothingOutside(sandbox: string): Promise<void> {
  const outside = (await listAll(sandbox)).filter((p) => !p.startsWith("a/b/root/") && p !== "a/b/root");
  assert.equal(outside, ["a", "a/b"]);
}

const cases: [string, E[]][] = [
  ["'..' path", [{ path: "../evil", body: "x" }]],
  ["'..' deep in the path", [{ path: "ok/../../../evil", body: "x" }]],
  ["absolute path", [{ path: "/evil", body: "x" }]],
  ["symlink parent climbing out", [{ path: "s", type: "symlink", linkname: "../../.." }, { path: "s/evil", body: "x" }]],
  ["symlink chain climbing out", [{ path: "d", type: "dir", mode: 0o755 }, { path: "d/s1", type: "symlink", linkname: "../s2" }, { path: "s2", type: "symlink", linkname: "d/../../x" }, { path: "d/s1/evil", body: "x" }]],
  ["symlink loop", [{ path: "l1", type: "symlink", linkname: "l2" }, { path: "l2", type: "symlink", linkname: "l1" }, { path: "l1/evil", body: "x" }]],
  ["hardlink out of the root", [{ path: "h", type: "hardlink", linkname: "../../outside" }]],
  ["hardlink through an escaping symlink", [{ path: "s", type: "symlink", linkname: "../.." }, { path: "h", type: "hardlink", linkname: "s/outside" }]],
  ["whiteout of '..'", [{ path: ".wh...", body: "" }]],
];

for (const [name, entries] of cases) {
  test(`refused: ${name}`, async () => {
    await fs.writeFile(join(work, "outside"), "host file");
    const r = await apply(tar(entries));
    assert.instance(r.error, UnsafeArchiveEntryError, String(r.error));
    assert.is((r.error as UnsafeArchiveEntryError).code, "IMG_UNSAFE_ARCHIVE_ENTRY");
    await assertNothingOutside(r.sandbox);
  });
}

test("absolute symlinks in a parent path resolve inside the root (chroot semantics)", async () => {
  const r = await apply(tar([{ path: "etc", type: "dir", mode: 0o755 }, { path: "link", type: "symlink", linkname: "/etc" }, { path: "link/passwd", body: "root:x:0:0::/root:/bin/sh\n" }]));
  assert.is(r.error, undefined);
  assert.is(await fs.readFile(join(r.root, "etc", "passwd"), "utf8"), "root:x:0:0::/root:/bin/sh\n");
  await assertNothingOutside(r.sandbox);
});

test("a symlink entry replacing a directory does not let later entries through it", async () => {
  const r = await apply(tar([{ path: "d", type: "dir", mode: 0o755 }, { path: "d", type: "symlink", linkname: "../../.." }, { path: "d/evil", body: "x" }]));
  assert.instance(r.error, UnsafeArchiveEntryError);
  await assertNothingOutside(r.sandbox);
});

test("a file entry over an existing symlink replaces the link, never writes through it", async () => {
  const target = join(work, "victim");
  await fs.writeFile(target, "original");
  const r = await apply(tar([{ path: "f", type: "symlink", linkname: target }, { path: "f", body: "overwritten?" }]));
  assert.is(r.error, undefined);
  assert.is(await fs.readFile(target, "utf8"), "original");
  assert.is(await fs.readFile(join(r.root, "f"), "utf8"), "overwritten?");
});

test("a huge pax header is refused without buffering it", async () => {
  const h = encodeHeader({ path: "x", type: "file", mode: 0o644, uid: 0, gid: 0, mtime: 0, size: 0 });
  // Turn the header into a pax 'x' header claiming 8 GiB - 1 of records.
  const b = Buffer.from(h);
  b.write("x", 156, 1, "ascii");
  b.write("77777777777\0", 124, 12, "ascii");
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += b[i]!;
  b.write(sum.toString(8).padStart(6, "0") + "\0 ", 148, 8, "ascii");
  const r = await apply(Buffer.concat([b, Buffer.alloc(4096)]));
  assert.instance(r.error, MalformedArchiveError);
  assert.match(String(r.error), /exceeds/);
});

test("a bad checksum and a truncated archive are malformed", async () => {
  const good = tar([{ path: "f", body: "hello world" }]);
  const bad = Buffer.from(good);
  bad[10] = 0x41;
  assert.instance((await apply(bad)).error, MalformedArchiveError);
  assert.instance((await apply(good.subarray(0, 520))).error, MalformedArchiveError);
  assert.instance((await apply(gzipSync(good).subarray(0, 30))).error, Error);
});

test("whiteouts: .wh.name deletes, .wh..wh..opq empties the dir except this layer's entries", async () => {
  const r = await apply(tar([
    { path: "a", type: "dir", mode: 0o755 },
    { path: "a/old1", body: "1" },
    { path: "a/old2", body: "2" },
    { path: "b", type: "dir", mode: 0o755 },
    { path: "b/sub", type: "dir", mode: 0o755 },
    { path: "b/sub/x", body: "x" },
    { path: "c", body: "c" },
  ]));
  assert.is(r.error, undefined);
  await applyLayer(r.root, [tar([
    { path: "a", type: "dir", mode: 0o755 },
    { path: "a/new", body: "n" },
    { path: "a/.wh..wh..opq", body: "" },
    { path: ".wh.c", body: "" },
    { path: "b/.wh.sub", body: "" },
  ])]);
  assert.equal(await listAll(r.root), ["a", "a/new", "b"]);
});

test.after(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

test.run();
