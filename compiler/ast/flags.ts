// Instruction flags: extraction of leading `--name[=value]` words (BuildKit `extractBuilderFlags`)
// and validation against each instruction's flag table (BuildKit `BFlags`), with did-you-mean.
import { didYouMean } from "../diagnostics/didYouMean.js";
import { isSpace, type RawInstruction } from "./raw.js";
import type { Flag } from "./types.js";
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
export function extractFlags(raw: RawInstruction, from = 0): { flags: Flag[]; rest: number } {
  const t = raw.text;
  const flags: Flag[] = [];
  let i = from;
  for (;;) {
    while (i < t.length && isSpace(t.charCodeAt(i))) i++;
    if (i + 1 >= t.length || t.charCodeAt(i) !== 45 || t.charCodeAt(i + 1) !== 45) return { flags, rest: i };
    const s = i;
    // Fast path: a flag word without quotes or backslashes is a plain slice.
    let e = i;
    while (e < t.length && !isSpace(t.charCodeAt(e))) {
      const c = t.charCodeAt(e);
      if (c === 39 || c === 34 || c === 92) break;
      e++;
    }
    if (e >= t.length || isSpace(t.charCodeAt(e))) {
      const word = t.slice(s, e);
      i = e;
      if (word === "--") {
        while (i < t.length && isSpace(t.charCodeAt(i))) i++;
        return { flags, rest: i };
      }
      const eq = word.indexOf("=");
      flags.push({ name: eq < 0 ? word.slice(2) : word.slice(2, eq), value: eq < 0 ? null : word.slice(eq + 1), span: raw.span(s, i) });
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
      return { flags, rest: i };
    }
    const body = word.slice(2);
    const eq = body.indexOf("=");
    const name = eq < 0 ? body : body.slice(0, eq);
    const value = eq < 0 ? null : body.slice(eq + 1);
    flags.push({ name, value, span: raw.span(s, i) });
  }
}

/**
 * Validates `flags` against the keyword's table: unknown flags (with did-you-mean), duplicates,
 * string flags without `=value`, bool flags with a non-bool value. Returns the flags that passed.
 */
export function checkFlags(raw: RawInstruction, flags: Flag[], keyword = raw.keyword): Flag[] {
  if (flags.length === 0) return fit(flags); // the shared empty list
  const table = FLAG_TABLE[keyword] ?? {};
  // Flag names seen so far; a single flag (the common case) needs no set.
  const seen = flags.length > 1 ? new Set<string>() : null;
  const ok: Flag[] = [];
  for (const f of flags) {
    const spec = table[f.name];
    if (spec === undefined) {
      const near = didYouMean(f.name, Object.keys(table));
      raw.report("unknownFlag", f.span, [f.name, keyword], near ? `Did you mean --${near}?` : undefined);
      continue;
    }
    if (seen !== null && seen.has(f.name) && !spec.repeat) {
      raw.report("duplicateFlag", f.span, [f.name]);
      continue;
    }
    seen?.add(f.name);
    if (spec.kind === "string" && f.value === null) {
      raw.report("flagMissingValue", f.span, [f.name]);
      continue;
    }
    if (spec.kind === "bool" && f.value !== null && !/^(true|false|1|0|t|f|TRUE|FALSE|True|False|T|F)$/.test(f.value)) {
      raw.report("flagBadBool", f.span, [f.name, f.value]);
      continue;
    }
    ok.push(f);
  }
  return fit(ok);
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
