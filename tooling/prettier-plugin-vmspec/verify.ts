// Meaning check for the formatter: the formatted text must parse to the same instructions (same
// flags, words, commands and heredocs; spans and keyword spelling aside) as the original.
import { FLAG_TABLE } from "../../compiler/ast/flags.js";
import type { FileAst } from "../../compiler/ast/types.js";
import { DiagnosticBag } from "../../compiler/diagnostics/diagnostic.js";
import { parseFile } from "../../compiler/program.js";

/**
 * Fields that describe where or how a thing was written, not what it means (a Word or Flag is its
 * own span: `file`, `offset`, `length`).
 */
const LAYOUT_KEYS = new Set(["span", "keywordSpan", "word", "triggerText", "file", "offset", "length"]);

/** Parses `text` into its AST (diagnostics discarded). */
export function astOf(text: string): FileAst {
  return parseFile(0, "", text, new DiagnosticBag());
}

function flagRank(keyword: string, name: string): number {
  const order = Object.keys(FLAG_TABLE[keyword] ?? {});
  const r = order.indexOf(name);
  return r < 0 ? order.length : r;
}

function canonicalFlags(flags: readonly { name: string }[], keyword: string): { name: string }[] {
  if (flags.length < 2) return flags as { name: string }[];
  return flags
    .map((f, i) => ({ f, k: flagRank(keyword, f.name) * 1e6 + i }))
    .sort((a, b) => a.k - b.k)
    .map((x) => x.f);
}

function eq(a: unknown, b: unknown, keyword: string): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!eq(a[i], b[i], keyword)) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const kw = typeof x.keyword === "string" ? x.keyword : keyword;
  const keys = (o: Record<string, unknown>) => Object.keys(o).filter((k) => !LAYOUT_KEYS.has(k) && o[k] !== undefined);
  const kx = keys(x);
  if (kx.length !== keys(y).length) return false;
  for (const k of kx) {
    if (!(k in y)) return false;
    if (k === "flags" && Array.isArray(x[k]) && Array.isArray(y[k])) {
      if (!eq(canonicalFlags(x[k] as { name: string }[], kw), canonicalFlags(y[k] as { name: string }[], kw), kw)) return false;
    } else if (!eq(x[k], y[k], kw)) return false;
  }
  return true;
}

/**
 * True when two AST values mean the same: layout fields (spans, keyword spelling, ONBUILD trigger
 * text) are ignored and flags compared in canonical order (stable, so repeated flags keep theirs).
 */
export function sameMeaning(a: unknown, b: unknown): boolean {
  return eq(a, b, "");
}

/**
 * Compares two files' ASTs. Returns null when the directives differ or the instruction counts do
 * not match, else the indices of instructions whose meaning differs.
 */
export function differingInstructions(original: FileAst, formatted: FileAst): number[] | null {
  if (original.escape !== formatted.escape) return null;
  if (!sameMeaning(original.directives, formatted.directives)) return null;
  if (original.instructions.length !== formatted.instructions.length) return null;
  const bad: number[] = [];
  original.instructions.forEach((ins, i) => {
    if (!sameMeaning(ins, formatted.instructions[i])) bad.push(i);
  });
  return bad;
}
