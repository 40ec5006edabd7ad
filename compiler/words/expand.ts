// Variable substitution and quote removal of one Dockerfile word, with the semantics of BuildKit's
// shell lexer (frontend/dockerfile/shell/lex.go: ProcessWord / ProcessWords), as an explicit-stack
// machine: linear in the input, no recursion, never throws.
import { replaceGlob, trimPrefixGlob, trimSuffixGlob, type GlobOpResult } from "./glob.js";
import { codePointAt, cpWidth, isGoDigit, isGoLetter, isGoSpace } from "./unicode.js";

/** Variable lookup: `undefined` means unset (which is different from set to ""). */
export interface ExpandEnv {
  get(name: string): string | undefined;
}

/** A substitution error. `offset`/`length` are UTF-16 indices into the input text. */
export interface WordError {
  code: string;
  message: string;
  offset: number;
  length: number;
}

/** Stable error codes of word expansion (the compiler maps them to its diagnostic catalogue). */
export const WordErrorCode = {
  /** `${` without a matching `}` (also an unterminated nested word). */
  missingBrace: "WORD_MISSING_BRACE",
  /** `${}`, `${{…`, `${:…`. */
  badSubstitution: "WORD_BAD_SUBSTITUTION",
  /** `${v=x}`, `${v:#p}`, `${v:%p}`, `${v x}` … */
  unsupportedModifier: "WORD_UNSUPPORTED_MODIFIER",
  /** `${v/p}` without the second `/`. */
  missingSlash: "WORD_MISSING_SLASH",
  /** `'` without a closing `'`. */
  unterminatedSingleQuote: "WORD_UNTERMINATED_SINGLE_QUOTE",
  /** `"` without a closing `"`. */
  unterminatedDoubleQuote: "WORD_UNTERMINATED_DOUBLE_QUOTE",
  /** `${v?msg}` with v unset, or `${v:?msg}` with v unset or empty. */
  requiredVariable: "WORD_REQUIRED_VARIABLE",
  /** A glob pattern with an invalid escape (`\x`). */
  invalidPattern: "WORD_INVALID_PATTERN",
} as const;

/** The escape character in effect (the `# escape=` parser directive). */
export type EscapeChar = "\\" | "`";

/** Options of {@link expandWord} / {@link expandWords}. */
export interface ExpandOptions {
  /**
   * Treat `'` and `"` as ordinary characters (BuildKit's `SkipProcessQuotes`), as BuildKit does
   * for the bodies of unquoted-delimiter heredocs in COPY/ADD — which it expands with the
   * backslash escape whatever the `escape` directive says. Escapes and `$` still apply.
   */
  skipQuotes?: boolean;
}

/**
 * Result of {@link expandWord}. On error `value` is "" and `errors` holds exactly one error. Its
 * lists may be shared between results: read them, do not modify them.
 */
export interface ExpandWordResult {
  value: string;
  refs: string[];
  errors: WordError[];
}

/** Result of {@link expandWords}. On error `words` is [] and `errors` holds exactly one error. Read-only lists, as above. */
export interface ExpandWordsResult {
  words: string[];
  refs: string[];
  errors: WordError[];
}

/** The default options (one shared object rather than a new `{}` per call). */
const NO_OPTIONS: ExpandOptions = Object.freeze({});

/**
 * The `errors` (and empty `refs`) of every successful expansion: one shared frozen list rather
 * than a new `[]` per word (results are read, never modified; a push would fail loudly).
 */
const NONE: never[] = Object.freeze([]) as unknown as never[];

/**
 * BuildKit `ProcessWord`: expands `$v`, `${v}` and the `${v…}` forms in `text`, removes quotes
 * and escapes, and does not split. `refs` lists every variable name referenced (deduplicated,
 * in order of appearance). Like BuildKit it stops at the first error.
 */
export function expandWord(text: string, env: ExpandEnv, escape: EscapeChar, options: ExpandOptions = NO_OPTIONS): ExpandWordResult {
  if (isPlain(text, escape, options)) return { value: text, refs: NONE, errors: NONE };
  const esc = escape === "`" ? 0x60 : 0x5c;
  const sub = wholeSubstitution(text, env, esc);
  if (sub !== null) return sub;
  if (options.skipQuotes !== true) {
    const inner = quotedLiteral(text, esc);
    if (inner !== null) return { value: inner, refs: NONE, errors: NONE };
  }
  const x = new Expander(text, env, escape, false, options);
  x.run();
  if (x.error !== undefined) return { value: "", refs: x.refs, errors: [x.error] };
  return { value: x.stack[0].kind === Kind.Word ? x.stack[0].out : "", refs: x.refs, errors: NONE };
}

/**
 * BuildKit `ProcessWords`: like {@link expandWord} but splits the result into words on unquoted
 * whitespace (Go's unicode.IsSpace), including whitespace that comes from unquoted expansions.
 * Escaped and quoted whitespace does not split; an empty quoted string alone is not a word.
 */
export function expandWords(text: string, env: ExpandEnv, escape: EscapeChar, options: ExpandOptions = NO_OPTIONS): ExpandWordsResult {
  if (isPlain(text, escape, options)) return { words: text.split(GO_SPACE_RUN).filter((w) => w !== ""), refs: NONE, errors: NONE };
  const x = new Expander(text, env, escape, true, options);
  x.run();
  if (x.error !== undefined) return { words: [], refs: x.refs, errors: [x.error] };
  x.flushWord();
  return { words: x.words, refs: x.refs, errors: NONE };
}

// Fast path: a word without `$`, quotes, the escape character or a leading BOM is its own value.
const SPECIAL_BACKSLASH = /[$'"\\\ufeff]/;
const SPECIAL_BACKTICK = /[$'"`\ufeff]/;
const SPECIAL_BACKSLASH_NOQUOTES = /[$\\\ufeff]/;
const SPECIAL_BACKTICK_NOQUOTES = /[$`\ufeff]/;
/** A run of Go unicode.IsSpace characters. */
const GO_SPACE_RUN = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

function isPlain(text: string, escape: EscapeChar, options: ExpandOptions): boolean {
  const re = options.skipQuotes
    ? escape === "`" ? SPECIAL_BACKTICK_NOQUOTES : SPECIAL_BACKSLASH_NOQUOTES
    : escape === "`" ? SPECIAL_BACKTICK : SPECIAL_BACKSLASH;
  return !re.test(text);
}

/** Distinct references from which `Expander.ref` keeps a set (below it, a scan of the list is cheaper). */
const REF_SET_MIN = 8;

/**
 * The expansion of a word that is exactly one substitution of an ASCII name
 * (`[A-Za-z_][A-Za-z0-9_]*`): `$NAME`, `${NAME}`, or `${NAME-WORD}`, `${NAME:-WORD}`,
 * `${NAME+WORD}`, `${NAME:+WORD}` whose WORD has no `$`, quote, `}` or escape character; else
 * null. Such a word (`FROM $BASE`, `ENV V=${V:-1.0}`) needs none of the expander's machinery: the
 * result is what it gives (same value, the one ref, no error), with or without skipQuotes since
 * no quote is involved. test/compat/words/properties.test.ts compares both.
 */
function wholeSubstitution(text: string, env: ExpandEnv, esc: number): ExpandWordResult | null {
  if (text.charCodeAt(0) !== DOLLAR) return null;
  const braced = text.charCodeAt(1) === LBRACE;
  const start = braced ? 2 : 1;
  const end = braced ? text.length - 1 : text.length; // braced: the closing `}`
  if (end <= start || (braced && text.charCodeAt(end) !== RBRACE)) return null;
  let i = start;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    const letter = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
    if (!letter && !(i > start && c >= 0x30 && c <= 0x39)) break;
  }
  if (i === start) return null;
  const name = text.slice(start, i);
  if (i === end) return { value: env.get(name) ?? "", refs: [name], errors: NONE };
  if (!braced) return null;
  const colon = text.charCodeAt(i) === COLON;
  if (colon) i++;
  const op = i < end ? text.charCodeAt(i) : EOF;
  if (op !== MINUS && op !== PLUS) return null;
  for (let j = i + 1; j < end; j++) {
    const c = text.charCodeAt(j);
    if (c === DOLLAR || c === SQUOTE || c === DQUOTE || c === RBRACE || c === esc) return null;
  }
  const word = text.slice(i + 1, end);
  const raw = env.get(name);
  const empty = raw === undefined || (colon && raw === "");
  const value = op === MINUS ? (empty ? word : raw) : empty ? "" : word;
  return { value, refs: [name], errors: NONE };
}

/**
 * The text between the quotes of a word that is one double-quoted string with no `"`, `$` or
 * escape character inside (`"demo"`, `"C.UTF-8"`), else null: the expander would only remove the
 * quotes. Only valid when quotes are processed (not with skipQuotes).
 */
function quotedLiteral(text: string, esc: number): string | null {
  const n = text.length;
  if (n < 2 || text.charCodeAt(0) !== DQUOTE || text.charCodeAt(n - 1) !== DQUOTE) return null;
  for (let i = 1; i < n - 1; i++) {
    const c = text.charCodeAt(i);
    if (c === DQUOTE || c === DOLLAR || c === esc) return null;
  }
  return text.slice(1, n - 1);
}

const EOF = -1;
const DOLLAR = 0x24;
const SQUOTE = 0x27;
const DQUOTE = 0x22;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const COLON = 0x3a;
const SLASH = 0x2f;
const HASH = 0x23;
const PERCENT = 0x25;
const PLUS = 0x2b;
const MINUS = 0x2d;
const QUESTION = 0x3f;

const enum Kind {
  Word,
  Quote,
  Brace,
}

/** processStopOn: a word up to `stop` (EOF for the top level, `}` or `/` nested). */
interface WordFrame {
  kind: Kind.Word;
  stop: number;
  /** Keep escape characters (pattern and replacement words). */
  raw: boolean;
  out: string;
}

/** processDoubleQuote. */
interface QuoteFrame {
  kind: Kind.Quote;
  raw: boolean;
  open: number;
  out: string;
}

/** processDollar for `${name<op>…}` waiting for its nested word(s). */
interface BraceFrame {
  kind: Kind.Brace;
  /** Offset of the `$`. */
  start: number;
  name: string;
  op: number;
  colon: boolean;
  opOffset: number;
  opText: string;
  /** For `/`: 0 while reading the pattern, 1 while reading the replacement. */
  stage: number;
  replaceAll: boolean;
  pattern: string;
}

type Frame = WordFrame | QuoteFrame | BraceFrame;

function newBrace(start: number, name: string, op: number, colon: boolean, opText: string, opOffset: number): BraceFrame {
  return { kind: Kind.Brace, start, name, op, colon, opOffset, opText, stage: 0, replaceAll: false, pattern: "" };
}

class Expander {
  readonly text: string;
  readonly n: number;
  readonly env: ExpandEnv;
  readonly esc: number;
  readonly escStr: string;
  readonly split: boolean;
  readonly skipQuotes: boolean;
  pos = 0;
  /** Frames, innermost last; the bottom one is the whole word (so `run` starts with it). */
  stack: Frame[] = [{ kind: Kind.Word, stop: EOF, raw: false, out: "" }];
  error: WordError | undefined;
  refs: string[] = [];
  /** `refs` as a set, made once `refs` is long enough for `includes` to cost more (most words have one or two). */
  private refSet: Set<string> | undefined;
  /** Top-level word splitting state (ProcessWords). */
  words: string[] = [];
  private cur = "";
  private inWord = false;

  constructor(text: string, env: ExpandEnv, escape: EscapeChar, split: boolean, options: ExpandOptions) {
    this.text = text;
    this.n = text.length;
    this.env = env;
    this.esc = escape === "`" ? 0x60 : 0x5c;
    this.escStr = escape === "`" ? "`" : "\\";
    this.split = split;
    this.skipQuotes = options.skipQuotes === true;
  }

  run(): void {
    const text = this.text;
    const n = this.n;
    // Go's text/scanner skips a leading byte order mark.
    this.pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
    const stack = this.stack;
    const esc = this.esc;
    // With skipQuotes (BuildKit's SkipProcessQuotes, used for heredoc bodies) quotes are ordinary.
    const sq = this.skipQuotes ? -2 : SQUOTE;
    const dq = this.skipQuotes ? -2 : DQUOTE;
    while (this.error === undefined) {
      const depth = stack.length - 1;
      const f = stack[depth];
      const pos = this.pos;
      if (f.kind === Kind.Word) {
        if (pos >= n) {
          if (f.stop === EOF) return;
          this.fail(WordErrorCode.missingBrace, "syntax error: missing '}'", pos, 0, depth);
          return;
        }
        const c = text.charCodeAt(pos);
        if (c === f.stop) {
          this.pos = pos + 1;
          stack.pop();
          this.wordDone(f.out);
        } else if (c === DOLLAR) {
          this.dollar(f);
        } else if (c === sq) {
          const close = text.indexOf("'", pos + 1);
          if (close < 0) {
            this.pos = n;
            this.fail(WordErrorCode.unterminatedSingleQuote, "unexpected end of statement while looking for matching single-quote", pos, 1, depth);
            return;
          }
          this.pos = close + 1;
          this.appendRaw(f, text.slice(pos + 1, close));
        } else if (c === dq) {
          this.pos = pos + 1;
          stack.push({ kind: Kind.Quote, raw: f.raw, open: pos, out: "" });
        } else if (c === esc) {
          if (f.raw) this.appendRaw(f, this.escStr);
          if (pos + 1 >= n) {
            this.pos = n; // a trailing escape is dropped
            continue;
          }
          const cp = codePointAt(text, pos + 1);
          let i = pos + 1 + cpWidth(cp);
          if (!this.split || f.stop !== EOF) {
            // Not splitting: the escaped character and the literal run after it are one piece.
            const stop = f.stop;
            while (i < n) {
              const d = text.charCodeAt(i);
              if (d === DOLLAR || d === sq || d === dq || d === esc || d === stop) break;
              i++;
            }
          }
          this.appendRaw(f, text.slice(pos + 1, i));
          this.pos = i;
        } else {
          let i = pos + 1;
          const stop = f.stop;
          while (i < n) {
            const d = text.charCodeAt(i);
            if (d === DOLLAR || d === sq || d === dq || d === esc || d === stop) break;
            i++;
          }
          this.pos = i;
          this.appendSplit(f, text.slice(pos, i));
        }
      } else if (f.kind === Kind.Quote) {
        if (pos >= n) {
          this.fail(WordErrorCode.unterminatedDoubleQuote, "unexpected end of statement while looking for matching double-quote", f.open, 1, depth);
          return;
        }
        const c = text.charCodeAt(pos);
        if (c === DQUOTE) {
          this.pos = pos + 1;
          stack.pop();
          this.appendRaw(stack[stack.length - 1] as WordFrame, f.out);
        } else if (c === DOLLAR) {
          this.dollar(f);
        } else if (c === esc) {
          if (f.raw) f.out += this.escStr;
          if (pos + 1 >= n) {
            this.pos = n; // ignored at the end; the quote is then unterminated
            continue;
          }
          const d = text.charCodeAt(pos + 1);
          if (d === DQUOTE || d === DOLLAR || d === esc) {
            // The escaped character and the literal run after it are one piece.
            let i = pos + 2;
            while (i < n) {
              const e = text.charCodeAt(i);
              if (e === DQUOTE || e === DOLLAR || e === esc) break;
              i++;
            }
            f.out += text.slice(pos + 1, i);
            this.pos = i;
          } else {
            f.out += this.escStr;
            this.pos = pos + 1;
          }
        } else {
          let i = pos + 1;
          while (i < n) {
            const d = text.charCodeAt(i);
            if (d === DQUOTE || d === DOLLAR || d === esc) break;
            i++;
          }
          this.pos = i;
          f.out += text.slice(pos, i);
        }
      } else {
        // A brace frame is only on top transiently; never reached.
        return;
      }
    }
  }

  /** Handles a `$` at `pos` inside frame `f` (a word or a double-quoted string). */
  private dollar(f: WordFrame | QuoteFrame): void {
    const text = this.text;
    const n = this.n;
    const start = this.pos;
    let pos = start + 1;
    if (pos >= n || text.charCodeAt(pos) !== LBRACE) {
      this.pos = pos;
      const name = this.readName();
      if (name === "") {
        this.appendExpansion(f, "$");
        return;
      }
      this.ref(name);
      this.appendExpansion(f, this.env.get(name) ?? "");
      return;
    }
    pos++;
    this.pos = pos;
    const depth = this.stack.length;
    if (pos >= n) {
      this.fail(WordErrorCode.missingBrace, "syntax error: missing '}'", start, 2, depth);
      return;
    }
    const c = text.charCodeAt(pos);
    if (c === LBRACE || c === RBRACE || c === COLON) {
      this.fail(WordErrorCode.badSubstitution, "syntax error: bad substitution", start, pos + 1 - start, depth);
      return;
    }
    const name = this.readName();
    if (name !== "") this.ref(name);
    pos = this.pos;
    if (pos >= n) {
      // BuildKit reports "unsupported modifier" with an EOF rune here; a missing brace is what it is.
      this.fail(WordErrorCode.missingBrace, "syntax error: missing '}'", start, 2, depth);
      return;
    }
    const opOffset = pos;
    const ch = codePointAt(text, pos);
    pos += cpWidth(ch);
    this.pos = pos;
    switch (ch) {
      case RBRACE:
        this.appendExpansion(f, this.env.get(name) ?? "");
        return;
      case COLON: {
        let op = EOF;
        let opText = ":";
        if (pos < n) {
          op = codePointAt(text, pos);
          opText += String.fromCodePoint(op);
          pos += cpWidth(op);
          this.pos = pos;
        }
        if (op === HASH || op === PERCENT) {
          this.fail(WordErrorCode.unsupportedModifier, `unsupported modifier (${opText}) in substitution`, opOffset, pos - opOffset, depth);
          return;
        }
        this.stack.push(newBrace(start, name, op, true, opText, opOffset));
        this.stack.push({ kind: Kind.Word, stop: RBRACE, raw: false, out: "" });
        return;
      }
      case PLUS:
      case MINUS:
      case QUESTION:
      case HASH:
      case PERCENT:
        this.stack.push(newBrace(start, name, ch, false, String.fromCodePoint(ch), opOffset));
        this.stack.push({ kind: Kind.Word, stop: RBRACE, raw: ch === HASH || ch === PERCENT, out: "" });
        return;
      case SLASH: {
        const b = newBrace(start, name, ch, false, "/", opOffset);
        if (pos < n && text.charCodeAt(pos) === SLASH) {
          b.replaceAll = true;
          this.pos = pos + 1;
        }
        this.stack.push(b);
        this.stack.push({ kind: Kind.Word, stop: SLASH, raw: true, out: "" });
        return;
      }
      default: {
        const opText = String.fromCodePoint(ch);
        this.fail(WordErrorCode.unsupportedModifier, `unsupported modifier (${opText}) in substitution`, opOffset, pos - opOffset, depth);
      }
    }
  }

  /** A nested word ended at its stop character; the brace frame below it is now on top. */
  private wordDone(word: string): void {
    const stack = this.stack;
    const depth = stack.length - 1;
    const b = stack[depth] as BraceFrame;
    if (b.op === SLASH && b.stage === 0) {
      b.pattern = word;
      b.stage = 1;
      stack.push({ kind: Kind.Word, stop: RBRACE, raw: true, out: "" });
      return;
    }
    const raw = this.env.get(b.name);
    const set = raw !== undefined;
    const value = raw ?? "";
    const empty = !set || (b.colon && value === "");
    let result: string;
    switch (b.op) {
      case MINUS:
        result = empty ? word : value;
        break;
      case PLUS:
        result = empty ? "" : word;
        break;
      case QUESTION: {
        if (empty) {
          const why = word !== "" ? word : set ? "is not allowed to be empty" : "is not allowed to be unset";
          this.fail(WordErrorCode.requiredVariable, `${b.name}: ${why}`, b.start, this.pos - b.start, depth);
          return;
        }
        result = value;
        break;
      }
      case HASH:
      case PERCENT: {
        let pattern = word;
        let greedy = false;
        if (pattern.charCodeAt(0) === b.op) {
          greedy = true;
          pattern = pattern.slice(1);
        }
        const r: GlobOpResult = b.op === HASH ? trimPrefixGlob(pattern, value, greedy) : trimSuffixGlob(pattern, value, greedy);
        if (!r.ok) {
          this.fail(WordErrorCode.invalidPattern, r.message, b.start, this.pos - b.start, depth);
          return;
        }
        result = r.value;
        break;
      }
      case SLASH: {
        const r = replaceGlob(b.pattern, value, word, b.replaceAll);
        if (!r.ok) {
          this.fail(WordErrorCode.invalidPattern, r.message, b.start, this.pos - b.start, depth);
          return;
        }
        result = r.value;
        break;
      }
      default:
        this.fail(WordErrorCode.unsupportedModifier, `unsupported modifier (${b.opText}) in substitution`, b.opOffset, b.opText.length, depth);
        return;
    }
    stack.pop();
    this.appendExpansion(stack[stack.length - 1] as WordFrame | QuoteFrame, result);
  }

  /** processName: digits, or one special parameter, or letters/digits/underscores. */
  private readName(): string {
    const text = this.text;
    const n = this.n;
    const start = this.pos;
    let pos = start;
    if (pos >= n) return "";
    const first = codePointAt(text, pos);
    if (isGoDigit(first)) {
      while (pos < n) {
        const cp = codePointAt(text, pos);
        if (!isGoDigit(cp)) break;
        pos += cpWidth(cp);
      }
      this.pos = pos;
      return text.slice(start, pos);
    }
    switch (first) {
      case 0x40: // @
      case 0x2a: // *
      case HASH:
      case QUESTION:
      case MINUS:
      case DOLLAR:
      case 0x21: // !
        this.pos = pos + 1;
        return text[pos];
    }
    while (pos < n) {
      const cp = codePointAt(text, pos);
      if (!(cp === 0x5f || isGoLetter(cp) || isGoDigit(cp))) break;
      pos += cpWidth(cp);
    }
    this.pos = pos;
    return text.slice(start, pos);
  }

  private ref(name: string): void {
    const refs = this.refs;
    if (this.refSet === undefined) {
      if (refs.includes(name)) return;
      refs.push(name);
      if (refs.length >= REF_SET_MIN) this.refSet = new Set(refs);
    } else if (!this.refSet.has(name)) {
      this.refSet.add(name);
      refs.push(name);
    }
  }

  /**
   * Records the first error. While the scanner is at the end of the input, BuildKit reports an
   * error inside a `${…}` word as the outermost enclosing brace's missing `}` (or `/`).
   */
  private fail(code: string, message: string, offset: number, length: number, raiser: number): void {
    if (this.pos >= this.n) {
      for (let i = 0; i < raiser; i++) {
        const b = this.stack[i];
        if (b.kind !== Kind.Brace) continue;
        if (b.op === SLASH && b.stage === 0) {
          this.error = { code: WordErrorCode.missingSlash, message: "syntax error: missing '/' in ${}", offset: b.start, length: 2 };
        } else {
          this.error = { code: WordErrorCode.missingBrace, message: "syntax error: missing '}'", offset: b.start, length: 2 };
        }
        return;
      }
    }
    this.error = { code, message, offset, length };
  }

  /** Appends unquoted, unescaped text (splits on whitespace at the top level of ProcessWords). */
  private appendSplit(f: WordFrame, s: string): void {
    if (this.split && f.stop === EOF) this.addChars(s);
    else f.out += s;
  }

  /** Appends quoted or escaped text (never split). */
  private appendRaw(f: WordFrame, s: string): void {
    if (this.split && f.stop === EOF) {
      this.cur += s;
      this.inWord = true;
    } else f.out += s;
  }

  /** Appends the value of a `$` expansion: split when unquoted at the top level of ProcessWords. */
  private appendExpansion(f: WordFrame | QuoteFrame, s: string): void {
    if (this.split && f.kind === Kind.Word && f.stop === EOF) this.addChars(s);
    else f.out += s;
  }

  /** wordsStruct.addChar over a string. */
  private addChars(s: string): void {
    let start = 0;
    const n = s.length;
    for (let i = 0; i < n; i++) {
      if (!isGoSpace(s.charCodeAt(i))) continue;
      if (i > start) {
        this.cur += s.slice(start, i);
        this.inWord = true;
      }
      if (this.inWord && this.cur.length > 0) {
        this.words.push(this.cur);
        this.cur = "";
        this.inWord = false;
      }
      start = i + 1;
    }
    if (start < n) {
      this.cur += start === 0 ? s : s.slice(start);
      this.inWord = true;
    }
  }

  /** Ends word splitting (wordsStruct.getWords). */
  flushWord(): void {
    if (this.cur.length > 0) this.words.push(this.cur);
    this.cur = "";
    this.inWord = false;
  }
}
