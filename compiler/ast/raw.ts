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
    const e = this.text.length > 0 ? this.at(this.text.length - 1) + 1 : s + this.keywordSpan.length;
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
  const t = raw.text;
  const out: Word[] = [];
  let i = from;
  while (i < t.length) {
    while (i < t.length && isSpace(t.charCodeAt(i))) i++;
    if (i >= t.length) break;
    const s = i;
    while (i < t.length && !isSpace(t.charCodeAt(i))) i++;
    out.push(raw.wordAt(s, i));
  }
  return fit(out);
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
  while (i < t.length) {
    while (i < t.length && isSpace(t.charCodeAt(i))) i++;
    if (i >= t.length) break;
    const s = i;
    let quote = 0;
    while (i < t.length) {
      const c = t.charCodeAt(i);
      if (quote === 0 && isSpace(c)) break;
      if (c === esc && quote !== 39 && i + 1 < t.length) {
        i += 2;
        continue;
      }
      if (quote === 0 && (c === 39 || c === 34)) quote = c;
      else if (quote === c) quote = 0;
      i++;
    }
    out.push(s, i);
  }
  return out;
}
