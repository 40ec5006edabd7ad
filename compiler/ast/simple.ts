// AST for single-value and list instructions: USER WORKDIR STOPSIGNAL MAINTAINER NETWORK INCLUDE
// KERNEL (one string) and EXPOSE VOLUME PUBLISH PACKAGES MACHINE (word lists).
import { execForm } from "./execArgs.js";
import { checkFlags, extractFlags } from "./flags.js";
import { NO_HEREDOCS, isSpace, splitShellWords, splitWhitespace, type RawInstruction } from "./raw.js";
import type { ListNode, StringNode, Word } from "./types.js";
import { wordWithSpan } from "./word.js";

// Nodes are written out field by field rather than spreading a shared `base(raw)` object: the
// spread builds and copies a throwaway object per instruction (bench/compile).

/** Exactly-one-argument instructions (USER, WORKDIR, STOPSIGNAL) and free-text ones. */
export function buildString(raw: RawInstruction, kind: StringNode["kind"]): StringNode {
  const { flags, rest } = extractFlags(raw);
  const ok = checkFlags(raw, flags);
  const t = raw.text;
  const value = rest < t.length ? raw.wordAt(rest, t.length) : null;
  // The usual single word is the value itself: share its Word rather than keep an equal copy.
  const words = value !== null && !hasSpace(raw.src, raw.base + rest, raw.base + t.length) ? [value] : splitWhitespace(raw, rest);
  const node: StringNode = { kind, keyword: raw.keyword, word: raw.word, span: raw.fullSpan(), keywordSpan: raw.keywordSpan, heredocs: NO_HEREDOCS, flags: ok, value, words };
  if (kind === "kernel") return node; // the value is the (optional) kernel command line
  // USER/WORKDIR/STOPSIGNAL take the rest of the line as one value (BuildKit parseString);
  // vmspec's NETWORK and INCLUDE take exactly one word.
  if (value === null) raw.report("missingArguments", raw.keywordSpan, [raw.keyword, 1]);
  else if ((kind === "network" || kind === "include") && words.length !== 1) {
    raw.report(kind === "include" ? "includeArgs" : "wrongArgumentCount", value, [raw.keyword, 1]);
  }
  return node;
}

/** True when t[from, end) contains whitespace (then it is not a single word). */
function hasSpace(t: string, from: number, end: number): boolean {
  for (let i = from; i < end; i++) if (isSpace(t.charCodeAt(i))) return true;
  return false;
}

/** List instructions. VOLUME also accepts a JSON array; MACHINE words are quote-aware `k=v`. */
export function buildList(raw: RawInstruction, kind: ListNode["kind"]): ListNode {
  const { flags, rest } = extractFlags(raw);
  const ok = checkFlags(raw, flags);
  let items: Word[];
  if (kind === "volume" && raw.text.charCodeAt(rest) === 91 /* [ */) {
    const r = execForm(raw.text.slice(rest));
    const span = raw.span(rest, raw.text.length);
    if (r.kind === "exec") items = r.args.map((a: string) => wordWithSpan(a, span));
    else if (r.kind === "error") {
      raw.report("jsonNotStrings", span);
      items = [];
    } else items = splitWhitespace(raw, rest);
  } else if (kind === "machine") {
    items = splitShellWords(raw, rest);
  } else {
    items = splitWhitespace(raw, rest);
  }
  if (items.length === 0 && rest >= raw.text.length) raw.report("missingArguments", raw.keywordSpan, [raw.keyword, 1]);
  return { kind, keyword: raw.keyword, word: raw.word, span: raw.fullSpan(), keywordSpan: raw.keywordSpan, heredocs: NO_HEREDOCS, flags: ok, items };
}
