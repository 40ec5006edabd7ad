// AST for COPY and ADD: `[flags] src… dest` (whitespace-split, J5) or the JSON form, plus heredoc sources.
import { execForm } from "./execArgs.js";
import { checkFlags, extractFlags } from "./flags.js";
import { Collector, collectWhitespaceWords, type RawInstruction } from "./raw.js";
import type { CopyNode, Word } from "./types.js";
import { wordWithSpan } from "./word.js";
import { fit } from "../arrays.js";

/** The sources of a COPY without any (shared, frozen). */
const NO_WORDS: Word[] = fit([]);

/** Where buildCopy collects the words: sources, then the destination (see Collector). */
const words = new Collector<Word>();

/** COPY/ADD. Needs at least one source (or heredoc) and a destination; a heredoc dest is an error. */
export function buildCopy(raw: RawInstruction, kind: "copy" | "add"): CopyNode {
  const { flags, rest } = extractFlags(raw);
  const ok = checkFlags(raw, flags);
  const t = raw.text;
  // The JSON form's words, or null for the usual whitespace-split ones (then collected in `words`).
  let json: Word[] | null = null;
  let jsonError = false;
  if (t.charCodeAt(rest) === 91 /* [ */) {
    const span = raw.span(rest, t.length);
    const r = execForm(t.slice(rest));
    if (r.kind === "exec") json = r.args.map((a) => wordWithSpan(a, span));
    else if (r.kind === "error") {
      raw.report("jsonNotStrings", span);
      jsonError = true;
      json = [];
    }
  }
  if (json !== null) for (const w of json) words.add(w);
  else collectWhitespaceWords(raw, rest, words);
  const node: CopyNode = {
    kind,
    keyword: raw.keyword,
    word: raw.word,
    span: raw.fullSpan(),
    keywordSpan: raw.keywordSpan,
    heredocs: raw.heredocs(),
    flags: ok,
    sources: NO_WORDS,
    dest: null,
  };
  if (words.length < 2) {
    const only = words.take();
    if (!jsonError) raw.report("missingArguments", only[0] ?? raw.keywordSpan, [raw.keyword, 2]);
    return node;
  }
  const dest = words.pop();
  node.dest = dest;
  node.sources = words.take();
  if (node.heredocs.length > 0 && /^\d*<<-?/.test(dest.text) && node.heredocs.some((h) => dest.text.includes(h.name))) {
    raw.report("heredocNotAllowed", dest, [raw.keyword]);
  }
  return node;
}
