// One record of Go's encoding/csv Reader (comma `,`, no comment character, strict quotes), as
// BuildKit reads `RUN --mount=` values.
import { clampSpan, fail, ok, type ValueResult } from "./result.js";

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
    if (i < n && text[i] === "\n") {
      i++;
      line++;
    } else if (i + 1 < n && text[i] === "\r" && text[i + 1] === "\n") {
      i += 2;
      line++;
    } else break;
  }
  if (i >= n) return fail("failed to parse csv mounts: EOF", { offset: 0, length: n });
  let lineStart = i;
  const fields: CsvField[] = [];
  const isEol = (k: number): boolean => k >= n || text[k] === "\n" || (text[k] === "\r" && (k + 1 >= n || text[k + 1] === "\n"));
  for (;;) {
    const start = i;
    if (i < n && text[i] === '"') {
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
        for (let k = 0; k < chunk.length; k++) if (chunk[k] === "\n") {
          line++;
          lineStart = i + k + 1;
        }
        value += chunk.replace(/\r\n/g, "\n");
        i = q + 1;
        if (i < n && text[i] === '"') {
          value += '"';
          i++;
          continue;
        }
        if (i < n && text[i] === ",") {
          fields.push({ value, offset: start });
          i++;
          break;
        }
        if (isEol(i)) {
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
    let j = i;
    while (j < n && text[j] !== "," && text[j] !== "\n") j++;
    let end = j;
    if (end < n && text[end] === "\n" && end > i && text[end - 1] === "\r") end--;
    else if (end >= n && end > i && text[end - 1] === "\r") end--; // Go drops a trailing \r before EOF
    const value = text.slice(i, end);
    const bare = value.indexOf('"');
    if (bare >= 0) {
      return fail(`failed to parse csv mounts: parse error on line ${line}, column ${i + bare - lineStart + 1}: bare " in non-quoted-field`, {
        offset: i + bare,
        length: 1,
      });
    }
    fields.push({ value, offset: start });
    if (j < n && text[j] === ",") {
      i = j + 1;
      continue;
    }
    return ok(fields);
  }
}
