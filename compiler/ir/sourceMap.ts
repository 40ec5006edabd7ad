// Looking up where ops came from: the IR keeps one span per op, beside each stage's ops
// (`SourceMap.stages`); consumers that start from an op id build this index once.
import type { Ir, OpId, SourceSpan } from "./types.js";

/**
 * Op id → the spans of the instructions that produced it, in stage and op order, each span once.
 * An id can have several spans: ops with identical content (e.g. every `FROM scratch`) share it.
 */
export function opSpans(ir: Pick<Ir, "stages" | "sourceMap">): Map<OpId, SourceSpan[]> {
  const out = new Map<OpId, SourceSpan[]>();
  ir.stages.forEach((stage, s) => {
    const spans = ir.sourceMap.stages[s] ?? [];
    stage.ops.forEach((op, k) => {
      const span = spans[k];
      if (span === undefined) return;
      const list = out.get(op.id);
      if (list === undefined) out.set(op.id, [span]);
      else if (!list.some((x) => x.file === span.file && x.offset === span.offset)) list.push(span);
    });
  });
  return out;
}
