// Resolving COPY/ADD sources inside a source root (the build context, or a stage's filesystem): globs, ignore rules, no escapes.
import * as fs from "node:fs/promises";
import type { Stats } from "node:fs";
import { join, posix } from "node:path";
import { BuildError } from "./errors.js";
import { globToRegExp, hasGlob, type IgnoreMatcher } from "./ignore.js";

/** Where COPY sources are read from. */
export interface SourceRoot {
  /** Absolute directory. */
  dir: string;
  /** Ignore rules (the build context's); null for stage/image filesystems. */
  ignore: IgnoreMatcher | null;
  /** Shown in messages: "build context", "stage 'builder'", … */
  label: string;
}

/** One matched source: its path relative to the root (symlinks in it resolved) and its stat (followed). */
export interface MatchedSource {
  rel: string;
  abs: string;
  stat: Stats;
  /** True when the source path contained glob characters. */
  glob: boolean;
}

const MAX_HOPS = 40; // Linux MAXSYMLINKS

/**
 * Resolves `rel` (components, may contain symlinks) inside `root` with chroot semantics, following
 * every symlink including the last. Throws BUILD_SOURCE_ESCAPES_CONTEXT when a relative symlink
 * climbs above the root (an absolute target is re-rooted, as BuildKit does). Returns the resolved
 * relative path, or undefined when it does not exist.
 */
export async function resolveInRoot(root: string, rel: string, original: string): Promise<string | undefined> {
  const todo = rel.split("/").filter((c) => c !== "" && c !== ".");
  const done: string[] = [];
  let hops = 0;
  while (todo.length > 0) {
    const c = todo.shift()!;
    if (c === "..") {
      if (done.length === 0) throw new BuildError("BUILD_SOURCE_ESCAPES_CONTEXT", `source '${original}' resolves outside the build context (through a symlink)`, { path: original });
      done.pop();
      continue;
    }
    const p = join(root, ...done, c);
    let st: Stats;
    try {
      st = await fs.lstat(p);
    } catch {
      return undefined;
    }
    if (st.isSymbolicLink()) {
      if (++hops > MAX_HOPS) throw new BuildError("BUILD_SOURCE_NOT_FOUND", `too many levels of symbolic links in '${original}'`, { path: original });
      const t = await fs.readlink(p);
      if (t.startsWith("/")) done.length = 0;
      todo.unshift(...t.split("/"));
      continue;
    }
    done.push(c);
  }
  return done.join("/");
}

/** Cleans a source path: no leading `/`, `.` removed; refuses `..` that leaves the root. */
export function cleanSource(path: string): string {
  const n = posix.normalize(`/${path}`).slice(1).replace(/\/+$/, "");
  if (posix.normalize(path.replace(/^\/+/, "")).startsWith("..")) throw new BuildError("BUILD_SOURCE_ESCAPES_CONTEXT", `source '${path}' is outside the build context`, { path });
  return n;
}

/**
 * The sources a COPY path names inside `root`: one path, or every match of a glob (Go
 * filepath.Match per component, plus `**`), sorted. Excluded (ignored) paths are invisible.
 * Throws BUILD_SOURCE_NOT_FOUND when nothing matches, BUILD_SOURCE_ESCAPES_CONTEXT for `..` or
 * symlinks leading out of the root.
 */
export async function matchSources(root: SourceRoot, path: string): Promise<MatchedSource[]> {
  const clean = cleanSource(path);
  const glob = hasGlob(clean);
  const candidates: string[] = [];
  if (!glob) candidates.push(clean);
  else {
    const re = globToRegExp(clean);
    const parts = clean.split("/");
    const fixed: string[] = [];
    for (const p of parts) {
      if (hasGlob(p)) break;
      fixed.push(p);
    }
    const deep = clean.includes("**");
    const walk = async (rel: string, depth: number): Promise<void> => {
      let names: string[];
      try {
        names = (await fs.readdir(join(root.dir, rel))).sort();
      } catch {
        return;
      }
      for (const n of names) {
        const r = rel ? `${rel}/${n}` : n;
        if (root.ignore?.ignores(r)) continue;
        if (re.test(r)) candidates.push(r);
        if (deep || depth + 1 < parts.length) {
          const st = await fs.lstat(join(root.dir, r)).catch(() => undefined);
          if (st?.isDirectory()) await walk(r, depth + 1);
        }
      }
    };
    await walk(fixed.join("/"), fixed.length);
  }
  const out: MatchedSource[] = [];
  for (const c of candidates) {
    if (c !== "" && root.ignore?.ignores(c)) continue;
    const resolved = await resolveInRoot(root.dir, c, path);
    if (resolved === undefined) continue;
    const abs = join(root.dir, resolved);
    const stat = await fs.stat(abs).catch(() => undefined);
    if (!stat) continue;
    out.push({ rel: c, abs, stat, glob });
  }
  if (out.length === 0) {
    const why = !glob && root.ignore?.ignores(clean) ? " (excluded by the ignore file)" : "";
    throw new BuildError("BUILD_SOURCE_NOT_FOUND", `'${path}' not found in the ${root.label}${why}`, { path });
  }
  return out;
}
