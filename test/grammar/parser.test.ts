// The chevrotain parser over lexer tokens: CST shape, reuse of one instance, error recovery.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { lex } from "../../grammar/lexer.js";
import { parse, parserInstance } from "../../grammar/parser.js";
import { Args, keywordTokens } from "../../grammar/tokens.js";
import type { SpecCstNode } from "../../grammar/cst.js";
import { buildFileAst, parseFileAst } from "../../compiler/ast/build.js";
import { DiagnosticBag } from "../../compiler/diagnostics/diagnostic.js";

test("one CST instruction node per instruction, with its tokens", () => {
  const r = parse(lex("# escape=`\nFROM a\nRUN <<EOF\nx\nEOF\nONBUILD RUN y\n").tokens);
  assert.equal(r.errors, []);
  const cst = r.cst as SpecCstNode;
  assert.is(cst.children.Directive!.length, 1);
  const ins = cst.children.instruction!;
  assert.is(ins.length, 3);
  assert.is(ins[1]!.children.Heredoc!.length, 1);
  assert.is(ins[2]!.children.Onbuild!.length, 1);
  assert.is(ins[2]!.children.Nested![0]!.image, "RUN");
});

test("the parser instance is reused", () => {
  assert.is(parserInstance(), parserInstance());
});

test("a token stream the grammar rejects gives VS1005 and recovery continues", () => {
  const lexed = lex("FROM a\nRUN b\n");
  // Hand-made bad stream: an Args token where an instruction must start.
  const bad = { ...lexed.tokens[1]!, tokenType: Args, tokenTypeIdx: Args.tokenTypeIdx! };
  const tokens = [bad, ...lexed.tokens];
  const parsed = parse(tokens);
  assert.ok(parsed.errors.length > 0);
  const diags = new DiagnosticBag();
  const ast = buildFileAst(0, "x", { ...lexed, tokens }, parsed, diags);
  assert.ok(diags.items.some((d) => d.code === "VS1005"));
  assert.ok(ast.instructions.length >= 1, "later instructions still parsed");
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
  const whole = buildFileAst(0, "x", lexed, parse(lexed.tokens), d1);
  const d2 = new DiagnosticBag();
  const chunked = parseFileAst(0, "x", text, d2);
  assert.is(chunked.instructions.length, whole.instructions.length);
  assert.equal(chunked, whole);
  assert.equal(d2.sorted(["x"]), d1.sorted(["x"]));
  assert.ok(d1.items.length > 1000, "the input has diagnostics in every chunk");
});

test.run();
