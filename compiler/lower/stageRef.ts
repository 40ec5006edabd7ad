// Resolving `COPY --from` / `--mount from=` references: an earlier stage (name or index) or an image.
import type { Span } from "../ast/types.js";
import type { CopyFrom } from "../ir/types.js";
import type { LowerContext } from "./context.js";
import type { StageState } from "./stage.js";
import { parseImageRefText } from "./values.js";

/**
 * Resolves an (already expanded) reference. A stage must be defined before the current one (M3);
 * a name that is no stage is an image reference (M1). Records the stage dependency.
 * Returns null after reporting an error.
 */
export function resolveStageRef(ctx: LowerContext, st: StageState, ref: string, span: Span): CopyFrom | null {
  const name = ref.toLowerCase();
  if (name === "") {
    ctx.report("badImageRef", span, [ref, "empty reference"]);
    return null;
  }
  if (st.name !== null && name === st.name) {
    ctx.report("selfReference", span, [ref]);
    return null;
  }
  const idx = ctx.stageNames.get(name);
  if (idx !== undefined) return stageFrom(ctx, st, idx);
  if (/^\d+$/.test(name)) {
    const i = Number(name);
    if (i >= st.index) {
      ctx.report(i === st.index ? "selfReference" : "fromIndexOutOfRange", span, [i === st.index ? ref : i]);
      return null;
    }
    return stageFrom(ctx, st, i);
  }
  if (ctx.allStageNames.has(name)) {
    ctx.report("stageAfterUse", span, [ref]);
    return null;
  }
  const r = parseImageRefText(ref);
  if (!r.ok) {
    ctx.report("badImageRef", span, [ref, r.message], r.hint);
    return null;
  }
  return { kind: "image", ref: r.value };
}

function stageFrom(ctx: LowerContext, st: StageState, idx: number): CopyFrom {
  st.dependsOn.add(idx);
  return { kind: "stage", op: ctx.stages[idx]!.output, stage: idx };
}
