// ONBUILD: finds the trigger instructions of base images and where they go in the spec text (after the stage's FROM).
import type { Ir, OpId, SourceSpan } from "../../compiler/ir/types.js";
import { opSpans } from "../../compiler/ir/sourceMap.js";
import type { Store } from "../image/store.js";
import { parseNamedContext, resolveImageRef, type NamedContext } from "./bases.js";

/** Text to insert into the root spec: the triggers of the image a FROM names, right after that FROM. */
export interface TriggerInsertion {
  /** UTF-16 offset in the root spec text (the end of the FROM instruction's line). */
  offset: number;
  /** The base image reference as written. */
  image: string;
  triggers: string[];
}

/**
 * For every reachable stage of `ir` that starts FROM an image (in the root spec file) whose config
 * has ONBUILD triggers, where to insert those triggers (Docker runs a base's triggers right after
 * the child's FROM; triggers are not inherited further). Bases are resolved as the build would
 * (named contexts, then the store); unresolvable bases are skipped (the build reports them).
 */
export async function findOnBuildTriggers(ir: Ir, text: string, store: Store, buildContexts: Record<string, string> = {}): Promise<TriggerInsertion[]> {
  const contexts = new Map<string, NamedContext>(Object.entries(buildContexts).map(([k, v]) => [k, parseNamedContext(v)]));
  const out = new Map<number, TriggerInsertion>();
  let spansById: Map<OpId, SourceSpan[]> | undefined;
  for (const st of ir.stages) {
    if (!st.reachable || st.base.kind !== "image") continue;
    const src = st.ops.find((o) => o.kind === "source");
    if (!src || src.kind !== "source" || src.source.kind !== "image") continue;
    let triggers: string[] | undefined;
    try {
      triggers = (await resolveImageRef(store, src.source.ref, src.source.platform, contexts)).config.config?.OnBuild ?? undefined;
    } catch {
      continue;
    }
    if (!triggers || triggers.length === 0) continue;
    for (const span of (spansById ??= opSpans(ir)).get(src.id) ?? []) {
      if (span.file !== 0) continue;
      const nl = text.indexOf("\n", span.offset + span.length);
      const offset = nl === -1 ? text.length : nl;
      out.set(offset, { offset, image: src.source.ref.raw, triggers });
    }
  }
  return [...out.values()].sort((a, b) => a.offset - b.offset);
}

/** `text` with the insertions applied (each trigger on its own line after the FROM line). */
export function applyTriggerInsertions(text: string, ins: readonly TriggerInsertion[]): string {
  let out = text;
  for (const i of [...ins].sort((a, b) => b.offset - a.offset)) out = `${out.slice(0, i.offset)}\n${i.triggers.join("\n")}${out.slice(i.offset)}`;
  return out;
}
