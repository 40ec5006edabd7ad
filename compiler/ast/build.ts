// CST → AST for one file: dispatches each instruction to its family module, maps lexer and parser
// problems to catalogued diagnostics. Never throws.
import type { IToken } from "chevrotain";
import { KEYWORD_IMAGES, Lexer, type ArgsPayload, type HeredocPayload, type LexProblem, type LexResult } from "../../grammar/lexer.js";
import type { DirectivePayload } from "../../grammar/lexer.js";
import type { SpecCstNode, InstructionCstNode } from "../../grammar/cst.js";
import { parse, type ParseResult } from "../../grammar/parser.js";
import { KEYWORDS } from "../../grammar/tokens.js";
import { didYouMean } from "../diagnostics/didYouMean.js";
import type { DiagnosticBag } from "../diagnostics/diagnostic.js";
import { buildCmd, buildHealthcheck, buildRun, buildShell } from "./command.js";
import { buildCopy } from "./copy.js";
import { buildFrom } from "./from.js";
import { buildKeyValue } from "./keyValue.js";
import { RawInstruction, type AstContext } from "./raw.js";
import { buildList, buildString } from "./simple.js";
import type { FileAst, Instruction } from "./types.js";

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
    heredocs?.map((h) => h.payload as HeredocPayload) ?? [],
  );
}

const FORBIDDEN_TRIGGERS = new Set(["ONBUILD", "FROM", "MAINTAINER", "INCLUDE"]);

function buildOne(ctx: AstContext, node: InstructionCstNode): Instruction {
  const c = node.children;
  const onbuild = c.Onbuild?.[0];
  if (onbuild === undefined) return buildInstruction(rawOf(ctx, c.Keyword![0]!, c.Args?.[0], c.Heredoc));
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
  const ast: FileAst = { file, escape: lexed.escape, directives: [], instructions: [] };
  addParsed(ast, { file, path, escape: lexed.escape, diags }, parsed);
  return ast;
}

/**
 * Instructions per lexer+parser round in `parseFileAst`: small enough that a round's tokens and
 * CST die young (garbage once its instructions are built, before the next minor GC), large enough
 * that the per-call cost of the parser is negligible.
 */
const CHUNK_INSTRUCTIONS = 1024;

/**
 * Lexes, parses and builds a file's AST, a chunk of instructions at a time. Gives the same CST and
 * diagnostics as `buildFileAst(…, parse(lex(text).tokens), …)`, since the grammar is a list of
 * self-contained instructions and each chunk is whole instructions. Lexing and parsing a whole
 * large spec first kept every token and CST node alive through several minor GCs, which copied
 * and promoted them all (bench/compile: GC was about a third of the compile time).
 */
export function parseFileAst(file: number, path: string, text: string, diags: DiagnosticBag): FileAst {
  const lexer = new Lexer(text);
  const ast: FileAst = { file, escape: lexer.escape, directives: [], instructions: [] };
  const ctx: AstContext = { file, path, escape: lexer.escape, diags };
  for (;;) {
    const tokens: IToken[] = [];
    const more = lexer.next(tokens, CHUNK_INSTRUCTIONS);
    if (tokens.length > 0) addParsed(ast, ctx, parse(tokens));
    if (!more) break;
  }
  reportLexProblems(lexer.problems, path, diags);
  return ast;
}

/** Adds the directives and instructions of one parsed token run to `ast`, reporting parse errors. */
function addParsed(ast: FileAst, ctx: AstContext, parsed: ParseResult): void {
  for (const e of parsed.errors) {
    const t = e.token;
    const off = Number.isFinite(t.startOffset) ? t.startOffset : 0;
    ctx.diags.report("syntaxError", ctx.path, off, t.image?.length ?? 0, [e.message]);
  }
  const cst = parsed.cst as SpecCstNode;
  const file = ctx.file;
  for (const t of cst.children.Directive ?? []) {
    const p = t.payload as DirectivePayload;
    ast.directives.push({ key: p.key, value: p.value, span: { file, offset: t.startOffset, length: t.image.length } });
  }
  const instructions = ast.instructions;
  for (const node of cst.children.instruction ?? []) {
    if (node.recoveredNode) continue;
    if (node.children.Onbuild === undefined && node.children.Keyword === undefined) continue;
    instructions.push(buildOne(ctx, node));
  }
}
