// Confined writes under a root directory: every parent component is resolved inside the root
// (symlinks followed with the root as `/`, never out of it), so no archive entry can escape.
import { constants } from "node:fs";
import { link, lstat, mkdir, open, readlink, symlink, unlink, type FileHandle } from "node:fs/promises";
import { join, resolve as resolvePath } from "node:path";
import { UnpackError, UnsafePathError } from "./errors.js";

/** Linux's limit on symlinks followed while resolving one path (path_resolution(7): 40). */
const MAX_SYMLINK_HOPS = 40;

async function lstatOrNull(p: string) {
  try {
    return await lstat(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
}

/** A root directory that archive entries are written into. */
export class SafeRoot {
  /** Absolute path of the root. */
  readonly root: string;
  /**
   * Root-relative paths of symlinks created through this instance. A later entry whose parent
   * goes through one of them is refused (the classic "symlink, then write through it" attack);
   * symlinks that were already in the tree (e.g. a usrmerge `/bin → usr/bin`) are followed.
   */
  readonly createdLinks = new Set<string>();
  /**
   * Resolved parent directories (entry components joined → real root-relative components) of
   * this instance. Valid because a directory is never replaced here (`prepareLeaf` refuses), and
   * dropped whenever a symlink is removed or created.
   */
  private readonly dirCache = new Map<string, string[]>();

  constructor(root: string) {
    this.root = resolvePath(root);
  }

  /**
   * Splits an archive entry name into components. Refuses absolute names and any `..`
   * component; `.` and empty components are dropped (`./usr//bin/` → [usr, bin]).
   */
  components(entry: string): string[] {
    if (entry.startsWith("/")) throw new UnsafePathError(this.root, entry, "absolute path");
    if (entry.includes("\0")) throw new UnsafePathError(this.root, entry, "NUL in name");
    const parts = entry.split("/").filter((c) => c !== "" && c !== ".");
    if (parts.includes("..")) throw new UnsafePathError(this.root, entry, "'..' component");
    return parts;
  }

  /**
   * Resolves `comps` inside the root. Intermediate symlinks are followed with the root as `/`
   * (absolute targets restart at the root; `..` past the root is refused); the last component is
   * followed only if `followLast`. Missing directories are created (0755) when `create` is set;
   * otherwise resolution stops and `missing` is true. Returns root-relative real components.
   */
  async walk(entry: string, comps: readonly string[], opts: { create: boolean; followLast: boolean }): Promise<{ rel: string[]; missing: boolean }> {
    const stack: string[] = [];
    let queue = [...comps];
    let hops = 0;
    while (queue.length > 0) {
      const c = queue.shift()!;
      if (c === "" || c === ".") continue;
      if (c === "..") {
        if (stack.length === 0) throw new UnsafePathError(this.root, entry, "a symlink in its path leads out of the root");
        stack.pop();
        continue;
      }
      const isLast = queue.length === 0;
      const rel = [...stack, c].join("/");
      const abs = join(this.root, rel);
      const st = await lstatOrNull(abs);
      if (st === null) {
        if (isLast && !opts.followLast) {
          stack.push(c);
          break;
        }
        if (!opts.create) return { rel: [...stack, c, ...queue], missing: true };
        try {
          await mkdir(abs, { mode: 0o755 });
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw new UnpackError(abs, "cannot create directory", e);
          queue.unshift(c); // raced with another writer: look again
          continue;
        }
        stack.push(c);
        continue;
      }
      if (st.isSymbolicLink()) {
        if (isLast && !opts.followLast) {
          stack.push(c);
          break;
        }
        if (this.createdLinks.has(rel)) throw new UnsafePathError(this.root, entry, `its parent '/${rel}' is a symlink from the same archive`);
        if (++hops > MAX_SYMLINK_HOPS) throw new UnsafePathError(this.root, entry, "too many levels of symbolic links");
        const target = await readlink(abs);
        if (target.startsWith("/")) stack.length = 0;
        queue = [...target.split("/"), ...queue];
        continue;
      }
      if (!isLast && !st.isDirectory()) throw new UnpackError(abs, `is not a directory (needed by '${entry}')`);
      stack.push(c);
    }
    return { rel: stack, missing: false };
  }

  /** Creates the root directory itself (and its parents) if missing. */
  async ensure(): Promise<void> {
    await mkdir(this.root, { recursive: true, mode: 0o755 });
  }

  /** Resolves (creating) the directory `comps`, memoised per instance. */
  private async dir(entry: string, comps: readonly string[]): Promise<string[]> {
    const key = comps.join("/");
    const hit = this.dirCache.get(key);
    if (hit !== undefined) return hit;
    const { rel } = await this.walk(entry, comps, { create: true, followLast: true });
    const st = await lstat(this.abs(rel));
    if (!st.isDirectory()) throw new UnpackError(this.abs(rel), `exists and is not a directory (archive entry '${entry}')`);
    this.dirCache.set(key, rel);
    return rel;
  }

  /** Forgets memoised directories (call when something else may have changed the tree). */
  forget(): void {
    this.dirCache.clear();
  }

  /** Absolute path for root-relative components produced by `walk`. */
  abs(rel: readonly string[]): string {
    return rel.length === 0 ? this.root : join(this.root, ...rel);
  }

  /** Creates (or reuses) a directory; an existing symlink to a directory inside the root is followed. */
  async mkdirAll(entry: string): Promise<string> {
    const comps = this.components(entry);
    const rel = await this.dir(entry, comps);
    return this.abs(rel);
  }

  /**
   * Prepares the place for a non-directory entry: resolves (creating) its parent, removes an
   * existing file or symlink there (never a directory), and returns the absolute final path and
   * its root-relative form.
   */
  async prepareLeaf(entry: string): Promise<{ abs: string; rel: string }> {
    const comps = this.components(entry);
    if (comps.length === 0) throw new UnsafePathError(this.root, entry, "names the root itself");
    const parent = await this.dir(entry, comps.slice(0, -1));
    const rel = [...parent, comps[comps.length - 1]!];
    const abs = this.abs(rel);
    const st = await lstatOrNull(abs);
    if (st?.isDirectory()) throw new UnpackError(abs, `is a directory, archive entry '${entry}' is not`);
    if (st !== null) {
      if (st.isSymbolicLink()) this.dirCache.clear();
      await unlink(abs);
    }
    return { abs, rel: rel.join("/") };
  }

  /** Creates a new regular file (O_EXCL|O_NOFOLLOW) and returns its handle. */
  async createFile(entry: string, mode: number): Promise<{ fh: FileHandle; abs: string }> {
    const { abs } = await this.prepareLeaf(entry);
    const fh = await open(abs, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode & 0o777);
    return { fh, abs };
  }

  /** Creates a symlink `entry → target` (the target text is stored as is; it is data). */
  async symlink(entry: string, target: string): Promise<string> {
    const { abs, rel } = await this.prepareLeaf(entry);
    await symlink(target, abs);
    this.createdLinks.add(rel);
    this.dirCache.clear();
    return abs;
  }

  /** Creates a hard link `entry` to the existing regular file `targetEntry` (both inside the root). */
  async hardlink(entry: string, targetEntry: string): Promise<string> {
    const tcomps = this.components(targetEntry);
    const t = await this.walk(targetEntry, tcomps, { create: false, followLast: false });
    const tabs = this.abs(t.rel);
    const st = t.missing ? null : await lstatOrNull(tabs);
    if (st === null || !st.isFile()) throw new UnpackError(tabs, `hard link target of '${entry}' is missing or not a regular file`);
    const { abs } = await this.prepareLeaf(entry);
    await link(tabs, abs);
    return abs;
  }

  /** Writes a whole small file (for database entries), replacing what is there. */
  async writeFile(entry: string, data: Buffer | string, mode = 0o644): Promise<string> {
    const { fh, abs } = await this.createFile(entry, mode);
    try {
      await fh.writeFile(data);
      await fh.chmod(mode);
    } finally {
      await fh.close();
    }
    return abs;
  }
}
