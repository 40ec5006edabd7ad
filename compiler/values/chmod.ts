// COPY/ADD `--chmod`: octal modes and chmod(1) symbolic modes (`u+x,g-w`, `+x`, `a=rX`) as
// BuildKit accepts them (dockerfile2llb convert_copy + tonistiigi/dchapes-mode), and applying one.
import { clampSpan, fail, ok, quote, type ValueError, type ValueResult } from "./result.js";

/** One action of a symbolic clause: `+`, `-` or `=` with permission letters or a class to copy. */
export interface ChmodAction {
  op: "+" | "-" | "=";
  /** Subset of `rwxXst` in the order written (empty for a bare `=` or `-`). */
  perms: string;
  /** `u`, `g` or `o` when the action copies another class's bits (`g=u`). */
  copy?: "u" | "g" | "o";
}

/** One comma-separated clause: who (`ugoa`, empty = all) and its actions. */
export interface ChmodClause {
  who: string;
  actions: ChmodAction[];
}

/** A parsed `--chmod` value. */
export type ChmodSpec = { kind: "octal"; mode: number } | { kind: "symbolic"; clauses: ChmodClause[] };

/** Largest octal mode (BuildKit: "between 0 and 07777"). */
export const MAX_OCTAL_MODE = 0o7777;

const HINT = "an octal mode like 0755 or 644, or symbolic clauses like u+x,g-w, +x, a=rX, go=u-w";

/**
 * Parses a `--chmod` value. All-octal-digit text is an octal mode up to 07777 (like
 * `strconv.ParseUint(s, 8, 32)`); text made only of digits that is not octal, or too large, gets
 * BuildKit's "it should be octal string and between 0 and 07777" error. Anything else must be a
 * symbolic mode: clauses `[ugoa]*([+-=]([rwxXst]*|[ugo]))+` separated by commas.
 */
export function parseChmod(text: string): ValueResult<ChmodSpec> {
  return clampSpan(text, parseChmodImpl(text));
}

function nonOctal(text: string): ValueError {
  return fail(`invalid chmod parameter: '${text}'. it should be octal string and between 0 and 07777`, { hint: HINT, offset: 0, length: Math.max(1, text.length) });
}

function parseChmodImpl(text: string): ValueResult<ChmodSpec> {
  if (text === "") return nonOctal(text);
  // All decimal digits: an octal mode (its value read on the way), else BuildKit's octal error.
  let digits = true;
  let octal = true;
  let v = 0;
  for (let i = 0; i < text.length; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) {
      digits = false;
      break;
    }
    if (d > 7) octal = false;
    v = v * 8 + d; // a long text overflows to Infinity, still above the maximum
  }
  if (digits) {
    if (!octal || !(v <= MAX_OCTAL_MODE)) return nonOctal(text);
    return ok({ kind: "octal", mode: v });
  }
  const clauses: ChmodClause[] = [];
  let offset = 0;
  for (const part of text.split(",")) {
    const m = /^([ugoa]*)((?:[-+=](?:[ugo]|[rwxXst]*))+)$/.exec(part);
    if (!m) {
      return fail(`invalid chmod parameter: ${quote(text)}: bad symbolic mode clause ${quote(part)}`, { hint: HINT, offset, length: Math.max(1, part.length) });
    }
    const actions: ChmodAction[] = [];
    const re = /([-+=])([ugo]|[rwxXst]*)/g;
    let a: RegExpExecArray | null;
    while ((a = re.exec(m[2])) !== null) {
      const op = a[1] as ChmodAction["op"];
      if (a[2] === "u" || a[2] === "g" || a[2] === "o") actions.push({ op, perms: "", copy: a[2] });
      else actions.push({ op, perms: a[2] });
    }
    clauses.push({ who: m[1], actions });
    offset += part.length + 1;
  }
  return ok({ kind: "symbolic", clauses });
}

const CLASS_BITS: Record<string, number> = { u: 0o700, g: 0o070, o: 0o007 };
const SHIFT: Record<string, number> = { u: 6, g: 3, o: 0 };

/**
 * Applies a parsed mode to `mode` (permission bits incl. setuid/setgid/sticky) of a file or
 * directory, with chmod(1) semantics: an empty `who` means all classes (no umask is consulted);
 * `X` adds execute when the target is a directory or the original mode has any execute bit; `s`
 * sets setuid/setgid for u/g; `t` sets the sticky bit when o is included; `=` first clears the
 * class's rwx and special bits; `g=u` copies another class's current rwx bits.
 */
export function applyChmod(spec: ChmodSpec, mode: number, isDirectory: boolean): number {
  if (spec.kind === "octal") return spec.mode;
  const original = mode & 0o7777;
  let cur = original;
  for (const clause of spec.clauses) {
    const who = clause.who === "" || clause.who.includes("a") ? "ugo" : clause.who;
    let classMask = 0;
    for (const w of who) classMask |= CLASS_BITS[w];
    for (const act of clause.actions) {
      let bits = 0;
      if (act.copy !== undefined) {
        const src = (cur >> SHIFT[act.copy]) & 7;
        for (const w of who) bits |= src << SHIFT[w];
      } else {
        for (const p of act.perms) {
          if (p === "r") bits |= 0o444 & classMask;
          else if (p === "w") bits |= 0o222 & classMask;
          else if (p === "x") bits |= 0o111 & classMask;
          else if (p === "X") {
            if (isDirectory || (original & 0o111) !== 0) bits |= 0o111 & classMask;
          } else if (p === "s") {
            if (who.includes("u")) bits |= 0o4000;
            if (who.includes("g")) bits |= 0o2000;
          } else if (p === "t") {
            if (who.includes("o")) bits |= 0o1000;
          }
        }
      }
      if (act.op === "+") cur |= bits;
      else if (act.op === "-") cur &= ~bits;
      else {
        let clear = classMask;
        if (who.includes("u")) clear |= 0o4000;
        if (who.includes("g")) clear |= 0o2000;
        if (who.includes("o")) clear |= 0o1000;
        cur = (cur & ~clear) | bits;
      }
    }
  }
  return cur & 0o7777;
}
