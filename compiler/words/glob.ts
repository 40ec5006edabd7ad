// Shell glob patterns of `${v#p}`, `${v%p}`, `${v/p/r}`: compilation and leftmost-first matching
// with the semantics BuildKit gets from translating the pattern to a Go regexp (shell/lex.go
// `convertShellPatternToRegex`), implemented as a small Pike VM (no backtracking, no recursion).
import { codePointAt, cpWidth } from "./unicode.js";

/** Op code for `?` (any one character except newline, like Go's regexp `.`). */
const ANY = -2;
/** Op code for `*` (any run of characters except newline, like `.*` / `.*?`). */
const STAR = -3;
const NEWLINE = 0x0a;
const BACKSLASH = 0x5c;

/** A compiled glob: a sequence of literal code points, ANY and STAR ops. */
export interface Glob {
  readonly ops: Int32Array;
  /** `*` prefers the longest run (`.*`) when true, the shortest (`.*?`) when false. */
  readonly greedy: boolean;
  /** The pattern as plain text when it has no wildcard (and no surrogate), for a fast path. */
  readonly literal?: string;
}

/** Result of compiling a pattern: a glob, or the reason it is invalid. */
export type GlobCompileResult = { ok: true; glob: Glob } | { ok: false; message: string };

/**
 * Compiles a processed pattern string. `*` and `?` are wildcards; `\*`, `\?` and `\\` are literal;
 * a backslash before `}` or `/` is dropped; any other backslash escape (or a trailing backslash)
 * is invalid ("invalid escape"). Everything else is literal. Like Go's text/scanner, a leading
 * U+FEFF is ignored.
 */
export function compileGlob(pattern: string, greedy: boolean): GlobCompileResult {
  const ops: number[] = [];
  let i = pattern.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = pattern.length;
  let literal = true;
  while (i < n) {
    const cp = codePointAt(pattern, i);
    i += cpWidth(cp);
    if (cp === 0x2a) {
      ops.push(STAR);
      literal = false;
    } else if (cp === 0x3f) {
      ops.push(ANY);
      literal = false;
    } else if (cp === BACKSLASH) {
      const next = i < n ? codePointAt(pattern, i) : -1;
      if (next === 0x7d || next === 0x2f) continue; // `\}` `\/`: the escape is not part of the pattern
      if (next === 0x2a || next === 0x3f || next === BACKSLASH) {
        ops.push(next);
        i += 1;
        continue;
      }
      const shown = next < 0 ? "" : String.fromCodePoint(next);
      return { ok: false, message: `invalid escape '\\${shown}'` };
    } else {
      if (cp >= 0xd800 && cp <= 0xdfff) literal = false; // lone surrogate: keep code-point matching
      ops.push(cp);
    }
  }
  const glob: { ops: Int32Array; greedy: boolean; literal?: string } = { ops: Int32Array.from(ops), greedy };
  if (literal) {
    let lit = "";
    for (let k = 0; k < ops.length; k += 4096) lit += String.fromCodePoint(...ops.slice(k, k + 4096));
    glob.literal = lit;
  }
  return { ok: true, glob };
}

/** Compiled globs by mode and pattern text: patterns repeat across a spec (pure memoization). */
const cache = new Map<string, GlobCompileResult>();
const CACHE_LIMIT = 256;
const CACHE_MAX_PATTERN = 1024;

function compileCached(pattern: string, greedy: boolean, reversed = false): GlobCompileResult {
  if (pattern.length > CACHE_MAX_PATTERN) return compileGlob(reversed ? reversePattern(pattern) : pattern, greedy);
  const key = (greedy ? "g" : "l") + (reversed ? "r" : "f") + pattern;
  let r = cache.get(key);
  if (r === undefined) {
    r = compileGlob(reversed ? reversePattern(pattern) : pattern, greedy);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, r);
  }
  return r;
}

/**
 * Leftmost-first match of `g` in `s` starting at or after UTF-16 index `from` (exactly at `from`
 * when `anchored`). Returns [start, end) in UTF-16 indices, or undefined. Runs in
 * O((end - from) × pattern length) time and O(pattern length) space.
 */
export function globFind(g: Glob, s: string, from: number, anchored: boolean): [number, number] | undefined {
  return matcherFor(g).find(s, from, anchored);
}

/** One reusable matcher per compiled glob (matching never re-enters, so sharing is safe). */
const matchers = new WeakMap<Glob, Matcher>();

function matcherFor(g: Glob): Matcher {
  let m = matchers.get(g);
  if (m === undefined) {
    m = new Matcher(g);
    matchers.set(g, m);
  }
  return m;
}

/** A Pike VM for one glob, reusable across searches (its thread lists are allocated once). */
class Matcher {
  private readonly g: Glob;
  private readonly mark: Int32Array;
  private readonly stack: Int32Array;
  private curS: Int32Array;
  private curT: Int32Array;
  private nxtS: Int32Array;
  private nxtT: Int32Array;
  private gen = 0;

  constructor(g: Glob) {
    this.g = g;
    const m = g.literal === undefined ? g.ops.length : 0;
    this.mark = new Int32Array(m + 1);
    this.stack = new Int32Array(2 * m + 4);
    this.curS = new Int32Array(m + 1);
    this.curT = new Int32Array(m + 1);
    this.nxtS = new Int32Array(m + 1);
    this.nxtT = new Int32Array(m + 1);
  }

  find(s: string, from: number, anchored: boolean): [number, number] | undefined {
    const lit = this.g.literal;
    if (lit !== undefined) {
      if (anchored) return s.startsWith(lit, from) ? [from, from + lit.length] : undefined;
      const at = s.indexOf(lit, from);
      return at < 0 ? undefined : [at, at + lit.length];
    }
    return this.pike(s, from, anchored, false);
  }

  /**
   * Anchored match of the glob against the end of `s`, reading backwards (the glob must have been
   * compiled from the reversed pattern). Returns the index where the matched suffix starts.
   */
  findSuffix(s: string): number | undefined {
    const lit = this.g.literal;
    if (lit !== undefined) {
      const suffix = reverseString(lit);
      return s.endsWith(suffix) ? s.length - suffix.length : undefined;
    }
    const m = this.pike(s, s.length, true, true);
    return m === undefined ? undefined : m[1];
  }

  // Adds the epsilon closure of `state` (in priority order) to the list; returns the new length.
  private add(state: number, start: number, outS: Int32Array, outT: Int32Array, count: number): number {
    const ops = this.g.ops;
    const m = ops.length;
    const mark = this.mark;
    const stack = this.stack;
    const gen = this.gen;
    const greedy = this.g.greedy;
    let sp = 0;
    stack[sp++] = state;
    while (sp > 0) {
      const x = stack[--sp];
      if (x < 0) {
        // deferred consuming thread of a lazy star, after its continuation
        outS[count] = -x - 1;
        outT[count++] = start;
        continue;
      }
      if (mark[x] === gen) continue;
      mark[x] = gen;
      if (x === m || ops[x] !== STAR) {
        outS[count] = x;
        outT[count++] = start;
      } else if (greedy) {
        outS[count] = x;
        outT[count++] = start;
        stack[sp++] = x + 1;
      } else {
        stack[sp++] = -(x + 1);
        stack[sp++] = x + 1;
      }
    }
    return count;
  }

  private pike(s: string, from: number, anchored: boolean, backward: boolean): [number, number] | undefined {
    const ops = this.g.ops;
    const m = ops.length;
    this.gen++;
    let curN = this.add(0, from, this.curS, this.curT, 0);
    let matchStart = -1;
    let matchEnd = -1;
    let i = from;
    const len = s.length;
    for (;;) {
      this.gen++;
      const curS = this.curS;
      const curT = this.curT;
      const nxtS = this.nxtS;
      const nxtT = this.nxtT;
      let nxtN = 0;
      let c: number;
      if (!backward) c = i < len ? codePointAt(s, i) : -1;
      else if (i <= 0) c = -1;
      else {
        // the code point ending at i
        const lo = s.charCodeAt(i - 1);
        const hi = i >= 2 ? s.charCodeAt(i - 2) : 0;
        c = lo >= 0xdc00 && lo <= 0xdfff && hi >= 0xd800 && hi <= 0xdbff ? (hi - 0xd800) * 0x400 + (lo - 0xdc00) + 0x10000 : lo;
      }
      for (let k = 0; k < curN; k++) {
        const st = curS[k];
        if (st === m) {
          matchStart = curT[k];
          matchEnd = i;
          break; // lower-priority threads are cut (leftmost-first)
        }
        if (c < 0) continue;
        const op = ops[st];
        if (op === STAR) {
          if (c !== NEWLINE) nxtN = this.add(st, curT[k], nxtS, nxtT, nxtN);
        } else if (op === ANY) {
          if (c !== NEWLINE) nxtN = this.add(st + 1, curT[k], nxtS, nxtT, nxtN);
        } else if (op === c) nxtN = this.add(st + 1, curT[k], nxtS, nxtT, nxtN);
      }
      if (c < 0) break;
      i += backward ? -cpWidth(c) : cpWidth(c);
      if (matchStart < 0 && !anchored) nxtN = this.add(0, i, nxtS, nxtT, nxtN);
      this.curS = nxtS;
      this.nxtS = curS;
      this.curT = nxtT;
      this.nxtT = curT;
      curN = nxtN;
      if (curN === 0) break;
    }
    return matchStart < 0 ? undefined : [matchStart, matchEnd];
  }
}

/** A string result, or the reason the pattern is invalid. */
export type GlobOpResult = { ok: true; value: string } | { ok: false; message: string };

/** `${v#p}` / `${v##p}`: removes the shortest (longest when `greedy`) prefix of `value` matching `pattern`. */
export function trimPrefixGlob(pattern: string, value: string, greedy: boolean): GlobOpResult {
  const c = compileCached(pattern, greedy);
  if (!c.ok) return { ok: false, message: `invalid pattern (${pattern}) in substitution: ${c.message}` };
  const m = matcherFor(c.glob).find(value, 0, true);
  return { ok: true, value: m === undefined ? value : value.slice(m[1]) };
}

/** `${v%p}` / `${v%%p}`: removes the shortest (longest when `greedy`) suffix of `value` matching `pattern`. */
export function trimSuffixGlob(pattern: string, value: string, greedy: boolean): GlobOpResult {
  // Like BuildKit: reverse the pattern (keeping escape pairs) and the value, then trim a prefix.
  const c = compileCached(pattern, greedy, true);
  if (!c.ok) return { ok: false, message: `invalid pattern (${pattern}) in substitution: ${c.message}` };
  const at = matcherFor(c.glob).findSuffix(value);
  return { ok: true, value: at === undefined ? value : value.slice(0, at) };
}

/**
 * `${v/p/r}` (first match) and `${v//p/r}` (all matches), greedy wildcards. Replacing all
 * follows Go's `Regexp.ReplaceAllString`: `$0`/`${0}` in the replacement is the matched text, any
 * other `$name` is empty, `$$` is `$`; an empty match right after a previous match is not replaced.
 */
export function replaceGlob(pattern: string, value: string, replacement: string, all: boolean): GlobOpResult {
  const c = compileCached(pattern, true);
  if (!c.ok) return { ok: false, message: `invalid pattern (${pattern}) in substitution: ${c.message}` };
  const matcher = matcherFor(c.glob);
  if (!all) {
    const m = matcher.find(value, 0, false);
    return { ok: true, value: m === undefined ? value : value.slice(0, m[0]) + replacement + value.slice(m[1]) };
  }
  let out = "";
  let lastEnd = 0;
  let searchPos = 0;
  const len = value.length;
  while (searchPos <= len) {
    const m = matcher.find(value, searchPos, false);
    if (m === undefined) break;
    out += value.slice(lastEnd, m[0]);
    if (m[1] > lastEnd || m[0] === 0) out += expandTemplate(replacement, value.slice(m[0], m[1]));
    lastEnd = m[1];
    const width = searchPos < len ? cpWidth(codePointAt(value, searchPos)) : 0;
    if (searchPos + width > m[1]) searchPos += width;
    else if (searchPos + 1 > m[1]) searchPos++;
    else searchPos = m[1];
  }
  return { ok: true, value: out + value.slice(lastEnd) };
}

/** Go's `Regexp.Expand` for a regexp without capture groups: `$0` is the match, other refs are empty. */
function expandTemplate(template: string, match: string): string {
  if (template.indexOf("$") < 0) return template;
  let out = "";
  let i = 0;
  const n = template.length;
  while (i < n) {
    const d = template.indexOf("$", i);
    if (d < 0) break;
    out += template.slice(i, d);
    i = d + 1;
    if (i < n && template.charCodeAt(i) === 0x24) {
      out += "$";
      i++;
      continue;
    }
    const ref = extractRef(template, i);
    if (ref === undefined) {
      out += "$"; // malformed: the `$` is literal
      continue;
    }
    i = ref.end;
    if (ref.name === "0") out += match;
  }
  return out + template.slice(i);
}

const NAME_CHAR = /[\p{L}\p{Nd}_]/u;

function extractRef(s: string, i: number): { name: string; end: number } | undefined {
  let brace = false;
  if (s.charCodeAt(i) === 0x7b) {
    brace = true;
    i++;
  }
  let j = i;
  while (j < s.length) {
    const cp = codePointAt(s, j);
    if (!NAME_CHAR.test(String.fromCodePoint(cp))) break;
    j += cpWidth(cp);
  }
  if (j === i) return undefined;
  const name = s.slice(i, j);
  if (brace) {
    if (j >= s.length || s.charCodeAt(j) !== 0x7d) return undefined;
    j++;
  }
  return { name, end: j };
}

/** Reverses a pattern by code points, keeping each `\x` escape pair in order (BuildKit reversePattern). */
export function reversePattern(pattern: string): string {
  const runes = Array.from(pattern);
  const last = runes.length - 1;
  const out: string[] = new Array(runes.length);
  for (let i = 0; i <= last; ) {
    const tok = runes[i];
    const o = last - i;
    if (tok === "\\" && i !== last) {
      out[o - 1] = tok;
      out[o] = runes[i + 1];
      i += 2;
    } else {
      out[o] = tok;
      i++;
    }
  }
  return out.join("");
}

/** Reverses a string by code points. */
export function reverseString(s: string): string {
  return Array.from(s).reverse().join("");
}
