// One record of Go's encoding/csv Reader (comma `,`, no comment character, strict quotes), as
// BuildKit reads `RUN --mount=` values.
import { clampSpan, fail, ok, type ValueResult } from "./result.js";

// Character codes (charCodeAt comparisons: indexing `text[i]` was most of the time of a read).
const LF = 10;
const CR = 13;
const QUOTE = 34;
const COMMA = 44;

/** A CSV field and the UTF-16 offset where it starts in the input. */
export interface CsvField {
  value: string;
  offset: number;
}

/**
 * Reads the first record of `text` like Go's `csv.NewReader(strings.NewReader(text)).Read()`:
 * fields are split on `,`; a field that starts with `"` is quoted (`""` is a literal quote, the
 * closing quote must be followed by `,` or the end of the line, and it may span lines); a `"`
 * inside an unquoted field is an error ("bare \" in non-quoted-field"); leading empty lines are
 * skipped; `\r\n` counts as `\n`; an unquoted newline ends the record. Empty input is an error
 * (Go's io.EOF). Messages follow Go's ParseError (line/column are 1-based).
 */
export function readCsvRecord(text: string): ValueResult<CsvField[]> {
  return clampSpan(text, readCsvRecordImpl(text));
}

function readCsvRecordImpl(text: string): ValueResult<CsvField[]> {
  const n = text.length;
  let i = 0;
  let line = 1;
  // Skip empty lines.
  for (;;) {
    if (i < n && text.charCodeAt(i) === LF) {
      i++;
      line++;
    } else if (i + 1 < n && text.charCodeAt(i) === CR && text.charCodeAt(i + 1) === LF) {
      i += 2;
      line++;
    } else break;
  }
  if (i >= n) return fail("failed to parse csv mounts: EOF", { offset: 0, length: n });
  let lineStart = i;
  const fields: CsvField[] = [];
  let nl = -1;
  for (;;) {
    const start = i;
    if (i < n && text.charCodeAt(i) === QUOTE) {
      // Quoted field.
      let value = "";
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        // Stop at the end of the input; newlines inside quotes are data (`\r\n` → `\n`).
        if (q < 0) {
          return fail(`failed to parse csv mounts: parse error on line ${line}, column ${n - lineStart + 1}: extraneous or missing " in quoted-field`, {
            offset: start,
            length: n - start,
          });
        }
        const chunk = text.slice(i, q);
        for (let k = 0; k < chunk.length; k++) if (chunk.charCodeAt(k) === LF) {
          line++;
          lineStart = i + k + 1;
        }
        value += chunk.replace(/\r\n/g, "\n");
        i = q + 1;
        if (i < n && text.charCodeAt(i) === QUOTE) {
          value += '"';
          i++;
          continue;
        }
        if (i < n && text.charCodeAt(i) === COMMA) {
          fields.push({ value, offset: start });
          i++;
          break;
        }
        if (isEol(text, i)) {
          fields.push({ value, offset: start });
          return ok(fields);
        }
        return fail(`failed to parse csv mounts: parse error on line ${line}, column ${q - lineStart + 1}: extraneous or missing " in quoted-field`, {
          offset: q,
          length: 1,
        });
      }
      continue;
    }
    // Unquoted field: up to the next comma or end of line.
    // indexOf (native) rather than a loop over the characters. `nl` is the first newline at or
    // after `i`, or `n` (searched again only after a quoted field ran past it: linear overall).
    if (nl < i) {
      nl = text.indexOf("\n", i);
      if (nl < 0) nl = n;
    }
    let j = text.indexOf(",", i);
    if (j < 0 || j > nl) j = nl;
    let end = j;
    if (end < n && text.charCodeAt(end) === LF && end > i && text.charCodeAt(end - 1) === CR) end--;
    else if (end >= n && end > i && text.charCodeAt(end - 1) === CR) end--; // Go drops a trailing \r before EOF
    const value = text.slice(i, end);
    const bare = value.indexOf('"');
    if (bare >= 0) {
      return fail(`failed to parse csv mounts: parse error on line ${line}, column ${i + bare - lineStart + 1}: bare " in non-quoted-field`, {
        offset: i + bare,
        length: 1,
      });
    }
    fields.push({ value, offset: start });
    if (j < n && text.charCodeAt(j) === COMMA) {
      i = j + 1;
      continue;
    }
    return ok(fields);
  }
}

/** True at the end of `text` or of its first line (`\n`, `\r\n`, or a `\r` that ends the text). */
function isEol(text: string, k: number): boolean {
  const n = text.length;
  return k >= n || text.charCodeAt(k) === LF || (text.charCodeAt(k) === CR && (k + 1 >= n || text.charCodeAt(k + 1) === LF));
}
