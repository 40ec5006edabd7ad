// Lowering of the image-config instructions: ENV LABEL USER WORKDIR STOPSIGNAL EXPOSE VOLUME SHELL
// CMD ENTRYPOINT HEALTHCHECK ONBUILD MAINTAINER (DOCKERFILE.md §3, M5).
import { posix } from "node:path";
import type { CommandForm, Instruction } from "../ast/types.js";
import { sealOp, UNSEALED } from "../ir/canonical.js";
import type { Healthcheck, MkdirOp } from "../ir/types.js";
import type { LowerContext } from "./context.js";
import { addOp, type StageState } from "./stage.js";
import { parseDurationText, parseExposeText, parseSignalText } from "./values.js";

/**
 * A command as argv: exec form as is (the AST's own list, shared: exactly sized and, like the IR,
 * never modified once built, compiler/arrays.ts), shell form wrapped in the stage's SHELL (J4).
 */
export function commandArgv(st: StageState, c: CommandForm): string[] {
  return c.form === "exec" ? c.args : shellArgv(st.config.shell, c.text);
}

/**
 * `[...shell, script]` without spare capacity (a spread leaves the array ~17 slots big, see
 * compiler/arrays.ts). The usual two-word SHELL gets an array literal: `shell.concat(script)` with a
 * non-array argument takes V8's slow generic path (~9× the literal's time).
 */
export function shellArgv(shell: readonly string[], script: string): string[] {
  if (shell.length === 2) return [shell[0]!, shell[1]!, script];
  return shell.concat([script]);
}

/** Resolves `path` against the current WORKDIR (relative paths are joined; `/` kept as is). */
export function resolveWorkdir(current: string, path: string): string {
  if (path === "") return current;
  // Fast paths: when no segment needs resolving, join + normalize below would only drop a trailing
  // `/`, so the result is computed without them (test/compiler/lower.test.ts compares both ways).
  if (path === "/") return path;
  const absolute = path.charCodeAt(0) === 47;
  if (absolute || isCleanAbsolute(current)) {
    if (path === "." || path === "./") return current;
    const len = cleanLength(path);
    if (len >= 0) {
      const p = len === path.length ? path : path.slice(0, len);
      if (absolute) return p;
      return current.length === 1 ? "/" + p : current + "/" + p;
    }
  }
  const abs = path.startsWith("/") ? path : posix.join(current, path);
  const norm = posix.normalize(abs);
  return norm.length > 1 && norm.endsWith("/") ? norm.slice(0, -1) : norm;
}

/** True for `/` and for absolute paths without empty, `.` or `..` segments nor a trailing `/`. */
function isCleanAbsolute(p: string): boolean {
  return p === "/" || (p.charCodeAt(0) === 47 && cleanLength(p) === p.length);
}

/**
 * For a path other than `/` (absolute or relative, not empty) none of whose segments is empty, `.`
 * or `..` except for one trailing `/`: its length without that `/`. Otherwise -1.
 */
function cleanLength(p: string): number {
  let segStart = p.charCodeAt(0) === 47 ? 1 : 0;
  for (let i = segStart; i < p.length; i++) {
    if (p.charCodeAt(i) !== 47) continue;
    if (!isPlainSegment(p, segStart, i)) return -1;
    segStart = i + 1;
  }
  if (segStart === p.length) return segStart > 1 ? p.length - 1 : -1; // a trailing `/` (after a segment)
  return isPlainSegment(p, segStart, p.length) ? p.length : -1;
}

/** True when `p[start, end)` is a path segment that normalising keeps: not empty, `.` or `..`. */
function isPlainSegment(p: string, start: number, end: number): boolean {
  const len = end - start;
  if (len === 0) return false;
  return !(p.charCodeAt(start) === 46 && (len === 1 || (len === 2 && p.charCodeAt(start + 1) === 46)));
}

/** Healthcheck defaults are "0 = runtime default"; BuildKit rejects durations under 1ms. */
const MIN_HEALTHCHECK_NS = 1_000_000;

/**
 * The expanded pairs of the ENV being lowered, reused by every ENV (a new list per ENV grew to 17
 * slots for its first pair, garbage right after). Filled from index 0 with a count of its own
 * (setting `length = 0` would drop its storage, as a new list does); expansion never lowers an
 * instruction, so one ENV cannot start while another fills it. It holds the last ENV's few strings
 * until the next ENV.
 */
const ENV_SETS: string[] = [];

/**
 * Lowers one config instruction of the current stage. Lists of the AST are walked by index, not
 * `for…of`: an empty one is the shared frozen list (compiler/arrays.ts), and V8 iterates a frozen
 * array with its generic protocol, allocating an iterator and a result object per loop.
 */
export function lowerConfigInstruction(ctx: LowerContext, st: StageState, n: Instruction): void {
  const cfg = st.config;
  const scope = st.scope;
  switch (n.kind) {
    case "env": {
      // All values see the environment as it was before this instruction: set afterwards, from
      // `ENV_SETS` (name, value, name, value…; flat, no pair arrays, one list for every ENV).
      const sets = ENV_SETS;
      let count = 0;
      for (let i = 0; i < n.pairs.length; i++) {
        const p = n.pairs[i]!;
        const k = ctx.expand(p.key, scope);
        const v = p.value === null ? "" : ctx.expand(p.value, scope);
        if (k === null || v === null) continue;
        if (k === "") {
          ctx.report("envBadPair", p.key.span, ["ENV"]);
          continue;
        }
        sets[count++] = k;
        sets[count++] = v;
      }
      for (let i = 0; i < count; i += 2) scope.env.set(sets[i]!, sets[i + 1]!);
      return;
    }
    case "label": {
      for (let i = 0; i < n.pairs.length; i++) {
        const p = n.pairs[i]!;
        const k = ctx.expand(p.key, scope);
        const v = p.value === null ? "" : ctx.expand(p.value, scope);
        if (k === null || v === null) continue;
        if (k === "") ctx.report("envBadPair", p.key.span, ["LABEL"]);
        else cfg.labels[k] = v;
      }
      return;
    }
    case "maintainer":
      if (n.value !== null) cfg.labels["maintainer"] = n.value.text;
      return;
    case "user": {
      if (n.value === null) return;
      const v = ctx.expand(n.value, scope);
      if (v !== null) cfg.user = v;
      return;
    }
    case "workdir": {
      if (n.value === null) return;
      const v = ctx.expand(n.value, scope);
      if (v === null) return;
      cfg.workdir = resolveWorkdir(cfg.workdir, v);
      const op = sealOp<MkdirOp>({ id: UNSEALED, inputs: [st.current], kind: "mkdir", path: cfg.workdir, user: cfg.user });
      addOp(st, op, n.span);
      return;
    }
    case "stopsignal": {
      if (n.value === null) return;
      const v = ctx.expand(n.value, scope);
      if (v === null) return;
      const r = parseSignalText(v);
      if (r.ok) cfg.stopSignal = r.value;
      else ctx.report("badSignal", n.value.span, [v, r.message], r.hint);
      return;
    }
    case "expose": {
      const ports = st.ports;
      for (let i = 0; i < n.items.length; i++) {
        const w = n.items[i]!;
        const v = ctx.expand(w, scope);
        if (v === null) continue;
        const r = parseExposeText(v);
        if (!r.ok) ctx.report("badPort", w.span, [v, r.message], r.hint);
        else for (let j = 0; j < r.value.length; j++) ports.add(r.value[j]!);
      }
      return;
    }
    case "volume": {
      const vols = st.volumes;
      for (let i = 0; i < n.items.length; i++) {
        const w = n.items[i]!;
        const v = ctx.expand(w, scope);
        if (v === null) continue;
        if (v.trim() === "") ctx.report("emptyVolume", w.span);
        else vols.add(v);
      }
      return;
    }
    case "shell":
      if (n.args !== null) cfg.shell = n.args.slice();
      return;
    case "cmd":
      if (n.command === null) return;
      cfg.cmd = commandArgv(st, n.command);
      st.cmdSet = true;
      return;
    case "entrypoint":
      if (n.command === null) return;
      cfg.entrypoint = n.command.form === "exec" && n.command.args.length === 0 ? null : commandArgv(st, n.command);
      if (!st.cmdSet) cfg.cmd = null; // M5: ENTRYPOINT resets an inherited CMD
      return;
    case "healthcheck": {
      if (n.none) {
        cfg.healthcheck = { test: ["NONE"], interval: 0, timeout: 0, startPeriod: 0, startInterval: 0, retries: 0 };
        return;
      }
      if (n.command === null) return;
      const hc: Healthcheck = {
        test: n.command.form === "exec" ? ["CMD", ...n.command.args] : ["CMD-SHELL", n.command.text],
        interval: 0,
        timeout: 0,
        startPeriod: 0,
        startInterval: 0,
        retries: 0,
      };
      let ok = true;
      for (const f of n.flags) {
        const v = f.value ?? "";
        if (f.name === "retries") {
          if (!/^\d+$/.test(v)) {
            ctx.report("healthcheckRetries", f.span, [v]);
            ok = false;
          } else hc.retries = Number(v);
          continue;
        }
        const d = parseDurationText(v);
        if (!d.ok) {
          ctx.report("healthcheckDuration", f.span, [f.name, d.message]);
          ok = false;
          continue;
        }
        if (d.value !== 0 && d.value < MIN_HEALTHCHECK_NS) {
          ctx.report("healthcheckDuration", f.span, [f.name, "must be at least 1ms"]);
          ok = false;
          continue;
        }
        if (d.value < 0) {
          ctx.report("healthcheckDuration", f.span, [f.name, "cannot be negative"]);
          ok = false;
          continue;
        }
        if (f.name === "interval") hc.interval = d.value;
        else if (f.name === "timeout") hc.timeout = d.value;
        else if (f.name === "start-period") hc.startPeriod = d.value;
        else if (f.name === "start-interval") hc.startInterval = d.value;
      }
      if (ok) cfg.healthcheck = hc;
      return;
    }
    case "onbuild":
      if (n.trigger !== null) cfg.onBuild.push(n.triggerText);
      return;
    default:
      return;
  }
}

/** Orders `port/proto` strings by port number, then protocol. */
export function comparePorts(a: string, b: string): number {
  const [pa, ta] = a.split("/");
  const [pb, tb] = b.split("/");
  return Number(pa) - Number(pb) || (ta! < tb! ? -1 : ta! > tb! ? 1 : 0);
}
