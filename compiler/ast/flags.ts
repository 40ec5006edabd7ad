// Instruction flags: extraction of leading `--name[=value]` words (BuildKit `extractBuilderFlags`)
// and validation against each instruction's flag table (BuildKit `BFlags`), with did-you-mean.
import { didYouMean } from "../diagnostics/didYouMean.js";
import { BACKSLASH, CHAR_CLASS, Collector, EQUALS, QUOTE, SPACE, isSpace, type RawInstruction } from "./raw.js";
import type { Flag } from "./types.js";
import { SpannedFlag } from "./word.js";
import { fit } from "../arrays.js";

/** How a flag takes its value. */
export type FlagKind = "string" | "bool";

/** One accepted flag. `repeat`: may appear several times (--mount, --exclude, --device). */
export interface FlagSpec {
  kind: FlagKind;
  repeat?: boolean;
}

/** Flag tables per keyword (DOCKERFILE.md §3; vmspec's own instructions in docs/language.md). */
export const FLAG_TABLE: Readonly<Record<string, Readonly<Record<string, FlagSpec>>>> = {
  FROM: { platform: { kind: "string" } },
  RUN: {
    mount: { kind: "string", repeat: true },
    network: { kind: "string" },
    security: { kind: "string" },
    device: { kind: "string", repeat: true },
  },
  COPY: {
    from: { kind: "string" },
    chown: { kind: "string" },
    chmod: { kind: "string" },
    link: { kind: "bool" },
    parents: { kind: "bool" },
    exclude: { kind: "string", repeat: true },
  },
  ADD: {
    chown: { kind: "string" },
    chmod: { kind: "string" },
    link: { kind: "bool" },
    "keep-git-dir": { kind: "bool" },
    checksum: { kind: "string" },
    unpack: { kind: "bool" },
    exclude: { kind: "string", repeat: true },
  },
  HEALTHCHECK: {
    interval: { kind: "string" },
    timeout: { kind: "string" },
    "start-period": { kind: "string" },
    "start-interval": { kind: "string" },
    retries: { kind: "string" },
  },
  PACKAGES: { distro: { kind: "string" }, arch: { kind: "string" } },
  KERNEL: { distro: { kind: "string" }, package: { kind: "string" }, file: { kind: "string" } },
};

/**
 * Pulls leading flag words off text[from..]: only words starting with `--` count, a lone `--` ends
 * flags; quotes are removed and `\` escapes the next char inside flag words. Returns the flags (name
 * and raw value, not yet validated) and the index where the arguments start.
 */
export function extractFlags(raw: RawInstruction, from = 0): FlagWords {
  // Most instructions have no flags: their text (trimmed by the lexer) starts with a plain char.
  const c = raw.text.charCodeAt(from);
  if (from === 0 && c !== 45 && !isSpace(c)) return NO_FLAG_WORDS;
  return flagWords(raw, from);
}

/** What {@link extractFlags} returns: flags not yet validated, and where the arguments start. */
export interface FlagWords {
  /** Exactly sized (no spare capacity), so a node can keep it as it is. */
  readonly flags: Flag[];
  readonly rest: number;
}

/** No flags, arguments from text index 0 (shared by every instruction without flags; frozen). */
const NO_FLAG_WORDS: FlagWords = Object.freeze({ flags: fit<Flag>([]), rest: 0 });

/** Where flagWords collects the flags (see Collector). */
const flags = new Collector<Flag>();

/** What ends the fast path's scan of a flag word: its `=`s are noted, the others stop it. */
const FLAG_STOP = SPACE | EQUALS | QUOTE | BACKSLASH;

/** {@link extractFlags} without its fast path for a text without flags. */
function flagWords(raw: RawInstruction, from: number): FlagWords {
  const t = raw.text;
  // The fast path reads characters from raw.src (text index i is src index base + i).
  const src = raw.src;
  const base = raw.base;
  let i = from;
  for (;;) {
    while (i < t.length && isSpace(src.charCodeAt(base + i))) i++;
    if (i + 1 >= t.length || src.charCodeAt(base + i) !== 45 || src.charCodeAt(base + i + 1) !== 45) return { flags: flags.take(), rest: i };
    const s = i;
    // Fast path: a flag word without quotes or backslashes is cut straight from the text.
    const end = base + t.length;
    let e = base + i + 2; // a src index
    let eq = -1; // the first `=` (src index)
    let c = 0;
    while (e < end) {
      c = src.charCodeAt(e);
      if (c < 256 && (CHAR_CLASS[c]! & FLAG_STOP) !== 0) {
        if (c !== 61) break;
        if (eq < 0) eq = e;
      }
      e++;
    }
    if (e >= end || isSpace(c)) {
      const name = src.slice(base + s + 2, eq < 0 ? e : eq);
      const value = eq < 0 ? null : src.slice(eq + 1, e);
      i = e - base;
      if (i === s + 2) {
        // A lone `--` ends the flags.
        while (i < t.length && isSpace(src.charCodeAt(base + i))) i++;
        return { flags: flags.take(), rest: i };
      }
      flags.add(new SpannedFlag(name, value, raw.ctx.file, raw.offsetOf(s), raw.lengthOf(s, i)));
      continue;
    }
    let word = "";
    let quote = 0;
    while (i < t.length) {
      const c = t.charCodeAt(i);
      if (quote === 0 && isSpace(c)) break;
      if (quote === 0 && (c === 39 || c === 34)) {
        quote = c;
        i++;
        continue;
      }
      if (quote !== 0 && c === quote) {
        quote = 0;
        i++;
        continue;
      }
      if (c === 92) {
        if (i + 1 < t.length) word += t[i + 1];
        i += 2;
        continue;
      }
      word += t[i];
      i++;
    }
    if (i > t.length) i = t.length;
    if (word === "--") {
      while (i < t.length && isSpace(t.charCodeAt(i))) i++;
      return { flags: flags.take(), rest: i };
    }
    const body = word.slice(2);
    const bodyEq = body.indexOf("=");
    const name = bodyEq < 0 ? body : body.slice(0, bodyEq);
    const value = bodyEq < 0 ? null : body.slice(bodyEq + 1);
    flags.add(new SpannedFlag(name, value, raw.ctx.file, raw.offsetOf(s), raw.lengthOf(s, i)));
  }
}

/**
 * Validates `flags` against the keyword's table: unknown flags (with did-you-mean), duplicates,
 * string flags without `=value`, bool flags with a non-bool value. Returns the flags that passed:
 * `flags` itself when all did.
 */
export function checkFlags(raw: RawInstruction, flags: Flag[], keyword = raw.keyword): Flag[] {
  if (flags.length === 0) return fit(flags); // the shared empty list
  const table = FLAG_LISTS.get(keyword) ?? NO_FLAGS;
  // Names of the flags before the current one, as a set when there are many (a few are compared
  // directly: the usual one to three flags need no set).
  const seen = flags.length > FEW_FLAGS ? new Set<string>() : null;
  // The flags that passed, once one has not (until then: a prefix of `flags`).
  let ok: Flag[] | null = null;
  for (let k = 0; k < flags.length; k++) {
    const f = flags[k]!;
    const problem = flagProblem(raw, flags, k, specOf(table, f.name), seen, keyword);
    if (problem && ok === null) ok = flags.slice(0, k);
    else if (!problem && ok !== null) ok.push(f);
  }
  // extractFlags' lists are exactly sized already; one that lost flags is cut to size.
  return ok !== null ? fit(ok) : flags;
}

/** Flag lists up to this long find duplicates by comparing names, longer ones with a set. */
const FEW_FLAGS = 8;

/**
 * Reports what is wrong with flag `flags[k]` (spec: its table entry) and returns true, or returns
 * false. `seen`: the names of the known flags before it, or null to compare with `flags[0, k)`
 * (the same names: an earlier flag of the same name has the same, known, spec).
 */
function flagProblem(
  raw: RawInstruction,
  flags: readonly Flag[],
  k: number,
  spec: FlagSpec | undefined,
  seen: Set<string> | null,
  keyword: string,
): boolean {
  const f = flags[k]!;
  if (spec === undefined) {
    const names = Object.keys(FLAG_TABLE[keyword] ?? {});
    const near = didYouMean(f.name, names);
    raw.report("unknownFlag", f, [f.name, keyword], near ? `Did you mean --${near}?` : undefined);
    return true;
  }
  if (!spec.repeat && (seen !== null ? seen.has(f.name) : nameBefore(flags, k))) {
    raw.report("duplicateFlag", f, [f.name]);
    return true;
  }
  seen?.add(f.name);
  if (spec.kind === "string" && f.value === null) {
    raw.report("flagMissingValue", f, [f.name]);
    return true;
  }
  if (spec.kind === "bool" && f.value !== null && !/^(true|false|1|0|t|f|TRUE|FALSE|True|False|T|F)$/.test(f.value)) {
    raw.report("flagBadBool", f, [f.name, f.value]);
    return true;
  }
  return false;
}

/** True when a flag before `flags[k]` has its name. */
function nameBefore(flags: readonly Flag[], k: number): boolean {
  const name = flags[k]!.name;
  for (let j = 0; j < k; j++) if (flags[j]!.name === name) return true;
  return false;
}

/** One keyword's flag table as parallel lists of names and specs. */
interface FlagList {
  readonly names: readonly string[];
  readonly specs: readonly FlagSpec[];
}

/**
 * FLAG_TABLE as lists, by keyword (a keyword is one of the lexer's constant strings, whose hash V8
 * keeps). A flag's name is a fresh slice of the source: looking it up in a Map or an object first
 * computes its hash (a call into the runtime) or looks it up in V8's string table, both slower than
 * comparing it with the keyword's few names (mostly different lengths: one compare each).
 */
const FLAG_LISTS: ReadonlyMap<string, FlagList> = new Map(
  Object.entries(FLAG_TABLE).map(([k, table]) => [k, { names: Object.keys(table), specs: Object.values(table) }]),
);
const NO_FLAGS: FlagList = { names: [], specs: [] };

/** The spec of flag `name` in `list`, or undefined. */
function specOf(list: FlagList, name: string): FlagSpec | undefined {
  const names = list.names;
  for (let k = 0; k < names.length; k++) if (names[k] === name) return list.specs[k];
  return undefined;
}

/** The value of the last flag named `name` (`true` for a bare bool flag), or undefined. */
export function flagValue(flags: readonly Flag[], name: string): string | undefined {
  let v: string | undefined;
  for (const f of flags) if (f.name === name) v = f.value ?? "true";
  return v;
}

/** A bool flag's value (Go strconv.ParseBool), `dflt` when absent. */
export function flagBool(flags: readonly Flag[], name: string, dflt = false): boolean {
  const v = flagValue(flags, name);
  if (v === undefined) return dflt;
  return /^(true|1|t|TRUE|True|T)$/.test(v);
}
