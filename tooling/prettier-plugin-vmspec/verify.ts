// Meaning check for the formatter: the formatted text must parse to the same instructions (same
// flags, words, commands and heredocs; spans and keyword spelling aside) as the original.
import { FLAG_TABLE } from "../../compiler/ast/flags.js";
import type { FileAst } from "../../compiler/ast/types.js";
import { DiagnosticBag } from "../../compiler/diagnostics/diagnostic.js";
import { parseFile } from "../../compiler/program.js";

/** Fields that describe where or how a thing was written, not what it means. */
const LAYOUT_KEYS = new Set(["span", "keywordSpan", "word", "triggerText"]);

/** Parses `text` into its AST (diagnostics discarded). */
export function astOf(text: string): FileAst {
  return parseFile(0, "", text, new DiagnosticBag());
}

function flagRank(keyword: string, name: string): number {
  const order = Object.keys(FLAG_TABLE[keyword] ?? {});
  const r = order.indexOf(name);
  return r < 0 ? order.length : r;
}

/**
 * A string that is equal for two instructions exactly when they mean the same: layout fields are
 * dropped and flags are put in canonical order (stable, so repeated flags keep their order).
 */
export function meaningKey(node: unknown): string {
  return JSON.stringify(node, function (this: Record<string, unknown>, key: string, value: unknown) {
    if (LAYOUT_KEYS.has(key)) return undefined;
    if (key === "flags" && Array.isArray(value)) {
      const kw = String(this.keyword ?? "");
      return value
        .map((f: { name: string }, i: number) => ({ f, k: flagRank(kw, f.name) * 1e6 + i }))
        .sort((a, b) => a.k - b.k)
        .map((x) => x.f);
    }
    return value;
  });
}

/**
 * Compares two files' ASTs. Returns null when the directives differ or the instruction counts do
 * not match, else the indices of instructions whose meaning differs.
 */
export function differingInstructions(original: FileAst, formatted: FileAst): number[] | null {
  if (original.escape !== formatted.escape) return null;
  if (meaningKey(original.directives) !== meaningKey(formatted.directives)) return null;
  if (original.instructions.length !== formatted.instructions.length) return null;
  const bad: number[] = [];
  original.instructions.forEach((ins, i) => {
    if (meaningKey(ins) !== meaningKey(formatted.instructions[i])) bad.push(i);
  });
  return bad;
}
