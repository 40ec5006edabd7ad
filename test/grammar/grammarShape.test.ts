// The parser's rules consume exactly the tokens its hand-written result types (ParsedSpec,
// ParsedInstruction in grammar/parser.ts) have a field for: the parser builds no CST, so this test
// takes the place of generated CST typings and fails when the grammar and the types drift apart.
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { IProduction } from "chevrotain";
import { parserInstance } from "../../grammar/parser.js";

/** Token type names and subrule names a production can consume, in first-seen order. */
function consumed(prods: readonly IProduction[], out: string[] = []): string[] {
  for (const p of prods) {
    const x = p as IProduction & { terminalType?: { name: string }; nonTerminalName?: string; definition?: IProduction[] };
    if (x.terminalType !== undefined) out.push(x.terminalType.name);
    else if (x.nonTerminalName !== undefined) out.push(x.nonTerminalName); // not its rule's body
    else if (x.definition !== undefined) consumed(x.definition, out);
  }
  return out;
}

test("each rule consumes the tokens its result type describes", () => {
  const rules = parserInstance().getGAstProductions();
  assert.equal(Object.keys(rules).sort(), ["instruction", "spec"]);
  // ParsedSpec: directives, instructions.
  assert.equal(consumed(rules["spec"]!.definition), ["Directive", "instruction"]);
  // ParsedInstruction: onbuild, nested, keyword, args, heredocs.
  assert.equal(consumed(rules["instruction"]!.definition), ["Onbuild", "Nested", "Keyword", "Args", "Heredoc"]);
});

test.run();
