// Lowering of COPY and ADD: sources (paths, URLs, git, heredocs), destination against WORKDIR,
// --from (variables allowed: a vmspec extension), --chown/--chmod, ADD's --checksum/--keep-git-dir/--unpack.
import type { CopyNode, Span } from "../ast/types.js";
import { sealOp, UNSEALED } from "../ir/canonical.js";
import { fit } from "../arrays.js";
import type { CopyFrom, CopySource, Digest, FileCopyOp } from "../ir/types.js";
import { resolveWorkdir } from "./config.js";
import type { LowerContext } from "./context.js";
import { resolveStageRef } from "./stageRef.js";
import type { StageState } from "./stage.js";
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

/** Lowers one COPY/ADD into a copy/add op. */
export function lowerCopy(ctx: LowerContext, st: StageState, n: CopyNode): void {
  if (n.dest === null) return;
  const isAdd = n.kind === "add";
  const inputs = [st.current];
  let from: CopyFrom = FROM_CONTEXT;
  const flags = new Map<string, string>();
  const exclude: string[] = [];
  for (const f of n.flags) {
    if (f.name === "exclude") {
      const v = ctx.expand({ text: f.value ?? "", span: f.span }, st.scope);
      if (v !== null) exclude.push(v);
    } else flags.set(f.name, f.value ?? "true");
  }
  const fromFlag = n.flags.find((f) => f.name === "from");
  if (fromFlag !== undefined) {
    // vmspec: `--from=$STAGE` may use any ARG in scope, resolved at compile time.
    const v = ctx.expand({ text: fromFlag.value ?? "", span: fromFlag.span }, st.scope);
    if (v === null) return;
    const ref = resolveStageRef(ctx, st, v, fromFlag.span);
    if (ref === null) return;
    from = ref;
    if (ref.kind === "stage") inputs.push(ref.op);
  }

  const sources: CopySource[] = [];
  for (const w of n.sources) {
    const hd = /^\d*<<-?(.+)$/.exec(w.text);
    const h = hd ? n.heredocs.find((x) => w.text.endsWith(x.name) || hd[1]!.replace(/["']/g, "") === x.name) : undefined;
    if (h !== undefined) {
      let content = h.content;
      if (h.expand) {
        const r = ctx.expand({ text: content, span: h.span }, st.scope);
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
  const chown = flags.get("chown");
  if (chown !== undefined) {
    const v = ctx.expand({ text: chown, span: flagSpan(n, "chown") }, st.scope);
    if (v !== null) {
      const r = parseChownText(v);
      if (r.ok) chownValue = r.value;
      else ctx.report("badChown", flagSpan(n, "chown"), [v, r.message], r.hint);
    }
  }
  let chmodValue: FileCopyOp["chmod"];
  const chmod = flags.get("chmod");
  if (chmod !== undefined) {
    const v = ctx.expand({ text: chmod, span: flagSpan(n, "chmod") }, st.scope);
    if (v !== null) {
      const r = parseChmodText(v);
      if (r.ok) chmodValue = r.value;
      else ctx.report("badChmod", flagSpan(n, "chmod"), [v, r.message], r.hint);
    }
  }
  let checksum: Digest | undefined;
  if (isAdd) {
    const sum = flags.get("checksum");
    if (sum !== undefined) {
      const v = ctx.expand({ text: sum, span: flagSpan(n, "checksum") }, st.scope);
      if (v !== null) {
        if (/^sha256:[0-9a-f]{64}$/.test(v)) checksum = v as Digest;
        else ctx.report("badChecksum", flagSpan(n, "checksum"), [v]);
      }
    }
  }
  // `id` first (set by sealOp), then keys inserted in sorted order: the op id hashes this object
  // (compiler/ir/canonical.ts).
  const op = { id: UNSEALED } as FileCopyOp;
  if (checksum !== undefined) op.checksum = checksum;
  if (chmodValue !== undefined) op.chmod = chmodValue;
  if (chownValue !== undefined) op.chown = chownValue;
  op.dest = dest;
  op.exclude = fit(exclude);
  op.from = from;
  op.inputs = inputs;
  if (isAdd && flags.has("keep-git-dir")) op.keepGitDir = flagOn(flags.get("keep-git-dir"));
  op.kind = n.kind;
  op.link = flagOn(flags.get("link"));
  op.parents = flagOn(flags.get("parents"));
  op.sources = fit(sources);
  if (isAdd && flags.has("unpack")) op.unpack = flagOn(flags.get("unpack"));
  const sealed = sealOp(op);
  st.ops.push(sealed);
  st.current = sealed.id;
  ctx.mapOp(sealed, n.span);
}

function flagOn(v: string | undefined): boolean {
  return v !== undefined && /^(true|1|t|TRUE|True|T)$/.test(v);
}

function flagSpan(n: CopyNode, name: string): Span {
  return n.flags.find((f) => f.name === name)?.span ?? n.keywordSpan;
}
