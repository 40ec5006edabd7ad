// Exec (JSON array) form vs shell form of RUN/CMD/ENTRYPOINT/SHELL/… arguments, with BuildKit's
// rules (parser/line_parsers.go parseMaybeJSON, DOCKERFILE.md J1–J2) and Go encoding/json details.
import { isGoSpace } from "./unicode.js";
import { fit } from "../arrays.js";

/** Outcome of {@link parseExecForm}. Offsets are UTF-16 indices into the given text. */
export type ExecFormResult =
  | { kind: "exec"; args: string[] }
  | { kind: "shell" }
  | { kind: "error"; message: string; offset: number; length: number };

/** BuildKit's message for a JSON array with a non-string element (rule J2). */
export const NOT_STRING_ARRAY_MESSAGE = "when using JSON array syntax, arrays must be comprised of strings only";

/** Go encoding/json's maximum nesting depth (scanner.go maxNestingDepth). */
const MAX_NESTING_DEPTH = 10000;

/**
 * Decides exec vs shell form. After leading whitespace (Go's unicode.IsSpace) the text must start
 * with `[` and be, in full, one JSON value as Go's `json.Unmarshal` into `[]interface{}` accepts
 * it (JSON whitespace after it is fine); otherwise it is silently shell form — also when a number
 * overflows float64 or nesting exceeds 10000. A valid array with a non-string element is the hard
 * error of rule J2 (span: the first such element). String values decode like Go: `\u` escapes with
 * surrogate pairs, and a lone surrogate (escaped or raw) becomes U+FFFD. Never throws.
 */
export function parseExecForm(text: string): ExecFormResult {
  let i = 0;
  const n = text.length;
  while (i < n && isGoSpace(text.charCodeAt(i))) i++;
  if (i >= n || text.charCodeAt(i) !== 0x5b) return { kind: "shell" };
  const r = scanJson(text, i);
  if (r === undefined) return { kind: "shell" };
  if (r.nonString !== undefined) {
    return { kind: "error", message: NOT_STRING_ARRAY_MESSAGE, offset: r.nonString[0], length: r.nonString[1] - r.nonString[0] };
  }
  return { kind: "exec", args: r.args };
}

interface ScanResult {
  args: string[];
  /** [start, end) of the first top-level element that is not a string. */
  nonString: [number, number] | undefined;
}

const enum State {
  Value,
  After,
}

function isJsonSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** Validates the JSON value starting at `start` (a `[`) through the end of `text`, iteratively. */
function scanJson(text: string, start: number): ScanResult | undefined {
  const n = text.length;
  const stack: number[] = []; // 0 = array, 1 = object
  const args: string[] = [];
  let nonString: [number, number] | undefined;
  let i = start;
  let state = State.Value;
  let elemStart = -1;
  const skip = (): void => {
    while (i < n && isJsonSpace(text.charCodeAt(i))) i++;
  };
  const topElementEnded = (isString: boolean, value: string): void => {
    if (isString) args.push(value);
    else if (nonString === undefined) nonString = [elemStart, i];
  };
  // Parses `"key" :` inside an object; false on a syntax error.
  const key = (): boolean => {
    skip();
    if (i >= n || text.charCodeAt(i) !== 0x22) return false;
    const s = scanString(text, i, false);
    if (s === undefined) return false;
    i = s.end;
    skip();
    if (i >= n || text.charCodeAt(i) !== 0x3a) return false;
    i++;
    return true;
  };
  for (;;) {
    skip();
    if (state === State.Value) {
      if (i >= n) return undefined;
      const inTop = stack.length === 1 && stack[0] === 0;
      if (inTop) elemStart = i;
      const c = text.charCodeAt(i);
      if (c === 0x5b || c === 0x7b) {
        stack.push(c === 0x5b ? 0 : 1);
        if (stack.length > MAX_NESTING_DEPTH) return undefined;
        i++;
        skip();
        if (i < n && text.charCodeAt(i) === (c === 0x5b ? 0x5d : 0x7d)) {
          i++;
          stack.pop();
          if (stack.length === 1 && stack[0] === 0) topElementEnded(false, "");
          state = State.After;
        } else if (c === 0x7b) {
          if (!key()) return undefined;
        }
        continue;
      }
      if (c === 0x22) {
        const s = scanString(text, i, inTop);
        if (s === undefined) return undefined;
        i = s.end;
        if (inTop) topElementEnded(true, s.value);
      } else if (c === 0x74 || c === 0x66 || c === 0x6e) {
        const word = c === 0x74 ? "true" : c === 0x66 ? "false" : "null";
        if (text.slice(i, i + word.length) !== word) return undefined;
        i += word.length;
        if (inTop) topElementEnded(false, "");
      } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
        const end = scanNumber(text, i);
        if (end < 0) return undefined;
        // json.Unmarshal into interface{} parses a float64: an overflow is an error (→ shell form).
        if (!Number.isFinite(Number(text.slice(i, end)))) return undefined;
        i = end;
        if (inTop) topElementEnded(false, "");
      } else return undefined;
      state = State.After;
      continue;
    }
    // After a value.
    if (stack.length === 0) return i >= n ? { args: fit(args), nonString } : undefined;
    if (i >= n) return undefined;
    const c = text.charCodeAt(i);
    const top = stack[stack.length - 1];
    if (c === 0x2c) {
      i++;
      if (top === 1 && !key()) return undefined;
      state = State.Value;
    } else if ((c === 0x5d && top === 0) || (c === 0x7d && top === 1)) {
      i++;
      stack.pop();
      if (stack.length === 1 && stack[0] === 0) topElementEnded(false, "");
    } else return undefined;
  }
}

/** Scans a JSON number at `i`; returns its end or -1. */
function scanNumber(text: string, i: number): number {
  const n = text.length;
  const digit = (k: number): boolean => k < n && text.charCodeAt(k) >= 0x30 && text.charCodeAt(k) <= 0x39;
  if (text.charCodeAt(i) === 0x2d) i++;
  if (!digit(i)) return -1;
  if (text.charCodeAt(i) === 0x30) i++;
  else while (digit(i)) i++;
  if (i < n && text.charCodeAt(i) === 0x2e) {
    i++;
    if (!digit(i)) return -1;
    while (digit(i)) i++;
  }
  if (i < n && (text.charCodeAt(i) === 0x65 || text.charCodeAt(i) === 0x45)) {
    i++;
    if (i < n && (text.charCodeAt(i) === 0x2b || text.charCodeAt(i) === 0x2d)) i++;
    if (!digit(i)) return -1;
    while (digit(i)) i++;
  }
  return i;
}

function hex4(text: string, i: number): number {
  if (i + 4 > text.length) return -1;
  let v = 0;
  for (let k = i; k < i + 4; k++) {
    const c = text.charCodeAt(k);
    let d: number;
    if (c >= 0x30 && c <= 0x39) d = c - 0x30;
    else if (c >= 0x61 && c <= 0x66) d = c - 0x57;
    else if (c >= 0x41 && c <= 0x46) d = c - 0x37;
    else return -1;
    v = v * 16 + d;
  }
  return v;
}

/** Scans a JSON string at `i` (a `"`); decodes it when `decode`. Undefined on a syntax error. */
function scanString(text: string, i: number, decode: boolean): { end: number; value: string } | undefined {
  const n = text.length;
  let out = "";
  let k = i + 1;
  let runStart = k;
  while (k < n) {
    const c = text.charCodeAt(k);
    if (c === 0x22) {
      if (decode) out += sanitize(text.slice(runStart, k));
      return { end: k + 1, value: out };
    }
    if (c < 0x20) return undefined;
    if (c !== 0x5c) {
      k++;
      continue;
    }
    if (decode) out += sanitize(text.slice(runStart, k));
    if (k + 1 >= n) return undefined;
    const e = text.charCodeAt(k + 1);
    switch (e) {
      case 0x22:
        out += '"';
        k += 2;
        break;
      case 0x5c:
        out += "\\";
        k += 2;
        break;
      case 0x2f:
        out += "/";
        k += 2;
        break;
      case 0x62:
        out += "\b";
        k += 2;
        break;
      case 0x66:
        out += "\f";
        k += 2;
        break;
      case 0x6e:
        out += "\n";
        k += 2;
        break;
      case 0x72:
        out += "\r";
        k += 2;
        break;
      case 0x74:
        out += "\t";
        k += 2;
        break;
      case 0x75: {
        const u = hex4(text, k + 2);
        if (u < 0) return undefined;
        k += 6;
        if (u >= 0xd800 && u < 0xe000) {
          // A high surrogate followed by an escaped low surrogate is one character; anything else
          // is U+FFFD (Go's utf16.DecodeRune fallback), and the next escape is read on its own.
          if (u < 0xdc00 && text.charCodeAt(k) === 0x5c && text.charCodeAt(k + 1) === 0x75) {
            const lo = hex4(text, k + 2);
            if (lo >= 0xdc00 && lo < 0xe000) {
              out += String.fromCharCode(u, lo);
              k += 6;
              break;
            }
          }
          out += "\ufffd";
        } else out += String.fromCharCode(u);
        break;
      }
      default:
        return undefined;
    }
    runStart = k;
  }
  return undefined;
}

/** Replaces lone UTF-16 surrogates (invalid UTF-8 for Go) with U+FFFD. */
function sanitize(s: string): string {
  return LONE_SURROGATE.test(s) ? s.replace(LONE_SURROGATE_G, "\ufffd") : s;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const LONE_SURROGATE_G = new RegExp(LONE_SURROGATE.source, "g");
