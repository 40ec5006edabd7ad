// AST for COPY and ADD: `[flags] src… dest` (whitespace-split, J5) or the JSON form, plus heredoc sources.
import { parseExecForm } from "../words/execForm.js";
import { checkFlags, extractFlags } from "./flags.js";
import { splitWhitespace, type RawInstruction } from "./raw.js";
import type { CopyNode, Word } from "./types.js";

/** COPY/ADD. Needs at least one source (or heredoc) and a destination; a heredoc dest is an error. */
export function buildCopy(raw: RawInstruction, kind: "copy" | "add"): CopyNode {
  const { flags, rest } = extractFlags(raw);
  const ok = checkFlags(raw, flags);
  let words: Word[] = [];
  const text = raw.text.slice(rest);
  const span = raw.span(rest, raw.text.length);
  const json = text.startsWith("[") ? parseExecForm(text) : { kind: "shell" as const };
  if (json.kind === "exec") {
    words = json.args.map((a) => ({ text: a, span }));
  } else if (json.kind === "error") {
    raw.report("jsonNotStrings", span);
  } else {
    words = splitWhitespace(raw, rest);
  }
  const node: CopyNode = {
    kind,
    keyword: raw.keyword,
    word: raw.word,
    span: raw.fullSpan(),
    keywordSpan: raw.keywordSpan,
    heredocs: raw.heredocs(),
    flags: ok,
    sources: [],
    dest: null,
  };
  if (words.length < 2) {
    if (json.kind !== "error") raw.report("missingArguments", words[0]?.span ?? raw.keywordSpan, [raw.keyword, 2]);
    return node;
  }
  node.dest = words[words.length - 1]!;
  node.sources = words.slice(0, -1);
  if (/^\d*<<-?/.test(node.dest.text) && node.heredocs.some((h) => node.dest!.text.includes(h.name))) {
    raw.report("heredocNotAllowed", node.dest.span, [raw.keyword]);
  }
  return node;
}
