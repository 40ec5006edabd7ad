// The lockfile (`SPEC.lock`): for each PACKAGES op, the exact packages a resolution produced, in a
// stable JSON form; frozen-lockfile checks and human-readable diffs between two lockfiles.
import { readFile, rename, writeFile } from "node:fs/promises";
import { LockfileError } from "./errors.js";
import type { PackageRequest } from "./resolver.js";
import { compareVersions } from "./version.js";

/** The lockfile format version; readers reject others. */
export const LOCKFILE_VERSION = 1 as const;

/** The identity of a PACKAGES op for locking: what was asked for, not where it sits in the DAG. */
export interface PackagesSelector {
  distro: string;
  suite: string;
  arch: string;
  packages: PackageRequest[];
}

/** One locked package: everything needed to fetch and verify it without resolving again. */
export interface LockedPackage {
  name: string;
  version: string;
  arch: string;
  /** Pool path relative to the mirror root. */
  filename: string;
  /** Lowercase hex sha256 of the .deb. */
  sha256: string;
  size: number;
}

/** The lock of one PACKAGES op. */
export interface LockEntry extends PackagesSelector {
  /** Sorted by name, then arch. */
  resolved: LockedPackage[];
}

/** The whole lockfile. Entries are sorted by `selectorKey`. */
export interface Lockfile {
  lockfileVersion: typeof LOCKFILE_VERSION;
  entries: LockEntry[];
}

function byName<T extends { name: string }>(a: T, b: T): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** A canonical string for a selector (requests sorted); equal keys = same op for locking. */
export function selectorKey(s: PackagesSelector): string {
  const req = [...s.packages].sort(byName).map((p) => (p.version === undefined ? p.name : `${p.name}=${p.version}`));
  return `${s.distro}/${s.suite}/${s.arch}: ${req.join(" ")}`;
}

/** Builds a normalised lock entry (requests and packages sorted, only the locked fields kept). */
export function lockEntry(s: PackagesSelector, resolved: readonly LockedPackage[]): LockEntry {
  return {
    distro: s.distro,
    suite: s.suite,
    arch: s.arch,
    packages: [...s.packages].sort(byName).map((p) => (p.version === undefined ? { name: p.name } : { name: p.name, version: p.version })),
    resolved: [...resolved]
      .map((p) => ({ name: p.name, version: p.version, arch: p.arch, filename: p.filename, sha256: p.sha256, size: p.size }))
      .sort((a, b) => byName(a, b) || (a.arch < b.arch ? -1 : a.arch > b.arch ? 1 : 0)),
  };
}

/** Builds a lockfile from entries (deduplicated by selector, sorted). */
export function makeLockfile(entries: readonly LockEntry[]): Lockfile {
  const m = new Map<string, LockEntry>();
  for (const e of entries) m.set(selectorKey(e), e);
  return { lockfileVersion: LOCKFILE_VERSION, entries: [...m.keys()].sort().map((k) => m.get(k)!) };
}

/** The stable text of a lockfile: 2-space JSON with a trailing newline. */
export function formatLockfile(lock: Lockfile): string {
  return `${JSON.stringify(lock, null, 2)}\n`;
}

/** Parses and validates lockfile text. Throws `LockfileError` (`PKG_LOCK_FORMAT`). */
export function parseLockfile(text: string, path: string): Lockfile {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new LockfileError("PKG_LOCK_FORMAT", path, `not JSON: ${(e as Error).message}`);
  }
  const o = v as Partial<Lockfile>;
  if (o?.lockfileVersion !== LOCKFILE_VERSION) throw new LockfileError("PKG_LOCK_FORMAT", path, `unsupported lockfileVersion ${JSON.stringify(o?.lockfileVersion)}`);
  if (!Array.isArray(o.entries)) throw new LockfileError("PKG_LOCK_FORMAT", path, "missing entries");
  for (const e of o.entries) {
    const ok =
      typeof e?.distro === "string" && typeof e.suite === "string" && typeof e.arch === "string" && Array.isArray(e.packages) && Array.isArray(e.resolved) &&
      e.resolved.every((p) => typeof p.name === "string" && typeof p.version === "string" && typeof p.filename === "string" && /^[0-9a-f]{64}$/.test(p.sha256) && Number.isSafeInteger(p.size));
    if (!ok) throw new LockfileError("PKG_LOCK_FORMAT", path, `malformed entry ${JSON.stringify(e).slice(0, 120)}`);
  }
  return o as Lockfile;
}

/** Reads a lockfile, or undefined when the file does not exist. */
export async function readLockfile(path: string): Promise<Lockfile | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
  return parseLockfile(text, path);
}

/** Writes a lockfile atomically (temp file + rename). */
export async function writeLockfile(path: string, lock: Lockfile): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, formatLockfile(lock));
  await rename(tmp, path);
}

/** The lock entry for a selector, if the lockfile has one. */
export function findLocked(lock: Lockfile | undefined, s: PackagesSelector): LockEntry | undefined {
  const k = selectorKey(s);
  return lock?.entries.find((e) => selectorKey(e) === k);
}

/**
 * `--frozen-lockfile`: throws `LockfileError` (`PKG_LOCK_MISMATCH`) unless every selector has an
 * entry in `lock` and the lockfile has no entries for selectors that no longer exist.
 */
export function checkFrozen(lock: Lockfile | undefined, selectors: readonly PackagesSelector[], path: string): void {
  if (lock === undefined) {
    if (selectors.length === 0) return;
    throw new LockfileError("PKG_LOCK_MISMATCH", path, "no lockfile, but --frozen-lockfile was given (run `vmspec lock`)");
  }
  const want = new Set(selectors.map(selectorKey));
  const have = new Set(lock.entries.map(selectorKey));
  const problems: string[] = [];
  for (const k of [...want].sort()) if (!have.has(k)) problems.push(`not locked: ${k}`);
  for (const k of [...have].sort()) if (!want.has(k)) problems.push(`locked but no longer in the spec: ${k}`);
  if (problems.length > 0) throw new LockfileError("PKG_LOCK_MISMATCH", path, `the spec no longer matches the lockfile (run \`vmspec lock --update\`):\n  ${problems.join("\n  ")}`);
}

/** One change between two lockfiles. */
export interface LockChange {
  kind: "added" | "removed" | "upgraded" | "downgraded" | "changed";
  /** The selector the package belongs to. */
  selector: string;
  name: string;
  arch: string;
  from?: string;
  to?: string;
}

/** Package-level differences from `before` to `after`, in a stable order. */
export function diffLockfiles(before: Lockfile | undefined, after: Lockfile): LockChange[] {
  const out: LockChange[] = [];
  const old = new Map((before?.entries ?? []).map((e) => [selectorKey(e), e]));
  const neu = new Map(after.entries.map((e) => [selectorKey(e), e]));
  for (const k of [...new Set([...old.keys(), ...neu.keys()])].sort()) {
    const a = new Map((old.get(k)?.resolved ?? []).map((p) => [`${p.name}:${p.arch}`, p]));
    const b = new Map((neu.get(k)?.resolved ?? []).map((p) => [`${p.name}:${p.arch}`, p]));
    for (const id of [...new Set([...a.keys(), ...b.keys()])].sort()) {
      const x = a.get(id);
      const y = b.get(id);
      const base = { selector: k, name: (x ?? y)!.name, arch: (x ?? y)!.arch };
      if (x === undefined) out.push({ kind: "added", ...base, to: y!.version });
      else if (y === undefined) out.push({ kind: "removed", ...base, from: x.version });
      else if (x.version !== y.version) out.push({ kind: compareVersions(y.version, x.version) > 0 ? "upgraded" : "downgraded", ...base, from: x.version, to: y.version });
      else if (x.sha256 !== y.sha256) out.push({ kind: "changed", ...base, from: x.sha256, to: y.sha256 });
    }
  }
  return out;
}

/** One line per change: `+ name version`, `- name version`, `↑ name a → b`, … */
export function formatChanges(changes: readonly LockChange[]): string[] {
  return changes.map((c) => {
    switch (c.kind) {
      case "added":
        return `added      ${c.name}:${c.arch} ${c.to}  [${c.selector}]`;
      case "removed":
        return `removed    ${c.name}:${c.arch} ${c.from}  [${c.selector}]`;
      case "upgraded":
      case "downgraded":
        return `${c.kind.padEnd(10)} ${c.name}:${c.arch} ${c.from} → ${c.to}  [${c.selector}]`;
      case "changed":
        return `changed    ${c.name}:${c.arch} sha256 ${c.from!.slice(0, 12)}… → ${c.to!.slice(0, 12)}… (same version!)  [${c.selector}]`;
    }
  });
}
