// The chevrotain parser over lexer tokens: CST shape, reuse of one instance, error recovery.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { lex, type InstructionToken } from "../../grammar/lexer.js";
import { parse, parserInstance } from "../../grammar/parser.js";
import { Directive, keywordTokens } from "../../grammar/tokens.js";
import type { SpecCstNode } from "../../grammar/cst.js";
import { buildFileAst, parseFileAst } from "../../compiler/ast/build.js";
import { DiagnosticBag } from "../../compiler/diagnostics/diagnostic.js";

test("the CST lists the directives and, in order, one Instruction token per instruction", () => {
  const r = parse(lex("# escape=`\nFROM a\nRUN <<EOF\nx\nEOF\nONBUILD RUN y\n").tokens);
  assert.equal(r.errors, []);
  const cst = r.cst as SpecCstNode;
  assert.is(cst.children.Directive!.length, 1);
  const ins = cst.children.Instruction! as InstructionToken[];
  assert.equal(ins.map((t) => t.tokenType.name), ["FROM", "RUN", "Onbuild"]);
  assert.is(ins[1]!.heredocs!.length, 1);
  assert.is(ins[2]!.nested!.image, "RUN");
});

test("the parser instance is reused", () => {
  assert.is(parserInstance(), parserInstance());
});

test("a token stream the grammar rejects gives VS1005 and recovery continues", () => {
  const text = "FROM a\nRUN b\nUSER c\n";
  const lexed = lex(text);
  // Hand-made bad stream: a Directive token after the first instruction (directives come first).
  const bad = { ...lexed.tokens[1]!, tokenType: Directive, tokenTypeIdx: Directive.tokenTypeIdx!, payload: { key: "x", value: "y", keyOffset: 0, valueOffset: 0 } };
  const tokens = [lexed.tokens[0]!, bad, ...lexed.tokens.slice(1)];
  const parsed = parse(tokens);
  assert.ok(parsed.errors.length > 0);
  const diags = new DiagnosticBag();
  const ast = buildFileAst(0, "x", text, { ...lexed, tokens }, parsed, diags);
  const syntax = diags.items.filter((d) => d.code === "VS1005");
  assert.is(syntax.length, 1);
  assert.is(syntax[0]!.offset, bad.startOffset, "reported at the stray token");
  assert.equal(ast.instructions.map((i) => i.keyword), ["FROM", "RUN", "USER"], "the instructions after it still parsed");
  assert.equal(ast.directives, [], "the stray token is skipped, not taken as a directive");
});

test("every keyword has its own token type", () => {
  assert.ok(keywordTokens.get("machine") !== undefined);
  assert.is(new Set(keywordTokens.values()).size, keywordTokens.size);
});

test("parsing in chunks gives the same AST and diagnostics as one parse of the whole file", () => {
  // Several chunks' worth of instructions, with directives, heredocs, continuations, ONBUILD,
  // unknown keywords and lexer problems spread over them.
  const parts = ["# escape=\\\n# escape=`\nFROM a AS b\n"];
  for (let i = 0; i < 3000; i++) {
    const k = i % 7;
    parts.push(
      k === 0 ? `RUN <<EOF\necho ${i}\nEOF\n`
      : k === 1 ? `ONBUILD RUN x${i}\n`
      : k === 2 ? `COPY a${i} \\\n  /b/\n`
      : k === 3 ? `FRMO x${i}\n`
      : k === 4 ? `ENV A${i}=1 \\\n\n  B=2\n`
      : k === 5 ? `# comment\n\nWORKDIR /w${i}\n`
      : `ONBUILD\n`,
    );
  }
  const text = parts.join("");
  const lexed = lex(text);
  const d1 = new DiagnosticBag();
  const whole = buildFileAst(0, "x", text, lexed, parse(lexed.tokens), d1);
  const d2 = new DiagnosticBag();
  const chunked = parseFileAst(0, "x", text, d2);
  assert.is(chunked.instructions.length, whole.instructions.length);
  assert.equal(chunked, whole);
  assert.equal(d2.sorted(["x"]), d1.sorted(["x"]));
  assert.ok(d1.items.length > 1000, "the input has diagnostics in every chunk");
});

test.run();
