// Lowering of COPY and ADD: sources (paths, URLs, git, heredocs), destination against WORKDIR,
// --from (variables allowed: a vmspec extension), --chown/--chmod, ADD's --checksum/--keep-git-dir/--unpack.
import type { CopyNode, Flag } from "../ast/types.js";
import { sealOp, UNSEALED } from "../ir/canonical.js";
import { append, fitted } from "../arrays.js";
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
  // One pass over the flags: `--exclude` values are expanded in order; of the others, the first
  // occurrence is kept (`--from` uses it, and diagnostics point at it) and the last value wins
  // (`f.value ?? "true"`: a flag without `=value` means "true").
  let excluded: string[] | null = null;
  let fromFlag: Flag | undefined;
  let chownFlag: Flag | undefined;
  let chmodFlag: Flag | undefined;
  let checksumFlag: Flag | undefined;
  let chown: string | undefined;
  let chmod: string | undefined;
  let checksum: string | undefined;
  let link: string | undefined;
  let parents: string | undefined;
  let keepGitDir: string | undefined;
  let unpack: string | undefined;
  // Lists walked by index: for…of over the shared frozen empty list allocates (lower/config.ts).
  for (let i = 0; i < n.flags.length; i++) {
    const f = n.flags[i]!;
    const v = f.value ?? "true";
    switch (f.name) {
      case "exclude": {
        const x = ctx.expandText(f.value ?? "", f, st.scope);
        if (x !== null) excluded = append(excluded, x);
        break;
      }
      case "from":
        fromFlag ??= f;
        break;
      case "chown":
        chownFlag ??= f;
        chown = v;
        break;
      case "chmod":
        chmodFlag ??= f;
        chmod = v;
        break;
      case "checksum":
        checksumFlag ??= f;
        checksum = v;
        break;
      case "link":
        link = v;
        break;
      case "parents":
        parents = v;
        break;
      case "keep-git-dir":
        keepGitDir = v;
        break;
      case "unpack":
        unpack = v;
        break;
    }
  }
  const exclude = fitted(excluded);
  if (fromFlag !== undefined) {
    // vmspec: `--from=$STAGE` may use any ARG in scope, resolved at compile time.
    const v = ctx.expandText(fromFlag.value ?? "", fromFlag, st.scope);
    if (v === null) return;
    const ref = resolveStageRef(ctx, st, v, fromFlag);
    if (ref === null) return;
    from = ref;
    if (ref.kind === "stage") inputs.push(ref.op);
  }

  let sources: CopySource[] | null = null;
  for (let i = 0; i < n.sources.length; i++) {
    const w = n.sources[i]!;
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
      sources = append(sources, { file: { content, mode: 0o644, path: h.name }, kind: "inline" });
      continue;
    }
    const v = ctx.expand(w, st.scope);
    if (v === null) continue;
    if (isAdd && from.kind === "context" && isGitSource(v)) {
      const [url, ref] = v.split("#", 2) as [string, string | undefined];
      sources = append(sources, ref ? { kind: "git", ref, url } : { kind: "git", url });
    } else if (isAdd && from.kind === "context" && URL_RE.test(v)) {
      sources = append(sources, { kind: "url", url: v });
    } else {
      sources = append(sources, { kind: "path", path: v });
    }
  }
  const destRaw = ctx.expand(n.dest, st.scope);
  if (destRaw === null || sources === null) return;
  let dest = resolveWorkdir(st.config.workdir, destRaw);
  if ((destRaw.endsWith("/") || destRaw.endsWith("/.")) && dest !== "/") dest += "/";

  let chownValue: FileCopyOp["chown"];
  if (chown !== undefined) {
    const span = chownFlag!; // a Flag is its own Span
    const v = ctx.expandText(chown, span, st.scope);
    if (v !== null) {
      const r = parseChownText(v);
      if (r.ok) chownValue = r.value;
      else ctx.report("badChown", span, [v, r.message], r.hint);
    }
  }
  let chmodValue: FileCopyOp["chmod"];
  if (chmod !== undefined) {
    const span = chmodFlag!;
    const v = ctx.expandText(chmod, span, st.scope);
    if (v !== null) {
      const r = parseChmodText(v);
      if (r.ok) chmodValue = r.value;
      else ctx.report("badChmod", span, [v, r.message], r.hint);
    }
  }
  if (!isAdd) {
    const op = copyOp(chmodValue, chownValue, dest, exclude, from, fitted(inputs), flagOn(link), flagOn(parents), fitted(sources));
    addOp(st, sealOp(op), n.span);
    return;
  }
  let checksumValue: Digest | undefined;
  if (checksum !== undefined) {
    const span = checksumFlag!;
    const v = ctx.expandText(checksum, span, st.scope);
    if (v !== null) {
      if (/^sha256:[0-9a-f]{64}$/.test(v)) checksumValue = v as Digest;
      else ctx.report("badChecksum", span, [v]);
    }
  }
  // ADD: `id` first (set by sealOp), then keys inserted in sorted order: the IR prints them in
  // this order (the op id does not depend on it, compiler/ir/serialise.ts).
  const op = { id: UNSEALED } as FileCopyOp;
  if (checksumValue !== undefined) op.checksum = checksumValue;
  if (chmodValue !== undefined) op.chmod = chmodValue;
  if (chownValue !== undefined) op.chown = chownValue;
  op.dest = dest;
  op.exclude = exclude;
  op.from = from;
  op.inputs = fitted(inputs);
  if (keepGitDir !== undefined) op.keepGitDir = flagOn(keepGitDir);
  op.kind = "add";
  op.link = flagOn(link);
  op.parents = flagOn(parents);
  op.sources = fitted(sources);
  if (unpack !== undefined) op.unpack = flagOn(unpack);
  addOp(st, sealOp(op), n.span);
}

/**
 * A COPY op: one object literal per combination of the optional `chmod` and `chown`, `id` first
 * (set by sealOp) and the other keys in the sorted order the IR prints (op ids do not depend on
 * it). Built key by key from `{ id }`, the op outgrew its few in-object slots and dragged a
 * separate property store along (~110 bytes), which every minor GC copied with the rest of the IR.
 */
function copyOp(
  chmod: FileCopyOp["chmod"],
  chown: FileCopyOp["chown"],
  dest: string,
  exclude: string[],
  from: CopyFrom,
  inputs: FileCopyOp["inputs"],
  link: boolean,
  parents: boolean,
  sources: CopySource[],
): FileCopyOp {
  const id = UNSEALED;
  const kind = "copy";
  if (chmod !== undefined) {
    return chown !== undefined
      ? { id, chmod, chown, dest, exclude, from, inputs, kind, link, parents, sources }
      : { id, chmod, dest, exclude, from, inputs, kind, link, parents, sources };
  }
  return chown !== undefined
    ? { id, chown, dest, exclude, from, inputs, kind, link, parents, sources }
    : { id, dest, exclude, from, inputs, kind, link, parents, sources };
}

function flagOn(v: string | undefined): boolean {
  return v !== undefined && /^(true|1|t|TRUE|True|T)$/.test(v);
}
