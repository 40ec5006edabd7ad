// The Packages index (a deb822 file of binary package stanzas) held as one byte buffer: a single
// pass records stanza offsets and package names; every other field is decoded lazily, per stanza,
// only when asked for. This keeps a ~60 MB index parse well under a second.
import { parseRelations, type Clause, type Dependency } from "./relations.js";

const NL = 10;
const SPACE = 32;
const TAB = 9;
const COLON = 58;
const CR = 13;
const NEWLINE = Buffer.from("\n");
/** The package name at the start of one relation alternative. */
const NAME_RE = /^\s*([^\s(:[]+)/;
const PACKAGE_PREFIX = Buffer.from("Package:");
const PROVIDES_NEEDLE = Buffer.from("\nProvides:");
const BLANK_LINE = Buffer.from("\n\n");

/** What the resolver needs of one binary package; materialised on demand and cached. */
export interface PackageEntry {
  /** Index of the stanza inside its `PackagesIndex`. */
  readonly stanza: number;
  readonly name: string;
  readonly version: string;
  /** Debian architecture, or `all`. */
  readonly arch: string;
  readonly multiArch: "no" | "same" | "foreign" | "allowed";
  readonly essential: boolean;
  readonly priority: string;
  readonly depends: Clause[];
  readonly preDepends: Clause[];
  /** Provides; a provide with `version` is versioned (`relation` is always `=` there). */
  readonly provides: Dependency[];
  /** Pool path relative to the mirror root. */
  readonly filename: string;
  /** Lowercase hex sha256 of the .deb. */
  readonly sha256: string;
  readonly size: number;
  /** Label of the index the entry comes from (e.g. `trixie/main/binary-amd64`). */
  readonly origin: string;
}

/** Field name → value byte range of one stanza (end exclusive, value trimmed of the leading space). */
type FieldMap = Map<string, [number, number]>;

/** A parsed Packages index. Construction is one linear scan; lookups are lazy and cached. */
export class PackagesIndex {
  /** The raw index bytes (uncompressed). */
  readonly buf: Buffer;
  /** Label used in error messages and `PackageEntry.origin`. */
  readonly origin: string;
  /** Architecture used to evaluate `[arch]` restrictions in relation fields. */
  readonly hostArch: string | undefined;
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly names: string[] = [];
  private readonly byName = new Map<string, number[]>();
  private readonly fieldCache = new Map<number, FieldMap>();
  private readonly entryCache = new Map<number, PackageEntry>();
  private providesIndex: Map<string, number[]> | null = null;

  /** Scans `buf` once, recording each stanza's byte range and `Package` name. */
  constructor(input: Buffer, origin = "Packages", hostArch?: string) {
    // CRLF line ends (never in Debian's own indexes) are normalised once, up front.
    const firstNl = input.indexOf(NL);
    const buf = firstNl > 0 && input[firstNl - 1] === CR ? Buffer.from(input.toString("latin1").replace(/\r\n/g, "\n"), "latin1") : input;
    this.buf = buf;
    this.origin = origin;
    this.hostArch = hostArch;
    const len = buf.length;
    let pos = 0;
    while (pos < len) {
      // Skip blank lines (and CRs) between stanzas.
      while (pos < len && (buf[pos] === NL || buf[pos] === CR)) pos++;
      if (pos >= len) break;
      let end = buf.indexOf(BLANK_LINE, pos);
      end = end < 0 ? len : end + 1;
      let name: string | undefined;
      if (buf.compare(PACKAGE_PREFIX, 0, PACKAGE_PREFIX.length, pos, pos + PACKAGE_PREFIX.length) === 0) {
        let le = buf.indexOf(NL, pos);
        if (le < 0 || le > end) le = end;
        name = buf.toString("latin1", pos + PACKAGE_PREFIX.length, le).trim();
      } else {
        const f = this.scanFields(pos, end).get("package");
        if (f !== undefined) name = buf.toString("latin1", f[0], f[1]).trim();
      }
      if (name !== undefined && name !== "") {
        const i = this.starts.length;
        this.starts.push(pos);
        this.ends.push(end);
        this.names.push(name);
        const list = this.byName.get(name);
        if (list === undefined) this.byName.set(name, [i]);
        else list.push(i);
      }
      pos = end;
    }
  }

  /** Number of stanzas (package versions). */
  get size(): number {
    return this.starts.length;
  }

  /** Every distinct package name, unsorted. */
  packageNames(): IterableIterator<string> {
    return this.byName.keys();
  }

  /** Stanza numbers of every version of `name` (empty if none). */
  stanzasOf(name: string): readonly number[] {
    return this.byName.get(name) ?? [];
  }

  /** Stanza numbers of packages that Provide `name` (the provides table is built on first use). */
  providersOf(name: string): readonly number[] {
    if (this.providesIndex === null) this.providesIndex = this.buildProvides();
    return this.providesIndex.get(name) ?? [];
  }

  /**
   * Stanzas containing the exact line `line` (e.g. `Essential: yes`), found by a byte search over
   * the whole index rather than by decoding every stanza.
   */
  stanzasWithLine(line: string): number[] {
    const needle = Buffer.from(`\n${line}\n`);
    const out: number[] = [];
    if (this.buf.subarray(0, needle.length - 1).equals(needle.subarray(1)) && this.starts[0] === 0) out.push(0);
    let pos = this.buf.indexOf(needle);
    while (pos >= 0) {
      const i = this.stanzaAt(pos + 1);
      if (out[out.length - 1] !== i) out.push(i);
      pos = this.buf.indexOf(needle, pos + needle.length - 1);
    }
    return out;
  }

  /** Raw value of `field` in stanza `i` (case-insensitive), continuation lines joined with `\n`. */
  field(i: number, field: string): string | undefined {
    const r = this.fields(i).get(field.toLowerCase());
    if (r === undefined) return undefined;
    return this.decode(r[0], r[1]);
  }

  /** The raw stanza text (for writing dpkg status entries or debugging). */
  stanzaText(i: number): string {
    return this.buf.toString("utf8", this.starts[i]!, this.ends[i]!);
  }

  /** All fields of stanza `i` as [name, value] pairs in file order (a full materialisation). */
  allFields(i: number): [string, string][] {
    const out: [string, string][] = [];
    for (const [k, r] of this.fields(i)) out.push([k, this.decode(r[0], r[1])]);
    return out;
  }

  /** The resolver view of stanza `i`, parsed once and cached. */
  entry(i: number): PackageEntry {
    const hit = this.entryCache.get(i);
    if (hit !== undefined) return hit;
    const f = (k: string) => this.field(i, k);
    const ma = (f("multi-arch") ?? "no").toLowerCase();
    const provides = parseRelations(f("provides"), this.hostArch).clauses.flat();
    const e: PackageEntry = {
      stanza: i,
      name: this.names[i]!,
      version: f("version") ?? "",
      arch: f("architecture") ?? "",
      multiArch: ma === "same" || ma === "foreign" || ma === "allowed" ? ma : "no",
      essential: (f("essential") ?? "").toLowerCase() === "yes",
      priority: f("priority") ?? "",
      depends: parseRelations(f("depends"), this.hostArch).clauses,
      preDepends: parseRelations(f("pre-depends"), this.hostArch).clauses,
      provides,
      filename: f("filename") ?? "",
      sha256: (f("sha256") ?? "").toLowerCase(),
      size: Number(f("size") ?? "NaN"),
      origin: this.origin,
    };
    this.entryCache.set(i, e);
    return e;
  }

  private fields(i: number): FieldMap {
    let m = this.fieldCache.get(i);
    if (m === undefined) {
      m = this.scanFields(this.starts[i]!, this.ends[i]!);
      this.fieldCache.set(i, m);
    }
    return m;
  }

  /** Splits [start, end) into fields; continuation lines extend the previous field's range. */
  private scanFields(start: number, end: number): FieldMap {
    const buf = this.buf;
    const m: FieldMap = new Map();
    let last: [number, number] | null = null;
    let pos = start;
    while (pos < end) {
      let le = buf.indexOf(NL, pos);
      if (le < 0 || le > end) le = end;
      const c = buf[pos];
      if (c === SPACE || c === TAB) {
        if (last !== null) last[1] = le;
      } else if (le > pos) {
        const colon = buf.indexOf(COLON, pos);
        if (colon > 0 && colon < le) {
          let vs = colon + 1;
          while (vs < le && (buf[vs] === SPACE || buf[vs] === TAB)) vs++;
          last = [vs, le];
          m.set(buf.toString("latin1", pos, colon).toLowerCase(), last);
        }
      }
      pos = le + 1;
    }
    return m;
  }

  private decode(s: number, e: number): string {
    let end = e;
    if (end > s && this.buf[end - 1] === CR) end--;
    const raw = this.buf.toString("utf8", s, end);
    if (raw.indexOf("\n") < 0) return raw.trimEnd();
    return raw
      .split("\n")
      .map((l, k) => (k === 0 ? l : l.replace(/^[ \t]/, "") === "." ? "" : l.replace(/^[ \t]/, "")))
      .join("\n")
      .trimEnd();
  }

  private stanzaAt(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private buildProvides(): Map<string, number[]> {
    const out = new Map<string, number[]>();
    const buf = this.buf;
    // Gather every Provides value (with continuation lines) and its stanza, then split them with
    // native string operations in one go: far faster than a byte loop on a cold JIT.
    const parts: Buffer[] = [];
    const owners: number[] = [];
    let pos = buf.indexOf(PROVIDES_NEEDLE);
    while (pos >= 0) {
      let vs = pos + PROVIDES_NEEDLE.length;
      while (buf[vs] === SPACE || buf[vs] === TAB) vs++;
      let ve = buf.indexOf(NL, vs);
      while (ve >= 0 && (buf[ve + 1] === SPACE || buf[ve + 1] === TAB)) ve = buf.indexOf(NL, ve + 1);
      if (ve < 0) ve = buf.length;
      parts.push(buf.subarray(vs, ve), NEWLINE);
      owners.push(this.stanzaAt(pos + 1));
      pos = buf.indexOf(PROVIDES_NEEDLE, ve);
    }
    const lines = Buffer.concat(parts).toString("latin1").replace(/\n[ \t]/g, " ").split("\n");
    for (let l = 0; l < owners.length; l++) {
      const i = owners[l]!;
      for (const item of lines[l]!.split(/[,|]/)) {
        const m = NAME_RE.exec(item);
        if (m === null) continue;
        const name = m[1]!;
        const list = out.get(name);
        if (list === undefined) out.set(name, [i]);
        else if (list[list.length - 1] !== i) list.push(i);
      }
    }
    return out;
  }
}
