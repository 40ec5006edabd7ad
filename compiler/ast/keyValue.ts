// AST for ENV, LABEL and ARG: `k=v …` pairs (quote-aware words), the legacy `ENV k v…` form, and ARG names.
import { checkFlags, extractFlags } from "./flags.js";
import { NO_HEREDOCS, splitShellWords, isSpace, type RawInstruction } from "./raw.js";
import type { KeyValue, KeyValueNode, Word } from "./types.js";

function splitPair(w: Word, eq: number): KeyValue {
  const keyLen = eq;
  return {
    key: { text: w.text.slice(0, eq), span: { file: w.span.file, offset: w.span.offset, length: keyLen } },
    value: { text: w.text.slice(eq + 1), span: { file: w.span.file, offset: w.span.offset + eq + 1, length: Math.max(0, w.span.length - eq - 1) } },
  };
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
  const words = splitShellWords(raw, rest);
  if (words.length === 0) {
    raw.report("missingArguments", raw.keywordSpan, [raw.keyword, 1]);
    return node;
  }
  if (kind === "arg") {
    for (const w of words) {
      const eq = w.text.indexOf("=");
      if (eq === 0) {
        raw.report("argEmptyName", w.span);
        continue;
      }
      node.pairs.push(eq < 0 ? { key: w, value: null } : splitPair(w, eq));
    }
    return node;
  }
  const first = words[0]!;
  if (first.text.indexOf("=") < 0) {
    // Legacy form: `ENV key value with spaces` (one pair; value is the rest of the line).
    if (words.length === 1) {
      raw.report("envMissingValue", first.span, [raw.keyword]);
      return node;
    }
    const t = raw.text;
    let i = rest;
    while (i < t.length && isSpace(t.charCodeAt(i))) i++;
    i = Math.min(i + first.text.length, t.length);
    while (i < t.length && isSpace(t.charCodeAt(i))) i++;
    node.pairs.push({ key: first, value: raw.wordAt(i, t.length) });
    return node;
  }
  for (const w of words) {
    const eq = w.text.indexOf("=");
    if (eq < 0) {
      raw.report("envMissingValue", w.span, [raw.keyword]);
      continue;
    }
    if (eq === 0) {
      raw.report("envBadPair", w.span, [raw.keyword]);
      continue;
    }
    node.pairs.push(splitPair(w, eq));
  }
  return node;
}
