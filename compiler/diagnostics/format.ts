// Printing diagnostics: tsc-style human text (with echoed line and ~~~ underline) and JSON.
import { lastAtMost } from "../arrays.js";
import { checkRuleOf } from "./checks.js";
import type { Diagnostic } from "./diagnostic.js";

/** Line starts of a text (offsets of the first char of each line), computed on demand. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

/** 1-based line and column (UTF-16 units) of `offset` in a text with the given line starts. */
export function lineCol(starts: readonly number[], offset: number): { line: number; col: number } {
  const line = lastAtMost(starts, offset);
  return { line: line + 1, col: offset - starts[line]! + 1 };
}

/** Source texts by file path, for echoing lines. */
export type SourceTexts = ReadonlyMap<string, string>;

/**
 * Formats diagnostics like tsc: `file(line,col): error VS1005: message`, then the source line and a
 * `~` underline (at least one `~`, clipped to the line), then `  hint: …` when there is a hint.
 */
export function formatHuman(diags: readonly Diagnostic[], sources: SourceTexts): string {
  const cache = new Map<string, number[]>();
  let out = "";
  for (const d of diags) {
    const text = sources.get(d.file);
    if (text === undefined) {
      out += `${d.file}: ${d.severity} ${d.code}: ${d.message}\n`;
      if (d.hint) out += `  hint: ${d.hint}\n`;
      continue;
    }
    let starts = cache.get(d.file);
    if (starts === undefined) cache.set(d.file, (starts = lineStarts(text)));
    const { line, col } = lineCol(starts, Math.min(d.offset, text.length));
    out += `${d.file}(${line},${col}): ${d.severity} ${d.code}: ${d.message}\n`;
    const ls = starts[line - 1]!;
    let le = line < starts.length ? starts[line]! - 1 : text.length;
    if (le > ls && text.charCodeAt(le - 1) === 13) le--;
    const src = text.slice(ls, le).replace(/\t/g, " ");
    const shown = src.length > 200 ? src.slice(0, 200) + "…" : src;
    out += `    ${shown}\n`;
    const start = Math.min(col - 1, shown.length);
    const len = Math.max(1, Math.min(d.length, Math.max(1, shown.length - start)));
    out += `    ${" ".repeat(start)}${"~".repeat(len)}\n`;
    if (d.hint) out += `  hint: ${d.hint}\n`;
  }
  return out;
}

/** A diagnostic with line/column added, as printed by `--format json`. */
export interface JsonDiagnostic extends Diagnostic {
  line: number;
  column: number;
  /** The BuildKit build-check rule a warning implements (`# check` names it), if any. */
  rule?: string;
}

/** Adds 1-based line/column to each diagnostic (for JSON output). */
export function withPositions(diags: readonly Diagnostic[], sources: SourceTexts): JsonDiagnostic[] {
  const cache = new Map<string, number[]>();
  return diags.map((d) => {
    const text = sources.get(d.file) ?? "";
    let starts = cache.get(d.file);
    if (starts === undefined) cache.set(d.file, (starts = lineStarts(text)));
    const { line, col } = lineCol(starts, Math.min(d.offset, text.length));
    const rule = checkRuleOf(d);
    return rule === undefined ? { ...d, line, column: col } : { ...d, line, column: col, rule };
  });
}
