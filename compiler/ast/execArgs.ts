// Exec form (JSON array) detection for the AST builders: a fast path for the usual array of plain
// strings, the full Go-compatible parser (compiler/words/execForm.ts) for everything else.
import { parseExecForm, type ExecFormResult } from "../words/execForm.js";
import { isGoSpace } from "../words/unicode.js";
import { Collector } from "./raw.js";

/**
 * `parseExecForm(text)`, answering the usual `["a", "b"]` without the full parser (which decodes
 * escapes, checks nesting and surrogates, and costs several closures and a regex test per string).
 */
export function execForm(text: string): ExecFormResult {
  const c = text.charCodeAt(0);
  // Only a `[` after Go whitespace starts exec form (most RUN lines start with a command word).
  if (c !== 0x5b && !isGoSpace(c)) return SHELL_FORM;
  const args = plainStringArray(text);
  return args !== null ? { kind: "exec", args } : parseExecForm(text);
}

/** The shell-form result (shared, frozen). */
const SHELL_FORM: ExecFormResult = Object.freeze({ kind: "shell" });

/**
 * The strings of `text` when it is, in full, a JSON array of strings whose characters need no
 * decoding: no escapes, control characters or UTF-16 surrogates (those decode to themselves in
 * Go's encoding/json too), JSON whitespace around the elements and after the `]`. Null for any
 * other text, which the full parser then decides (it may still be exec form).
 */
export function plainStringArray(text: string): string[] | null {
  if (plainStrings(text, strings)) return strings.take();
  strings.clear();
  return null;
}

/** Where plainStringArray collects the strings (see Collector). */
const strings = new Collector<string>();

/** plainStringArray's scan: true when `text` is such an array, its strings then added to `args`. */
function plainStrings(text: string, args: Collector<string>): boolean {
  const n = text.length;
  if (n === 0 || text.charCodeAt(0) !== 0x5b /* [ */) return false;
  let i = skipJsonSpace(text, 1);
  if (i < n && text.charCodeAt(i) === 0x5d /* ] */) i++;
  else {
    for (;;) {
      if (i >= n || text.charCodeAt(i) !== 0x22 /* " */) return false;
      const s = ++i;
      for (;;) {
        if (i >= n) return false;
        const c = text.charCodeAt(i);
        if (c === 0x22) break;
        if (c < 0x20 || c === 0x5c /* \ */ || (c >= 0xd800 && c <= 0xdfff)) return false;
        i++;
      }
      args.add(text.slice(s, i));
      i = skipJsonSpace(text, i + 1);
      if (i >= n) return false;
      const c = text.charCodeAt(i);
      if (c === 0x5d) {
        i++;
        break;
      }
      if (c !== 0x2c /* , */) return false;
      i = skipJsonSpace(text, i + 1);
    }
  }
  return skipJsonSpace(text, i) === n;
}

/** The first index at or after `i` that is not JSON whitespace. */
function skipJsonSpace(text: string, i: number): number {
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
    i++;
  }
  return i;
}
