// AST for ENV, LABEL and ARG: `k=v …` pairs (quote-aware words), the legacy `ENV k v…` form, and ARG names.
import { checkFlags, extractFlags } from "./flags.js";
import { NO_HEREDOCS, shellWordRanges, isSpace, type RawInstruction } from "./raw.js";
import type { KeyValue, KeyValueNode } from "./types.js";
import { fit } from "../arrays.js";

/**
 * The pair for the word text[s, e) with its first `=` at text[s + eq]. Spans are cut from the
 * word's span as if the word had been built first (same offsets), without building it.
 */
function splitPair(raw: RawInstruction, s: number, e: number, eq: number): KeyValue {
  const offset = raw.at(s);
  const length = Math.max(0, (e > s ? raw.at(e - 1) + 1 : offset) - offset);
  const file = raw.ctx.file;
  return {
    key: { text: raw.text.slice(s, s + eq), span: { file, offset, length: eq } },
    value: { text: raw.text.slice(s + eq + 1, e), span: { file, offset: offset + eq + 1, length: Math.max(0, length - eq - 1) } },
  };
}

/** Index of the first `=` in text[s, e), relative to s, or -1. */
function eqIndex(t: string, s: number, e: number): number {
  const i = t.indexOf("=", s);
  return i >= 0 && i < e ? i - s : -1;
}

/** ENV / LABEL: `k=v…`, or legacy `k rest of line` when the first word has no `=`. */
export function buildKeyValue(raw: RawInstruction, kind: "env" | "label" | "arg"): KeyValueNode {
  const { flags, rest } = extractFlags(raw);
  const ok = checkFlags(raw, flags);
  const node: KeyValueNode = {
    kind,
    keyword: raw.keyword,
    word: raw.word,
    span: raw.fullSpan(),
    keywordSpan: raw.keywordSpan,
    heredocs: NO_HEREDOCS,
    flags: ok,
    pairs: [],
  };
  const t = raw.text;
  // Word ranges [start, end, …]: a Word is built only where one ends up in the AST or a diagnostic.
  const r = shellWordRanges(raw, rest);
  if (r.length === 0) {
    raw.report("missingArguments", raw.keywordSpan, [raw.keyword, 1]);
    return node;
  }
  if (kind === "arg") {
    for (let k = 0; k < r.length; k += 2) {
      const eq = eqIndex(t, r[k]!, r[k + 1]!);
      if (eq === 0) {
        raw.report("argEmptyName", raw.span(r[k]!, r[k + 1]!));
        continue;
      }
      node.pairs.push(eq < 0 ? { key: raw.wordAt(r[k]!, r[k + 1]!), value: null } : splitPair(raw, r[k]!, r[k + 1]!, eq));
    }
    node.pairs = fit(node.pairs);
    return node;
  }
  if (eqIndex(t, r[0]!, r[1]!) < 0) {
    // Legacy form: `ENV key value with spaces` (one pair; value is the rest of the line).
    const first = raw.wordAt(r[0]!, r[1]!);
    if (r.length === 2) {
      raw.report("envMissingValue", first.span, [raw.keyword]);
      return node;
    }
    let i = rest;
    while (i < t.length && isSpace(t.charCodeAt(i))) i++;
    i = Math.min(i + first.text.length, t.length);
    while (i < t.length && isSpace(t.charCodeAt(i))) i++;
    node.pairs.push({ key: first, value: raw.wordAt(i, t.length) });
    return node;
  }
  for (let k = 0; k < r.length; k += 2) {
    const eq = eqIndex(t, r[k]!, r[k + 1]!);
    if (eq < 0) {
      raw.report("envMissingValue", raw.span(r[k]!, r[k + 1]!), [raw.keyword]);
      continue;
    }
    if (eq === 0) {
      raw.report("envBadPair", raw.span(r[k]!, r[k + 1]!), [raw.keyword]);
      continue;
    }
    node.pairs.push(splitPair(raw, r[k]!, r[k + 1]!, eq));
  }
  node.pairs = fit(node.pairs);
  return node;
}
