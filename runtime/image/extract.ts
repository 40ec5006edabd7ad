// Layer extraction: applies a (compressed) layer tar onto a directory, honouring whiteouts and never writing outside it.
import * as fs from "node:fs/promises";
import { constants as fsc } from "node:fs";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { join, posix } from "node:path";
import { decompress } from "./compression.js";
import { ImageError, UnsafeArchiveEntryError, ioError } from "./errors.js";
import { WHITEOUT_OPAQUE, WHITEOUT_PREFIX } from "./layerEntries.js";
import type { TarHeader } from "./tarFormat.js";
import { readTar, type TarReadLimits } from "./tarReader.js";
import { writeXattrs, xattrToolsAvailable } from "./xattrs.js";

const run = promisify(execFile);

/** Options of `applyLayer`. */
export interface ApplyOptions extends TarReadLimits {
  /** lchown entries to their uid/gid. Default: true when running as root. */
  preserveOwnership?: boolean;
  /** Create char/block devices (needs root). Default: true when running as root; else they are skipped. */
  devices?: boolean;
  /** Set xattrs (needs setfattr). Default: true when the tools exist; else they are skipped. */
  xattrs?: boolean;
  /**
   * `apply` (default): whiteouts delete from `root`. `overlay`: `root` is one overlayfs lower dir of
   * its own, so whiteouts are recorded the overlayfs way (a 0/0 character device for `.wh.<name>`,
   * `trusted.overlay.opaque=y` for `.wh..wh..opq`); needs root.
   */
  whiteouts?: "apply" | "overlay";
}

/** What `applyLayer` did. */
export interface ApplyResult {
  entries: number;
  files: number;
  bytes: number;
  whiteouts: number;
  /** Entries not materialized for lack of privilege or tools (devices, xattrs, ownership). */
  skipped: string[];
}

const MAX_SYMLINK_HOPS = 40; // Linux MAXSYMLINKS (include/linux/namei.h)

/**
 * Splits an archive path into safe components. Refuses absolute paths, `..` components, NUL bytes;
 * strips `./` prefixes. Returns [] for the root itself.
 */
export function safeComponents(name: string): string[] {
  if (name.includes("\0")) throw new UnsafeArchiveEntryError(name, "NUL byte in name");
  if (name.startsWith("/")) throw new UnsafeArchiveEntryError(name, "absolute path");
  const parts = name.split("/").filter((c) => c !== "" && c !== ".");
  if (parts.includes("..")) throw new UnsafeArchiveEntryError(name, "'..' component");
  return parts;
}

/**
 * Resolves `comps` (directories) inside `root` the way the image's own processes would see them
 * (chroot semantics: absolute symlink targets are relative to `root`), creating missing
 * directories (0755). A symlink whose relative target climbs above `root` is refused (a hostile
 * "symlinked parent" escape), as are non-directories in the chain and symlink loops.
 */
export async function resolveDirInRoot(root: string, comps: readonly string[], entry: string): Promise<string[]> {
  const done: string[] = [];
  const todo = [...comps];
  let hops = 0;
  while (todo.length > 0) {
    const c = todo.shift()!;
    if (c === "" || c === ".") continue;
    if (c === "..") {
      if (done.length === 0) throw new UnsafeArchiveEntryError(entry, "a symlink in its parent path points outside the root");
      done.pop();
      continue;
    }
    const p = join(root, ...done, c);
    let st;
    try {
      st = await fs.lstat(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw ioError(e, p, "cannot stat");
      await fs.mkdir(p, { mode: 0o755 });
      done.push(c);
      continue;
    }
    if (st.isSymbolicLink()) {
      if (++hops > MAX_SYMLINK_HOPS) throw new UnsafeArchiveEntryError(entry, "too many levels of symbolic links in its parent path");
      const t = await fs.readlink(p);
      if (t.startsWith("/")) done.length = 0;
      todo.unshift(...t.split("/"));
      continue;
    }
    if (!st.isDirectory()) throw new UnsafeArchiveEntryError(entry, `parent '${[...done, c].join("/")}' is not a directory`);
    done.push(c);
  }
  return done;
}

async function removeAll(p: string): Promise<void> {
  await fs.rm(p, { recursive: true, force: true });
}

/**
 * Applies one layer (gzip, zstd or plain tar, sniffed) onto `root`, OCI semantics
 * (image-spec layer.md "Applying Changesets"): `.wh.<name>` deletes `<name>`, `.wh..wh..opq`
 * empties its directory of everything not from this layer, other entries replace what is there
 * (an existing directory is kept when the entry is a directory). No entry can write outside `root`:
 * see `safeComponents` and `resolveDirInRoot`; hardlink targets must resolve inside `root` too.
 * Throws UnsafeArchiveEntryError / MalformedArchiveError on hostile or broken archives (entries
 * before the bad one stay applied: apply onto a scratch directory when that matters).
 */
export async function applyLayer(root: string, source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, opts: ApplyOptions = {}): Promise<ApplyResult> {
  const isRoot = process.getuid?.() === 0;
  const own = opts.preserveOwnership ?? isRoot;
  const devices = opts.devices ?? isRoot;
  const wantX = opts.xattrs ?? xattrToolsAvailable();
  const result: ApplyResult = { entries: 0, files: 0, bytes: 0, whiteouts: 0, skipped: [] };
  const written = new Set<string>();
  const dirTimes: { path: string; mtime: number }[] = [];
  const xattrItems: { path: string; xattrs: Record<string, Buffer> }[] = [];

  // readTar reads the source to its end, so a verifying source (a store blob) reaches its digest
  // check: a layer whose bytes do not match its digest fails here instead of being applied silently.
  await applyEntries(decompress(source));
  // xattrs after every chown (chown clears security.capability); dir mtimes last, deepest first.
  await writeXattrs(xattrItems);
  for (const d of dirTimes.reverse()) await fs.utimes(d.path, d.mtime, d.mtime).catch(() => undefined);
  return result;

  async function applyEntries(tarBytes: AsyncIterable<Buffer>): Promise<void> {
    for await (const entry of readTar(tarBytes, opts)) {
      const h = entry.header;
      result.entries++;
      const comps = safeComponents(h.path);
      if (comps.length === 0) continue; // the root directory itself: keep root's own metadata
      const base = comps[comps.length - 1]!;
      const parent = await resolveDirInRoot(root, comps.slice(0, -1), h.path);
      const parentAbs = join(root, ...parent);
      const rel = [...parent, base].join("/");

      if (base.startsWith(WHITEOUT_PREFIX)) {
        result.whiteouts++;
        if (opts.whiteouts === "overlay") {
          if (base === WHITEOUT_OPAQUE) xattrItems.push({ path: parentAbs, xattrs: { "trusted.overlay.opaque": Buffer.from("y") } });
          else {
            const victim = base.slice(WHITEOUT_PREFIX.length);
            if (victim === "" || victim === "." || victim === "..") throw new UnsafeArchiveEntryError(h.path, "invalid whiteout");
            await removeAll(join(parentAbs, victim));
            await run("mknod", ["-m", "0", join(parentAbs, victim), "c", "0", "0"]);
            written.add([...parent, victim].join("/"));
          }
          continue;
        }
        if (base === WHITEOUT_OPAQUE) {
          const prefix = parent.join("/");
          for (const child of await fs.readdir(parentAbs)) {
            const childRel = prefix === "" ? child : `${prefix}/${child}`;
            if (!written.has(childRel)) await removeAll(join(parentAbs, child));
          }
        } else {
          const victim = base.slice(WHITEOUT_PREFIX.length);
          if (victim === "" || victim === "." || victim === "..") throw new UnsafeArchiveEntryError(h.path, "invalid whiteout");
          await removeAll(join(parentAbs, victim));
        }
        continue;
      }

      const abs = join(parentAbs, base);
      written.add(rel);
      let existing;
      try {
        existing = await fs.lstat(abs);
      } catch {
        existing = undefined;
      }
      if (existing && !(existing.isDirectory() && h.type === "dir")) await removeAll(abs);

      try {
        switch (h.type) {
          case "dir":
            if (!existing?.isDirectory()) await fs.mkdir(abs, { mode: 0o700 });
            break;
          case "file": {
            const fh = await fs.open(abs, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL | fsc.O_NOFOLLOW, 0o600);
            try {
              for await (const chunk of entry.body()) {
                let off = 0;
                while (off < chunk.length) off += (await fh.write(chunk, off, chunk.length - off)).bytesWritten;
                result.bytes += chunk.length;
              }
            } finally {
              await fh.close();
            }
            result.files++;
            break;
          }
          case "symlink":
            await fs.symlink(h.linkname ?? "", abs);
            break;
          case "hardlink": {
            const tcomps = safeComponents(h.linkname ?? "");
            if (tcomps.length === 0) throw new UnsafeArchiveEntryError(h.path, "hardlink to the root");
            const tparent = await resolveDirInRoot(root, tcomps.slice(0, -1), h.path);
            const target = join(root, ...tparent, tcomps[tcomps.length - 1]!);
            const tst = await fs.lstat(target).catch(() => undefined);
            if (!tst) throw new UnsafeArchiveEntryError(h.path, `hardlink target '${h.linkname}' does not exist`);
            if (tst.isDirectory()) throw new UnsafeArchiveEntryError(h.path, "hardlink to a directory");
            await fs.link(target, abs);
            break;
          }
          case "char":
          case "block":
          case "fifo":
            if (h.type !== "fifo" && !devices) {
              result.skipped.push(`${rel} (device node; needs root)`);
              continue;
            }
            await run("mknod", ["-m", (h.mode & 0o7777).toString(8), abs, h.type === "char" ? "c" : h.type === "block" ? "b" : "p", ...(h.type === "fifo" ? [] : [String(h.devmajor ?? 0), String(h.devminor ?? 0)])]);
            break;
        }
      } catch (e) {
        if (e instanceof ImageError) throw e;
        throw ioError(e, abs, `cannot create ${h.type}`);
      }
      await setMetadata(abs, h, own, result);
      if (h.type === "dir") dirTimes.push({ path: abs, mtime: h.mtime });
      if (h.xattrs && Object.keys(h.xattrs).length > 0 && h.type !== "hardlink") {
        if (wantX) xattrItems.push({ path: abs, xattrs: h.xattrs });
        else result.skipped.push(`${rel} (xattrs; setfattr not available)`);
      }
    }
  }
}

async function setMetadata(abs: string, h: TarHeader, own: boolean, result: ApplyResult): Promise<void> {
  if (h.type === "hardlink") return;
  try {
    if (own) await fs.lchown(abs, h.uid, h.gid);
    if (h.type !== "symlink") await fs.chmod(abs, h.mode & 0o7777);
    if (h.type !== "dir") await fs.lutimes(abs, h.mtime, h.mtime);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EPERM") result.skipped.push(`${posix.basename(abs)} (ownership; not permitted)`);
    else throw ioError(e, abs, "cannot set metadata of");
  }
}
