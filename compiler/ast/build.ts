// CST → AST for one file: dispatches each instruction to its family module, maps lexer and parser
// problems to catalogued diagnostics. Never throws.
import type { IToken } from "chevrotain";
import { KEYWORD_IMAGES, Lexer, type ArgsPayload, type HeredocPayload, type LexProblem, type LexResult } from "../../grammar/lexer.js";
import type { DirectivePayload } from "../../grammar/lexer.js";
import type { SpecCstNode, InstructionCstNode } from "../../grammar/cst.js";
import { parse, type ParseResult } from "../../grammar/parser.js";
import { KEYWORDS, keywordTokens } from "../../grammar/tokens.js";
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

function rawOf(ctx: AstContext, kw: IToken, args: IToken | undefined, heredocs: IToken[] | undefined): RawInstruction {
  const payload = args?.payload as ArgsPayload | undefined;
  return new RawInstruction(
    ctx,
    KEYWORD_IMAGES.get(kw.image) ?? kw.image.toUpperCase(),
    kw.image,
    { file: ctx.file, offset: kw.startOffset, length: kw.image.length },
    args?.image ?? "",
    args?.startOffset ?? kw.startOffset + kw.image.length,
    payload?.segments ?? null,
    heredocs === undefined ? NO_HEREDOC_PAYLOADS : heredocs.map((h) => h.payload as HeredocPayload),
  );
}

const FORBIDDEN_TRIGGERS = new Set(["ONBUILD", "FROM", "MAINTAINER", "INCLUDE"]);

/** Builds an `ONBUILD <instruction>` node (with its trigger) from the CST. */
function buildOnbuild(ctx: AstContext, node: InstructionCstNode, onbuild: IToken): Instruction {
  const c = node.children;
  const span = { file: ctx.file, offset: onbuild.startOffset, length: onbuild.image.length };
  const nested = c.Nested?.[0];
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
  if (nested === undefined) {
    ctx.diags.report("onbuildMissing", ctx.path, span.offset, span.length);
    return result;
  }
  const raw = rawOf(ctx, nested, c.Args?.[0], c.Heredoc);
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

/** Builds a file's AST from its lex and parse results; reports lexer, parser and per-instruction diagnostics. */
export function buildFileAst(
  file: number,
  path: string,
  lexed: LexResult,
  parsed: ParseResult,
  diags: DiagnosticBag,
): FileAst {
  reportLexProblems(lexed.problems, path, diags);
  const loaded = new LoadedFile({ file, path, escape: lexed.escape, diags }, null);
  addParsed(loaded, parsed);
  return astOf(loaded);
}

/**
 * Instructions per lexer+parser round in `loadFile`: small enough that a round's tokens and CST die
 * young (garbage once its instructions are recorded, before the next minor GC), large enough that
 * the per-call cost of the parser is negligible.
 */
const CHUNK_INSTRUCTIONS = 1024;

/**
 * Keyword and node kind of each known keyword's token type, by `tokenTypeIdx`. Every keyword
 * builds the node kind of its own name in lower case (buildInstruction; test/compiler/program.test.ts
 * checks each one).
 */
const KEYWORD_BY_TOKEN: readonly ({ keyword: string; kind: Instruction["kind"] } | undefined)[] = (() => {
  const table: ({ keyword: string; kind: Instruction["kind"] } | undefined)[] = [];
  for (const keyword of KEYWORDS) {
    const lower = keyword.toLowerCase();
    table[keywordTokens.get(lower)!.tokenTypeIdx!] = { keyword, kind: lower as Instruction["kind"] };
  }
  return table;
})();

/**
 * Kinds built when a file is loaded: what is read before lowering reaches it (FROM splits stages,
 * MACHINE arch sets platforms, INCLUDE pulls in files), plus ONBUILD (built with its nested
 * instruction from the CST) and unknown keywords (rare).
 */
function isBuiltOnLoad(kind: Instruction["kind"]): boolean {
  return kind === "from" || kind === "machine" || kind === "include" || kind === "unknown" || kind === "onbuild";
}

/**
 * What a raw instruction has beyond its keyword and offsets, kept only when it has any: the
 * keyword as written when it is not the usual upper-case spelling, the argument text when it is
 * not a plain slice of the source (it joins continuation lines, with segments mapping it back),
 * and heredocs.
 */
interface RawRest {
  word: string | null;
  text: string | null;
  segments: readonly number[] | null;
  heredocs: readonly HeredocPayload[];
}

/**
 * One lexed and parsed file whose instructions are mostly not built yet. A compile keeps every
 * instruction of a program until lowering reaches it; as typed AST nodes that was ~560 bytes and
 * ~10 objects per instruction, and every minor GC of the compile copied them (bench/compile: the
 * AST was 60% of what a compile kept alive). So only the kinds lowering must see ahead of time are
 * built when the file is loaded (`isBuiltOnLoad`); of the others the file keeps the keyword and
 * three numbers in flat arrays (plus a `RawRest` for the few with more), and `node(i)` builds the
 * instruction, slicing its text from the source and reporting its diagnostics, when lowering
 * reaches it; the node then dies young.
 */
export class LoadedFile {
  readonly directives: DirectiveNode[] = [];
  /** Per instruction: the node kind. */
  private readonly kinds: Instruction["kind"][] = [];
  /** Per instruction: the upper-case keyword (one of the lexer's constants when known). */
  private readonly keywords: string[] = [];
  /** Per instruction: source offset of the keyword, then start offset and length of the argument text. */
  private offsets = new Int32Array(3 * 64);
  /** Per instruction: the node if it was built when loaded, else null. */
  private readonly built: (Instruction | null)[] = [];
  /** Per instruction: what else it has (see `RawRest`), or null. */
  private readonly rest: (RawRest | null)[] = [];

  /**
   * `source` is the file's text; null when it is not at hand (`buildFileAst`), and then every
   * argument text is kept as the lexer made it.
   */
  constructor(
    readonly ctx: AstContext,
    private readonly source: string | null,
  ) {}

  get escape(): "\\" | "`" {
    return this.ctx.escape;
  }
  /** Number of instructions. */
  get length(): number {
    return this.kinds.length;
  }

  /** The kind of instruction `i`, without building it. */
  kind(i: number): Instruction["kind"] {
    return this.kinds[i]!;
  }

  /** The upper-case keyword of instruction `i` (the word upper-cased when it is unknown). */
  keyword(i: number): string {
    return this.keywords[i]!;
  }

  /** Instruction `i`'s keyword as written, or null when it is the usual upper-case spelling. */
  spelling(i: number): string | null {
    const node = this.built[i];
    if (node != null) return node.word === node.word.toUpperCase() ? null : node.word;
    return this.rest[i]?.word ?? null;
  }

  /** The span of instruction `i`'s keyword, without building the instruction. */
  keywordSpan(i: number): Span {
    return { file: this.ctx.file, offset: this.offsets[3 * i]!, length: (this.spelling(i) ?? this.keywords[i]!).length };
  }

  /**
   * The node of instruction `i`. A raw instruction is built on each call, reporting its
   * diagnostics (the bag drops repeats); the compiler builds each one once per use.
   */
  node(i: number): Instruction {
    return this.built[i] ?? buildInstruction(this.raw(i));
  }

  /** Adds an instruction from its CST tokens, building it now if its kind needs that. */
  add(kw: IToken, args: IToken | undefined, heredocs: IToken[] | undefined): void {
    const word = kw.image;
    // A known keyword's token type says which it is (no string hashing); others are upper-cased.
    const known = KEYWORD_BY_TOKEN[kw.tokenTypeIdx!];
    const keyword = known?.keyword ?? word.toUpperCase();
    const kind = known?.kind ?? "unknown";
    const i = this.kinds.length;
    this.kinds.push(kind);
    this.keywords.push(keyword);
    const text = args?.image ?? "";
    this.setOffsets(i, kw.startOffset, args?.startOffset ?? kw.startOffset + word.length, text.length);
    const segments = (args?.payload as ArgsPayload | undefined)?.segments ?? null;
    // The lexer's contract (grammar/lexer.ts): an Args token without segments is the source text
    // at its offset, verbatim, so it need not be kept.
    const keepText = segments !== null || this.source === null;
    if (word !== keyword || keepText || heredocs !== undefined) {
      this.rest.push({
        word: word !== keyword ? word : null,
        text: keepText ? text : null,
        segments,
        heredocs: heredocs === undefined ? NO_HEREDOC_PAYLOADS : heredocs.map((h) => h.payload as HeredocPayload),
      });
    } else {
      this.rest.push(null);
    }
    this.built.push(isBuiltOnLoad(kind) ? buildInstruction(this.raw(i)) : null);
  }

  /** Adds an instruction built by the caller (ONBUILD). */
  addBuilt(node: Instruction): void {
    this.kinds.push(node.kind);
    this.keywords.push(node.keyword);
    this.setOffsets(this.kinds.length - 1, node.span.offset, node.span.offset, 0);
    this.rest.push(null);
    this.built.push(node);
  }

  /**
   * Sets instruction `i`'s offsets, growing the array as needed. A typed array rather than a
   * `number[]`: multi-argument push() was a visible share of loading (bench/compile), and the
   * numbers sit outside the GC heap.
   */
  private setOffsets(i: number, keyword: number, start: number, length: number): void {
    if (3 * i + 3 > this.offsets.length) {
      const grown = new Int32Array(2 * this.offsets.length);
      grown.set(this.offsets);
      this.offsets = grown;
    }
    this.offsets[3 * i] = keyword;
    this.offsets[3 * i + 1] = start;
    this.offsets[3 * i + 2] = length;
  }

  private raw(i: number): RawInstruction {
    const keyword = this.keywords[i]!;
    const offset = this.offsets[3 * i]!;
    const start = this.offsets[3 * i + 1]!;
    const rest = this.rest[i];
    const word = rest?.word ?? keyword;
    return new RawInstruction(
      this.ctx,
      keyword,
      word,
      { file: this.ctx.file, offset, length: word.length },
      rest?.text ?? this.source!.slice(start, start + this.offsets[3 * i + 2]!),
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
  const loaded = new LoadedFile({ file, path, escape: lexer.escape, diags }, text);
  for (;;) {
    const tokens: IToken[] = [];
    const more = lexer.next(tokens, CHUNK_INSTRUCTIONS);
    if (tokens.length > 0) addParsed(loaded, parse(tokens));
    if (!more) break;
  }
  reportLexProblems(lexer.problems, path, diags);
  return loaded;
}

/**
 * Lexes, parses and builds a file's whole AST. Gives the same CST and diagnostics as
 * `buildFileAst(…, parse(lex(text).tokens), …)`, since the grammar is a list of self-contained
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
function addParsed(loaded: LoadedFile, parsed: ParseResult): void {
  const ctx = loaded.ctx;
  for (const e of parsed.errors) {
    const t = e.token;
    const off = Number.isFinite(t.startOffset) ? t.startOffset : 0;
    ctx.diags.report("syntaxError", ctx.path, off, t.image?.length ?? 0, [e.message]);
  }
  const cst = parsed.cst as SpecCstNode;
  const file = ctx.file;
  for (const t of cst.children.Directive ?? []) {
    const p = t.payload as DirectivePayload;
    loaded.directives.push({ key: p.key, value: p.value, span: { file, offset: t.startOffset, length: t.image.length } });
  }
  for (const node of cst.children.instruction ?? []) {
    if (node.recoveredNode) continue;
    const c = node.children;
    const keyword = c.Keyword;
    if (keyword !== undefined) loaded.add(keyword[0]!, c.Args?.[0], c.Heredoc);
    else if (c.Onbuild !== undefined) loaded.addBuilt(buildOnbuild(ctx, node, c.Onbuild[0]!));
  }
}
