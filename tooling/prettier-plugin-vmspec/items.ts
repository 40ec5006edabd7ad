// Cuts an instruction's argument text into printable items (flags, words, JSON arrays, verbatim
// text) in canonical form, using the compiler's own word and flag splitters so that re-parsing the
// printed text yields the same words.
import { DiagnosticBag } from "../../compiler/diagnostics/diagnostic.js";
import { extractFlags, FLAG_TABLE } from "../../compiler/ast/flags.js";
import { RawInstruction, splitShellWords, splitWhitespace } from "../../compiler/ast/raw.js";
import type { Word } from "../../compiler/ast/types.js";
import { parseExecForm } from "../../compiler/words/execForm.js";
import type { EscapeChar } from "../../grammar/lexer.js";
import { KEYWORDS } from "../../grammar/tokens.js";

/** One printable piece of an instruction's arguments. */
export interface Item {
  /** [start, end) of the piece in the original argument text. */
  start: number;
  end: number;
  /** The canonical text to print (for verbatim items: the original text, see `verbatim`). */
  text: string;
  /** True when the text must be kept byte for byte, including the whitespace at line breaks in it. */
  verbatim: boolean;
}

/** Instructions whose arguments after the flags are one string taken as written. */
const STRING_KEYWORDS = new Set(["USER", "WORKDIR", "STOPSIGNAL", "MAINTAINER", "NETWORK", "INCLUDE", "KERNEL"]);

/** Canonical exec form: a JSON array with `", "` between elements (DOCKERFILE.md J1). */
export function printJsonArray(args: readonly string[]): string {
  return `[${args.map((a) => JSON.stringify(a)).join(", ")}]`;
}

/** A flag value that needs no quoting: no blanks, quotes or backslashes. */
const PLAIN = /^[^\s'"\\]*$/;

function rawOf(args: string, keyword: string, escape: EscapeChar): RawInstruction {
  const ctx = { file: 0, path: "", escape, diags: new DiagnosticBag() };
  return new RawInstruction(ctx, keyword, keyword, { file: 0, offset: 0, length: 0 }, args, 0, null, []);
}

function wordItem(w: Word): Item {
  return { start: w.span.offset, end: w.span.offset + w.span.length, text: w.text, verbatim: false };
}

function verbatim(args: string, start: number, end = args.length): Item {
  return { start, end, text: args.slice(start, end), verbatim: true };
}

/** Items of a command (RUN/CMD/ENTRYPOINT/SHELL/HEALTHCHECK CMD): a canonical JSON array or verbatim shell text. */
function command(args: string, from: number): Item[] {
  if (from >= args.length) return [];
  const r = parseExecForm(args.slice(from));
  if (r.kind === "exec") return [{ start: from, end: args.length, text: printJsonArray(r.args), verbatim: false }];
  return [verbatim(args, from)];
}

/**
 * The canonical items of `args` for instruction `keyword` (upper case), flags first in the order of
 * the keyword's flag table (unknown flags last, repeated flags in their written order). Returns
 * null when the instruction is unknown (the caller keeps its text verbatim).
 */
export function itemsOf(keyword: string, args: string, escape: EscapeChar): Item[] | null {
  const table = FLAG_TABLE[keyword];
  if (!isKnown(keyword)) return null;
  const raw = rawOf(args, keyword, escape);
  const { flags, rest } = extractFlags(raw);
  const order = Object.keys(table ?? {});
  const flagItems = flags.map((f, i) => {
    const start = f.span.offset;
    const end = start + f.span.length;
    const text = f.value === null ? `--${f.name}` : PLAIN.test(f.name + f.value) ? `--${f.name}=${f.value}` : args.slice(start, end);
    const rank = order.indexOf(f.name);
    return { item: { start, end, text, verbatim: false } as Item, key: (rank < 0 ? order.length : rank) * 1e6 + i };
  });
  flagItems.sort((a, b) => a.key - b.key);
  const out: Item[] = flagItems.map((f) => f.item);
  // A `--` that ends the flags stays (the next word may start with `--`).
  const lastEnd = flags.length > 0 ? flags[flags.length - 1]!.span.offset + flags[flags.length - 1]!.span.length : 0;
  const between = args.slice(lastEnd, rest).trim();
  if (between.length > 0) {
    const s = args.indexOf(between, lastEnd);
    out.push({ start: s, end: s + between.length, text: between, verbatim: false });
  }
  if (rest >= args.length) return out;
  switch (keyword) {
    case "RUN":
    case "CMD":
    case "ENTRYPOINT":
    case "SHELL":
      return [...out, ...command(args, rest)];
    case "HEALTHCHECK": {
      let i = rest;
      while (i < args.length && !/\s/.test(args[i]!)) i++;
      const type = args.slice(rest, i).toUpperCase();
      if (type === "CMD") {
        let j = i;
        while (j < args.length && /\s/.test(args[j]!)) j++;
        return [...out, { start: rest, end: i, text: "CMD", verbatim: false }, ...command(args, j)];
      }
      if (type === "NONE" && i >= args.length) return [...out, { start: rest, end: i, text: "NONE", verbatim: false }];
      return [...out, verbatim(args, rest)];
    }
    case "COPY":
    case "ADD":
    case "VOLUME": {
      if (args[rest] === "[") {
        const r = parseExecForm(args.slice(rest));
        if (r.kind === "exec") return [...out, { start: rest, end: args.length, text: printJsonArray(r.args), verbatim: false }];
        if (r.kind === "error") return [...out, verbatim(args, rest)];
      }
      return [...out, ...splitWhitespace(raw, rest).map(wordItem)];
    }
    case "FROM": {
      const words = splitWhitespace(raw, rest).map(wordItem);
      if (words.length === 3 && words[1]!.text.toLowerCase() === "as") words[1]!.text = "AS";
      return [...out, ...words];
    }
    case "ENV":
    case "LABEL": {
      const words = splitShellWords(raw, rest);
      if (words.length > 1 && !words[0]!.text.includes("=")) {
        // Legacy `ENV key value…`: the value is the rest of the line as written.
        return [...out, wordItem(words[0]!), verbatim(args, words[1]!.span.offset)];
      }
      return [...out, ...words.map(wordItem)];
    }
    case "ARG":
    case "MACHINE":
      return [...out, ...splitShellWords(raw, rest).map(wordItem)];
    case "EXPOSE":
    case "PUBLISH":
    case "PACKAGES":
      return [...out, ...splitWhitespace(raw, rest).map(wordItem)];
    default:
      if (STRING_KEYWORDS.has(keyword)) return [...out, verbatim(args, rest)];
      return null;
  }
}

const KNOWN: ReadonlySet<string> = new Set(KEYWORDS);

/** True for an instruction keyword vmspec knows (upper case; ONBUILD is handled by the caller). */
export function isKnown(keyword: string): boolean {
  return KNOWN.has(keyword);
}
