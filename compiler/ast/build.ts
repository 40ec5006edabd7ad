// CST → AST for one file: dispatches each instruction to its family module, maps lexer and parser
// problems to catalogued diagnostics. Never throws.
import type { IToken } from "chevrotain";
import { argsText, joinedText, KEYWORD_IMAGES, Lexer, type HeredocPayload, type InstructionToken, type LexProblem, type LexResult } from "../../grammar/lexer.js";
import type { DirectivePayload } from "../../grammar/lexer.js";
import type { SpecCstNode } from "../../grammar/cst.js";
import { parse, type ParseResult } from "../../grammar/parser.js";
import { KEYWORDS, keywordTokens, Onbuild } from "../../grammar/tokens.js";
import { didYouMean } from "../diagnostics/didYouMean.js";
import type { DiagnosticBag } from "../diagnostics/diagnostic.js";
import { buildCmd, buildHealthcheck, buildRun, buildShell } from "./command.js";
import { buildCopy } from "./copy.js";
import { buildFrom } from "./from.js";
import { buildKeyValue } from "./keyValue.js";
import { RawInstruction, type AstContext } from "./raw.js";
import { buildList, buildString } from "./simple.js";
import type { DirectiveNode, FileAst, Instruction, Span } from "./types.js";

const ALL_KEYWORDS = [...KEYWORDS, "ONBUILD"];

/** Builds the typed node for one raw instruction (keyword already upper-cased). */
export function buildInstruction(raw: RawInstruction): Instruction {
  switch (raw.keyword) {
    case "FROM": return buildFrom(raw);
    case "RUN": return buildRun(raw);
    case "CMD": return buildCmd(raw, "cmd");
    case "ENTRYPOINT": return buildCmd(raw, "entrypoint");
    case "SHELL": return buildShell(raw);
    case "HEALTHCHECK": return buildHealthcheck(raw);
    case "COPY": return buildCopy(raw, "copy");
    case "ADD": return buildCopy(raw, "add");
    case "ENV": return buildKeyValue(raw, "env");
    case "LABEL": return buildKeyValue(raw, "label");
    case "ARG": return buildKeyValue(raw, "arg");
    case "EXPOSE": return buildList(raw, "expose");
    case "VOLUME": return buildList(raw, "volume");
    case "PUBLISH": return buildList(raw, "publish");
    case "PACKAGES": return buildList(raw, "packages");
    case "MACHINE": return buildList(raw, "machine");
    case "USER": return buildString(raw, "user");
    case "WORKDIR": return buildString(raw, "workdir");
    case "STOPSIGNAL": return buildString(raw, "stopsignal");
    case "NETWORK": return buildString(raw, "network");
    case "INCLUDE": return buildString(raw, "include");
    case "KERNEL": return buildString(raw, "kernel");
    case "MAINTAINER": {
      const node = buildString(raw, "maintainer");
      raw.report("maintainerDeprecated", raw.keywordSpan);
      return node;
    }
    default: {
      const near = didYouMean(raw.word, ALL_KEYWORDS);
      raw.report("unknownInstruction", raw.keywordSpan, [raw.word], near ? `Did you mean ${near}?` : undefined);
      return {
        kind: "unknown",
        keyword: "UNKNOWN",
        word: raw.word,
        span: raw.fullSpan(),
        keywordSpan: raw.keywordSpan,
        flags: [],
        heredocs: raw.heredocs(),
      };
    }
  }
}

/** The heredoc payloads of the many instructions without heredocs (one shared, never-mutated list). */
const NO_HEREDOC_PAYLOADS: readonly HeredocPayload[] = Object.freeze([]);

/** The raw instruction of an instruction token lexed from `source`, whose upper-case keyword is `keyword`. */
function rawOf(ctx: AstContext, source: string, t: InstructionToken, keyword: string): RawInstruction {
  return new RawInstruction(
    ctx,
    keyword,
    t.image,
    { file: ctx.file, offset: t.startOffset, length: t.image.length },
    argsText(source, t),
    t.argsStart,
    t.segments,
    t.heredocs ?? NO_HEREDOC_PAYLOADS,
  );
}

const FORBIDDEN_TRIGGERS = new Set(["ONBUILD", "FROM", "MAINTAINER", "INCLUDE"]);

/** Builds an `ONBUILD <instruction>` node (with its trigger) from its token. */
function buildOnbuild(ctx: AstContext, source: string, onbuild: InstructionToken): Instruction {
  const span = { file: ctx.file, offset: onbuild.startOffset, length: onbuild.image.length };
  const nested = onbuild.nested;
  const result: Instruction = {
    kind: "onbuild",
    keyword: "ONBUILD",
    word: onbuild.image,
    span,
    keywordSpan: span,
    flags: [],
    heredocs: [],
    trigger: null,
    triggerText: "",
  };
  if (nested === null) {
    ctx.diags.report("onbuildMissing", ctx.path, span.offset, span.length);
    return result;
  }
  const raw = rawOf(ctx, source, nested, KEYWORD_IMAGES.get(nested.image) ?? nested.image.toUpperCase());
  const end = raw.fullSpan();
  result.span = { file: ctx.file, offset: span.offset, length: end.offset + end.length - span.offset };
  result.triggerText = raw.text.length > 0 ? `${nested.image} ${raw.text}` : nested.image;
  for (const h of raw.heredocPayloads) result.triggerText += `\n${h.content}${h.name}`;
  if (FORBIDDEN_TRIGGERS.has(raw.keyword)) {
    ctx.diags.report(raw.keyword === "INCLUDE" ? "includeInOnbuild" : "onbuildForbidden", ctx.path, nested.startOffset, nested.image.length, [raw.keyword]);
    return result;
  }
  result.trigger = buildInstruction(raw);
  return result;
}

/** Maps lexer problems to diagnostics. */
export function reportLexProblems(problems: readonly LexProblem[], path: string, diags: DiagnosticBag): void {
  for (const p of problems) {
    diags.report(p.kind, path, p.offset, p.length, p.arg !== undefined ? [p.arg] : []);
  }
}

/**
 * Builds a file's AST from its source text and the results of lexing and parsing it; reports lexer,
 * parser and per-instruction diagnostics.
 */
export function buildFileAst(
  file: number,
  path: string,
  text: string,
  lexed: LexResult,
  parsed: ParseResult,
  diags: DiagnosticBag,
): FileAst {
  reportLexProblems(lexed.problems, path, diags);
  const loaded = new LoadedFile({ file, path, escape: lexed.escape, diags }, text);
  addParsed(loaded, text, parsed);
  return astOf(loaded);
}

/**
 * Instructions per lexer+parser round in `loadFile`: small enough that a round's tokens and CST die
 * young (garbage once its instructions are recorded, before the next minor GC), large enough that
 * the per-call cost of the parser is negligible.
 */
const CHUNK_INSTRUCTIONS = 1024;

/** An instruction keyword and the node kind it builds. */
interface KeywordEntry {
  keyword: string;
  kind: Instruction["kind"];
}

/**
 * Every keyword a LoadedFile records, by id: those of KEYWORDS (each builds the node kind of its own
 * name in lower case, see buildInstruction; test/compiler/program.test.ts checks each one), then
 * ONBUILD and unknown words (whose keyword is their own spelling, upper-cased).
 */
const ENTRIES: readonly KeywordEntry[] = [
  ...KEYWORDS.map((keyword) => ({ keyword, kind: keyword.toLowerCase() as Instruction["kind"] })),
  { keyword: "ONBUILD", kind: "onbuild" },
  { keyword: "UNKNOWN", kind: "unknown" },
];
const UNKNOWN_ID = ENTRIES.length - 1;

/** Entry id by token type (`tokenTypeIdx`) of a known keyword's token. */
const ID_BY_TOKEN: readonly (number | undefined)[] = (() => {
  const table: number[] = [];
  KEYWORDS.forEach((k, id) => (table[keywordTokens.get(k.toLowerCase())!.tokenTypeIdx!] = id));
  return table;
})();

/** Entry id by node kind (each kind is built by one keyword). */
const ID_BY_KIND: ReadonlyMap<Instruction["kind"], number> = new Map(ENTRIES.map((e, id) => [e.kind, id]));

/** Flag bits beside the entry id: the instruction is in `built`, or has a `RawRest`. */
const BUILT = 0x80;
const HAS_REST = 0x40;
const ID_MASK = 0x3f;

/**
 * Kinds built when a file is loaded: what is read before lowering reaches it (FROM splits stages,
 * MACHINE arch sets platforms, INCLUDE pulls in files), plus ONBUILD (built with its nested
 * instruction from its token) and unknown keywords (rare).
 */
function isBuiltOnLoad(kind: Instruction["kind"]): boolean {
  return kind === "from" || kind === "machine" || kind === "include" || kind === "unknown" || kind === "onbuild";
}

/**
 * What a raw instruction has beyond its keyword and offsets, kept only when it has any: the
 * keyword as written when it is not the usual upper-case spelling, the segments of an argument
 * text that joins continuation lines (the text itself is cut from the source when built), and
 * heredocs.
 */
interface RawRest {
  word: string | null;
  segments: readonly number[] | null;
  heredocs: readonly HeredocPayload[];
}

/**
 * One lexed and parsed file whose instructions are mostly not built yet. A compile keeps every
 * instruction of a program until lowering reaches it; as typed AST nodes that was ~560 bytes and
 * ~10 objects per instruction, and every minor GC of the compile copied them (bench/compile: the
 * AST was 60% of what a compile kept alive). So only the kinds lowering must see ahead of time are
 * built when the file is loaded (`isBuiltOnLoad`); of the others the file keeps a keyword id and
 * three offsets in typed arrays (outside the GC heap: nothing for a minor GC to copy or scan),
 * plus a `RawRest` for the few with more, and `node(i)` builds the instruction, cutting its text
 * from the source and reporting its diagnostics, when lowering reaches it; the node then dies young.
 */
export class LoadedFile {
  readonly directives: DirectiveNode[] = [];
  /** The indices of the INCLUDE instructions, in order. */
  readonly includes: number[] = [];
  private count = 0;
  /** Per instruction: its keyword's id in ENTRIES, with the flag bits BUILT and HAS_REST. */
  private ids = new Uint8Array(64);
  /** Per instruction: source offset of the keyword, then start offset and length of the argument text. */
  private offsets = new Int32Array(3 * 64);
  /** The nodes built when loaded, by instruction index (flag BUILT). */
  private readonly built = new Map<number, Instruction>();
  /** What the few instructions with more than a keyword and offsets have, by index (flag HAS_REST). */
  private readonly rest = new Map<number, RawRest>();

  /** `source` is the file's text, which the instruction tokens given to `add` were lexed from. */
  constructor(
    readonly ctx: AstContext,
    private readonly source: string,
  ) {}

  get escape(): "\\" | "`" {
    return this.ctx.escape;
  }
  /** Number of instructions. */
  get length(): number {
    return this.count;
  }

  /** The kind of instruction `i`, without building it. */
  kind(i: number): Instruction["kind"] {
    return ENTRIES[this.ids[i]! & ID_MASK]!.kind;
  }

  /** The upper-case keyword of instruction `i` (the word upper-cased when it is unknown). */
  keyword(i: number): string {
    const id = this.ids[i]! & ID_MASK;
    // Unknown keywords are built when loaded (their node's keyword is UNKNOWN; `word` is as written).
    return id === UNKNOWN_ID ? this.built.get(i)!.word.toUpperCase() : ENTRIES[id]!.keyword;
  }

  /** Instruction `i`'s keyword as written, or null when it is the usual upper-case spelling. */
  spelling(i: number): string | null {
    const flags = this.ids[i]!;
    if ((flags & BUILT) !== 0) {
      const node = this.built.get(i)!;
      return node.word === node.word.toUpperCase() ? null : node.word;
    }
    return (flags & HAS_REST) !== 0 ? this.rest.get(i)!.word : null;
  }

  /** The span of instruction `i`'s keyword, without building the instruction. */
  keywordSpan(i: number): Span {
    return { file: this.ctx.file, offset: this.offsets[3 * i]!, length: (this.spelling(i) ?? this.keyword(i)).length };
  }

  /**
   * The node of instruction `i`. A raw instruction is built on each call, reporting its
   * diagnostics (the bag drops repeats); the compiler builds each one once per use.
   */
  node(i: number): Instruction {
    return (this.ids[i]! & BUILT) !== 0 ? this.built.get(i)! : buildInstruction(this.raw(i));
  }

  /** Adds an instruction from its token, building it now if its kind needs that. */
  add(t: InstructionToken): void {
    // A known keyword's token type says which it is (no string hashing).
    const id = ID_BY_TOKEN[t.tokenTypeIdx] ?? UNKNOWN_ID;
    const i = this.push(id, t.startOffset, t.argsStart, t.argsLength);
    const kind = ENTRIES[id]!.kind;
    if (isBuiltOnLoad(kind)) {
      this.ids[i] |= BUILT;
      if (kind === "include") this.includes.push(i);
      const keyword = id === UNKNOWN_ID ? t.image.toUpperCase() : ENTRIES[id]!.keyword;
      this.built.set(i, buildInstruction(rawOf(this.ctx, this.source, t, keyword)));
    } else if (t.image !== ENTRIES[id]!.keyword || t.segments !== null || t.heredocs !== null) {
      this.ids[i] |= HAS_REST;
      const word = t.image !== ENTRIES[id]!.keyword ? t.image : null;
      this.rest.set(i, { word, segments: t.segments, heredocs: t.heredocs ?? NO_HEREDOC_PAYLOADS });
    }
  }

  /** Adds an instruction built by the caller (ONBUILD). */
  addBuilt(node: Instruction): void {
    const i = this.push(ID_BY_KIND.get(node.kind) ?? UNKNOWN_ID, node.span.offset, node.span.offset, 0);
    this.ids[i] |= BUILT;
    this.built.set(i, node);
  }

  /** Appends an instruction's id and offsets, growing the arrays as needed; returns its index. */
  private push(id: number, keyword: number, start: number, length: number): number {
    const i = this.count++;
    if (i === this.ids.length) {
      const ids = new Uint8Array(2 * i);
      ids.set(this.ids);
      this.ids = ids;
      const offsets = new Int32Array(6 * i);
      offsets.set(this.offsets);
      this.offsets = offsets;
    }
    this.ids[i] = id;
    this.offsets[3 * i] = keyword;
    this.offsets[3 * i + 1] = start;
    this.offsets[3 * i + 2] = length;
    return i;
  }

  /** The raw instruction `i` (one not built when loaded: a known keyword). */
  private raw(i: number): RawInstruction {
    const keyword = ENTRIES[this.ids[i]! & ID_MASK]!.keyword;
    const offset = this.offsets[3 * i]!;
    const start = this.offsets[3 * i + 1]!;
    const rest = (this.ids[i]! & HAS_REST) !== 0 ? this.rest.get(i)! : null;
    const word = rest?.word ?? keyword;
    return new RawInstruction(
      this.ctx,
      keyword,
      word,
      { file: this.ctx.file, offset, length: word.length },
      joinedText(this.source, start, this.offsets[3 * i + 2]!, rest?.segments ?? null),
      start,
      rest?.segments ?? null,
      rest?.heredocs ?? NO_HEREDOC_PAYLOADS,
    );
  }
}

/**
 * Lexes and parses a file a chunk of instructions at a time, building only the instructions
 * lowering needs ahead of time (see `LoadedFile`). Reports lexer and parser diagnostics, and those
 * of the instructions it builds; the others are reported when `LoadedFile.node` builds them.
 */
export function loadFile(file: number, path: string, text: string, diags: DiagnosticBag): LoadedFile {
  const lexer = new Lexer(text);
  const loaded = new LoadedFile({ file, path, escape: lexer.escape, diags, source: text }, text);
  for (;;) {
    const tokens: IToken[] = [];
    const more = lexer.next(tokens, CHUNK_INSTRUCTIONS);
    if (tokens.length > 0) addParsed(loaded, text, parse(tokens));
    if (!more) break;
  }
  reportLexProblems(lexer.problems, path, diags);
  return loaded;
}

/**
 * Lexes, parses and builds a file's whole AST. Gives the same CST and diagnostics as
 * `buildFileAst(…, text, lexed, parse(lexed.tokens), …)`, since the grammar is a list of self-contained
 * instructions and each chunk `loadFile` parses is whole instructions.
 */
export function parseFileAst(file: number, path: string, text: string, diags: DiagnosticBag): FileAst {
  return astOf(loadFile(file, path, text, diags));
}

/** The AST of a loaded file, building every instruction still raw. */
function astOf(loaded: LoadedFile): FileAst {
  const instructions: Instruction[] = [];
  for (let i = 0; i < loaded.length; i++) instructions.push(loaded.node(i));
  return { file: loaded.ctx.file, escape: loaded.escape, directives: loaded.directives, instructions };
}

/** Adds the directives and instructions of one parsed token run to `loaded`, reporting parse errors. */
function addParsed(loaded: LoadedFile, source: string, parsed: ParseResult): void {
  const ctx = loaded.ctx;
  for (const e of parsed.errors) {
    const t = e.token;
    const off = Number.isFinite(t.startOffset) ? t.startOffset : 0;
    ctx.diags.report("syntaxError", ctx.path, off, t.image?.length ?? 0, [e.message]);
  }
  const cst = parsed.cst as SpecCstNode;
  const file = ctx.file;
  for (const t of cst.children.Directive ?? []) {
    if (t.isInsertedInRecovery === true) continue;
    const p = t.payload as DirectivePayload;
    loaded.directives.push({ key: p.key, value: p.value, span: { file, offset: t.startOffset, length: t.image.length } });
  }
  for (const token of cst.children.Instruction ?? []) {
    // A token chevrotain inserted while recovering is not one the lexer made (no arguments).
    if (token.isInsertedInRecovery === true) continue;
    const t = token as InstructionToken; // the lexer makes every Instruction token an InstructionToken
    if (t.tokenType === Onbuild) loaded.addBuilt(buildOnbuild(ctx, source, t));
    else loaded.add(t);
  }
}
