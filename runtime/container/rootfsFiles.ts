// Reads files of a container rootfs from the host without following symlinks out of it.
//
// The rootfs is a stack of directories (upper first); a path is resolved component by component
// in the merged view, overlayfs-style: the topmost dir holding an entry wins, a 0:0 character
// device is a whiteout, symlinks resolve against the container root (never the host's).
import { lstatSync, readFileSync, readlinkSync, type Stats } from "node:fs";
import { join } from "node:path";

const MAX_LINKS = 40; // Linux's MAXSYMLINKS (include/linux/namei.h)

function isWhiteout(st: Stats): boolean {
  return st.isCharacterDevice() && st.rdev === 0;
}

function lookup(dirs: readonly string[], rel: string): { dir: string; st: Stats } | undefined {
  for (const d of dirs) {
    let st: Stats;
    try {
      st = lstatSync(join(d, rel));
    } catch {
      continue;
    }
    if (isWhiteout(st)) return undefined;
    return { dir: d, st };
  }
  return undefined;
}

/**
 * Resolves `path` (absolute, container view) in the merged stack `dirs` (topmost first) and returns
 * the host path of the file, or undefined if it does not exist. Symlinks stay inside the rootfs.
 */
export function resolveInRootfs(dirs: readonly string[], path: string): string | undefined {
  let pending = path.split("/").filter((c) => c !== "" && c !== ".");
  const done: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const c = pending.shift()!;
    if (c === "..") {
      done.pop();
      continue;
    }
    const rel = [...done, c].join("/");
    const hit = lookup(dirs, rel);
    if (hit === undefined) return undefined;
    if (hit.st.isSymbolicLink()) {
      if (++links > MAX_LINKS) return undefined;
      const target = readlinkSync(join(hit.dir, rel));
      const parts = target.split("/").filter((p) => p !== "" && p !== ".");
      if (target.startsWith("/")) done.length = 0;
      pending = [...parts, ...pending];
      continue;
    }
    done.push(c);
  }
  const rel = done.join("/");
  const hit = lookup(dirs, rel);
  return hit === undefined ? undefined : join(hit.dir, rel);
}

/** Reads a text file of the rootfs, or undefined if missing or not a regular file. */
export function readRootfsText(dirs: readonly string[], path: string): string | undefined {
  const p = resolveInRootfs(dirs, path);
  if (p === undefined) return undefined;
  try {
    if (!lstatSync(p).isFile()) return undefined;
    return readFileSync(p, "utf8");
  } catch {
    return undefined;
  }
}
