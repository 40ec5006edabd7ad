// One instruction's raw pieces from the CST (keyword, argument text, heredocs) and the helpers every
// instruction family uses to cut the argument text into spanned words.
import type { HeredocPayload } from "../../grammar/lexer.js";
import type { DiagnosticBag } from "../diagnostics/diagnostic.js";
import type { MessageKey } from "../diagnostics/messages.js";
import type { HeredocNode, Span, Word } from "./types.js";
import { fit } from "../arrays.js";
import { SpannedWord } from "./word.js";

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
  /**
   * The file's text, when at hand. An argument text without continuation lines is a slice of it
   * (the lexer's contract), and the word scanners read their characters here (see
   * RawInstruction.src).
   */
  source?: string | null;
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
  ) {
    const source = ctx.source;
    const inSource = segments === null && source !== undefined && source !== null;
    this.src = inSource ? source : text;
    this.base = inSource ? start : 0;
  }

  /**
   * The string `text` lies in, at `base`: the file's text when `text` is a plain slice of it, else
   * `text` itself. Scanners read characters and cut words here: charCodeAt on a flat string is
   * markedly cheaper than on a slice of one, which V8 unwraps at every character.
   */
  readonly src: string;
  /** Index in `src` of text[0]. */
  readonly base: number;

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

  /** `span(i, j).offset`, without building the span. */
  offsetOf(i: number): number {
    return this.segments === null ? this.start + i : this.at(i);
  }

  /** `span(i, j).length`, without building the span. */
  lengthOf(i: number, j: number): number {
    if (this.segments === null) return Math.max(0, j - i);
    const s = this.at(i);
    return Math.max(0, (j > i ? this.at(j - 1) + 1 : s) - s);
  }

  /** A Word for text[i, j). */
  wordAt(i: number, j: number): Word {
    return new SpannedWord(this.src.slice(this.base + i, this.base + j), this.ctx.file, this.offsetOf(i), this.lengthOf(i, j));
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

/** The shared, frozen empty list. */
const NO_ITEMS: never[] = fit([]);

/**
 * A reusable list in which a builder collects a node's items (words, flags, pairs) before taking
 * them as one exactly-sized array. Filling a fresh `[]` with push() makes V8 allocate 17 slots,
 * then `fit` copies the few used ones; the collector's slots are reused from one instruction to
 * the next, so only the exact copy is allocated. One collector per use site (builders are not
 * re-entrant); `take` also forgets the items, so no node is kept alive by it.
 */
export class Collector<T> {
  private readonly items: T[] = [];
  private n = 0;

  get length(): number {
    return this.n;
  }

  add(x: T): void {
    if (this.n < this.items.length) this.items[this.n] = x;
    else this.items.push(x);
    this.n++;
  }

  /** Forgets the items collected since the last `take` (when they are not wanted after all). */
  clear(): void {
    for (let k = 0; k < this.n; k++) this.items[k] = undefined as T;
    this.n = 0;
  }

  /** Removes and returns the last item (the collector must not be empty). */
  pop(): T {
    const x = this.items[--this.n]!;
    this.items[this.n] = undefined as T;
    return x;
  }

  /** The items collected since the last `take`, as an exactly-sized array (the shared empty one when none). */
  take(): T[] {
    const n = this.n;
    const items = this.items;
    // Up to three items (nearly every list) as an array literal, which optimised code allocates
    // inline; a slice() call costs more.
    const out =
      n === 1 ? [items[0]!] : n === 2 ? [items[0]!, items[1]!] : n === 3 ? [items[0]!, items[1]!, items[2]!] : n === 0 ? (NO_ITEMS as T[]) : items.slice(0, n);
    // Forget the items (a plain loop: Array.prototype.fill is a call into the runtime).
    for (let k = 0; k < n; k++) items[k] = undefined as T;
    this.n = 0;
    return out;
  }
}

/** Go's unicode.IsSpace for ASCII plus NBSP/NEL (what BuildKit splits on). */
export function isSpace(c: number): boolean {
  return c < 256 && (CHAR_CLASS[c]! & SPACE) !== 0;
}

// Character classes of the Latin-1 range, for the word scanners: one table load per character
// tells a scanner whether it must look closer, where a chain of compares per character was most
// of the cost of cutting ENV/LABEL/COPY/RUN arguments into words (bench/compile). A character
// from U+0100 up is in no class (none of them is whitespace to BuildKit).
export const SPACE = 1;
export const EQUALS = 2;
/** `'` or `"`. */
export const QUOTE = 4;
export const BACKSLASH = 8;
export const BACKTICK = 16;
export const CHAR_CLASS: Uint8Array = (() => {
  const t = new Uint8Array(256);
  for (const c of [32, 9, 10, 11, 12, 13, 0x85, 0xa0]) t[c] = SPACE;
  t[61] = EQUALS;
  t[39] = t[34] = QUOTE;
  t[92] = BACKSLASH;
  t[96] = BACKTICK;
  return t;
})();

/** The class bit of escape character `esc` (`\` or a backtick). */
export function escapeClass(esc: number): number {
  return esc === 92 ? BACKSLASH : BACKTICK;
}

/** Words of text[from..] split on whitespace; quotes do not group (DOCKERFILE.md J5). Exactly sized. */
export function splitWhitespace(raw: RawInstruction, from: number): Word[] {
  collectWhitespaceWords(raw, from, words);
  return words.take();
}

/** Where splitWhitespace collects its words (see Collector). */
const words = new Collector<Word>();

/** Adds the words of `splitWhitespace(raw, from)` to `into`. */
export function collectWhitespaceWords(raw: RawInstruction, from: number, into: Collector<Word>): void {
  // Scans raw.src (indices there are text indices + base).
  const src = raw.src;
  const base = raw.base;
  const end = base + raw.text.length;
  let i = base + from;
  for (;;) {
    while (i < end && isSpace(src.charCodeAt(i))) i++;
    if (i >= end) return;
    const s = i;
    while (i < end && !isSpace(src.charCodeAt(i))) i++;
    into.add(raw.wordAt(s - base, i - base));
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
  // Scans raw.src (indices there are text indices + base).
  const src = raw.src;
  const base = raw.base;
  const end = base + raw.text.length;
  const esc = raw.ctx.escape.charCodeAt(0);
  const out: number[] = [];
  let i = base + from;
  for (;;) {
    while (i < end && isSpace(src.charCodeAt(i))) i++;
    if (i >= end) return out;
    const s = i;
    i = shellWordEnd(src, s, esc, end);
    out.push(s - base, i - base);
  }
}

/**
 * End of the quote-aware word starting at t[s] (not a space) in t[…, n): the index of the first
 * unquoted whitespace after it, or n. `esc` is the escape character's code. Also notes the word's
 * first `=` (quoted or escaped ones count too) in {@link lastShellWord}, for ENV/LABEL/ARG pairs.
 */
export function shellWordEnd(t: string, s: number, esc: number, n = t.length): number {
  // Characters in none of these classes only advance the scan.
  const special = SPACE | EQUALS | QUOTE | escapeClass(esc);
  let i = s;
  let quote = 0;
  let eq = -1;
  while (i < n) {
    const c = t.charCodeAt(i);
    if (c >= 256 || (CHAR_CLASS[c]! & special) === 0) {
      i++;
      continue;
    }
    if (c === 61) {
      if (eq < 0) eq = i;
    } else if (quote === 0 && isSpace(c)) {
      break;
    } else if (c === esc && quote !== 39 && i + 1 < n) {
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
