// The formatter's entry point (pure): vmspec/Dockerfile text → canonical text with the same meaning.
import { buildLayout } from "./layout.js";
import { printLayout, type PrintMode } from "./print.js";
import { astOf, differingInstructions } from "./verify.js";

/** What `formatSpec` did. */
export interface FormatResult {
  text: string;
  /** Instructions printed verbatim because their canonical form did not re-parse identically. */
  verbatim: number[];
  /** True when the file was left unchanged because no faithful layout could be built or checked. */
  unchanged: boolean;
}

/**
 * Formats a spec: canonical keyword case, flags first in canonical order, one space between words,
 * JSON arrays as `["a", "b"]`, continuation lines indented by four spaces, comments and heredoc
 * bodies kept, blank-line runs collapsed, LF line ends. Every instruction of the result is checked
 * to parse to the same AST as the original (spans aside); one that does not is printed verbatim
 * (keyword case aside), and if the file still does not check out it is returned unchanged.
 * Idempotent. Never throws.
 */
export function formatSpec(text: string): FormatResult {
  const layout = buildLayout(text);
  if (layout === null) return { text, verbatim: [], unchanged: true };
  const count = layout.nodes.filter((n) => n.kind === "instruction").length;
  const modes: PrintMode[] = new Array<PrintMode>(count).fill("normal");
  const original = astOf(text);
  for (let attempt = 0; attempt < 2; attempt++) {
    const out = printLayout(layout, modes);
    const bad = differingInstructions(original, astOf(out));
    if (bad !== null && bad.length === 0) {
      return { text: out, verbatim: modes.flatMap((m, i) => (m === "verbatim" ? [i] : [])), unchanged: false };
    }
    if (bad === null) modes.fill("verbatim");
    else for (const i of bad) modes[i] = "verbatim";
  }
  return { text, verbatim: [], unchanged: true };
}

/** Formats and returns only the text (see {@link formatSpec}). */
export function formatVmspec(text: string): string {
  return formatSpec(text).text;
}
