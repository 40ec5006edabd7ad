// The public API of the Debian package source: resolve, fetch (verified, cached), unpack into a
// layer with dpkg database entries, fetch single files for the VM, and lockfile operations.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { findMirror, type Mirror } from "./aptSources.js";
import { DebianArchive } from "./archive.js";
import { BlobCache, defaultCacheDir } from "./cache.js";
import { installedFromStatus, writeDpkgDatabase } from "./dpkgDb.js";
import { PackagesError, ResolveError } from "./errors.js";
import { extractMember } from "./extractFile.js";
import type { Ir, PackagesOp } from "../../compiler/ir/types.js";
import { checkFrozen, findLocked, lockEntry, makeLockfile, selectorKey, type LockedPackage, type Lockfile, type PackagesSelector } from "./lockfile.js";
import { Universe, resolve, type EssentialPolicy, type InstalledPackage, type PackageRequest, type ResolvedPackage } from "./resolver.js";
import { SafeRoot } from "./safeRoot.js";
import { unpackDeb, type UnpackedDeb } from "./unpack.js";

export * from "./errors.js";
export { compareVersions, satisfiesRelation, parseVersion } from "./version.js";
export { findMirror, readAptSources, MIRROR_ENV, DEFAULT_KEYRING, type Mirror } from "./aptSources.js";
export { CACHE_ENV, defaultCacheDir, BlobCache } from "./cache.js";
export { DebianArchive } from "./archive.js";
export { PackagesIndex, type PackageEntry } from "./packagesIndex.js";
export { Universe, resolve, findConflicts, type PackageRequest, type ResolvedPackage, type EssentialPolicy, type InstalledPackage } from "./resolver.js";
export { unpackDeb, type UnpackedDeb } from "./unpack.js";
export { writeDpkgDatabase, installedFromStatus } from "./dpkgDb.js";
export * from "./lockfile.js";

/** Where packages come from and where they are cached. Every field is optional. */
export interface SourceOptions {
  /** Mirror base URL (`--mirror`); else $VMSPEC_DEBIAN_MIRROR, else the apt configuration. */
  mirror?: string;
  /** Keyrings for InRelease (`--keyring`); else the apt source's Signed-By, else Debian's keyring. */
  keyrings?: string[];
  /** Cache directory (`--cache`); else $VMSPEC_CACHE, $XDG_CACHE_HOME/vmspec, ~/.cache/vmspec. */
  cacheDir?: string;
  /** apt configuration directory (default `/etc/apt`). */
  etcApt?: string;
  /** Archive components to resolve from (default `["main"]`). */
  components?: string[];
  /** Use only cached metadata (the cached InRelease is still verified). */
  offline?: boolean;
  /** Environment (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Clock for Release date checks (default `Date.now`). */
  now?: () => number;
}

/** What to resolve: the fields of a PACKAGES IR op (`compiler/ir/types.ts` `PackagesOp`). */
export interface PackagesSpec extends PackagesSelector {
  /** Essential handling (see `EssentialPolicy`); default `exclude`. */
  essential?: EssentialPolicy;
  /** Packages already present (e.g. from the base layer's dpkg status). */
  installed?: InstalledPackage[];
}

/** A resolved-or-locked package reference: enough to download and verify the .deb. */
export type PackageRef = LockedPackage;

const archives = new Map<string, DebianArchive>();

/**
 * A verified archive client for `suite` with `opts` (memoised per mirror/keyrings/cache/offline,
 * so indices are downloaded and parsed once per process).
 */
export function openArchive(suite: string, opts: SourceOptions = {}): DebianArchive {
  const mirror: Mirror = findMirror({ mirror: opts.mirror, env: opts.env, etcApt: opts.etcApt, keyrings: opts.keyrings, suite });
  const cacheDir = defaultCacheDir(opts.cacheDir, opts.env);
  const key = JSON.stringify([mirror, cacheDir, opts.offline ?? false, opts.now === undefined]);
  let a = archives.get(key);
  if (a === undefined || opts.now !== undefined) {
    a = new DebianArchive({ mirror, cache: new BlobCache(cacheDir), offline: opts.offline, now: opts.now });
    if (opts.now === undefined) archives.set(key, a);
  }
  return a;
}

/**
 * The resolver universe of a suite/arch: every component's `binary-<arch>` index (which in Debian
 * also lists the `all` packages; when the Release does not say so, `binary-all` is added too).
 */
export async function loadUniverse(suite: string, arch: string, opts: SourceOptions = {}): Promise<Universe> {
  const a = openArchive(suite, opts);
  const comps = opts.components ?? ["main"];
  const rel = await a.release(suite);
  const jobs = comps.map((c) => a.packagesIndex(suite, c, arch));
  // An archive that keeps `all` packages only in binary-all (no `No-Support-for-Architecture-all`).
  if (!rel.allInArchIndices && arch !== "all") {
    for (const c of comps) if ([...rel.files.keys()].some((k) => k.startsWith(`${c}/binary-all/Packages`))) jobs.push(a.packagesIndex(suite, c, "all"));
  }
  return new Universe(await Promise.all(jobs));
}

/**
 * Resolves a PACKAGES request to the exact package set (sorted by name, arch): downloads and
 * verifies InRelease and the Packages indices as needed. Only `distro: "debian"` is supported.
 * Throws `ResolveError` (unknown names with suggestions, or blame chains), `SignatureError`,
 * `ReleaseError`, `DigestMismatchError`, `FetchError`, `MirrorConfigError`.
 */
export async function resolvePackages(spec: PackagesSpec, opts: SourceOptions = {}): Promise<ResolvedPackage[]> {
  if (spec.distro !== "debian") throw new ResolveError("PKG_UNKNOWN", [`unsupported distro '${spec.distro}' (only 'debian')`]);
  const u = await loadUniverse(spec.suite, spec.arch, opts);
  return resolve(u, spec.packages, { arch: spec.arch, essential: spec.essential, installed: spec.installed });
}

/**
 * Makes sure every package's .deb is in the content-addressed cache (downloading at most 4 at a
 * time, sha256 and size verified while streaming; mismatches delete the partial file and throw
 * `DigestMismatchError` with both digests). Returns local paths in input order.
 */
export async function fetchPackages(suite: string, pkgs: readonly PackageRef[], opts: SourceOptions = {}): Promise<string[]> {
  const a = openArchive(suite, opts);
  const out = new Array<string>(pkgs.length);
  let next = 0;
  const worker = async () => {
    while (next < pkgs.length) {
      const i = next++;
      const p = pkgs[i]!;
      if (opts.offline && !a.cache.has(p.sha256)) throw new PackagesError("PKG_OFFLINE", `offline and ${p.name} ${p.version} (${p.sha256}) is not cached`);
      out[i] = await a.cache.ensure(a.poolUrl(p.filename), { sha256: p.sha256, size: p.size });
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return out;
}

/** What `installPackages` did. */
export interface InstallResult {
  /** The installed set (sorted by name, arch). */
  packages: PackageRef[];
  /** Package name → maintainer scripts it has (not run; `dpkg --configure -a` would run them). */
  maintainerScripts: Record<string, string[]>;
  /** Unpack details per package, in unpack order. */
  unpacked: UnpackedDeb[];
}

/** Options for `installPackages`. */
export interface InstallOptions extends SourceOptions {
  /** A lockfile to take the exact set from when it has this op. */
  lock?: Lockfile;
  /** With `lock`: fail (`LockfileError`) if the op is not locked instead of resolving. */
  frozen?: boolean;
  /** Path shown in lockfile errors. */
  lockPath?: string;
  /** dpkg status of the layers below (their packages satisfy dependencies and stay in `status`). */
  baseStatus?: string;
  /**
   * Symlinks of the layers below to re-create in `root` before unpacking, path → target, e.g.
   * `{ "/bin": "usr/bin", "/lib": "usr/lib" }` for a merged-/usr base. Unpacking follows them
   * like dpkg follows the base's links; without them a package shipping `/bin/x` would put a real
   * `bin/` directory into the layer, which shadows the base's `/bin → usr/bin` link when layers
   * are stacked. See `MERGED_USR_LINKS` for the paths worth checking.
   */
  baseLinks?: Record<string, string>;
  /** Apply tar ownership (default: when running as root). */
  chown?: boolean;
}

/** Top-level paths that are symlinks on a merged-/usr Debian system (bookworm and later). */
export const MERGED_USR_LINKS = ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"] as const;

/**
 * The builder's entry point for a PACKAGES op: takes the locked set (if `lock` has the op) or
 * resolves it, downloads and verifies every .deb, unpacks them in name order into `root` (a
 * layer directory; nothing is written outside it; `baseLinks` are re-created first), and writes
 * dpkg's database there (status merged with `baseStatus`). Maintainer scripts are recorded, never run.
 */
export async function installPackages(spec: PackagesSpec, root: string, opts: InstallOptions = {}): Promise<InstallResult> {
  const pkgs = await packagesFor(spec, opts);
  const paths = await fetchPackages(spec.suite, pkgs, opts);
  const safe = new SafeRoot(root);
  await safe.ensure();
  for (const [path, target] of Object.entries(opts.baseLinks ?? {}).sort()) await safe.symlink(path.replace(/^\/+/, ""), target);
  const unpacked: UnpackedDeb[] = [];
  for (let i = 0; i < pkgs.length; i++) unpacked.push(await unpackDeb(paths[i]!, safe, { chown: opts.chown }));
  await writeDpkgDatabase(safe, unpacked, { baseStatus: opts.baseStatus });
  const maintainerScripts: Record<string, string[]> = {};
  for (const u of unpacked) if (u.maintainerScripts.length > 0) maintainerScripts[u.name] = u.maintainerScripts;
  return { packages: pkgs, maintainerScripts, unpacked };
}

/**
 * The exact set for an op: from `opts.lock` when it has the op; else, with `opts.frozen`, a
 * `LockfileError`; else a fresh resolution (with `baseStatus` packages counted as installed).
 */
export async function packagesFor(spec: PackagesSpec, opts: InstallOptions = {}): Promise<PackageRef[]> {
  const locked = findLocked(opts.lock, spec);
  if (locked !== undefined) return locked.resolved;
  if (opts.frozen) checkFrozen(opts.lock, [spec], opts.lockPath ?? "lockfile");
  const installed = spec.installed ?? (opts.baseStatus !== undefined ? await installedFromStatus(opts.baseStatus) : undefined);
  return resolvePackages({ ...spec, installed }, opts);
}

/**
 * Resolves every selector and returns a fresh lockfile (entries sorted). For `vmspec lock`.
 */
export async function lockSelectors(selectors: readonly PackagesSelector[], opts: SourceOptions = {}): Promise<Lockfile> {
  const entries = [];
  for (const s of selectors) entries.push(lockEntry(s, await resolvePackages(s, opts)));
  return makeLockfile(entries);
}

/** A request for one file out of one package. */
export interface PackageFileRequest {
  suite: string;
  arch: string;
  /** Package name; a metapackage is fine (its dependencies are searched, see below). */
  package: string;
  /** Exact version (default: newest). */
  version?: string;
  /** Absolute path inside the package (`/usr/bin/busybox`) or a RegExp tested against such paths. */
  path: string | RegExp;
}

/** Where a fetched file landed. */
export interface PackageFile {
  /** Local path of the extracted file (inside the cache; treat as read-only). */
  path: string;
  /** Path inside the package. */
  member: string;
  /** sha256 of the file. */
  sha256: string;
  /** The package it came from (may be a dependency of the requested metapackage). */
  package: PackageRef;
}

/**
 * Fetches one file out of one package for a suite/arch — e.g. `/bin/busybox` from
 * `busybox-static`, `fw_dynamic.bin` from `opensbi`, the kernel image via `linux-image-riscv64`.
 * An exact path also matches its merged-/usr twin (`/bin/busybox` finds `/usr/bin/busybox`).
 * If the package has no matching file, its direct dependencies (first alternative of each clause)
 * are searched, then theirs (depth ≤ 2), so metapackages work. The .deb is verified and cached;
 * the extracted file is cached under the .deb's digest and re-hashed on reuse. Throws
 * `PackagesError` (`PKG_FILE_NOT_FOUND`) when no package in reach has the file.
 */
export async function fetchPackageFile(req: PackageFileRequest, opts: SourceOptions = {}): Promise<PackageFile> {
  const u = await loadUniverse(req.suite, req.arch, opts);
  const a = openArchive(req.suite, opts);
  const seen = new Set<string>();
  let level: PackageRequest[] = [{ name: req.package, ...(req.version !== undefined ? { version: req.version } : {}) }];
  for (let depth = 0; depth <= 2 && level.length > 0; depth++) {
    const nextLevel: PackageRequest[] = [];
    for (const r of level) {
      if (seen.has(r.name)) continue;
      seen.add(r.name);
      const entry = u.versionsOf(r.name).find((e) => r.version === undefined || e.version === r.version);
      if (entry === undefined) {
        // For the requested package itself, let the resolver explain (unknown name, no such version).
        if (depth === 0) resolve(u, [r], { arch: req.arch });
        continue;
      }
      const ref: PackageRef = { name: entry.name, version: entry.version, arch: entry.arch, filename: entry.filename, sha256: entry.sha256, size: entry.size };
      const key = createHash("sha256").update(String(req.path)).digest("hex").slice(0, 16);
      const dest = join(a.cache.root, "files", ref.sha256, key);
      // Extracted before from this exact (verified) .deb: reuse it if it still hashes right.
      const cached = await reuse(dest);
      if (cached !== undefined) return { path: dest, member: cached.member, sha256: cached.sha256, package: ref };
      const [deb] = await fetchPackages(req.suite, [ref], opts);
      const got = await extractMember(deb!, req.path, dest);
      if (got !== undefined) {
        await writeMeta(dest, got.member);
        return { path: dest, member: got.member, sha256: got.sha256, package: ref };
      }
      for (const clause of entry.depends) if (clause[0] !== undefined) nextLevel.push({ name: clause[0].name });
    }
    level = nextLevel;
  }
  throw new PackagesError("PKG_FILE_NOT_FOUND", `no file matching ${String(req.path)} in ${req.package} (${req.suite}/${req.arch}) or its dependencies`);
}

async function writeMeta(dest: string, member: string): Promise<void> {
  await writeFile(`${dest}.member`, member + "\n");
}

async function reuse(dest: string): Promise<{ member: string; sha256: string } | undefined> {
  if (!existsSync(dest) || !existsSync(`${dest}.sha256`) || !existsSync(`${dest}.member`)) return undefined;
  const want = (await readFile(`${dest}.sha256`, "utf8")).trim();
  const actual = createHash("sha256").update(await readFile(dest)).digest("hex");
  if (want !== actual) return undefined;
  return { member: (await readFile(`${dest}.member`, "utf8")).trim(), sha256: want };
}

/**
 * The lock selectors of every PACKAGES op in an IR (all stages, so any `--target` is covered),
 * deduplicated and sorted by `selectorKey`.
 */
export function selectorsFromIr(ir: Ir): PackagesSelector[] {
  const m = new Map<string, PackagesSelector>();
  for (const st of ir.stages) {
    for (const op of st.ops) {
      if (op.kind !== "packages") continue;
      const s = selectorOfOp(op);
      m.set(selectorKey(s), s);
    }
  }
  return [...m.keys()].sort().map((k) => m.get(k)!);
}

/** The lock selector of one PACKAGES op. */
export function selectorOfOp(op: PackagesOp): PackagesSelector {
  return {
    distro: op.distro,
    suite: op.suite,
    arch: op.arch,
    packages: op.packages.map((p) => (p.version === undefined ? { name: p.name } : { name: p.name, version: p.version })),
  };
}

/** The lockfile path for a spec: `SPEC.lock` next to it. */
export function lockfilePathFor(specPath: string): string {
  return `${specPath}.lock`;
}
