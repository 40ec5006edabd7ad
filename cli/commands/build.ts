// `vmspec build`: compiles a spec and builds its target stage into the image store (tags, OCI / docker archive outputs).
import { readFileSync, statSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import type { CompileOptions } from "../../compiler/compile.js";
import type { Ir, OpId } from "../../compiler/ir/types.js";
import { opSpans } from "../../compiler/ir/sourceMap.js";
import { one, parseArgs } from "../args.js";
import { COMPILE_OPTIONS, compileOptionsFrom } from "../compileOptions.js";
import { build, type ProgressEvent } from "../../runtime/build/builder.js";
import { jsonRenderer, plainRenderer, sinceStart, ttyRenderer, type ProgressRenderer } from "../../runtime/build/progress.js";
import { BuildError } from "../../runtime/build/errors.js";
import { defaultExecutors } from "../../runtime/build/executors.js";
import { ImageError } from "../../runtime/image/errors.js";
import { isValidTag, normalizeTag } from "../../runtime/image/store.js";
import { STORE_HELP, openStore } from "./store.js";
import { irCacheKey, loadCachedIr, saveCachedIr } from "../../runtime/build/irCache.js";
import { applyTriggerInsertions, findOnBuildTriggers } from "../../runtime/build/onbuild.js";

const HELP = `Usage: vmspec build [options] [SPEC | CONTEXT_DIR]

Build the target stage of a spec (a *.vmspec file or a Dockerfile) into the image store.
With a directory, the spec is -f FILE, else the directory's only *.vmspec, else its Dockerfile;
the build context is that directory. With a file, the context is --context DIR, else the
file's directory.

Options:
  -f, --file SPEC             the spec file
  --context DIR               the build context (COPY/ADD sources; .vmspecignore/.dockerignore apply)
  -t, --tag NAME[:TAG]        tag the result (repeatable; default tag 'latest')
  --target STAGE              build this stage (default: the last one)
  --build-arg K=V             set a build argument (repeatable)
  --platform OS/ARCH          target platform
  --build-context NAME=VALUE  a named context for FROM / COPY --from: oci-layout://DIR[:TAG],
                              docker-archive://FILE, docker-image://REF (from the store), or DIR
  --output SPEC               also write the image out (repeatable):
                                type=oci,dest=DIR[,name=REF]      an OCI image layout
                                type=docker,dest=FILE[,name=REF]  a 'docker load' archive
  --no-cache                  do not use cached steps
  --frozen-lockfile           PACKAGES must come from SPEC.lock: fail (naming the op) if the lockfile
                              is missing, lacks an op of the spec, or has an op the spec no longer has
  --network MODE              default network of RUN steps: default|none|host
  --secret id=ID,src=FILE     a secret for RUN --mount=type=secret (or id=ID,env=VAR to take it
                              from an environment variable); never stored in the image
  --progress MODE             auto|plain|json|quiet (auto: a live view on a terminal, else plain)
${STORE_HELP}

Prints the image's manifest digest on stdout. Exit status: 0 built, 1 spec or build error, 2 usage.
`;

interface Output {
  type: "oci" | "docker";
  dest: string;
  name?: string;
}

function parseOutput(s: string): Output | string {
  const kv = Object.fromEntries(s.split(",").map((p) => [p.slice(0, p.indexOf("=")), p.slice(p.indexOf("=") + 1)]));
  if (kv.type !== "oci" && kv.type !== "docker") return `--output: type must be oci or docker in '${s}'`;
  if (!kv.dest) return `--output: missing dest= in '${s}'`;
  return { type: kv.type, dest: kv.dest, ...(kv.name ? { name: kv.name } : {}) };
}

function findSpec(dir: string): string | undefined {
  const names = readdirSync(dir);
  const specs = names.filter((n) => n.endsWith(".vmspec"));
  if (specs.length === 1) return join(dir, specs[0]!);
  if (names.includes("Dockerfile")) return join(dir, "Dockerfile");
  if (names.includes("Containerfile")) return join(dir, "Containerfile");
  return undefined;
}

/** file:line of an op's first source span, for error messages. */
function locate(ir: Ir, texts: string[], op: string | undefined): string | undefined {
  const span = op ? opSpans(ir).get(op as OpId)?.[0] : undefined;
  if (!span) return undefined;
  const text = texts[span.file] ?? "";
  const line = text.slice(0, span.offset).split("\n").length;
  return `${ir.sourceMap.files[span.file]?.path}:${line}`;
}

/**
 * `--frozen-lockfile`: why the lockfile does not match the spec's PACKAGES ops (all stages, as
 * `vmspec lock` locks them), or undefined. An op that is not locked is named by its id (for its
 * spec location); a malformed or stale lockfile has no op.
 */
async function frozenProblem(ir: Ir, lockPath: string): Promise<{ message: string; op?: string } | undefined> {
  const pk = await import("../../runtime/packages/index.js");
  const fail = (e: unknown, op?: string): { message: string; op?: string } => {
    if (e instanceof pk.PackagesError) return { message: `${e.message} [${e.code}]`, ...(op ? { op } : {}) };
    throw e;
  };
  let lock;
  try {
    lock = await pk.readLockfile(lockPath);
  } catch (e) {
    return fail(e);
  }
  for (const st of ir.stages) {
    for (const op of st.ops) {
      if (op.kind !== "packages") continue;
      try {
        pk.checkFrozen(lock, [pk.selectorOfOp(op)], lockPath);
      } catch (e) {
        return fail(e, op.id);
      }
    }
  }
  try {
    pk.checkFrozen(lock, pk.selectorsFromIr(ir), lockPath);
  } catch (e) {
    return fail(e);
  }
  return undefined;
}

/** Runs `vmspec build`. */
export async function run(argv: readonly string[]): Promise<number> {
  const p = parseArgs(argv, [
    ...COMPILE_OPTIONS,
    { name: "file", short: "f", value: true },
    { name: "context", value: true },
    { name: "tag", short: "t", value: true, repeat: true },
    { name: "build-context", value: true, repeat: true },
    { name: "output", short: "o", value: true, repeat: true },
    { name: "no-cache", value: false },
    { name: "frozen-lockfile", value: false },
    { name: "network", value: true },
    { name: "secret", value: true, repeat: true },
    { name: "progress", value: true },
    { name: "store", value: true },
  ]);
  if (p.flags.has("help")) {
    process.stdout.write(HELP);
    return 0;
  }
  const errors = [...p.errors];
  const copts = compileOptionsFrom(p.values);
  if (typeof copts === "string") errors.push(copts);
  const outputs: Output[] = [];
  for (const o of p.values.get("output") ?? []) {
    const r = parseOutput(o);
    if (typeof r === "string") errors.push(r);
    else outputs.push(r);
  }
  const tags = (p.values.get("tag") ?? []).map(normalizeTag);
  for (const t of tags) if (!isValidTag(t)) errors.push(`invalid tag '${t}'`);
  const contexts: Record<string, string> = {};
  for (const c of p.values.get("build-context") ?? []) {
    const eq = c.indexOf("=");
    if (eq <= 0) errors.push(`--build-context needs NAME=VALUE, not '${c}'`);
    else contexts[c.slice(0, eq)] = c.slice(eq + 1);
  }
  const secrets: Record<string, { file?: string; value?: string }> = {};
  for (const sp of p.values.get("secret") ?? []) {
    const kv = Object.fromEntries(sp.split(",").map((x) => [x.slice(0, x.indexOf("=")), x.slice(x.indexOf("=") + 1)]));
    const src = kv.src ?? kv.source;
    if (!kv.id || (!src && !kv.env)) errors.push(`--secret needs id=ID and src=FILE or env=VAR, not '${sp}'`);
    else if (src) secrets[kv.id] = { file: src };
    else if (process.env[kv.env!] === undefined) errors.push(`--secret ${kv.id}: environment variable ${kv.env} is not set`);
    else secrets[kv.id] = { value: process.env[kv.env!]! };
  }
  const progress = one(p, "progress") ?? "auto";
  if (!["auto", "plain", "json", "quiet"].includes(progress)) errors.push(`--progress must be auto, plain, json or quiet`);
  const network = one(p, "network") ?? "default";
  if (!["default", "none", "host"].includes(network)) errors.push(`--network must be default, none or host`);
  if (p.positionals.length > 1) errors.push("expected at most one SPEC or CONTEXT_DIR");
  let specPath = one(p, "file");
  let contextDir = one(p, "context");
  const pos = p.positionals[0] ?? (specPath ? undefined : ".");
  if (pos !== undefined) {
    let st;
    try {
      st = statSync(pos);
    } catch {
      errors.push(`${pos}: no such file or directory`);
    }
    if (st?.isDirectory()) {
      contextDir ??= pos;
      specPath ??= findSpec(pos);
      if (!specPath) errors.push(`no spec in ${pos}: pass -f FILE (looked for one *.vmspec, Dockerfile, Containerfile)`);
    } else if (st) {
      if (specPath) errors.push("give the spec either as -f or as the positional argument");
      specPath = pos;
    }
  }
  if (specPath && !contextDir) contextDir = dirname(specPath);
  if (errors.length > 0 || typeof copts === "string" || !specPath || !contextDir) {
    process.stderr.write(`vmspec build: ${errors.join("; ")}\n\n${HELP}`);
    return 2;
  }

  let text: string;
  try {
    text = readFileSync(specPath, "utf8");
  } catch (e) {
    process.stderr.write(`vmspec build: cannot read ${specPath}: ${(e as NodeJS.ErrnoException).code ?? e}\n`);
    return 2;
  }
  const store = await openStore(one(p, "store"));
  // The build holds the store's writer lock (the builder takes it first): ask for it now, so the
  // wait overlaps loading the IR; a failure surfaces where the builder awaits it.
  store.hold().catch(() => undefined);
  // A cached IR (same spec text, options, sources and compiler build) spares loading the compiler.
  const irKey = irCacheKey(specPath, text, copts);
  const cached = p.flags.has("no-cache") ? undefined : await loadCachedIr(store, irKey);
  let ir: Ir | undefined = cached?.ir;
  // A base that gained ONBUILD triggers since the IR was cached: compile again.
  if (ir && (await findOnBuildTriggers(ir, text, store, contexts).catch(() => [])).length > 0) ir = undefined;
  let texts: string[];
  if (ir && cached) texts = cached.texts;
  else {
    const { compile } = await import("../../compiler/compile.js");
    const { fsReader, renderDiagnostics, sourcesOf, summary } = await import("../diagnostics.js");
    const r = compile(specPath, text, copts as CompileOptions, fsReader);
    if (r.diagnostics.length > 0) {
      process.stderr.write(renderDiagnostics(r.diagnostics, sourcesOf(r), "human"));
      process.stderr.write(summary(r.diagnostics));
    }
    if (r.hasErrors || r.ir === null) {
      await store.close();
      return 1;
    }
    ir = r.ir;
    let sources = sourcesOf(r);
    // ONBUILD triggers of base images run right after the child's FROM: splice them into the
    // spec text and compile again (such IRs are not cached: the base may change under its tag).
    const ins = await findOnBuildTriggers(ir, text, store, contexts).catch(() => []);
    let cacheable = r.diagnostics.length === 0;
    if (ins.length > 0) {
      for (const i of ins) if (progress !== "quiet" && progress !== "json") process.stderr.write(`#0 ONBUILD triggers of ${i.image}: ${i.triggers.join("; ")}\n`);
      const r2 = compile(specPath, applyTriggerInsertions(text, ins), copts as CompileOptions, fsReader);
      if (r2.diagnostics.length > 0) process.stderr.write(renderDiagnostics(r2.diagnostics, sourcesOf(r2), "human"));
      if (r2.hasErrors || r2.ir === null) {
        await store.close();
        return 1;
      }
      ir = r2.ir;
      sources = sourcesOf(r2);
      cacheable = false;
    }
    texts = ir.sourceMap.files.map((f) => sources.get(f.path) ?? "");
    if (cacheable) await saveCachedIr(store, irKey, ir).catch(() => undefined);
  }
  const theIr = ir;

  // SPEC.lock (next to the spec) pins PACKAGES ops when present; --frozen-lockfile requires it to match.
  const lockPath = `${specPath}.lock`;
  const frozen = p.flags.has("frozen-lockfile") || p.values.has("frozen-lockfile");
  if (frozen) {
    const problem = await frozenProblem(theIr, lockPath);
    if (problem) {
      const where = locate(theIr, texts, problem.op);
      process.stderr.write(`vmspec build: ${where ? `${where}: ` : ""}error: ${problem.message}\n`);
      await store.close();
      return 1;
    }
  }

  const log = (s: string): void => {
    if (progress !== "quiet") process.stderr.write(s);
  };

  const write = (s: string): void => void process.stderr.write(s);
  const renderer: ProgressRenderer | undefined =
    progress === "quiet" ? undefined : progress === "json" ? jsonRenderer(write) : progress === "auto" && process.stderr.isTTY ? ttyRenderer(write, () => process.stderr.columns || 80) : plainRenderer(write);
  const onProgress = (ev: ProgressEvent): void => renderer?.event(ev);

  try {
    const t0 = performance.now();
    const res = await build(theIr, {
      store,
      contextDir,
      buildContexts: contexts,
      noCache: p.flags.has("no-cache") || p.values.has("no-cache"),
      progress: onProgress,
      sources: texts,
      executors: defaultExecutors({ network: network as "default" | "none" | "host", lockPath, frozenLockfile: frozen, secrets }),
    });
    renderer?.end();
    if (tags.length === 0) await store.tag(null, res.manifest);
    for (const t of tags) await store.tag(t, res.manifest);
    for (const o of outputs) {
      if (o.type === "oci") await (await import("../../runtime/image/layout.js")).exportLayout(store, res.manifest, o.dest, o.name ?? (tags[0] ? tags[0].slice(tags[0].lastIndexOf(":") + 1) : "latest"));
      else await (await import("../../runtime/image/dockerArchive.js")).exportDockerArchive(store, res.manifest, o.name ? [normalizeTag(o.name)] : tags, o.dest);
    }
    if (progress === "json") process.stderr.write(JSON.stringify({ status: "built", digest: res.manifest.digest, steps: res.steps, cached: res.cached, tags, durationMs: performance.now() - t0, atMs: sinceStart() }) + "\n");
    else log(`built ${res.manifest.digest} (${res.steps} steps, ${res.cached} cached) in ${((performance.now() - t0) / 1000).toFixed(2)}s${tags.length ? `, tagged ${tags.join(", ")}` : ""}\n`);
    process.stdout.write(`${res.manifest.digest}\n`);
    return 0;
  } catch (e) {
    renderer?.end();
    if (e instanceof BuildError) {
      const where = locate(theIr, texts, e.op);
      process.stderr.write(`vmspec build: ${where ? `${where}: ` : ""}error: ${e.message} [${e.code}]\n`);
      return 1;
    }
    if (e instanceof ImageError) {
      process.stderr.write(`vmspec build: error: ${e.message} [${e.code}]\n`);
      return 1;
    }
    throw e;
  } finally {
    await store.close();
  }
}
