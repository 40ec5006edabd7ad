// Source text → formatting layout: directives, comments, blank lines and instructions, each
// instruction as its logical text (continuations joined exactly like grammar/lexer.ts) plus where its
// physical line breaks and in-continuation comments were, and its heredoc bodies verbatim.
import { lex, type DirectivePayload, type EscapeChar, type InstructionToken } from "../../grammar/lexer.js";

/** A physical line break inside an instruction, and the comment lines that sat in it. */
export interface LineBreak {
  /** Offset in `args` where the next physical line's text starts (≤ 0: before the arguments). */
  at: number;
  /** Comment lines skipped by the continuation (text from `#`, trailing blanks trimmed). */
  comments: string[];
}

/** One instruction as laid out in the source. */
export interface InstructionLayout {
  kind: "instruction";
  /** The keyword as written (`ONBUILD` for a trigger; see `nested`). */
  keyword: string;
  /** The nested keyword of `ONBUILD` as written, or null. */
  nested: string | null;
  /** The logical text after the keyword(s), continuations joined, trimmed (the lexer's Args image). */
  args: string;
  breaks: LineBreak[];
  /** Comments after a trailing escape that reached the end of the file. */
  trailingComments: string[];
  /** Heredoc body and terminator lines, verbatim (line ends removed). */
  heredocLines: string[];
}

/** A node of the layout, in source order. */
export type LayoutNode =
  | { kind: "directive"; key: string; value: string }
  | { kind: "comment"; text: string }
  | { kind: "blank" }
  | InstructionLayout;

/** A file's layout. */
export interface Layout {
  escape: EscapeChar;
  /** True when the file started with a byte order mark. */
  bom: boolean;
  nodes: LayoutNode[];
}

/** Whitespace as the lexer sees it at line level (DOCKERFILE.md L1): space, \t, \v, \f, \r. */
export function isLineWs(c: number): boolean {
  return c === 32 || c === 9 || c === 11 || c === 12 || c === 13;
}

/** Physical line [start, end) without `\n` and a trailing `\r`; `next` is the following line's start. */
function lineAt(text: string, start: number): { start: number; end: number; next: number } {
  let nl = text.indexOf("\n", start);
  if (nl < 0) nl = text.length;
  let end = nl;
  if (end > start && text.charCodeAt(end - 1) === 13) end--;
  return { start, end, next: Math.min(text.length, nl + 1) };
}

function trimEndWs(s: string): string {
  let e = s.length;
  while (e > 0 && isLineWs(s.charCodeAt(e - 1))) e--;
  return s.slice(0, e);
}

/** Classifies a physical line outside instructions: blank, comment (text from `#`), or other. */
function gapLine(text: string, start: number, end: number): LayoutNode | null {
  let k = start;
  while (k < end && isLineWs(text.charCodeAt(k))) k++;
  if (k === end) return { kind: "blank" };
  if (text.charCodeAt(k) === 35) return { kind: "comment", text: trimEndWs(text.slice(k, end)) };
  return null;
}

/**
 * Builds the layout of `text`. Returns null when the text has a shape this module does not
 * reproduce faithfully (the formatter then leaves the file unchanged). Never throws.
 */
export function buildLayout(text: string): Layout | null {
  const bom = text.charCodeAt(0) === 0xfeff;
  const lexed = lex(text);
  const esc = lexed.escape.charCodeAt(0);
  const nodes: LayoutNode[] = [];
  let pos = lexed.start; // start of the first line not yet laid out
  const tokens = lexed.tokens;
  let t = 0;
  for (; t < tokens.length && tokens[t]!.tokenType.name === "Directive"; t++) {
    const tok = tokens[t]!;
    const p = tok.payload as DirectivePayload;
    nodes.push({ kind: "directive", key: p.key, value: p.value });
    pos = lineAt(text, tok.startOffset).next;
  }
  /** Lays out blank and comment lines up to `until`; returns where another line starts, if one does. */
  const gap = (until: number): number => {
    while (pos < until) {
      const l = lineAt(text, pos);
      const n = gapLine(text, l.start, l.end);
      if (n === null) return l.start;
      nodes.push(n);
      pos = l.next;
    }
    return -1;
  };
  while (t < tokens.length) {
    if (tokens[t]!.tokenType.name === "Directive") return null; // stray token: not a shape the lexer produces
    const head = tokens[t++] as InstructionToken; // every other token is one instruction
    let first = lineAt(text, text.lastIndexOf("\n", head.startOffset - 1) + 1);
    let kwStart = head.startOffset;
    const other = gap(first.start);
    if (other >= 0) {
      // The logical line started earlier, on a line that is only an escape (`\` then the keyword
      // on a later line): lay it out from there.
      first = lineAt(text, other);
      kwStart = first.start;
      while (kwStart < first.end && isLineWs(text.charCodeAt(kwStart))) kwStart++;
    }
    const ins = layoutInstruction(text, kwStart, first, esc);
    if (ins === null) return null;
    const { node, next, leading } = ins;
    for (const c of leading) nodes.push({ kind: "comment", text: c });
    pos = next;
    const heredocs = (head.nested ?? head).heredocs ?? [];
    if (heredocs.length > 0) {
      const from = Math.min(heredocs[0]!.bodyStart, text.length);
      const to = Math.min(text.length, heredocs[heredocs.length - 1]!.bodyEnd);
      if (from !== pos && from < text.length) return null;
      if (to > from) {
        let body = text.slice(from, to);
        if (to >= text.length && body.endsWith("\n")) body = body.slice(0, -1);
        node.heredocLines = body.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
        pos = lineAt(text, Math.max(from, to - 1)).next;
        if (to >= text.length) pos = text.length;
      }
    }
    nodes.push(node);
  }
  if (gap(text.length) >= 0) return null;
  return { escape: lexed.escape, bom, nodes };
}

/** Lays out one instruction whose keyword starts at `kwStart` on line `first`, mirroring the lexer (L2–L4). */
function layoutInstruction(
  text: string,
  kwStart: number,
  first: { start: number; end: number; next: number },
  esc: number,
): { node: InstructionLayout; next: number; leading: string[] } | null {
  let joined = "";
  const cuts: { at: number; comments: string[] }[] = [];
  let lineStart = first.start;
  let lineS = kwStart;
  let lineE = first.end;
  let next = first.next;
  let pending: string[] = [];
  let trailing: string[] = [];
  for (;;) {
    let j = lineE - 1;
    while (j >= lineS && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j--;
    const continues = j >= lineS && text.charCodeAt(j) === esc && (j === lineStart || text.charCodeAt(j - 1) !== esc);
    joined += text.slice(lineS, continues ? j : lineE);
    if (!continues) break;
    let got = false;
    while (next < text.length) {
      const l = lineAt(text, next);
      next = l.next;
      let k = l.start;
      while (k < l.end && isLineWs(text.charCodeAt(k))) k++;
      if (k === l.end) continue;
      if (text.charCodeAt(k) === 35) {
        pending.push(trimEndWs(text.slice(k, l.end)));
        continue;
      }
      got = true;
      lineStart = l.start;
      lineS = l.start;
      lineE = l.end;
      break;
    }
    if (!got) {
      trailing = pending;
      break;
    }
    cuts.push({ at: joined.length, comments: pending });
    pending = [];
  }
  // Keyword(s) and arguments, as the lexer splits them.
  let k = 0;
  while (k < joined.length && !isLineWs(joined.charCodeAt(k))) k++;
  const keyword = joined.slice(0, k);
  if (keyword.length === 0) return null; // a continuation into an indented line: no keyword to print
  let nested: string | null = null;
  if (keyword.toLowerCase() === "onbuild") {
    while (k < joined.length && isLineWs(joined.charCodeAt(k))) k++;
    const n0 = k;
    while (k < joined.length && !isLineWs(joined.charCodeAt(k))) k++;
    if (k > n0) nested = joined.slice(n0, k);
  }
  while (k < joined.length && isLineWs(joined.charCodeAt(k))) k++;
  let end = joined.length;
  while (end > k && isLineWs(joined.charCodeAt(end - 1))) end--;
  const args = joined.slice(k, end);
  // Breaks before any text (lines that were only an escape) are dropped; their comments move above.
  const leading = cuts.filter((c) => c.at === 0).flatMap((c) => c.comments);
  const breaks: LineBreak[] = cuts.filter((c) => c.at > 0).map((c) => ({ at: Math.min(c.at - k, args.length), comments: c.comments }));
  return { node: { kind: "instruction", keyword, nested, args, breaks, trailingComments: trailing, heredocLines: [] }, next, leading };
}
