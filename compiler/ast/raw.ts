// One instruction's raw pieces from the CST (keyword, argument text, heredocs) and the helpers every
// instruction family uses to cut the argument text into spanned words.
import type { HeredocPayload } from "../../grammar/lexer.js";
import type { DiagnosticBag } from "../diagnostics/diagnostic.js";
import type { MessageKey } from "../diagnostics/messages.js";
import type { HeredocNode, Span, Word } from "./types.js";
import { fit } from "../arrays.js";

/**
 * The heredoc list of every instruction without heredocs: one shared empty array (never mutated)
 * instead of one per node, which keeps the AST of a large spec smaller (bench/compile).
 */
export const NO_HEREDOCS: HeredocNode[] = [];

/** Shared state while building one file's AST. */
export interface AstContext {
  file: number;
  path: string;
  escape: "\\" | "`";
  diags: DiagnosticBag;
}

/** An instruction before typing: keyword and argument text with a map back to source offsets. */
export class RawInstruction {
  constructor(
    readonly ctx: AstContext,
    /** Upper-cased keyword. */
    readonly keyword: string,
    readonly word: string,
    readonly keywordSpan: Span,
    /** Text after the keyword (continuations joined, trimmed); "" when absent. */
    readonly text: string,
    /** Source offset of text[0]. */
    readonly start: number,
    /** Flat [textOffset, sourceOffset] pairs when the text spans several lines, else null. */
    readonly segments: readonly number[] | null,
    readonly heredocPayloads: readonly HeredocPayload[],
  ) {}

  /** Source offset of text index `i`. */
  at(i: number): number {
    const seg = this.segments;
    if (seg === null) return this.start + i;
    let best = 0;
    for (let p = 0; p < seg.length; p += 2) {
      if (seg[p]! <= i) best = p;
      else break;
    }
    return seg[best + 1]! + (i - seg[best]!);
  }

  /** Span of text[i, j). */
  span(i: number, j: number): Span {
    if (this.segments === null) return { file: this.ctx.file, offset: this.start + i, length: Math.max(0, j - i) };
    const s = this.at(i);
    const e = j > i ? this.at(j - 1) + 1 : s;
    return { file: this.ctx.file, offset: s, length: Math.max(0, e - s) };
  }

  /** A Word for text[i, j). */
  wordAt(i: number, j: number): Word {
    return { text: this.text.slice(i, j), span: this.span(i, j) };
  }

  /** Span of the whole instruction (keyword through end of text). */
  fullSpan(): Span {
    const s = this.keywordSpan.offset;
    const n = this.text.length;
    const e = n === 0 ? s + this.keywordSpan.length : this.segments === null ? this.start + n : this.at(n - 1) + 1;
    return { file: this.ctx.file, offset: s, length: e - s };
  }

  /** Heredocs as AST nodes. */
  heredocs(): HeredocNode[] {
    if (this.heredocPayloads.length === 0) return NO_HEREDOCS;
    return this.heredocPayloads.map((h) => ({
      name: h.name,
      chomp: h.chomp,
      expand: h.expand,
      fd: h.fd,
      content: h.content,
      span: { file: this.ctx.file, offset: h.wordOffset, length: h.wordLength },
    }));
  }

  /** Reports a diagnostic at a span of this file. */
  report(key: MessageKey, span: Span, args: readonly (string | number)[] = [], hint?: string): void {
    this.ctx.diags.report(key, this.ctx.path, span.offset, span.length, args, hint);
  }
}

/** Go's unicode.IsSpace for ASCII plus NBSP/NEL (what BuildKit splits on). */
export function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0x85 || c === 0xa0;
}

/** Words of text[from..] split on whitespace; quotes do not group (DOCKERFILE.md J5). */
export function splitWhitespace(raw: RawInstruction, from: number): Word[] {
  const out = whitespaceWords(raw, from);
  return out.length === 1 ? out : fit(out);
}

/**
 * `splitWhitespace` without the final `fit`, for callers that copy the list anyway. A single word
 * comes as an exactly-sized list.
 */
export function whitespaceWords(raw: RawInstruction, from: number): Word[] {
  const t = raw.text;
  let out: Word[] | null = null;
  let i = from;
  for (;;) {
    while (i < t.length && isSpace(t.charCodeAt(i))) i++;
    if (i >= t.length) return out ?? [];
    const s = i;
    while (i < t.length && !isSpace(t.charCodeAt(i))) i++;
    const w = raw.wordAt(s, i);
    if (out === null) out = [w];
    else out.push(w);
  }
}

/**
 * Words of text[from..] split on unquoted whitespace; quotes group and stay in the word, the escape
 * character protects the next character (BuildKit `parseWords`, used by ENV/LABEL/ARG/MACHINE).
 */
export function splitShellWords(raw: RawInstruction, from: number): Word[] {
  const r = shellWordRanges(raw, from);
  const out = new Array<Word>(r.length >> 1);
  for (let k = 0; k < r.length; k += 2) out[k >> 1] = raw.wordAt(r[k]!, r[k + 1]!);
  return out;
}

/**
 * `splitShellWords` as flat [start, end, …] text indices, for callers that re-cut each word (ENV
 * `k=v` pairs) and would otherwise allocate a Word per word only to throw it away.
 */
export function shellWordRanges(raw: RawInstruction, from: number): number[] {
  const t = raw.text;
  const esc = raw.ctx.escape.charCodeAt(0);
  const out: number[] = [];
  let i = from;
  for (;;) {
    while (i < t.length && isSpace(t.charCodeAt(i))) i++;
    if (i >= t.length) return out;
    const s = i;
    i = shellWordEnd(t, s, esc);
    out.push(s, i);
  }
}

/**
 * End of the quote-aware word starting at t[s] (not a space): the index of the first unquoted
 * whitespace after it, or t.length. `esc` is the escape character's code. Also notes the word's
 * first `=` (quoted or escaped ones count too) in {@link lastShellWord}, for ENV/LABEL/ARG pairs.
 */
export function shellWordEnd(t: string, s: number, esc: number): number {
  let i = s;
  let quote = 0;
  let eq = -1;
  while (i < t.length) {
    const c = t.charCodeAt(i);
    if (c === 61) {
      if (eq < 0) eq = i;
    } else if (quote === 0 && isSpace(c)) {
      break;
    } else if (c === esc && quote !== 39 && i + 1 < t.length) {
      if (eq < 0 && t.charCodeAt(i + 1) === 61) eq = i + 1;
      i += 2;
      continue;
    } else if (quote === 0 && (c === 39 || c === 34)) {
      quote = c;
    } else if (quote === c) {
      quote = 0;
    }
    i++;
  }
  lastShellWord.eq = eq;
  return i;
}

/** What {@link shellWordEnd} noted about the word it scanned last: its first `=` (-1: none). */
export const lastShellWord = { eq: -1 };
