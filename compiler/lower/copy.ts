// Lowering of COPY and ADD: sources (paths, URLs, git, heredocs), destination against WORKDIR,
// --from (variables allowed: a vmspec extension), --chown/--chmod, ADD's --checksum/--keep-git-dir/--unpack.
import type { CopyNode, Flag, Span } from "../ast/types.js";
import { sealOp, UNSEALED } from "../ir/canonical.js";
import { fit } from "../arrays.js";
import type { CopyFrom, CopySource, Digest, FileCopyOp } from "../ir/types.js";
import { resolveWorkdir } from "./config.js";
import type { LowerContext } from "./context.js";
import { resolveStageRef } from "./stageRef.js";
import { addOp, type StageState } from "./stage.js";
import { parseChmodText, parseChownText } from "./values.js";

const URL_RE = /^https?:\/\//i;

/** True for git sources as BuildKit detects them (git@, git://, or an http(s) URL ending in .git). */
export function isGitSource(src: string): boolean {
  if (/^git@|^git:\/\//.test(src)) return true;
  const noFrag = src.split("#")[0]!;
  return URL_RE.test(src) && /\.git\/?$/.test(noFrag);
}

/** The usual `from` of a copy op, one shared (frozen) object rather than one per op. */
const FROM_CONTEXT: CopyFrom = Object.freeze({ kind: "context" as const });

/** A source word naming a heredoc (`<<EOF`, `<<-"EOF"`, `0<<EOF`); group 1 is the delimiter. */
const HEREDOC_SOURCE_RE = /^\d*<<-?(.+)$/;

/** Lowers one COPY/ADD into a copy/add op. */
export function lowerCopy(ctx: LowerContext, st: StageState, n: CopyNode): void {
  if (n.dest === null) return;
  const isAdd = n.kind === "add";
  const inputs = [st.current];
  let from: CopyFrom = FROM_CONTEXT;
  const exclude: string[] = [];
  for (const f of n.flags) {
    if (f.name !== "exclude") continue;
    const v = ctx.expandText(f.value ?? "", f.span, st.scope);
    if (v !== null) exclude.push(v);
  }
  const fromFlag = firstFlag(n, "from");
  if (fromFlag !== undefined) {
    // vmspec: `--from=$STAGE` may use any ARG in scope, resolved at compile time.
    const v = ctx.expandText(fromFlag.value ?? "", fromFlag.span, st.scope);
    if (v === null) return;
    const ref = resolveStageRef(ctx, st, v, fromFlag.span);
    if (ref === null) return;
    from = ref;
    if (ref.kind === "stage") inputs.push(ref.op);
  }

  const sources: CopySource[] = [];
  for (const w of n.sources) {
    // Only an instruction with heredocs can have a heredoc source.
    const hd = n.heredocs.length === 0 ? null : HEREDOC_SOURCE_RE.exec(w.text);
    const h = hd ? n.heredocs.find((x) => w.text.endsWith(x.name) || hd[1]!.replace(/["']/g, "") === x.name) : undefined;
    if (h !== undefined) {
      let content = h.content;
      if (h.expand) {
        const r = ctx.expandText(content, h.span, st.scope);
        if (r === null) continue;
        content = r;
      }
      sources.push({ file: { content, mode: 0o644, path: h.name }, kind: "inline" });
      continue;
    }
    const v = ctx.expand(w, st.scope);
    if (v === null) continue;
    if (isAdd && from.kind === "context" && isGitSource(v)) {
      const [url, ref] = v.split("#", 2) as [string, string | undefined];
      sources.push(ref ? { kind: "git", ref, url } : { kind: "git", url });
    } else if (isAdd && from.kind === "context" && URL_RE.test(v)) {
      sources.push({ kind: "url", url: v });
    } else {
      sources.push({ kind: "path", path: v });
    }
  }
  const destRaw = ctx.expand(n.dest, st.scope);
  if (destRaw === null || sources.length === 0) return;
  let dest = resolveWorkdir(st.config.workdir, destRaw);
  if ((destRaw.endsWith("/") || destRaw.endsWith("/.")) && dest !== "/") dest += "/";

  let chownValue: FileCopyOp["chown"];
  const chown = flagValue(n, "chown");
  if (chown !== undefined) {
    const span = flagSpan(n, "chown");
    const v = ctx.expandText(chown, span, st.scope);
    if (v !== null) {
      const r = parseChownText(v);
      if (r.ok) chownValue = r.value;
      else ctx.report("badChown", span, [v, r.message], r.hint);
    }
  }
  let chmodValue: FileCopyOp["chmod"];
  const chmod = flagValue(n, "chmod");
  if (chmod !== undefined) {
    const span = flagSpan(n, "chmod");
    const v = ctx.expandText(chmod, span, st.scope);
    if (v !== null) {
      const r = parseChmodText(v);
      if (r.ok) chmodValue = r.value;
      else ctx.report("badChmod", span, [v, r.message], r.hint);
    }
  }
  let checksum: Digest | undefined;
  if (isAdd) {
    const sum = flagValue(n, "checksum");
    if (sum !== undefined) {
      const span = flagSpan(n, "checksum");
      const v = ctx.expandText(sum, span, st.scope);
      if (v !== null) {
        if (/^sha256:[0-9a-f]{64}$/.test(v)) checksum = v as Digest;
        else ctx.report("badChecksum", span, [v]);
      }
    }
  }
  // `id` first (set by sealOp), then keys inserted in sorted order: the IR prints them in this order
  // (the op id does not depend on it, compiler/ir/serialise.ts).
  const op = { id: UNSEALED } as FileCopyOp;
  if (checksum !== undefined) op.checksum = checksum;
  if (chmodValue !== undefined) op.chmod = chmodValue;
  if (chownValue !== undefined) op.chown = chownValue;
  op.dest = dest;
  op.exclude = fit(exclude);
  op.from = from;
  op.inputs = inputs;
  if (isAdd) {
    const keepGitDir = flagValue(n, "keep-git-dir");
    if (keepGitDir !== undefined) op.keepGitDir = flagOn(keepGitDir);
  }
  op.kind = n.kind;
  op.link = flagOn(flagValue(n, "link"));
  op.parents = flagOn(flagValue(n, "parents"));
  op.sources = fit(sources);
  if (isAdd) {
    const unpack = flagValue(n, "unpack");
    if (unpack !== undefined) op.unpack = flagOn(unpack);
  }
  const sealed = sealOp(op);
  addOp(st, sealed, n.span);
}

/**
 * The value of flag `--name`: its last occurrence wins, and a flag without `=value` means "true".
 * A scan of the instruction's few flags (no per-instruction map of them).
 */
function flagValue(n: CopyNode, name: string): string | undefined {
  let v: string | undefined;
  for (const f of n.flags) if (f.name === name) v = f.value ?? "true";
  return v;
}

/** The first `--name` flag (`--from` uses it), if any. */
function firstFlag(n: CopyNode, name: string): Flag | undefined {
  for (const f of n.flags) if (f.name === name) return f;
  return undefined;
}

function flagOn(v: string | undefined): boolean {
  return v !== undefined && /^(true|1|t|TRUE|True|T)$/.test(v);
}

/** Where a flag's diagnostics point: its first occurrence (else the keyword). */
function flagSpan(n: CopyNode, name: string): Span {
  return firstFlag(n, name)?.span ?? n.keywordSpan;
}
