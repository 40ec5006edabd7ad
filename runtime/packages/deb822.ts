// deb822 control-file syntax (Debian Policy §5.1): stanzas of `Field: value` lines, continuation
// lines starting with a space or tab, blank lines between stanzas. Used for Release, control,
// status and `.sources` files; the large Packages index has its own byte parser (packagesIndex.ts).

/** One stanza: fields in file order. Lookup is case-insensitive via `get`. */
export class Stanza {
  /** Field names as written, in order. */
  readonly names: string[] = [];
  private readonly values = new Map<string, string>();

  /**
   * Value of a field (case-insensitive name), or undefined. Multi-line values keep their line
   * breaks; each continuation line has its single leading space/tab removed and a line consisting
   * of ` .` becomes an empty line (Policy §5.1).
   */
  get(name: string): string | undefined {
    return this.values.get(name.toLowerCase());
  }

  /** Sets a field (appended at the end if new). */
  set(name: string, value: string): void {
    const key = name.toLowerCase();
    if (!this.values.has(key)) this.names.push(name);
    this.values.set(key, value);
  }

  /** Fields as [name, value] pairs in order. */
  entries(): [string, string][] {
    return this.names.map((n) => [n, this.values.get(n.toLowerCase())!]);
  }
}

/** Options for `parseDeb822`. */
export interface Deb822Options {
  /** Treat lines starting with `#` as comments (apt `.sources` files allow them; control files do not). */
  comments?: boolean;
}

/** Thrown-free result: stanzas plus syntax problems (line number, 1-based, and message). */
export interface Deb822Result {
  stanzas: Stanza[];
  problems: { line: number; message: string }[];
}

/** Parses deb822 text into stanzas. Malformed lines are reported in `problems` and skipped. */
export function parseDeb822(text: string, opts: Deb822Options = {}): Deb822Result {
  const stanzas: Stanza[] = [];
  const problems: { line: number; message: string }[] = [];
  const lines = text.split("\n");
  let cur: Stanza | null = null;
  let lastField: string | null = null;
  for (let n = 0; n < lines.length; n++) {
    let line = lines[n]!;
    if (line.endsWith("\r")) line = line.slice(0, -1);
    if (opts.comments && line.startsWith("#")) continue;
    if (line.trim() === "") {
      cur = null;
      lastField = null;
      continue;
    }
    const c = line.charCodeAt(0);
    if (c === 32 || c === 9) {
      if (cur === null || lastField === null) {
        problems.push({ line: n + 1, message: "continuation line outside a field" });
        continue;
      }
      const body = line.slice(1);
      const add = body.trim() === "." ? "" : body;
      cur.set(lastField, `${cur.get(lastField)!}\n${add}`);
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) {
      problems.push({ line: n + 1, message: `expected 'Field: value', got '${line.slice(0, 40)}'` });
      continue;
    }
    if (cur === null) {
      cur = new Stanza();
      stanzas.push(cur);
    }
    lastField = line.slice(0, colon);
    if (cur.get(lastField) !== undefined) problems.push({ line: n + 1, message: `duplicate field '${lastField}'` });
    cur.set(lastField, line.slice(colon + 1).trim());
  }
  return { stanzas, problems };
}

/**
 * Serialises fields as one stanza (no trailing blank line). Multi-line values are written with a
 * leading space on continuation lines and empty lines as ` .`, the inverse of `parseDeb822`.
 */
export function formatStanza(fields: readonly (readonly [string, string])[]): string {
  let out = "";
  for (const [name, value] of fields) {
    const [first, ...rest] = value.split("\n");
    out += first === "" ? `${name}:\n` : `${name}: ${first}\n`;
    for (const r of rest) out += r === "" ? " .\n" : ` ${r}\n`;
  }
  return out;
}
