// The result type shared by the typed value parsers of compiler/values/, plus small helpers.

/**
 * A parsed value, or why the text is invalid. `offset`/`length` (when present) locate the
 * offending part as UTF-16 indices into the parsed text; `hint` says what would be valid.
 */
export type ValueResult<T> =
  | { ok: true; value: T }
  | { ok: false; message: string; hint?: string; offset?: number; length?: number };

/** The failure variant of {@link ValueResult}. */
export type ValueError = Extract<ValueResult<never>, { ok: false }>;

/** Builds a failure. */
export function fail(message: string, extra: { hint?: string; offset?: number; length?: number } = {}): ValueError {
  const e: ValueError = { ok: false, message };
  if (extra.hint !== undefined) e.hint = extra.hint;
  if (extra.offset !== undefined) e.offset = extra.offset;
  if (extra.length !== undefined) e.length = extra.length;
  return e;
}

/** Builds a success. */
export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

/** Go's `strconv.Quote`-like rendering of user text inside messages (JSON quoting is close enough). */
export function quote(s: string): string {
  return JSON.stringify(s);
}

/**
 * Go's `strconv.ParseUint(s, base, bits)` for base 8 or 10 and bits 8, 16 or 32: ASCII digits only (no
 * sign, prefix or underscore), at least one digit, value < 2^bits. Returns undefined when invalid
 * or out of range. Plain numbers suffice (every intermediate value stays below 2^32·10 < 2^53, so
 * the arithmetic is exact); a BigInt per digit was a visible share of lowering EXPOSE and --chown.
 */
export function parseGoUint(s: string, base: 8 | 10, bits: 8 | 16 | 32): number | undefined {
  if (s.length === 0) return undefined;
  const max = 2 ** bits - 1;
  let v = 0;
  for (let i = 0; i < s.length; i++) {
    const d = s.charCodeAt(i) - 0x30;
    if (d < 0 || d >= base) return undefined;
    v = v * base + d;
    if (v > max) return undefined;
  }
  return v;
}

/** Go's `strconv.ParseBool`. */
export function parseGoBool(s: string): boolean | undefined {
  switch (s) {
    case "1":
    case "t":
    case "T":
    case "true":
    case "TRUE":
    case "True":
      return true;
    case "0":
    case "f":
    case "F":
    case "false":
    case "FALSE":
    case "False":
      return false;
  }
  return undefined;
}

/** Edit distance with adjacent transpositions (optimal string alignment), for did-you-mean hints. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    d.push(new Array<number>(b.length + 1).fill(0));
    d[i][0] = i;
  }
  for (let j = 0; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The closest candidate within a small edit distance, for "did you mean" hints. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  const w = word.toLowerCase();
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  const limit = Math.max(1, Math.floor(w.length / 3));
  return bestD <= limit ? best : undefined;
}

/** Clamps an error span into `text` (an empty trailing part gets length 0 at the end). */
export function clampSpan<T>(text: string, r: ValueResult<T>): ValueResult<T> {
  if (r.ok || r.offset === undefined) return r;
  const offset = Math.min(Math.max(0, r.offset), text.length);
  const length = Math.min(Math.max(0, r.length ?? 0), text.length - offset);
  return offset === r.offset && length === r.length ? r : { ...r, offset, length };
}
