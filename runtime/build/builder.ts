// The IR executor: walks the op DAG the target needs (stages in parallel), caches ops by key, emits layers and the final image.
import * as fs from "node:fs/promises";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import type { CopyFrom, FileCopyOp, Ir, MkdirOp, Op, OpId, Platform, SourceSpan, Stage } from "../../compiler/ir/types.js";
import { opSpans } from "../../compiler/ir/sourceMap.js";
import type { Digest } from "../image/digest.js";
// Extraction, layer writing and the image view load on first use: a fully cached build needs none of them.
import type { Layer } from "../image/layer.js";
import { defaultLayerMtime, type LayerEntry } from "../image/layerEntries.js";
import { isoTime } from "../image/config.js";
import { withMachine, writeImage, type Image, type LoadedImage } from "../image/manifest.js";
import type { ContainerConfig, Descriptor, HistoryEntry } from "../image/ociTypes.js";
import { layerHeaderIndexDir, type Store } from "../image/store.js";
import { BuildCache, cacheKey, chainId } from "./cache.js";
import { compareTreeOrder, planCopy, resolveChown } from "./copy.js";
import type { SourceRoot } from "./context.js";
import { BuildError } from "./errors.js";
import { loadIgnore } from "./ignore.js";
import type { ImageFs } from "./imageFs.js";
import { mergeConfig } from "./mergeConfig.js";
import { isDir, loadContextImage, parseNamedContext, resolveImageRef, type NamedContext } from "./bases.js";

/** A progress event: one per step state change. */
export interface ProgressEvent {
  /** 1-based step number among the steps this build runs. */
  step: number;
  total: number;
  /** `[stage 1/3] COPY . /app`-style label. */
  name: string;
  status: "start" | "cached" | "done" | "error";
  /** With done/cached/error. */
  durationMs?: number;
  error?: string;
  opId: string;
}

/** A step executor supplied from outside (RUN in a container, PACKAGES from Debian). */
export type OpExecutor = (op: Op, ctx: ExecContext) => Promise<{ layer: Layer | null; cacheInputs: string[] } | undefined>;

/** What an external op executor gets. */
export interface ExecContext {
  store: Store;
  parent: FsState;
  stage: Stage;
  /** Unpacks a filesystem state into a directory (cached for the build). */
  rootfs(state: FsState): Promise<string>;
  imageFs(state: FsState): Promise<ImageFs>;
  tmp: string;
  mtime: number;
  noCache: boolean;
  cache: BuildCache;
  /** The directory content comes from for a COPY/mount `from` (context, stage, image, named context). */
  sourceRoot(from: CopyFrom, opId: string): Promise<SourceRoot>;
}

/** Options of `build`. */
export interface BuildOptions {
  store: Store;
  /** The build context directory (COPY sources). */
  contextDir: string;
  /** `--build-context NAME=VALUE` entries. */
  buildContexts?: Record<string, string>;
  noCache?: boolean;
  progress?: (ev: ProgressEvent) => void;
  /** Source texts by `sourceMap.files` index (for history `created_by`); optional. */
  sources?: string[];
  /** Executors for op kinds the core does not run itself (`run`, `packages`). */
  executors?: Partial<Record<Op["kind"], OpExecutor>>;
  /** Layer / config timestamp in seconds; default SOURCE_DATE_EPOCH or 0. */
  mtime?: number;
}

/** The filesystem (and inherited base config) after an op. */
export interface FsState {
  layers: Descriptor[];
  diffIds: Digest[];
  history: HistoryEntry[];
  /** The base image's `config` (from the stage's source op), merged under the stage config at the end. */
  baseConfig: ContainerConfig | undefined;
  platform: Platform;
}

/** The result of a build. */
export interface BuildResult {
  manifest: Descriptor;
  config: Descriptor;
  image: Image;
  /** The target stage index. */
  stage: number;
  steps: number;
  cached: number;
}

function opLabel(op: Op): string {
  switch (op.kind) {
    case "source":
      return op.source.kind === "scratch" ? "FROM scratch" : `FROM ${op.source.ref.raw}`;
    case "copy":
    case "add": {
      const from = op.from.kind === "stage" ? ` --from=${op.from.stage}` : op.from.kind === "image" ? ` --from=${op.from.ref.raw}` : op.from.kind === "namedContext" ? ` --from=${op.from.name}` : "";
      const srcs = op.sources.map((s) => (s.kind === "path" ? s.path : s.kind === "inline" ? `<<${s.file.path}` : s.url));
      return `${op.kind.toUpperCase()}${op.link ? " --link" : ""}${from} ${srcs.join(" ")} ${op.dest}`;
    }
    case "run":
      return `RUN ${op.args.join(" ")}`;
    case "mkdir":
      return `WORKDIR ${op.path}`;
    case "packages":
      return `PACKAGES --distro=${op.distro}:${op.suite} ${op.packages.map((p) => (p.version ? `${p.name}=${p.version}` : p.name)).join(" ")}`;
  }
}

/**
 * Builds the IR's target stage into the store and returns the image (not tagged: the caller tags).
 * Only ops the target needs run; independent ones run concurrently. Each filesystem op's result is
 * cached under `cacheKey(op.id, input digests)`; `noCache` ignores (but refreshes) the cache.
 * Ops of kinds without a core or supplied executor fail with BUILD_UNSUPPORTED.
 */
export async function build(ir: Ir, opts: BuildOptions): Promise<BuildResult> {
  const { store } = opts;
  const mtime = opts.mtime ?? defaultLayerMtime();
  await store.hold();
  const cache = new BuildCache(store);
  const tmp = join(store.root, ".vmspec", "tmp", `build-${process.pid}-${randomBytes(6).toString("hex")}`);
  await fs.mkdir(tmp, { recursive: true });
  const contexts = new Map<string, NamedContext>(Object.entries(opts.buildContexts ?? {}).map(([k, v]) => [k, parseNamedContext(v)]));
  const ignore = await loadIgnore(opts.contextDir);
  const target = ir.stages[ir.target];
  if (!target) throw new BuildError("BUILD_INVALID_IR", `IR target ${ir.target} is not a stage`);

  // Index every op (first occurrence wins: equal ids have equal content) and its stage.
  const ops = new Map<OpId, { op: Op; stage: Stage }>();
  for (const st of ir.stages) for (const op of st.ops) if (!ops.has(op.id)) ops.set(op.id, { op, stage: st });

  // The ops the target needs, in a deterministic topological order (for step numbers).
  const order: OpId[] = [];
  const seen = new Set<OpId>();
  const visit = (id: OpId): void => {
    if (seen.has(id)) return;
    seen.add(id);
    const e = ops.get(id);
    if (!e) throw new BuildError("BUILD_INVALID_IR", `op ${id} is referenced but not defined`, { op: id });
    for (const i of e.op.inputs) visit(i);
    if ((e.op.kind === "copy" || e.op.kind === "add") && e.op.from.kind === "stage") visit(e.op.from.op);
    if (e.op.kind === "run") for (const m of e.op.mounts) if (m.from?.kind === "stage") visit(m.from.op);
    order.push(id);
  };
  visit(target.output);
  const stepOf = new Map(order.map((id, i) => [id, i + 1]));
  const total = order.length;
  let cachedCount = 0;

  const emit = (ev: ProgressEvent): void => opts.progress?.(ev);
  const label = (id: OpId): string => {
    const e = ops.get(id)!;
    const st = e.stage;
    const within = st.ops.findIndex((o) => o.id === id) + 1;
    return `[${st.name ?? `stage-${st.index}`} ${within}/${st.ops.length}] ${opLabel(e.op)}`;
  };
  let spansById: Map<OpId, SourceSpan[]> | undefined;
  const createdBy = (op: Op): string => {
    const span = (spansById ??= opSpans(ir)).get(op.id)?.[0];
    const text = span && opts.sources?.[span.file]?.slice(span.offset, span.offset + span.length);
    return text ? text.replace(/\\\r?\n\s*/g, " ").split("\n")[0]!.trim() : opLabel(op);
  };

  const results = new Map<OpId, Promise<FsState>>();
  const rootfsDirs = new Map<string, Promise<string>>();
  const fsViews = new Map<string, Promise<ImageFs>>();
  let dirCount = 0;

  const rootfs = (state: FsState): Promise<string> => {
    const key = chainId(state.diffIds);
    let p = rootfsDirs.get(key);
    if (!p) {
      p = (async () => {
        const dir = join(tmp, `rootfs-${dirCount++}`);
        await fs.mkdir(dir);
        const { applyLayer } = await import("../image/extract.js");
        for (const l of state.layers) await applyLayer(dir, await store.openBlob(l.digest, l.size));
        return dir;
      })();
      rootfsDirs.set(key, p);
    }
    return p;
  };
  const imageFs = (state: FsState): Promise<ImageFs> => {
    const key = chainId(state.diffIds);
    let p = fsViews.get(key);
    if (!p) {
      p = import("./imageFs.js").then((m) => m.ImageFs.load(store, state.layers, layerHeaderIndexDir(store.root)));
      fsViews.set(key, p);
    }
    return p;
  };
  const fromImage = (img: LoadedImage, platform: Platform): FsState => ({
    layers: [...img.layers],
    diffIds: [...img.config.rootfs.diff_ids],
    history: [...(img.config.history ?? [])],
    baseConfig: img.config.config,
    platform,
  });
  const withLayer = (parent: FsState, layer: Layer | null, op: Op): FsState => ({
    ...parent,
    layers: layer ? [...parent.layers, layer.descriptor] : parent.layers,
    diffIds: layer ? [...parent.diffIds, layer.diffId] : parent.diffIds,
    history: [...parent.history, { created: isoTime(mtime), created_by: createdBy(op), ...(layer ? {} : { empty_layer: true }) }],
  });

  const sourceRoot = async (from: CopyFrom, platform: Platform, opId: string): Promise<SourceRoot> => {
    switch (from.kind) {
      case "context":
        return { dir: opts.contextDir, ignore, label: "build context" };
      case "stage":
        return { dir: await rootfs(await exec(from.op)), ignore: null, label: `stage ${from.stage}` };
      case "image":
        return { dir: await rootfs(fromImage(await resolveImageRef(store, from.ref, platform, contexts), platform)), ignore: null, label: `image ${from.ref.raw}` };
      case "namedContext": {
        const c = contexts.get(from.name);
        if (!c) throw new BuildError("BUILD_BASE_NOT_FOUND", `no build context named '${from.name}' (pass --build-context ${from.name}=DIR)`, { op: opId });
        if (c.kind === "dir") {
          if (!(await isDir(c.path))) throw new BuildError("BUILD_BASE_NOT_FOUND", `build context '${from.name}': ${c.path} is not a directory`, { op: opId, path: c.path });
          return { dir: c.path, ignore: await loadIgnore(c.path), label: `build context '${from.name}'` };
        }
        return { dir: await rootfs(fromImage(await loadContextImage(store, c, platform), platform)), ignore: null, label: `build context '${from.name}'` };
      }
    }
  };

  const cachedOrRun = async (op: Op, key: string, produce: () => Promise<Layer | null>): Promise<{ layer: Layer | null; cached: boolean }> => {
    if (!opts.noCache) {
      const rec = await cache.get(key);
      if (rec) return { layer: rec.layer, cached: true };
    }
    const layer = await produce();
    await cache.put({ key, layer, createdBy: createdBy(op) });
    return { layer, cached: false };
  };

  const runOp = async (op: Op, stage: Stage): Promise<{ state: FsState; cached: boolean }> => {
    const platform = stage.platform;
    switch (op.kind) {
      case "source":
        if (op.source.kind === "scratch") return { state: { layers: [], diffIds: [], history: [], baseConfig: undefined, platform: stage.platform }, cached: false };
        return { state: fromImage(await resolveImageRef(store, op.source.ref, op.source.platform, contexts), op.source.platform), cached: true };
      case "copy":
      case "add": {
        const parent = await exec(op.inputs[0]!);
        const root = await sourceRoot(op.from, platform, op.id);
        // The key needs only the sources (and the parent chain): no look into the parent's layers.
        const keyPlan = await planCopy({ op, root, fs: undefined, mtime, tmp, keyOnly: true });
        const key = cacheKey(op.id, [op.link ? "link" : chainId(parent.diffIds), keyPlan.contentKey]);
        const r = await cachedOrRun(op, key, async () => {
          const fsv = op.link ? undefined : await imageFs(parent);
          const plan = await planCopy({ op, root, fs: fsv, mtime, tmp });
          try {
            return await (await import("../image/layer.js")).createLayer(store, plan.entries);
          } finally {
            for (const d of plan.cleanup) await fs.rm(d, { recursive: true, force: true });
          }
        });
        return { state: withLayer(parent, r.layer, op), cached: r.cached };
      }
      case "mkdir": {
        const parent = await exec(op.inputs[0]!);
        const key = cacheKey(op.id, [chainId(parent.diffIds)]);
        const r = await cachedOrRun(op, key, async () => {
          // The parent's view (every layer's headers) only on a miss.
          const entries = await mkdirEntries(op, await imageFs(parent), mtime);
          return entries.length === 0 ? null : (await import("../image/layer.js")).createLayer(store, entries);
        });
        return { state: r.layer ? withLayer(parent, r.layer, op) : parent, cached: r.cached };
      }
      default: {
        const ex = opts.executors?.[op.kind];
        const parent = await exec(op.inputs[0]!);
        if (!ex) throw new BuildError("BUILD_UNSUPPORTED", `${opLabel(op).split(" ")[0]} steps are not supported by this build (no executor for '${op.kind}')`, { op: op.id });
        const ctx: ExecContext = { store, parent, stage, rootfs, imageFs, tmp, mtime, noCache: opts.noCache ?? false, cache, sourceRoot: (from, opId) => sourceRoot(from, stage.platform, opId) };
        const r = await ex(op, ctx);
        if (!r) throw new BuildError("BUILD_UNSUPPORTED", `no result for ${op.kind} op`, { op: op.id });
        const cached = r.cacheInputs.includes("cached");
        return { state: withLayer(parent, r.layer, op), cached };
      }
    }
  };

  function exec(id: OpId): Promise<FsState> {
    let p = results.get(id);
    if (p) return p;
    p = (async () => {
      const e = ops.get(id);
      if (!e) throw new BuildError("BUILD_INVALID_IR", `op ${id} is referenced but not defined`, { op: id });
      const step = stepOf.get(id) ?? 0;
      const name = label(id);
      // Start dependencies first so independent branches overlap.
      await Promise.all(e.op.inputs.map((i) => exec(i)));
      const t0 = performance.now();
      emit({ step, total, name, status: "start", opId: id });
      try {
        const r = await runOp(e.op, e.stage);
        if (r.cached) cachedCount++;
        emit({ step, total, name, status: r.cached ? "cached" : "done", durationMs: performance.now() - t0, opId: id });
        return r.state;
      } catch (err) {
        emit({ step, total, name, status: "error", durationMs: performance.now() - t0, error: (err as Error).message, opId: id });
        if (err instanceof BuildError && err.op === undefined) throw new BuildError(err.code, err.message, { op: id, path: err.path, cause: err.cause });
        throw err;
      }
    })();
    results.set(id, p);
    return p;
  }

  try {
    const state = await exec(target.output);
    let img: Image = {
      config: {
        created: isoTime(mtime),
        architecture: target.platform.architecture,
        os: target.platform.os,
        ...(target.platform.variant ? { variant: target.platform.variant } : {}),
        config: mergeConfig(state.baseConfig, target.config),
        rootfs: { type: "layers", diff_ids: state.diffIds },
        history: state.history,
      },
      layers: state.layers,
      annotations: {},
    };
    img = withMachine(img, target.machine);
    const written = await writeImage(store, img);
    return { manifest: written.manifest, config: written.config, image: img, stage: target.index, steps: total, cached: cachedCount };
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

/** The entries a WORKDIR mkdir adds: the directory and missing parents (none if it exists as a directory). */
async function mkdirEntries(op: MkdirOp, fsv: ImageFs, mtime: number): Promise<LayerEntry[]> {
  const r = fsv.resolve(op.path);
  if (r.header?.type === "dir") return [];
  const owner = op.user && op.user !== "root" && op.user !== "0" ? await resolveChown(userPrincipal(op.user), fsv, op.id) : undefined;
  const parts = r.path.split("/").filter(Boolean);
  const out: LayerEntry[] = [];
  for (let i = 1; i <= parts.length; i++) {
    const p = parts.slice(0, i).join("/");
    const h = fsv.lookup(p);
    if (h && h.type === "dir" && i < parts.length) out.push({ ...h, path: p, size: 0, mtime, linkname: undefined });
    else out.push({ path: p, type: "dir", mode: 0o755, uid: i === parts.length ? (owner?.uid ?? 0) : 0, gid: i === parts.length ? (owner?.gid ?? 0) : 0, size: 0, mtime });
  }
  return out.sort((a, b) => compareTreeOrder(a.path, b.path));
}

function userPrincipal(user: string): FileCopyOp["chown"] {
  const [u, g] = user.split(":");
  const p = (s: string) => (/^\d+$/.test(s) ? { id: Number(s) } : { name: s });
  return { user: p(u!), ...(g ? { group: p(g) } : {}) };
}
