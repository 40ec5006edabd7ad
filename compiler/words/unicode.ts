// Character classes with Go's `unicode` package semantics (IsSpace, IsLetter, IsDigit), as used by
// BuildKit's shell lexer for variable names and word splitting.

const LETTER = /^\p{L}$/u;
const DIGIT = /^\p{Nd}$/u;

/**
 * Go's `unicode.IsSpace`: '\t' '\n' '\v' '\f' '\r' ' ' U+0085 U+00A0 and the other characters with
 * the Unicode White_Space property (all in the BMP, so a UTF-16 code unit suffices).
 */
export function isGoSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0x85) return false;
  if (c === 0x85 || c === 0xa0) return true;
  if (c < 0x1680) return false;
  return (
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/** Go's `unicode.IsLetter` for a code point (Unicode category L). */
export function isGoLetter(cp: number): boolean {
  if (cp < 0x80) return (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a);
  if (cp >= 0xd800 && cp <= 0xdfff) return false;
  return LETTER.test(String.fromCodePoint(cp));
}

/** Go's `unicode.IsDigit` for a code point (Unicode category Nd). */
export function isGoDigit(cp: number): boolean {
  if (cp < 0x80) return cp >= 0x30 && cp <= 0x39;
  if (cp >= 0xd800 && cp <= 0xdfff) return false;
  return DIGIT.test(String.fromCodePoint(cp));
}

/** The code point at UTF-16 index `i` (a lone surrogate is returned as itself). */
export function codePointAt(s: string, i: number): number {
  return s.codePointAt(i) ?? -1;
}

/** Number of UTF-16 code units taken by code point `cp`. */
export function cpWidth(cp: number): number {
  return cp > 0xffff ? 2 : 1;
}
