// Raw shell-word splitting (BuildKit's lexer with RawQuotes/RawEscapes): quotes and escapes are kept.
// Used to find heredoc openers on an instruction line (DOCKERFILE.md H1, H4).

/** A word of a line and its offset in that line. */
export interface RawWord {
  text: string;
  offset: number;
}

/**
 * Splits `line` on unquoted blanks (space, tab, newline). Quote characters and backslash escapes
 * stay in the word text; an unterminated quote runs to the end of the line. Never throws.
 */
export function rawWords(line: string): RawWord[] {
  const words: RawWord[] = [];
  let i = 0;
  const n = line.length;
  while (i < n) {
    while (i < n && isBlank(line.charCodeAt(i))) i++;
    if (i >= n) break;
    const start = i;
    while (i < n && !isBlank(line.charCodeAt(i))) {
      const c = line.charCodeAt(i);
      if (c === 39 /* ' */) {
        const j = line.indexOf("'", i + 1);
        i = j < 0 ? n : j + 1;
      } else if (c === 34 /* " */) {
        let j = i + 1;
        while (j < n && line.charCodeAt(j) !== 34) j += line.charCodeAt(j) === 92 ? 2 : 1;
        i = j >= n ? n : j + 1;
      } else if (c === 92 /* \ */) {
        i += 2;
      } else {
        i++;
      }
    }
    if (i > n) i = n;
    words.push({ text: line.slice(start, i), offset: start });
  }
  return words;
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 10;
}
