// Executors for ops that need more than files: RUN (in a container on this host) and PACKAGES (verified Debian packages).
import * as fs from "node:fs/promises";
import { lstatSync, readdirSync, readFileSync, rmdirSync, rmSync, type Stats } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import type { Op, PackagesOp, RunMount, RunOp } from "../../compiler/ir/types.js";
import { cleanSource, resolveInRoot } from "./context.js";
import type { Layer } from "../image/layer.js";
import { diffTrees, walkOverlayUpper, walkTree } from "../image/layerEntries.js";
import { digestHex } from "../image/digest.js";
import { cacheKey, chainId } from "./cache.js";
import { BuildError } from "./errors.js";
import type { ExecContext, FsState, OpExecutor } from "./builder.js";
import type { ImageFs } from "./imageFs.js";
import type { Lockfile } from "../packages/lockfile.js";
import { PackagesError } from "../packages/errors.js";

/** Options of the default executors. */
export interface ExecutorOptions {
  /** Network of RUN steps that say `default` (the build-wide `--network`); `default` = the host's. */
  network?: "default" | "none" | "host";
  /** Container runtime for RUN (default builtin). */
  runtime?: "builtin" | "runc" | "crun";
  /** Lines of output shown when a RUN fails. Default 20. */
  tailLines?: number;
  /** A lockfile path for PACKAGES ops (used when it exists; a malformed one fails the op). */
  lockPath?: string;
  /**
   * `--frozen-lockfile`: a PACKAGES op that the lockfile at `lockPath` does not lock (or a missing
   * lockfile) fails with BUILD_PACKAGES_FAILED (PKG_LOCK_MISMATCH), checked before the cache.
   */
  frozenLockfile?: boolean;
  /** Build secrets by id (`--secret id=ID,src=FILE` or `id=ID,env=VAR`): a file path or a value. */
  secrets?: Record<string, { file?: string; value?: string }>;
}

/** A content digest of a directory tree or file (paths, modes, link targets, file bytes), for cache keys. */
async function treeDigest(path: string): Promise<string> {
  const { createHash } = await import("node:crypto");
  const h = createHash("sha256");
  const st = await fs.stat(path);
  if (!st.isDirectory()) {
    h.update(await fs.readFile(path));
    return h.digest("hex");
  }
  for await (const e of walkTree(path, { xattrs: false })) {
    h.update(`${e.type} ${e.path} ${e.mode.toString(8)} ${e.linkname ?? ""}\n`);
    if (e.type === "file" && e.source) h.update(await fs.readFile(e.source));
  }
  return h.digest("hex");
}

/** Resolves a bind mount's source to a host path inside its root (never escaping it). */
async function bindSource(m: RunMount, ctx: ExecContext, opId: string): Promise<string> {
  const root = await ctx.sourceRoot(m.from ?? { kind: "context" }, opId);
  const rel = await resolveInRoot(root.dir, cleanSource(m.source ?? "/"), m.source ?? "/");
  if (rel === undefined) throw new BuildError("BUILD_SOURCE_NOT_FOUND", `RUN --mount=type=bind: '${m.source ?? "/"}' not found in the ${root.label}`, { op: opId });
  return join(root.dir, rel);
}

/** OCI architecture of this host (Node's `process.arch` → GOARCH names). */
export function hostArch(): string {
  const m: Record<string, string> = { x64: "amd64", arm64: "arm64", arm: "arm", riscv64: "riscv64", ppc64: "ppc64le", s390x: "s390x", ia32: "386" };
  return m[process.arch] ?? process.arch;
}

/** Env var forcing RUN's copy-and-diff path even where overlayfs works (`1`); for tests and odd hosts. */
export const NO_OVERLAY_ENV = "VMSPEC_BUILD_NO_OVERLAY";

function overlayAvailable(): boolean {
  if (process.env[NO_OVERLAY_ENV] === "1") return false;
  if (process.getuid?.() !== 0) return false;
  try {
    return /\toverlay$/m.test(readFileSync("/proc/filesystems", "utf8"));
  } catch {
    return false;
  }
}

/** Paths a container runtime may create as mount points (BuildKit's executor/stubs.go idea). */
const STUB_CANDIDATES = ["/dev/pipes", "/dev/shm", "/dev/pts", "/dev/mqueue", "/dev", "/proc", "/sys", "/etc/hosts", "/etc/resolv.conf", "/etc/hostname", "/etc", "/run"];

/**
 * Removes mount stubs the runtime created in `dir` (the upper dir, or the copied rootfs): a path
 * absent from the parent image that is now an empty directory or an empty file. Deepest first, so
 * `/etc` goes only if nothing but stubs was in it.
 */
function removeStubs(dir: string, existed: (p: string) => boolean, extra: readonly string[]): void {
  const parents = extra.flatMap((t) => t.split("/").slice(1, -1).map((_, i, a) => "/" + a.slice(0, i + 1).join("/")));
  const candidates = [...new Set([...extra, ...parents, ...STUB_CANDIDATES])].sort((a, b) => b.split("/").length - a.split("/").length);
  for (const c of candidates) {
    if (existed(c)) continue;
    const p = join(dir, c);
    // Synchronous: a dozen metadata calls of microseconds each (the promise versions cost a
    // thread-pool round trip apiece, a few ms per RUN step in all).
    let st: Stats;
    try {
      st = lstatSync(p);
    } catch {
      continue;
    }
    if (st.isDirectory() && readdirSync(p).length === 0) rmdirSync(p);
    else if (st.isFile() && st.size === 0) rmSync(p);
  }
}

/** Unpacks one layer as an overlayfs lower dir (whiteouts as 0/0 devices), cached in the store by diff_id. */
async function unpackedLayer(ctx: ExecContext, state: FsState, i: number): Promise<string> {
  const dir = join(ctx.store.root, ".vmspec", "unpacked", digestHex(state.diffIds[i]!));
  try {
    await fs.access(join(dir, ".."));
    if ((await fs.stat(dir)).isDirectory()) return dir;
  } catch {
    /* not there yet */
  }
  await fs.mkdir(join(ctx.store.root, ".vmspec", "unpacked"), { recursive: true });
  const tmp = join(ctx.tmp, `unpack-${randomBytes(6).toString("hex")}`);
  await fs.mkdir(tmp);
  const l = state.layers[i]!;
  const { applyLayer } = await import("../image/extract.js");
  await applyLayer(tmp, await ctx.store.openBlob(l.digest, l.size), { whiteouts: "overlay" });
  try {
    await fs.rename(tmp, dir);
  } catch {
    await fs.rm(tmp, { recursive: true, force: true }); // a concurrent build won the race
  }
  return dir;
}

async function runStep(op: RunOp, ctx: ExecContext, o: ExecutorOptions): Promise<Layer | null> {
  const arch = ctx.stage.platform.architecture;
  if (arch !== hostArch()) {
    throw new BuildError("BUILD_UNSUPPORTED", `RUN in a linux/${arch} stage cannot execute on this ${hostArch()} host yet (the built-in emulator will run foreign-architecture steps later)`, { op: op.id });
  }
  for (const m of op.mounts) {
    if (m.type === "ssh" && m.required) throw new BuildError("BUILD_UNSUPPORTED", `RUN --mount=type=ssh is not supported yet`, { op: op.id });
    if (m.type === "secret" && m.required && !o.secrets?.[m.id ?? ""]) throw new BuildError("BUILD_SOURCE_NOT_FOUND", `RUN needs secret '${m.id}' (pass --secret id=${m.id},src=FILE)`, { op: op.id });
  }
  const container = await import("../container/index.js");
  // The runtime's modules load while the rootfs and mounts are prepared (start() awaits the same import).
  container.getRuntime(o.runtime ?? "builtin").catch(() => undefined);
  const work = join(ctx.tmp, `run-${randomBytes(6).toString("hex")}`);
  await fs.mkdir(work, { recursive: true });
  const mounts: import("../container/index.js").MountSpec[] = [];
  const secretEnv: string[] = [];
  if (op.files.length > 0) {
    const pipes = join(work, "pipes");
    await fs.mkdir(pipes);
    for (const f of op.files) {
      const name = f.path.replace(/^\/dev\/pipes\//, "");
      await fs.writeFile(join(pipes, name), f.content, { mode: f.mode });
    }
    mounts.push({ type: "bind", source: pipes, target: "/dev/pipes", readOnly: true });
  }
  for (const m of op.mounts) {
    if (m.type === "tmpfs") mounts.push({ type: "tmpfs", target: m.target, ...(m.size ? { size: m.size } : {}) });
    else if (m.type === "cache") {
      const dir = join(ctx.store.root, ".vmspec", "cache", "mounts", Buffer.from(m.id ?? m.target).toString("hex"));
      await fs.mkdir(dir, { recursive: true });
      mounts.push({ type: "bind", source: dir, target: m.target, readOnly: m.readonly });
    } else if (m.type === "bind") {
      let source = await bindSource(m, ctx, op.id);
      if (!m.readonly) {
        // rw bind mounts see writes, but they are discarded (BuildKit): mount a private copy.
        const copy = join(work, `bind-${mounts.length}`);
        await fs.cp(source, copy, { recursive: true, verbatimSymlinks: true });
        source = copy;
      }
      mounts.push({ type: "bind", source, target: m.target, readOnly: m.readonly });
    } else if (m.type === "secret") {
      const s = o.secrets?.[m.id ?? ""];
      if (!s) continue;
      const value = s.value !== undefined ? Buffer.from(s.value) : await fs.readFile(s.file!);
      if (m.env) secretEnv.push(`${m.env}=${value.toString("utf8")}`);
      // An env-only secret has no file (the compiler may normalize its empty target to "/").
      if (m.target && !(m.env && m.target === "/")) {
        // Secrets live in the step's private work dir and are bind-mounted: never in a layer.
        const f = join(work, `secret-${mounts.length}`);
        await fs.writeFile(f, value, { mode: m.mode ?? 0o400 });
        if (m.uid !== undefined || m.gid !== undefined) await fs.chown(f, m.uid ?? 0, m.gid ?? 0);
        mounts.push({ type: "bind", source: f, target: m.target, readOnly: true });
      }
    }
  }
  const network = op.network === "default" ? (o.network === "none" ? "none" : "host") : op.network;
  const env = [...op.env, ...op.argEnv.filter((a) => !op.env.some((e) => e.split("=")[0] === a.split("=")[0])), ...secretEnv];
  const useOverlay = overlayAvailable();
  let rootfs: import("../container/index.js").RootfsSpec;
  let before: string | undefined;
  let upper: string | undefined;
  if (useOverlay) {
    // Layers not unpacked yet (a base's first RUN) are extracted concurrently.
    const lower = await Promise.all(ctx.parent.layers.map((_, i) => unpackedLayer(ctx, ctx.parent, i)));
    if (lower.length === 0) {
      const empty = join(work, "empty");
      await fs.mkdir(empty);
      lower.push(empty);
    }
    upper = join(work, "upper");
    const wd = join(work, "work");
    await fs.mkdir(upper);
    await fs.mkdir(wd);
    rootfs = { kind: "layers", lower, upper, work: wd };
  } else {
    // Copy-and-diff: run in a copy of the unpacked parent, then diff against the original.
    before = await ctx.rootfs(ctx.parent);
    const copy = join(work, "rootfs");
    // cp -a keeps owners, modes, times (of symlinks too), hardlinks, devices and xattrs.
    await fs.mkdir(copy);
    const { execFile } = await import("node:child_process"); // not loaded by builds that run no RUN
    await new Promise<void>((resolve, reject) => {
      execFile("cp", ["-a", `${before}/.`, copy], (err) => (err ? reject(new BuildError("BUILD_IO", `cannot copy the rootfs for RUN: ${err.message}`, { op: op.id, path: before, cause: err })) : resolve()));
    });
    rootfs = { kind: "dir", path: copy };
  }
  // The layer writer loads (and compiles) while the step runs rather than after it.
  const layerModule = import("../image/layer.js");
  layerModule.catch(() => undefined); // awaited below on success; a failed step never needs it
  const proc = await container.start(
    {
      rootfs,
      args: op.args,
      env,
      cwd: op.workdir || "/",
      user: { user: op.user || "0:0" },
      network,
      mounts,
      stdio: "pipe",
      noStdin: true,
      hostname: "buildkitsandbox",
      // The upper dir's xattrs (opaque dirs, capabilities) come back with the exit status, read
      // by the runtime's supervisor: no getfattr process per step (other runtimes: getfattr).
      ...(useOverlay ? { reportXattrs: upper } : {}),
    },
    o.runtime ?? "builtin",
  );
  const fsv = await ctx.imageFs(ctx.parent);
  const existed = (p: string): boolean => fsv.resolve(p, false).header !== undefined;
  const lines: string[] = [];
  const collect = (d: Buffer): void => {
    for (const l of d.toString("utf8").split("\n")) if (l !== "") lines.push(l);
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  proc.stdout?.on("data", collect);
  proc.stderr?.on("data", collect);
  const res = await proc.wait();
  if (res.exitCode !== 0) {
    const tail = lines.slice(-(o.tailLines ?? 20)).map((l) => `  | ${l}`).join("\n");
    await fs.rm(work, { recursive: true, force: true });
    throw new BuildError("BUILD_RUN_FAILED", `RUN ${JSON.stringify(op.args)} failed with exit code ${res.exitCode}${res.error ? ` (${res.error})` : ""}${tail ? `; last output:\n${tail}` : ""}`, { op: op.id });
  }
  try {
    removeStubs(useOverlay ? upper! : (rootfs as { path: string }).path, existed, mounts.map((m) => m.target).filter((t) => t !== ""));
    const entries = useOverlay ? walkOverlayUpper(upper!, { mtime: ctx.mtime, knownXattrs: res.xattrs }) : diffTrees(before!, (rootfs as { path: string }).path, { mtime: ctx.mtime });
    return await (await layerModule).createLayer(ctx.store, entries);
  } finally {
    // Synchronous: the step's dirs are usually small, and the promise version walks them with a
    // thread-pool round trip per entry.
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The merged-/usr links (`/bin → usr/bin`, …) of the filesystem below a PACKAGES op: they are
 * re-created in the op's empty layer dir before unpacking, so a package shipping `/bin/x` puts
 * it under `usr/bin/` (as dpkg would on that base) instead of a real `bin/` directory that would
 * hide the base's link when the layers are stacked.
 */
export function mergedUsrLinks(fsv: ImageFs, paths: readonly string[]): Record<string, string> {
  const links: Record<string, string> = {};
  for (const p of paths) {
    const h = fsv.lookup(p);
    if (h?.type === "symlink" && h.linkname) links[p] = h.linkname;
  }
  return links;
}

/** A packages-module failure as a BuildError of the op (the packages error's code kept in the message). */
function packagesFailure(e: unknown, opId: string): unknown {
  if (!(e instanceof PackagesError)) return e;
  const path = (e as { path?: unknown }).path;
  return new BuildError("BUILD_PACKAGES_FAILED", `${e.message} (${e.code})`, { op: opId, cause: e, ...(typeof path === "string" ? { path } : {}) });
}

async function packagesStep(op: PackagesOp, ctx: ExecContext, lock: Lockfile | undefined, o: ExecutorOptions): Promise<Layer | null> {
  const pk = await import("../packages/index.js");
  const dir = join(ctx.tmp, `packages-${randomBytes(6).toString("hex")}`);
  await fs.mkdir(dir, { recursive: true });
  try {
    const fsv = await ctx.imageFs(ctx.parent);
    const status = await fsv.readFile("/var/lib/dpkg/status");
    let baseStatus: string | undefined;
    if (status) {
      baseStatus = join(ctx.tmp, `status-${randomBytes(4).toString("hex")}`);
      await fs.writeFile(baseStatus, status);
    }
    const baseLinks = mergedUsrLinks(fsv, pk.MERGED_USR_LINKS);
    await pk.installPackages(pk.selectorOfOp(op), dir, { baseStatus, baseLinks, lock, frozen: o.frozenLockfile ?? false, lockPath: o.lockPath });
    return await (await import("../image/layer.js")).createLayer(ctx.store, walkTree(dir, { mtime: ctx.mtime }));
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/**
 * The RUN and PACKAGES executors. RUN: host-architecture stages only; the parent layers become
 * overlayfs lower dirs (unpacked once per layer into `STORE/.vmspec/unpacked/`), the step's upper
 * dir becomes the layer (whiteouts included); without overlayfs (or root), the parent is copied
 * and diffed. Mounts: cache (a store dir per id), tmpfs, bind (from the context or a stage,
 * read-only unless rw — then a discarded copy), secret (a private file bind-mounted, or an env
 * var; never in a layer). ssh mounts are not supported. PACKAGES: the op's packages
 * (locked set if `lockPath` has it; `frozenLockfile` requires it) are installed into an empty dir
 * that becomes the layer, with the base's merged-/usr links re-created first (`mergedUsrLinks`);
 * package and lockfile errors become BUILD_PACKAGES_FAILED with the packages code in the message.
 * Both are cached by op id + the parent's layer chain (+ the lockfile's bytes for PACKAGES).
 */
export function defaultExecutors(o: ExecutorOptions = {}): Partial<Record<Op["kind"], OpExecutor>> {
  const cached = (produce: (op: Op, ctx: ExecContext) => Promise<Layer | null>, extra: (op: Op, ctx: ExecContext) => Promise<string[]>): OpExecutor => {
    return async (op, ctx) => {
      const key = cacheKey(op.id, [chainId(ctx.parent.diffIds), ...(await extra(op, ctx))]);
      if (!ctx.noCache) {
        const rec = await ctx.cache.get(key);
        if (rec) return { layer: rec.layer, cacheInputs: ["cached"] };
      }
      const layer = await produce(op, ctx);
      await ctx.cache.put({ key, layer, createdBy: op.kind });
      return { layer, cacheInputs: [] };
    };
  };
  // The lockfile is read (and validated) once per build, on the first PACKAGES op.
  let lockRead: Promise<{ lock: Lockfile | undefined; text: string | undefined }> | undefined;
  const readLock = (): Promise<{ lock: Lockfile | undefined; text: string | undefined }> =>
    (lockRead ??= (async () => {
      if (!o.lockPath) return { lock: undefined, text: undefined };
      const { readLockfile } = await import("../packages/lockfile.js");
      const lock = await readLockfile(o.lockPath);
      return { lock, text: lock === undefined ? undefined : await fs.readFile(o.lockPath, "utf8") };
    })());
  const packagesInputs = async (op: Op): Promise<string[]> => {
    try {
      const { lock, text } = await readLock();
      if (o.frozenLockfile) {
        const { checkFrozen } = await import("../packages/lockfile.js");
        const { selectorOfOp } = await import("../packages/index.js");
        checkFrozen(lock, [selectorOfOp(op as PackagesOp)], o.lockPath ?? "SPEC.lock");
      }
      return text === undefined ? [] : [text];
    } catch (e) {
      throw packagesFailure(e, op.id);
    }
  };
  return {
    run: cached(
      (op, ctx) => runStep(op as RunOp, ctx, o),
      // Bind-mounted content is an input (secrets and caches are not, as in BuildKit).
      async (op, ctx) => Promise.all((op as RunOp).mounts.filter((m) => m.type === "bind").map(async (m) => `bind ${m.target} ${await treeDigest(await bindSource(m, ctx, op.id))}`)),
    ),
    packages: cached(async (op, ctx) => {
      try {
        return await packagesStep(op as PackagesOp, ctx, (await readLock()).lock, o);
      } catch (e) {
        throw packagesFailure(e, op.id);
      }
    }, packagesInputs),
  };
}
