// Lowering: the flattened AST → IR. Walks stages in order (global ARGs, then each FROM), resolving
// variables, stage references, the image config and the machine spec; emits content-addressed ops.
// Semantic checks happen here because they need the same scoping (BuildKit's dispatch does too).
import type { FromNode, HeredocNode, Instruction, KeyValueNode, ListNode, Span, Word } from "../ast/types.js";
import { didYouMean } from "../diagnostics/didYouMean.js";
import { sealOp, UNSEALED } from "../ir/canonical.js";
import { IR_VERSION, type Ir, type Platform, type SourceOp, type Stage } from "../ir/types.js";
import type { Program } from "../program.js";
import { BuildChecks } from "./buildChecks.js";
import { LowerContext, type CompileOptions } from "./context.js";
import { comparePorts, lowerConfigInstruction } from "./config.js";
import { lowerCopy } from "./copy.js";
import { finishMachine, lowerMachineInstruction, prescanArch } from "./machine.js";
import { lowerRun } from "./run.js";
import { EnvMap, Scope, shellRefs, type ArgBinding } from "./scope.js";
import { addOp, copyConfig, copyMachine, defaultMachine, emptyConfig, newScope, type StageState } from "./stage.js";
import { parsePlatformText, parseImageRefText } from "./values.js";

/** Automatic platform ARGs (DOCKERFILE.md A5) for a build/target platform pair. */
export function platformArgs(build: Platform, target: Platform): Map<string, string> {
  const fmt = (p: Platform) => `${p.os}/${p.architecture}${p.variant ? "/" + p.variant : ""}`;
  // set() calls, not `new Map([[k, v], …])`: the iterable constructor was a visible share of
  // compiling a small spec (bench/compile, realistic corpus).
  const m = new Map<string, string>();
  m.set("BUILDPLATFORM", fmt(build));
  m.set("BUILDOS", build.os);
  m.set("BUILDOSVERSION", "");
  m.set("BUILDARCH", build.architecture);
  m.set("BUILDVARIANT", build.variant ?? "");
  m.set("TARGETPLATFORM", fmt(target));
  m.set("TARGETOS", target.os);
  m.set("TARGETOSVERSION", "");
  m.set("TARGETARCH", target.architecture);
  m.set("TARGETVARIANT", target.variant ?? "");
  return m;
}

/**
 * Args never reported as unused nor as unconsumed build args: the proxy variables (A4) and
 * BuildKit's built-in build args (A6), which configure the build rather than the spec.
 */
const PROXY_ARGS = [
  ...["HTTP_PROXY", "HTTPS_PROXY", "FTP_PROXY", "NO_PROXY", "ALL_PROXY"].flatMap((n) => [n, n.toLowerCase()]),
  "BUILDKIT_BUILD_NAME",
  "BUILDKIT_CACHE_MOUNT_NS",
  "BUILDKIT_CONTEXT_KEEP_GIT_DIR",
  "BUILDKIT_DOCKERFILE_CHECK",
  "BUILDKIT_INLINE_CACHE",
  "BUILDKIT_MULTI_PLATFORM",
  "BUILDKIT_SANDBOX_HOSTNAME",
  "BUILDKIT_SYNTAX",
  "SOURCE_DATE_EPOCH",
];
/** `PROXY_ARGS` as a set: every ARG instruction asks about its names. */
const PROXY_ARG_NAMES: ReadonlySet<string> = new Set(PROXY_ARGS);

/** Result of lowering. `ir` is null when there was no stage at all. */
export interface LowerResult {
  ir: Ir | null;
}

/** Lowers a loaded program to IR, reporting semantic errors into `diags` of `ctx`. */
export function lowerProgram(program: Program, ctx: LowerContext): LowerResult {
  const options = ctx.options;
  const buildArgs = options.buildArgs ?? {};
  const consumed = new Set<string>();
  const ins = program.instructions;
  const root: Span = { file: 0, offset: 0, length: 0 };

  if (ins.length === 0) {
    ctx.report("noInstructions", root);
    return { ir: null };
  }

  // Global scope: automatic platform args + ARGs before the first FROM (A1, A5).
  const globalScope = new Scope(new EnvMap());
  for (const [k, v] of platformArgs(ctx.buildPlatform, ctx.targetPlatform)) {
    globalScope.declare({ name: k, value: v, span: root, used: false, automatic: true });
  }
  const globalsDeclared: ArgBinding[] = [];
  let i = 0;
  for (; i < ins.length && ins.kind(i) !== "from"; i++) {
    const n = ins.node(i);
    if (n.kind === "arg") {
      declareArgs(ctx, n, globalScope, buildArgs, consumed, globalsDeclared, null);
    } else if (n.kind !== "unknown") {
      ctx.report("noBuildStage", n.keywordSpan, [n.keyword]);
    }
  }

  const stageNodes = splitStages(ins, i);
  if (stageNodes.length === 0) {
    let onlyArgs = true;
    for (let j = 0; j < ins.length; j++) if (ins.kind(j) !== "arg") onlyArgs = false;
    if (onlyArgs) ctx.report("noBuildStage", ins.node(ins.length - 1).keywordSpan, ["end of file"]);
    return { ir: null };
  }

  // Stage names (lowercased, unique).
  const names: (string | null)[] = stageNodes.map(({ from }) => from.stageName?.text.toLowerCase() ?? null);
  for (const nm of names) if (nm !== null) ctx.allStageNames.add(nm);
  const firstDef = new Map<string, Span>();
  names.forEach((nm, idx) => {
    if (nm === null) return;
    const prev = firstDef.get(nm);
    const sp = stageNodes[idx]!.from.stageName!.span;
    if (prev !== undefined) ctx.report("duplicateStage", sp, [nm, ctx.lineOf(prev)]);
    else firstDef.set(nm, sp);
  });

  // Target stage.
  let target = stageNodes.length - 1;
  if (options.target !== undefined && options.target !== "") {
    const t = options.target.toLowerCase();
    const idx = names.indexOf(t);
    if (idx >= 0) target = idx;
    else if (/^\d+$/.test(t) && Number(t) < stageNodes.length) target = Number(t);
    else {
      const near = didYouMean(t, names.filter((x): x is string => x !== null));
      ctx.report("unknownTarget", root, [options.target], near ? `Did you mean '${near}'?` : undefined);
    }
  }
  // The target stage's MACHINE arch decides the build platform when --platform is not given.
  if (options.platform === undefined) {
    const arch = prescanArch(ctx, stageNodes[target]!.machines, globalScope);
    if (arch !== null) {
      ctx.targetPlatform = { architecture: arch, os: "linux" };
      for (const [k, v] of platformArgs(ctx.buildPlatform, ctx.targetPlatform)) {
        const b = globalScope.args.get(k);
        if (b !== undefined && b.automatic) b.value = v;
      }
    }
  }

  // Lower each stage (BuildKit's build checks see each instruction just before it is lowered).
  const checks = new BuildChecks(ctx);
  for (const file of program.loaded) BuildChecks.casing(ctx, file);
  const stageSpans: Span[][] = [];
  for (let s = 0; s < stageNodes.length; s++) {
    const { from, start, end, machines } = stageNodes[s]!;
    const st = startStage(ctx, s, names[s]!, from, globalScope, machines);
    checks.startStage(st);
    // M4: ONBUILD triggers of a base stage run first (and are not inherited further).
    if (st.base.kind === "stage") {
      for (const n of ctx.stageTriggers[st.base.stage] ?? []) lowerInstruction(ctx, st, n, buildArgs, consumed, globalScope);
    }
    lowerStageBody(ctx, st, checks, ins, start, end, buildArgs, consumed, globalScope);
    finishStage(ctx, st);
    stageSpans.push(st.spans);
    if (names[s] !== null && !ctx.stageNames.has(names[s]!)) ctx.stageNames.set(names[s]!, s);
  }

  // Unused ARGs (stage ARGs are shared with stages built FROM theirs, so check at the end), global
  // ARGs never referenced from FROM nor re-declared, and build args no ARG consumed.
  for (const b of [...globalsDeclared, ...ctx.declaredArgs]) if (!b.used && !b.automatic) ctx.report("unusedArg", b.span, [b.name]);
  for (const k of Object.keys(buildArgs).sort()) {
    if (!consumed.has(k) && !PROXY_ARG_NAMES.has(k)) ctx.report("unusedBuildArg", root, [k]);
  }

  // Reachability from the target.
  const reach = new Set<number>();
  markReachable(ctx, target, reach);
  for (const st of ctx.stages) st.reachable = reach.has(st.index);

  const sortedArgs: Record<string, string> = {};
  for (const k of Object.keys(buildArgs).sort()) sortedArgs[k] = buildArgs[k]!;
  const ir: Ir = {
    irVersion: IR_VERSION,
    target,
    platform: ctx.targetPlatform,
    stages: ctx.stages,
    includes: program.files.slice(1).map((f) => ({ path: f.path, digest: f.digest })),
    buildArgs: sortedArgs,
    sourceMap: { files: program.files.map((f) => ({ path: f.path, digest: f.digest })), stages: stageSpans },
  };
  return { ir };
}


// The loops over every instruction live in functions of their own, not in lowerProgram: V8
// optimises a long loop in place (OSR), and lowerProgram's optimised code then also covered the
// once-per-compile code after its loops, which deoptimised it on every compile (no type feedback
// yet, a new closure each call) and had V8 optimise the whole of it again, lowering inlined, for
// the next compile (`node --trace-opt --trace-deopt`, bench/compile).

/** A stage of the program: its FROM, its body (positions `start` … `end - 1`) and its MACHINEs. */
interface StageNodes {
  from: FromNode;
  start: number;
  end: number;
  machines: ListNode[];
}

/**
 * Splits positions `first` … of `ins` into stages. Instructions are built as they are lowered (see
 * LoadedFile); FROM and MACHINE were built when loaded, since the stage split and the platform
 * prescan need them now. A stage's body is the positions after its FROM, up to the next FROM.
 */
function splitStages(ins: Program["instructions"], first: number): StageNodes[] {
  const stageNodes: StageNodes[] = [];
  for (let i = first; i < ins.length; i++) {
    const kind = ins.kind(i);
    if (kind === "from") stageNodes.push({ from: ins.node(i) as FromNode, start: i + 1, end: i + 1, machines: [] });
    else {
      const stage = stageNodes[stageNodes.length - 1]!;
      stage.end = i + 1;
      if (kind === "machine") stage.machines.push(ins.node(i) as ListNode);
    }
  }
  return stageNodes;
}

/** Lowers the body of stage `st`: positions `start` … `end - 1`, each checked just before. */
function lowerStageBody(
  ctx: LowerContext,
  st: StageState,
  checks: BuildChecks,
  ins: Program["instructions"],
  start: number,
  end: number,
  buildArgs: Record<string, string>,
  consumed: Set<string>,
  globalScope: Scope,
): void {
  for (let j = start; j < end; j++) {
    const n = ins.node(j);
    checks.instruction(n);
    lowerInstruction(ctx, st, n, buildArgs, consumed, globalScope);
  }
}

/** Adds stage `x` and every stage it depends on (transitively) to `reach`. */
function markReachable(ctx: LowerContext, x: number, reach: Set<number>): void {
  if (reach.has(x)) return;
  reach.add(x);
  for (const d of ctx.stages[x]!.dependsOn) markReachable(ctx, d, reach);
}

/** Declares the ARGs of one ARG instruction into `scope` (A1–A3). */
export function declareArgs(
  ctx: LowerContext,
  n: KeyValueNode,
  scope: Scope,
  buildArgs: Record<string, string>,
  consumed: Set<string>,
  collect: ArgBinding[] | null,
  globalScope: Scope | null,
): void {
  for (let i = 0; i < n.pairs.length; i++) {
    const p = n.pairs[i]!;
    const name = ctx.expand(p.key, scope);
    if (name === null) continue;
    if (name === "") {
      ctx.report("argEmptyName", p.key.span);
      continue;
    }
    let value: string | undefined;
    if (p.value !== null) value = ctx.expand(p.value, scope) ?? undefined;
    // A stage re-declaring a global ARG uses it (A1), whatever value wins.
    const g = globalScope?.args.get(name);
    if (g !== undefined) g.used = true;
    if (Object.prototype.hasOwnProperty.call(buildArgs, name)) {
      value = buildArgs[name];
      consumed.add(name);
    } else if (value === undefined && g !== undefined) {
      value = g.value;
    }
    const automatic = PROXY_ARG_NAMES.has(name) || g?.automatic === true;
    const b: ArgBinding = { name, value, span: p.key, used: false, automatic }; // a Word is its own Span
    scope.declare(b);
    collect?.push(b);
  }
}

function startStage(
  ctx: LowerContext,
  index: number,
  name: string | null,
  from: FromNode,
  globalScope: Scope,
  machines: readonly ListNode[],
): StageState {
  // FROM --platform and image expand with global ARGs only (A1); vmspec allows any global ARG.
  let platform = ctx.targetPlatform;
  let platformFixed = false;
  for (const f of from.flags) {
    if (f.name !== "platform" || f.value === null) continue;
    const text = ctx.expandText(f.value, f, globalScope);
    if (text === null) continue;
    const p = parsePlatformText(text);
    if (p.ok) {
      platform = p.value;
      platformFixed = true;
    } else ctx.report("badPlatform", f.span, [text, p.message], p.hint);
  }
  if (!platformFixed && ctx.options.platform !== undefined) {
    // `--platform` applies to every stage without FROM --platform; a MACHINE arch must agree.
    platformFixed = true;
  } else if (!platformFixed) {
    const arch = prescanArch(ctx, machines, globalScope);
    if (arch !== null) platform = { architecture: arch, os: "linux" };
  }
  const imageText = from.image === null ? "scratch" : ctx.expand(from.image, globalScope) ?? "scratch";
  const st: StageState = {
    index,
    name,
    from,
    platform,
    platformFixed,
    base: { kind: "scratch" },
    ops: [],
    spans: [],
    current: "sha256:",
    dependsOn: new Set(),
    config: emptyConfig(),
    machine: defaultMachine(platform.architecture),
    scope: newScope(),
    cmdSet: false,
    imageBased: false,
    seen: new Map(),
    ports: new Set(),
    volumes: new Set(),
  };
  const lower = imageText.toLowerCase();
  const stageIdx = ctx.stageNames.get(lower);
  if (from.image !== null && imageText === "") {
    ctx.report("emptyFromImage", from.image.span);
  }
  if (stageIdx !== undefined && lower !== "scratch") {
    const base = ctx.stages[stageIdx]!;
    st.base = { kind: "stage", stage: stageIdx };
    st.current = base.output;
    st.dependsOn.add(stageIdx);
    st.config = copyConfig(base.config);
    st.ports = new Set(base.config.exposedPorts);
    st.volumes = new Set(base.config.volumes);
    st.machine = copyMachine(base.machine);
    st.scope = newScope(envFromList(base.config.env));
    // A2: ARGs of the base stage stay in scope (the same bindings, so use is tracked once).
    for (const b of ctx.stageScopes[stageIdx]?.args.values() ?? []) st.scope.declare(b);
    st.imageBased = baseImageBased(ctx, stageIdx);
    st.scope.strict = !st.imageBased;
    if (!platformFixed) st.platform = base.platform;
    return st;
  }
  if (name !== null && lower === name && from.image !== null) {
    ctx.report("selfReference", from.image.span, [name]);
  }
  let source: SourceOp;
  if (lower === "scratch" || imageText === "") {
    source = sealOp<SourceOp>({ id: UNSEALED, inputs: [], kind: "source", source: { kind: "scratch" } });
  } else {
    const ref = parseImageRefText(imageText);
    if (!ref.ok && from.image !== null) ctx.report("badImageRef", from.image.span, [imageText, ref.message], ref.hint);
    const r = ref.ok ? ref.value : { name: imageText, raw: imageText };
    st.base = { kind: "image", ref: r };
    st.imageBased = true;
    st.scope.strict = false;
    source = sealOp<SourceOp>({ id: UNSEALED, inputs: [], kind: "source", source: { kind: "image", platform: st.platform, ref: r } });
  }
  addOp(st, source, from.span);
  return st;
}

function baseImageBased(ctx: LowerContext, idx: number): boolean {
  const s = ctx.stages[idx]!;
  if (s.base.kind === "image") return true;
  if (s.base.kind === "stage") return baseImageBased(ctx, s.base.stage);
  return false;
}

function envFromList(list: readonly string[]): EnvMap {
  const e = new EnvMap();
  for (const kv of list) {
    const eq = kv.indexOf("=");
    e.set(kv.slice(0, eq), kv.slice(eq + 1));
  }
  return e;
}

function lowerInstruction(
  ctx: LowerContext,
  st: StageState,
  n: Instruction,
  buildArgs: Record<string, string>,
  consumed: Set<string>,
  globalScope: Scope,
): void {
  switch (n.kind) {
    case "arg":
      declareArgs(ctx, n, st.scope, buildArgs, consumed, null, globalScope);
      // Stage ARGs are checked for use once all stages are lowered.
      for (let i = 0; i < n.pairs.length; i++) {
        const b = st.scope.args.get(n.pairs[i]!.key.text);
        if (b !== undefined) ctx.declaredArgs.add(b);
      }
      return;
    case "onbuild":
      if (n.trigger !== null) (ctx.stageTriggers[st.index] ??= []).push(n.trigger);
      lowerConfigInstruction(ctx, st, n);
      return;
    case "run":
      markShellRefs(st, n.command?.form === "shell" ? n.command.text : "", n.heredocs);
      lowerRun(ctx, st, n);
      return;
    case "copy":
    case "add":
      lowerCopy(ctx, st, n);
      return;
    case "cmd":
    case "entrypoint":
    case "healthcheck":
      if (n.command?.form === "shell") markShellRefs(st, n.command.text, NO_HEREDOCS);
      lowerConfigInstruction(ctx, st, n);
      return;
    case "machine":
    case "kernel":
    case "network":
    case "publish":
    case "packages":
      lowerMachineInstruction(ctx, st, n);
      return;
    case "unknown":
    case "include":
    case "from":
      return;
    default:
      lowerConfigInstruction(ctx, st, n);
  }
}


/** The heredocs of a CMD/ENTRYPOINT/HEALTHCHECK (none): shared, frozen. */
const NO_HEREDOCS: readonly HeredocNode[] = Object.freeze([]);

/**
 * RUN/CMD shell text (and heredoc bodies) is expanded by the shell at run time; count `$NAME`
 * there as a use. Takes the heredoc nodes themselves: no list of their bodies per RUN.
 */
function markShellRefs(st: StageState, text: string, heredocs: readonly HeredocNode[]): void {
  // By index: for…of over a frozen list (no refs, no heredocs) allocates (lower/config.ts).
  const refs = shellRefs(text);
  for (let i = 0; i < refs.length; i++) st.scope.markUsed(refs[i]!);
  for (let i = 0; i < heredocs.length; i++) {
    const more = shellRefs(heredocs[i]!.content);
    for (let j = 0; j < more.length; j++) st.scope.markUsed(more[j]!);
  }
}

function finishStage(ctx: LowerContext, st: StageState): void {
  finishMachine(ctx, st);
  ctx.stageScopes[st.index] = st.scope;
  st.config.env = st.scope.env.toList();
  st.config.exposedPorts = [...st.ports].sort(comparePorts);
  st.config.volumes = [...st.volumes].sort();
  const stage: Stage = {
    index: st.index,
    name: st.name,
    platform: st.platform,
    base: st.base,
    ops: st.ops,
    output: st.current,
    dependsOn: [...st.dependsOn].sort((a, b) => a - b),
    reachable: false,
    config: st.config,
    machine: st.machine,
  };
  ctx.stages.push(stage);
}

/** Expands a word in the stage scope (helper for the feature modules). */
export function expandIn(ctx: LowerContext, st: StageState, w: Word): string | null {
  return ctx.expand(w, st.scope);
}
