// COPY/ADD: plans the layer entries for a FileCopyOp (dest semantics, --chown/--chmod/--exclude/--parents/--link, ADD archives).
import * as fs from "node:fs/promises";
import { createReadStream, readFileSync, statSync } from "node:fs";
import { createHash } from "node:crypto";
import { join, posix } from "node:path";
import { tmpdir } from "node:os";
import type { FileCopyOp } from "../../compiler/ir/types.js";
import { ImageError } from "../image/errors.js";
import { walkTree, type LayerEntry } from "../image/layerEntries.js";
import { sniffCompression } from "../image/compression.js";
import { BuildError } from "./errors.js";
import { IgnoreMatcher } from "./ignore.js";
import { matchSources, type SourceRoot } from "./context.js";
import type { ImageFs } from "./imageFs.js";

/** What planning a copy produced: sorted entries, a content key for the cache, and temp dirs to remove afterwards. */
export interface CopyPlan {
  entries: LayerEntry[];
  /** sha256 over every entry's metadata and file content: the op's input digest. */
  contentKey: string;
  cleanup: string[];
}

/** Inputs of `planCopy`. */
export interface CopyInputs {
  op: FileCopyOp;
  root: SourceRoot;
  /** The destination image's filesystem; undefined for `--link` (no dependence on the parent). */
  fs: ImageFs | undefined;
  mtime: number;
  /** Scratch space for ADD archive extraction (default os tmpdir). */
  tmp?: string;
  /**
   * Only compute `contentKey` (for a cache lookup): `--chown` names are hashed, not resolved;
   * archives are hashed, not extracted; the destination is not resolved. Given the same parent
   * (whose layer chain is part of the cache key), this key determines the full plan.
   */
  keyOnly?: boolean;
}

function comps(p: string): string[] {
  return p.split("/").filter((c) => c !== "" && c !== ".");
}

/** Sort key giving depth-first order with sorted names: compare component lists bytewise. */
export function compareTreeOrder(a: string, b: string): number {
  const x = comps(a);
  const y = comps(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const c = Buffer.compare(Buffer.from(x[i]!), Buffer.from(y[i]!));
    if (c !== 0) return c;
  }
  return x.length - y.length;
}

/** Parses /etc/passwd or /etc/group text into name → [id, primary gid]. */
function parseIds(text: string | undefined): Map<string, [number, number]> {
  const m = new Map<string, [number, number]>();
  for (const line of (text ?? "").split("\n")) {
    const f = line.split(":");
    if (f.length >= 3 && /^\d+$/.test(f[2]!)) m.set(f[0]!, [Number(f[2]), /^\d+$/.test(f[3] ?? "") ? Number(f[3]) : Number(f[2])]);
  }
  return m;
}

/**
 * `--chown` to numeric ids: numbers as given (a lone uid also sets gid = uid), names from the
 * destination image's /etc/passwd and /etc/group (a lone user name takes its primary group).
 */
export async function resolveChown(chown: FileCopyOp["chown"], fsv: ImageFs | undefined, opId: string): Promise<{ uid: number; gid: number } | undefined> {
  if (!chown) return undefined;
  const u = chown.user;
  const g = chown.group;
  const passwd = u && "name" in u ? parseIds((await fsv?.readFile("/etc/passwd"))?.toString("utf8")) : new Map<string, [number, number]>();
  const group = g && "name" in g ? parseIds((await fsv?.readFile("/etc/group"))?.toString("utf8")) : new Map<string, [number, number]>();
  let uid = 0;
  let primary = 0;
  if (u && "id" in u) uid = primary = u.id;
  else if (u) {
    const hit = passwd.get(u.name);
    if (!hit) throw new BuildError("BUILD_USER_NOT_FOUND", `--chown: user '${u.name}' not found in the image's /etc/passwd`, { op: opId });
    [uid, primary] = hit;
  }
  let gid = primary;
  if (g && "id" in g) gid = g.id;
  else if (g) {
    const hit = group.get(g.name);
    if (!hit) throw new BuildError("BUILD_USER_NOT_FOUND", `--chown: group '${g.name}' not found in the image's /etc/group`, { op: opId });
    gid = hit[0];
  }
  return { uid, gid };
}

/** Applies a chmod (octal number, or symbolic `u+x,go-w`, chmod(1) syntax) to a mode. */
export function applyChmod(mode: number, chmod: number | string, isDir: boolean): number {
  if (typeof chmod === "number") return chmod & 0o7777;
  let m = mode & 0o7777;
  for (const clause of chmod.split(",")) {
    const r = /^([ugoa]*)([-+=])([rwxXst]*)$/.exec(clause.trim());
    if (!r) throw new BuildError("BUILD_INVALID_COPY", `invalid --chmod '${chmod}'`);
    const who = r[1] === "" || r[1]!.includes("a") ? "ugo" : r[1]!;
    let bits = 0;
    for (const p of r[3]!) {
      const shift = (w: string): number => (w === "u" ? 6 : w === "g" ? 3 : 0);
      for (const w of who) {
        if (p === "r") bits |= 4 << shift(w);
        if (p === "w") bits |= 2 << shift(w);
        if (p === "x" || (p === "X" && (isDir || (mode & 0o111) !== 0))) bits |= 1 << shift(w);
        if (p === "s" && w === "u") bits |= 0o4000;
        if (p === "s" && w === "g") bits |= 0o2000;
        if (p === "t") bits |= 0o1000;
      }
    }
    const mask = [...who].reduce((a, w) => a | (w === "u" ? 0o4700 : w === "g" ? 0o2070 : 0o1007), 0);
    if (r[2] === "+") m |= bits;
    else if (r[2] === "-") m &= ~bits;
    else m = (m & ~mask) | bits;
  }
  return m;
}

/** Context file digests of this process by (path, dev, ino, size, mtime ns, ctime ns). */
const fileHashes = new Map<string, string>();
const hashCounts = { hashed: 0, reused: 0 };
/** Bound on remembered digests (memory stays small in long-lived processes; the map is just dropped). */
const MAX_REMEMBERED_HASHES = 100_000;

/**
 * How many source files this process hashed and how many digests it reused (a COPY's cache-key
 * plan and, on a miss, its full plan read each file's digest once between them).
 */
export function fileHashStats(): { hashed: number; reused: number } {
  return { ...hashCounts };
}

/**
 * sha256 of a file, remembered for this process under its identity and change times: an
 * unchanged file (same inode, size, mtime and ctime to the nanosecond) is not read again. Any
 * write changes ctime, which cannot be set back, so a rewritten file is always hashed anew.
 */
async function hashFile(path: string): Promise<string> {
  const st = statSync(path, { bigint: true });
  const id = `${path}\0${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
  const known = fileHashes.get(id);
  if (known !== undefined) {
    hashCounts.reused++;
    return known;
  }
  const h = createHash("sha256");
  // Small files in one synchronous read (a stream is several thread-pool round trips per file).
  if (st.size <= 256n * 1024n) h.update(readFileSync(path));
  else for await (const c of createReadStream(path)) h.update(c as Buffer);
  const hex = h.digest("hex");
  hashCounts.hashed++;
  if (fileHashes.size >= MAX_REMEMBERED_HASHES) fileHashes.clear();
  fileHashes.set(id, hex);
  return hex;
}

async function isTarArchive(path: string): Promise<boolean> {
  const fh = await fs.open(path, "r");
  try {
    const head = Buffer.alloc(512);
    const { bytesRead } = await fh.read(head, 0, 512, 0);
    if (sniffCompression(head.subarray(0, bytesRead)) !== "none") return true;
    return bytesRead === 512 && head.subarray(257, 262).toString("latin1") === "ustar";
  } finally {
    await fh.close();
  }
}

/**
 * Plans the entries of a COPY/ADD layer. Docker semantics: a directory source copies its
 * contents; several sources (or a dest ending in `/`, or an existing directory) need a directory
 * destination; `--parents` keeps each source's path; files are owned by root (or `--chown`) with
 * their mode kept (or `--chmod`); `--exclude` patterns match paths relative to the source and to
 * the root; ADD extracts local tar archives (gzip, zstd or plain) with the same safety as layers.
 * Missing parent directories are created 0755 root:root; existing ones keep their metadata (read
 * from `fs`, following its symlinks) unless `--link`.
 */
export async function planCopy(inp: CopyInputs): Promise<CopyPlan> {
  const { op } = inp;
  const chown = inp.keyOnly ? undefined : await resolveChown(op.chown, inp.fs, op.id);
  const exclude = new IgnoreMatcher(op.exclude);
  const cleanup: string[] = [];
  const out = new Map<string, LayerEntry>();
  const hash = createHash("sha256");
  if (inp.keyOnly) hash.update(`chown ${JSON.stringify(op.chown ?? null)} chmod ${String(op.chmod ?? "")}\n`);

  // Destination: resolve through the image's symlinks (not for --link).
  const rawDest = op.dest;
  const destComps = comps(rawDest);
  const resolvedDest = inp.fs ? comps(inp.fs.resolve(destComps.join("/")).path) : destComps;
  const destExistingDir = inp.fs?.resolve(destComps.join("/")).header?.type === "dir";

  type Item = { kind: "file" | "dir"; abs: string; rel: string; mode: number; inline?: { content: string; mode: number } };
  const items: Item[] = [];
  let anyGlob = false;
  for (const s of op.sources) {
    if (s.kind === "url" || s.kind === "git") throw new BuildError("BUILD_UNSUPPORTED", `${op.kind.toUpperCase()} from ${s.kind === "url" ? "a URL" : "git"} (${s.url}) is not supported yet: only local sources`, { op: op.id });
    if (s.kind === "inline") {
      items.push({ kind: "file", abs: "", rel: posix.basename(s.file.path), mode: s.file.mode, inline: { content: s.file.content, mode: s.file.mode } });
      continue;
    }
    for (const m of await matchSources(inp.root, s.path)) {
      anyGlob ||= m.glob;
      if (m.stat.isDirectory()) items.push({ kind: "dir", abs: m.abs, rel: m.rel, mode: m.stat.mode & 0o7777 });
      else if (op.kind === "add" && op.unpack !== false && m.stat.isFile() && (await isTarArchive(m.abs))) {
        if (inp.keyOnly) {
          hash.update(`archive ${m.rel} ${await hashFile(m.abs)}\n`);
          continue;
        }
        const dir = await fs.mkdtemp(join(inp.tmp ?? tmpdir(), "vmspec-add-"));
        cleanup.push(dir);
        try {
          const { applyLayer } = await import("../image/extract.js");
          await applyLayer(dir, createReadStream(m.abs), { preserveOwnership: true, devices: false });
        } catch (e) {
          if (e instanceof ImageError) throw new BuildError("BUILD_INVALID_COPY", `ADD ${m.rel}: ${e.message}`, { op: op.id, path: m.abs, cause: e });
          throw e;
        }
        hash.update(`archive ${m.rel} ${await hashFile(m.abs)}\n`);
        items.push({ kind: "dir", abs: dir, rel: "", mode: 0o755 });
      } else if (m.stat.isFile()) items.push({ kind: "file", abs: m.abs, rel: m.rel, mode: m.stat.mode & 0o7777 });
      else throw new BuildError("BUILD_INVALID_COPY", `source '${m.rel}' is not a regular file or directory`, { op: op.id, path: m.abs });
    }
  }
  const destIsDir = rawDest.endsWith("/") || items.length > 1 || anyGlob || items.some((i) => i.kind === "dir") || destExistingDir || op.parents;
  if (items.length > 1 && !rawDest.endsWith("/") && !destExistingDir) {
    throw new BuildError("BUILD_INVALID_COPY", `when copying more than one source the destination must be a directory and end with a '/' (got '${rawDest}')`, { op: op.id });
  }

  const own = (e: LayerEntry): LayerEntry => {
    const uid = chown?.uid ?? 0;
    const gid = chown?.gid ?? 0;
    const mode = op.chmod !== undefined && e.type !== "symlink" ? applyChmod(e.mode, op.chmod, e.type === "dir") : e.mode;
    return { ...e, uid, gid, mode, mtime: inp.mtime };
  };
  const put = (e: LayerEntry): void => {
    out.delete(e.path);
    out.set(e.path, e);
  };

  for (const it of items) {
    const base = it.kind === "file" && !destIsDir ? resolvedDest : [...resolvedDest, ...(op.parents ? comps(it.rel) : it.kind === "file" ? [posix.basename(it.rel)] : [])];
    const at = base.join("/");
    if (it.inline) {
      const content = Buffer.from(it.inline.content);
      hash.update(`inline ${at} ${createHash("sha256").update(content).digest("hex")}\n`);
      put(own({ path: at, type: "file", mode: it.inline.mode, uid: 0, gid: 0, size: content.length, mtime: 0, content: () => [content] as unknown as AsyncIterable<Uint8Array> }));
      continue;
    }
    if (it.kind === "file") {
      const st = await fs.stat(it.abs);
      put(own({ path: at, type: "file", mode: st.mode & 0o7777, uid: 0, gid: 0, size: st.size, mtime: 0, source: it.abs }));
      hash.update(`file ${at} ${await hashFile(it.abs)}\n`);
      continue;
    }
    if (at !== "" && (op.parents || !resolvedDest.length || at !== resolvedDest.join("/") || !destExistingDir)) {
      // The directory itself (a source dir's own metadata only matters with --parents; else dest dir).
      put(own({ path: at, type: "dir", mode: op.parents ? it.mode : 0o755, uid: 0, gid: 0, size: 0, mtime: 0 }));
    }
    for await (const e of walkTree(it.abs, { mtime: inp.mtime, xattrs: inp.root.ignore === null })) {
      const ctxRel = it.rel ? `${it.rel}/${e.path}` : e.path;
      if (inp.root.ignore?.ignores(ctxRel)) continue;
      if (!exclude.empty && (exclude.ignores(e.path) || exclude.ignores(ctxRel))) continue;
      let mapped: LayerEntry = { ...e, path: at ? `${at}/${e.path}` : e.path };
      if (e.type === "hardlink" && e.linkname) {
        mapped.linkname = at ? `${at}/${e.linkname}` : e.linkname;
        if (!out.has(mapped.linkname)) {
          // Its first link was excluded: store this one as a regular file.
          const abs = join(it.abs, e.path);
          const st = await fs.lstat(abs);
          mapped = { ...mapped, type: "file", size: st.size, source: abs, linkname: undefined };
          delete mapped.linkname;
        }
      }
      put(own(mapped));
      if (mapped.type === "file") hash.update(`file ${mapped.path} ${e.mode.toString(8)} ${await hashFile(mapped.source!)}\n`);
    }
  }

  // Parent directories of everything, with the image's metadata where they exist.
  for (const p of [...out.keys()]) {
    const parts = comps(p);
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join("/");
      if (out.has(dir)) continue;
      const existing = inp.fs?.lookup(dir);
      if (existing && existing.type === "dir") out.set(dir, { ...existing, path: dir, size: 0, mtime: inp.mtime, linkname: undefined });
      else out.set(dir, { path: dir, type: "dir", mode: 0o755, uid: dir === resolvedDest.join("/") ? (chown?.uid ?? 0) : 0, gid: dir === resolvedDest.join("/") ? (chown?.gid ?? 0) : 0, size: 0, mtime: inp.mtime });
    }
  }
  const entries = [...out.values()].sort((a, b) => compareTreeOrder(a.path, b.path));
  for (const e of entries) hash.update(`${e.type} ${e.path} ${e.mode.toString(8)} ${e.uid}:${e.gid} ${e.linkname ?? ""} ${e.devmajor ?? ""}:${e.devminor ?? ""}\n`);
  return { entries, contentKey: hash.digest("hex"), cleanup };
}
