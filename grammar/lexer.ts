// The hand-written, line-oriented lexer: source text → chevrotain tokens (offsets only; line and
// column are computed lazily from offsets, for diagnostics). Implements the file-level rules of
// DOCKERFILE.md §1 (L1–L8), parser directives (§2) and heredoc bodies (§5 H1–H2).
import type { IToken, TokenType } from "chevrotain";
import { Directive, KEYWORDS, keywordTokens, Onbuild, UnknownKeyword } from "./tokens.js";
import { rawWords } from "./rawWords.js";

/** The escape character of a file (`# escape=` directive, DOCKERFILE.md D3). */
export type EscapeChar = "\\" | "`";

/** Payload of a Directive token. */
export interface DirectivePayload {
  /** Lowercased key. */
  key: string;
  value: string;
  keyOffset: number;
  valueOffset: number;
}

/**
 * An instruction token: one logical line (grammar/tokens.ts `Instruction`), of its keyword's token
 * type. `image`, `startOffset` and `endOffset` are the keyword as written (what chevrotain's
 * messages quote); the argument text and the heredocs are fields of the token. The argument text
 * is not copied out of the source: it is `argsText(source, token)`, cut when an instruction is
 * built (compiler/ast/build.ts), so a large spec's texts are not all kept alive at once.
 */
export interface InstructionToken extends IToken {
  /** Source offset of the argument text's first character (just after the keyword when it is empty). */
  argsStart: number;
  /** Length of the argument text: the rest of the logical line after the keyword, blanks trimmed. */
  argsLength: number;
  /**
   * Null when the argument text is source[argsStart, argsStart + argsLength). When it joins several
   * physical lines: flat pairs [textOffset, sourceOffset, …], one per joined part, mapping offsets in
   * the text back to the source (each part runs to the next part's text offset).
   */
  segments: number[] | null;
  /** The heredocs the line opens, in order; null when none. */
  heredocs: HeredocPayload[] | null;
  /** ONBUILD: the instruction it triggers (null when the line has none). Null for other keywords. */
  nested: InstructionToken | null;
}

/** A heredoc of an instruction (`InstructionToken.heredocs`). */
export interface HeredocPayload {
  /** Delimiter with quotes removed. */
  name: string;
  /** `<<-`: leading tabs were stripped from body lines and terminator. */
  chomp: boolean;
  /** True when no part of the delimiter was quoted: the body is subject to expansion (H3). */
  expand: boolean;
  /** File descriptor prefix (`3<<EOF`), or null. */
  fd: number | null;
  /** The body, each line terminated by `\n` (tabs stripped if chomp). */
  content: string;
  /** Source offset and length of the `<<EOF` word in the instruction line. */
  wordOffset: number;
  wordLength: number;
  /** True when EOF came before the terminator. */
  unterminated: boolean;
  /** Source offset of the first body line (the source length when there is none). */
  bodyStart: number;
  /** Source offset just past the terminator line (before its line break), or the source length. */
  bodyEnd: number;
}

/** A lexical problem; the compiler maps `kind` to a catalogued diagnostic. */
export interface LexProblem {
  kind:
    | "emptyContinuation"
    | "lineTooLong"
    | "unterminatedHeredoc"
    | "duplicateDirective"
    | "invalidEscape";
  offset: number;
  length: number;
  /** Message argument (directive key, heredoc name…). */
  arg?: string;
}

/** Result of lexing one file. */
export interface LexResult {
  tokens: IToken[];
  escape: EscapeChar;
  problems: LexProblem[];
  /** Offset where content starts (1 if a BOM was skipped). */
  start: number;
}

/** Physical line length limit, DOCKERFILE.md L6. */
export const MAX_LINE_LENGTH = 65535;

const DIRECTIVE_RE = /^#[ \t]*([a-zA-Z][a-zA-Z0-9]*)[ \t]*=[ \t]*(.+?)[ \t]*$/;
const KNOWN_DIRECTIVES = new Set(["syntax", "escape", "check"]);
const HEREDOC_RE = /^(\d*)<<(-?)\s*([^<]*)$/;
const HEREDOC_KEYWORDS = new Set(["run", "copy", "add"]);

/**
 * The usual upper-case keyword spellings as constant strings. A keyword token's image is the
 * constant when the source spells it that way, so the tokens and AST nodes of a large spec share
 * one string per keyword instead of holding a copy each (compiler/ast keeps it as `word`). The
 * constants are the source literals of grammar/tokens.ts `KEYWORDS` (internalized strings), so
 * comparing a keyword with a literal (`keyword === "ENV"`) is a pointer comparison.
 */
export const KEYWORD_IMAGES: ReadonlyMap<string, string> = new Map([...KEYWORDS, "ONBUILD"].map((k) => [k, k]));

/** What the lexer needs to know about the word in keyword position. */
interface KeywordInfo {
  /** The word as written (the shared constant of KEYWORD_IMAGES for the usual spelling). */
  image: string;
  /** Its token type: a keyword's own, Onbuild, or UnknownKeyword. Keywords are case-insensitive. */
  type: TokenType;
  /** RUN, COPY and ADD lines may open heredocs (§5). */
  heredocs: boolean;
}

/** Keyword info from the word's lower-case form (the rule for any spelling). */
function infoOf(image: string): KeywordInfo {
  const lower = image.toLowerCase();
  const type = lower === "onbuild" ? Onbuild : (keywordTokens.get(lower) ?? UnknownKeyword);
  return { image, type, heredocs: HEREDOC_KEYWORDS.has(lower) };
}

/**
 * The info of every usual upper-case spelling, by its first letter (index: char code - 65): a
 * line's keyword is found by comparing the line in place with the one to three spellings of its
 * first letter (no scan for the word's end first, no slice, no hashing; String.startsWith was the
 * lexer's largest cost on a large spec).
 */
const KEYWORDS_BY_INITIAL: readonly (readonly KeywordInfo[] | undefined)[] = (() => {
  const byInitial: KeywordInfo[][] = [];
  for (const k of KEYWORD_IMAGES.keys()) (byInitial[k.charCodeAt(0) - 65] ??= []).push(infoOf(k));
  return byInitial;
})();

/**
 * The info of the word in keyword position at line[s, to) (non-blank: it ends at a blank or at
 * `to`). Its image has the word's length.
 */
function keywordAt(line: string, s: number, to: number): KeywordInfo {
  const candidates = KEYWORDS_BY_INITIAL[line.charCodeAt(s) - 65];
  if (candidates !== undefined) for (const info of candidates) if (isWordAt(line, s, to, info.image)) return info;
  let e = s;
  while (e < to && !isWs(line.charCodeAt(e))) e++;
  return infoOf(line.slice(s, e));
}

/** Whether the word at line[s, to) is `word`, whose first character is known to match. */
function isWordAt(line: string, s: number, to: number, word: string): boolean {
  const n = word.length;
  if (s + n > to) return false;
  for (let j = 1; j < n; j++) if (line.charCodeAt(s + j) !== word.charCodeAt(j)) return false;
  return s + n === to || isWs(line.charCodeAt(s + n));
}

function isWs(c: number): boolean {
  // space, \t, \v, \f, \r (L1); most characters are above 32, which one comparison settles.
  return c <= 32 && (c === 32 || c === 9 || c === 11 || c === 12 || c === 13);
}

function directiveToken(image: string, start: number, end: number, payload: DirectivePayload): IToken {
  // A plain literal (cheaper than createTokenInstance's line/column fields).
  return { image, startOffset: start, endOffset: end, tokenTypeIdx: Directive.tokenTypeIdx!, tokenType: Directive, payload };
}

function instructionToken(
  kw: KeywordInfo,
  start: number,
  argsStart: number,
  argsLength: number,
  segments: number[] | null,
  heredocs: HeredocPayload[] | null,
  nested: InstructionToken | null,
): InstructionToken {
  // A plain literal of one fixed shape, all fields set at once.
  const type = kw.type;
  return {
    image: kw.image,
    startOffset: start,
    endOffset: start + kw.image.length - 1,
    tokenTypeIdx: type.tokenTypeIdx!,
    tokenType: type,
    argsStart,
    argsLength,
    segments,
    heredocs,
    nested,
  };
}

/** The argument text of instruction token `t` lexed from `source` (continuation lines joined). */
export function argsText(source: string, t: InstructionToken): string {
  return joinedText(source, t.argsStart, t.argsLength, t.segments);
}

/**
 * The text of `length` characters that starts at source offset `start` (segments null), or that
 * joins the source parts `segments` describes (flat [textOffset, sourceOffset] pairs; each part
 * runs to the next one's text offset, the last to `length`).
 */
export function joinedText(source: string, start: number, length: number, segments: readonly number[] | null): string {
  if (segments === null) return source.slice(start, start + length);
  let text = "";
  for (let p = 0; p < segments.length; p += 2) {
    const end = p + 2 < segments.length ? segments[p + 2]! : length;
    const from = segments[p + 1]!;
    text += source.slice(from, from + end - segments[p]!);
  }
  return text;
}

/** A cursor over physical lines. `end` excludes the `\n` and a trailing `\r`. */
class Lines {
  pos: number;
  lineStart = 0;
  lineEnd = 0;
  constructor(
    readonly text: string,
    start: number,
    readonly problems: LexProblem[],
  ) {
    this.pos = start;
  }
  /** Advances to the next physical line; false at end of input. */
  next(): boolean {
    const text = this.text;
    if (this.pos >= text.length) return false;
    const start = this.pos;
    let nl = text.indexOf("\n", start);
    if (nl < 0) nl = text.length;
    let end = nl;
    if (end > start && text.charCodeAt(end - 1) === 13) end--;
    this.lineStart = start;
    this.lineEnd = end;
    this.pos = nl + 1;
    if (end - start > MAX_LINE_LENGTH) {
      this.problems.push({ kind: "lineTooLong", offset: start, length: end - start });
    }
    return true;
  }
}

/**
 * Lexes a vmspec/Dockerfile source. Never throws; problems are returned as values.
 * Token stream shape: Directive* Instruction* (one `InstructionToken` per logical line).
 */
export function lex(text: string): LexResult {
  const lexer = new Lexer(text);
  const tokens: IToken[] = [];
  while (lexer.next(tokens, Infinity));
  return { tokens, escape: lexer.escape, problems: lexer.problems, start: lexer.start };
}

/**
 * The lexer as a cursor, for callers that parse a large file a few instructions at a time (so
 * tokens die young; compiler/ast/build.ts). `lex` is this run to the end.
 */
export class Lexer {
  readonly problems: LexProblem[] = [];
  /** Offset where content starts (1 if a BOM was skipped). */
  readonly start: number;
  /** The file's escape character, known once the constructor has read the directives. */
  escape: EscapeChar = "\\";
  private readonly lines: Lines;
  /** Directive tokens, handed out by the first `next`. */
  private directives: IToken[] = [];
  /** A line was read but not consumed by directive scanning. */
  private pending = false;

  constructor(readonly text: string) {
    this.start = text.charCodeAt(0) === 0xfeff ? 1 : 0; // L5
    const lines = (this.lines = new Lines(text, this.start, this.problems));
    // §2: directives, only at the very top.
    const seen = new Set<string>();
    while (lines.next()) {
      const line = text.slice(lines.lineStart, lines.lineEnd);
      const m = DIRECTIVE_RE.exec(line);
      const key = m?.[1]?.toLowerCase();
      if (m === null || key === undefined || !KNOWN_DIRECTIVES.has(key)) {
        this.pending = true;
        break;
      }
      const value = m[2]!;
      const keyOffset = lines.lineStart + line.indexOf(m[1]!);
      const valueOffset = lines.lineStart + line.lastIndexOf(value);
      if (seen.has(key)) {
        this.problems.push({ kind: "duplicateDirective", offset: keyOffset, length: key.length, arg: key });
      } else {
        seen.add(key);
        if (key === "escape") {
          if (value === "\\" || value === "`") this.escape = value;
          else this.problems.push({ kind: "invalidEscape", offset: valueOffset, length: value.length, arg: value });
        }
      }
      const payload: DirectivePayload = { key, value, keyOffset, valueOffset };
      this.directives.push(directiveToken(line, lines.lineStart, lines.lineEnd - 1, payload));
    }
  }

  /**
   * Appends the tokens of up to `max` more instructions to `tokens` (the directives first).
   * Returns false once the input is exhausted.
   */
  next(tokens: IToken[], max: number): boolean {
    if (this.directives.length > 0) {
      for (const t of this.directives) tokens.push(t);
      this.directives = [];
    }
    const lines = this.lines;
    const esc = this.escape.charCodeAt(0);
    for (let n = 0; n < max; ) {
      if (!this.pending && !lines.next()) return false;
      this.pending = false;
      if (lexLogicalLine(this.text, lines, esc, tokens, this.problems)) n++;
    }
    return true;
  }
}

/**
 * Lexes the logical line starting at the current physical line of `lines` (reading continuation
 * lines and heredoc bodies too). Returns false for a blank or comment line (no tokens).
 */
function lexLogicalLine(text: string, lines: Lines, esc: number, tokens: IToken[], problems: LexProblem[]): boolean {
  // First physical line: skip leading whitespace (L2), blank lines and comments (L3).
  let s = lines.lineStart;
  const e0 = lines.lineEnd;
  while (s < e0 && isWs(text.charCodeAt(s))) s++;
  if (s === e0 || text.charCodeAt(s) === 35 /* # */) return false;

  // Read the logical line: physical lines joined while they end in the escape char (L4).
  // Most logical lines are one physical line: then the line is text[from, to) of the source itself
  // (indices are source offsets) and `segments` stays null. Otherwise it is the joined text, and
  // `segments` maps its indices back to source offsets.
  let line = text;
  let from = s;
  let to = e0;
  let joined = "";
  let segments: number[] | null = null;
  let lineS = s;
  let lineE = e0;
  let emptyContinuationAt = -1;
  for (;;) {
    let j = lineE - 1;
    while (j >= lineS && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j--;
    const continues =
      j >= lineS && text.charCodeAt(j) === esc && (j === lines.lineStart || text.charCodeAt(j - 1) !== esc);
    const partEnd = continues ? j : lineE;
    if (!continues && segments === null) {
      to = partEnd;
      break;
    }
    (segments ??= []).push(joined.length, lineS);
    joined += text.slice(lineS, partEnd);
    if (!continues) break;
    // Continuation: skip comment lines and (with a warning) empty lines.
    let got = false;
    while (lines.next()) {
      let k = lines.lineStart;
      while (k < lines.lineEnd && isWs(text.charCodeAt(k))) k++;
      if (k === lines.lineEnd) {
        if (emptyContinuationAt < 0) emptyContinuationAt = lines.lineStart;
        continue;
      }
      if (text.charCodeAt(k) === 35) continue;
      got = true;
      break;
    }
    if (!got) break; // EOF after an escape is fine (L4)
    lineS = lines.lineStart;
    lineE = lines.lineEnd;
  }
  if (segments !== null) {
    line = joined;
    from = 0;
    to = joined.length;
  }
  if (emptyContinuationAt >= 0) {
    problems.push({ kind: "emptyContinuation", offset: emptyContinuationAt, length: 0 });
  }

  // Keyword = first word (L1); arguments = the rest, whitespace-trimmed.
  const kw = keywordAt(line, from, to);
  let k = from + kw.image.length;
  const kwStart = s; // the keyword is at the start of the first physical line
  // ONBUILD's arguments and heredocs belong to the instruction it triggers (nestedKw).
  let nestedKw: KeywordInfo | null = null;
  let nestedStart = 0;
  if (kw.type === Onbuild) {
    while (k < to && isWs(line.charCodeAt(k))) k++;
    const n0 = k;
    if (k < to) {
      nestedKw = keywordAt(line, n0, to);
      k = n0 + nestedKw.image.length;
      nestedStart = segments === null ? n0 : mapOffset(segments, n0);
    }
  }
  const owner = nestedKw ?? kw;
  while (k < to && isWs(line.charCodeAt(k))) k++;
  let aEnd = to;
  while (aEnd > k && isWs(line.charCodeAt(aEnd - 1))) aEnd--;
  // Offset table of the argument text (null: its character i is at source offset aStart + i).
  let argsSegments: number[] | null = null;
  let aStart = (nestedKw !== null ? nestedStart : kwStart) + owner.image.length;
  if (aEnd > k) {
    if (segments !== null && segments.length > 2) argsSegments = shiftSegments(segments, k);
    aStart = argsSegments !== null ? argsSegments[1]! : segments === null ? k : segments[1]! + k;
    if (argsSegments !== null && argsSegments.length === 2) argsSegments = null;
  }

  // §5: heredocs, for RUN/COPY/ADD (also under ONBUILD).
  let heredocs: HeredocPayload[] | null = null;
  // (A slice and includes() are several times faster than a loop over the characters, and
  // indexOf on the line would search past its end: to the end of the file.)
  if (owner.heredocs && aEnd > k && line.slice(k, aEnd).includes("<<")) {
    for (const w of rawWords(line.slice(k, aEnd))) {
      const m = HEREDOC_RE.exec(w.text);
      if (m === null || m[3]!.length === 0) continue;
      const unq = unquoteDelimiter(m[3]!);
      if (unq === null) continue;
      const chomp = m[2] === "-";
      const wordOffset = argsSegments === null ? aStart + w.offset : mapOffset(argsSegments, w.offset);
      let content = "";
      let terminated = false;
      let bodyStart = -1;
      while (lines.next()) {
        if (bodyStart < 0) bodyStart = lines.lineStart;
        let ls = lines.lineStart;
        if (chomp) while (ls < lines.lineEnd && text.charCodeAt(ls) === 9) ls++;
        const line = text.slice(ls, lines.lineEnd);
        if (line === unq.name) {
          terminated = true;
          break;
        }
        content += line + "\n";
      }
      if (bodyStart < 0) bodyStart = text.length;
      if (!terminated) {
        problems.push({ kind: "unterminatedHeredoc", offset: wordOffset, length: w.text.length, arg: unq.name });
      }
      (heredocs ??= []).push({
        name: unq.name,
        chomp,
        expand: unq.expand,
        fd: m[1]!.length > 0 ? Number(m[1]) : null,
        content,
        wordOffset,
        wordLength: w.text.length,
        unterminated: !terminated,
        bodyStart,
        bodyEnd: terminated ? lines.lineEnd : text.length,
      });
    }
  }

  const argsLength = aEnd > k ? aEnd - k : 0;
  if (nestedKw === null) {
    tokens.push(instructionToken(kw, kwStart, aStart, argsLength, argsSegments, heredocs, null));
  } else {
    const nested = instructionToken(nestedKw, nestedStart, aStart, argsLength, argsSegments, heredocs, null);
    tokens.push(instructionToken(kw, kwStart, kwStart + kw.image.length, 0, null, null, nested));
  }
  return true;
}

/** Maps an offset in a joined logical line to a source offset using flat [textOff, srcOff] pairs. */
export function mapOffset(segments: readonly number[], i: number): number {
  if (segments.length === 2) return segments[1]! + i - segments[0]!;
  let best = 0;
  for (let p = 0; p < segments.length; p += 2) {
    if (segments[p]! <= i) best = p;
    else break;
  }
  return segments[best + 1]! + (i - segments[best]!);
}

function shiftSegments(segments: readonly number[], k: number): number[] {
  if (k === 0) return segments.slice();
  const out: number[] = [];
  for (let p = 0; p < segments.length; p += 2) {
    const t = segments[p]!;
    const s = segments[p + 1]!;
    const nextT = p + 2 < segments.length ? segments[p + 2]! : Infinity;
    if (nextT <= k) continue;
    if (t <= k) out.push(0, s + (k - t));
    else out.push(t - k, s);
  }
  return out;
}

/**
 * Removes quotes/escapes from a heredoc delimiter like the shell lexer does (H3). `expand` is false
 * when quoting removed quote characters. Returns null when the delimiter is several words.
 */
function unquoteDelimiter(raw: string): { name: string; expand: boolean } | null {
  let name = "";
  let quoted = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === "'") {
      const j = raw.indexOf("'", i + 1);
      if (j < 0) return null;
      name += raw.slice(i + 1, j);
      quoted = true;
      i = j;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < raw.length && raw[j] !== '"'; j++) {
        if (raw[j] === "\\" && j + 1 < raw.length) name += raw[++j];
        else name += raw[j];
      }
      if (j >= raw.length) return null;
      quoted = true;
      i = j;
    } else if (c === "\\" && i + 1 < raw.length) {
      name += raw[++i];
    } else if (c === " " || c === "\t") {
      return null;
    } else {
      name += c;
    }
  }
  return name.length > 0 ? { name, expand: !quoted } : null;
}
