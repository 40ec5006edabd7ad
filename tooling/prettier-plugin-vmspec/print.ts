// Layout → formatted text: canonical keyword case, one space between items, continuation lines
// indented by four spaces, in-continuation comments kept at their break, heredocs verbatim.
import type { EscapeChar } from "../../grammar/lexer.js";
import { isKnown, itemsOf, type Item } from "./items.js";
import type { InstructionLayout, Layout, LineBreak } from "./layout.js";

/** How an instruction is printed: `normal` re-spaces its items; `verbatim` keeps its argument text as written. */
export type PrintMode = "normal" | "verbatim";

/** Indentation of continuation lines. */
export const INDENT = "    ";

/** A comment that, at the top of a file, could be read as a parser directive (DOCKERFILE.md §2). */
const DIRECTIVE_LIKE = /^#[ \t]*[a-zA-Z][a-zA-Z0-9]*[ \t]*=/;

function isBlankWs(c: number): boolean {
  return c === 32 || c === 9;
}

/** Prints a whole layout; `modes[i]` applies to the i-th instruction. Lines end with `\n`. */
export function printLayout(layout: Layout, modes: readonly PrintMode[]): string {
  const out: string[] = [];
  let pendingBlank = false;
  let leadingBlank = false;
  let n = 0;
  for (const node of layout.nodes) {
    if (node.kind === "blank") {
      if (out.length > 0) pendingBlank = true;
      else leadingBlank = true;
      continue;
    }
    if (out.length === 0 && leadingBlank && node.kind === "comment" && DIRECTIVE_LIKE.test(node.text)) out.push("");
    if (pendingBlank) out.push("");
    pendingBlank = false;
    if (node.kind === "directive") out.push(`# ${node.key}=${node.value}`);
    else if (node.kind === "comment") out.push(node.text);
    else out.push(...printInstruction(node, modes[n++] ?? "normal", layout.escape));
  }
  return (layout.bom ? "\ufeff" : "") + (out.length > 0 ? out.join("\n") + "\n" : "");
}

/** The keyword(s) of an instruction in canonical case (unknown keywords stay as written). */
function head(ins: InstructionLayout): { head: string; keyword: string } {
  const kw = ins.keyword.toUpperCase();
  if (kw !== "ONBUILD") return { head: isKnown(kw) ? kw : ins.keyword, keyword: kw };
  if (ins.nested === null) return { head: "ONBUILD", keyword: "" };
  const nested = ins.nested.toUpperCase();
  return { head: `ONBUILD ${isKnown(nested) ? nested : ins.nested}`, keyword: nested };
}

/** Prints one instruction (its physical lines, heredoc bodies last). */
export function printInstruction(ins: InstructionLayout, mode: PrintMode, escape: EscapeChar): string[] {
  const { head: h, keyword } = head(ins);
  const args = ins.args;
  let items: Item[] | null = mode === "normal" && args.length > 0 ? itemsOf(keyword, args, escape) : null;
  if (items === null) items = args.length > 0 ? [{ start: 0, end: args.length, text: args, verbatim: true }] : [];
  // Attach each original break to the item it falls before, or inside (verbatim items keep it).
  const byStart = items.slice().sort((a, b) => a.start - b.start);
  const before = new Map<Item, string[]>();
  const inside = new Map<Item, LineBreak[]>();
  const lines: string[] = [];
  const trailing = [...ins.trailingComments];
  for (const b of ins.breaks) {
    const within = byStart.find((it) => it.start < b.at && b.at < it.end);
    if (within !== undefined && within.verbatim) {
      const list = inside.get(within) ?? [];
      list.push(b);
      inside.set(within, list);
      continue;
    }
    const target = within ?? byStart.find((it) => it.start >= b.at) ?? byStart[byStart.length - 1];
    if (target === undefined) {
      trailing.unshift(...b.comments);
      continue;
    }
    const list = before.get(target) ?? [];
    list.push(...b.comments);
    before.set(target, list);
  }
  let cur = h;
  for (const it of items) {
    const comments = before.get(it);
    if (comments !== undefined) {
      lines.push(`${cur} ${escape}`);
      for (const c of comments) lines.push(INDENT + c);
      cur = INDENT;
    } else {
      cur += " ";
    }
    const internal = inside.get(it);
    if (internal === undefined) {
      cur += it.text;
      continue;
    }
    // Verbatim text with line breaks in it: keep every character; the blanks around each break are
    // split between the end of the line (before the escape) and the indentation of the next one.
    const cuts = mergeBlankSegments(args, internal, it.end);
    let s = it.start;
    for (let k = 0; k < cuts.length; k++) {
      const at = cuts[k]!.at;
      const nextAt = k + 1 < cuts.length ? cuts[k + 1]!.at : it.end;
      let t = at;
      while (t > s && isBlankWs(args.charCodeAt(t - 1))) t--;
      let l = at;
      while (l < nextAt && isBlankWs(args.charCodeAt(l))) l++;
      const ws = args.slice(t, l);
      const split = ws.length >= INDENT.length + 1 ? ws.length - INDENT.length : Math.min(1, ws.length);
      lines.push(cur + args.slice(s, t) + ws.slice(0, split) + escape);
      for (const c of cuts[k]!.comments) lines.push(INDENT + c);
      cur = ws.slice(split);
      s = l;
    }
    cur += args.slice(s, it.end);
  }
  lines.push(cur);
  lines.push(...trailing);
  lines.push(...ins.heredocLines);
  return lines;
}

/** Sorts breaks and merges a break whose preceding segment is only blanks into the one before it. */
function mergeBlankSegments(args: string, breaks: readonly LineBreak[], end: number): LineBreak[] {
  const sorted = breaks.slice().sort((a, b) => a.at - b.at);
  const out: LineBreak[] = [];
  for (const b of sorted) {
    const prev = out[out.length - 1];
    if (prev !== undefined && /^[ \t]*$/.test(args.slice(prev.at, b.at))) {
      prev.comments = [...prev.comments, ...b.comments];
      continue;
    }
    if (b.at >= end) continue;
    out.push({ at: b.at, comments: b.comments.slice() });
  }
  return out;
}
