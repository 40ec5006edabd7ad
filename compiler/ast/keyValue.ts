// AST for ENV, LABEL and ARG: `k=v …` pairs (quote-aware words), the legacy `ENV k v…` form, and ARG names.
import { checkFlags, extractFlags } from "./flags.js";
import { Collector, NO_HEREDOCS, isSpace, lastShellWord, shellWordEnd, type RawInstruction } from "./raw.js";
import type { KeyValue, KeyValueNode } from "./types.js";
import { SpannedWord } from "./word.js";
import { fit } from "../arrays.js";

/**
 * The pair for the word text[s, e) with its first `=` at text[eq]. Spans are cut from the word's
 * span as if the word had been built first (same offsets), without building it.
 */
function splitPair(raw: RawInstruction, s: number, e: number, eq: number): KeyValue {
  const src = raw.src;
  const base = raw.base;
  const file = raw.ctx.file;
  const offset = raw.offsetOf(s);
  const length = raw.lengthOf(s, e);
  const k = eq - s;
  return {
    key: new SpannedWord(src.slice(base + s, base + eq), file, offset, k),
    value: new SpannedWord(src.slice(base + eq + 1, base + e), file, offset + k + 1, Math.max(0, length - k - 1)),
  };
}

/** The pair list of an ENV/LABEL/ARG without pairs (shared, frozen). */
const NO_PAIRS: KeyValue[] = fit([]);

/** Where buildKeyValue collects its pairs (see Collector). */
const pairs = new Collector<KeyValue>();

/** ENV / LABEL: `k=v…`, or legacy `k rest of line` when the first word has no `=`. ARG: `name[=v]…`. */
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
    pairs: NO_PAIRS,
  };
  const n = raw.text.length;
  const esc = raw.ctx.escape.charCodeAt(0);
  // Characters are read from raw.src (text index i is src index base + i).
  const src = raw.src;
  const base = raw.base;
  // One pass over the quote-aware words; a Word is built only where one ends up in the AST or a
  // diagnostic.
  let first = true;
  let i = rest;
  for (;;) {
    while (i < n && isSpace(src.charCodeAt(base + i))) i++;
    if (i >= n) break;
    const s = i;
    i = shellWordEnd(src, base + s, esc, base + n) - base;
    const eq = lastShellWord.eq < 0 ? -1 : lastShellWord.eq - base;
    if (kind === "arg") {
      if (eq === s) raw.report("argEmptyName", raw.span(s, i));
      else pairs.add(eq < 0 ? { key: raw.wordAt(s, i), value: null } : splitPair(raw, s, i, eq));
    } else if (eq < 0 && first) {
      // Legacy form: `ENV key value with spaces` (one pair; value is the rest of the line).
      const key = raw.wordAt(s, i);
      while (i < n && isSpace(src.charCodeAt(base + i))) i++;
      if (i >= n) raw.report("envMissingValue", key, [raw.keyword]);
      else node.pairs = [{ key, value: raw.wordAt(i, n) }];
      return node;
    } else if (eq < 0) {
      raw.report("envMissingValue", raw.span(s, i), [raw.keyword]);
    } else if (eq === s) {
      raw.report("envBadPair", raw.span(s, i), [raw.keyword]);
    } else {
      pairs.add(splitPair(raw, s, i, eq));
    }
    first = false;
  }
  if (first) raw.report("missingArguments", raw.keywordSpan, [raw.keyword, 1]);
  else if (pairs.length > 0) node.pairs = pairs.take();
  return node;
}
