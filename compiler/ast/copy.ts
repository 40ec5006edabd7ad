// AST for COPY and ADD: `[flags] src… dest` (whitespace-split, J5) or the JSON form, plus heredoc sources.
import { execForm } from "./execArgs.js";
import { checkFlags, extractFlags } from "./flags.js";
import { whitespaceWords, type RawInstruction } from "./raw.js";
import type { CopyNode, Word } from "./types.js";

/** COPY/ADD. Needs at least one source (or heredoc) and a destination; a heredoc dest is an error. */
export function buildCopy(raw: RawInstruction, kind: "copy" | "add"): CopyNode {
  const { flags, rest } = extractFlags(raw);
  const ok = checkFlags(raw, flags);
  const t = raw.text;
  let words: Word[] | null = null;
  let jsonError = false;
  if (t.charCodeAt(rest) === 91 /* [ */) {
    const span = raw.span(rest, t.length);
    const json = execForm(t.slice(rest));
    if (json.kind === "exec") words = json.args.map((a) => ({ text: a, span }));
    else if (json.kind === "error") {
      raw.report("jsonNotStrings", span);
      jsonError = true;
      words = [];
    }
  }
  words ??= whitespaceWords(raw, rest);
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
  const n = words.length;
  if (n < 2) {
    if (!jsonError) raw.report("missingArguments", words[0]?.span ?? raw.keywordSpan, [raw.keyword, 2]);
    return node;
  }
  const dest = words[n - 1]!;
  node.dest = dest;
  node.sources = n === 2 ? [words[0]!] : words.slice(0, -1);
  if (node.heredocs.length > 0 && /^\d*<<-?/.test(dest.text) && node.heredocs.some((h) => dest.text.includes(h.name))) {
    raw.report("heredocNotAllowed", dest.span, [raw.keyword]);
  }
  return node;
}
