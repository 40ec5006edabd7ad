// The line-oriented lexer: token shapes and offsets, continuations, directives, heredocs, CRLF/BOM.
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { IToken } from "chevrotain";
import { argsText, lex, mapOffset, type InstructionToken } from "../../grammar/lexer.js";
import { rawWords } from "../../grammar/rawWords.js";

/** A token as `Type:image`, an instruction's argument text in parentheses, then its heredoc bodies. */
function show(src: string, t: IToken): string {
  if (t.tokenType.name === "Directive") return `Directive:${t.image}`;
  const i = t as InstructionToken;
  let s = `${t.tokenType.name}:${t.image}`;
  if (i.nested !== null) s += ` ${show(src, i.nested)}`;
  if (i.argsLength > 0) s += `(${argsText(src, i)})`;
  for (const h of i.heredocs ?? []) s += ` <<${JSON.stringify(h.content)}`;
  return s;
}

const kinds = (text: string) => lex(text).tokens.map((t) => show(text, t));
const instruction = (text: string, i = 0) => lex(text).tokens[i] as InstructionToken;

test("one token per instruction, carrying its argument text", () => {
  assert.equal(kinds("FROM scratch\nRUN echo hi\n"), ["FROM:FROM(scratch)", "RUN:RUN(echo hi)"]);
});

test("keyword offsets point into the source; args start after blanks", () => {
  const t = instruction("  FROM \t debian\n");
  assert.equal([t.startOffset, t.endOffset, t.image], [2, 5, "FROM"]);
  assert.equal([t.argsStart, t.argsLength], [9, "debian".length]);
});

test("an instruction without arguments: empty text, starting just after the keyword", () => {
  const t = instruction("FROM a\nUSER   \n", 1);
  assert.equal([t.argsStart, t.argsLength], [11, 0]);
});

test("unknown keywords become UnknownKeyword tokens; case is kept in the image", () => {
  assert.equal(kinds("frobnicate x\nRuN y\n"), ["UnknownKeyword:frobnicate(x)", "RUN:RuN(y)"]);
});

test("an ONBUILD token carries the instruction it triggers", () => {
  assert.equal(kinds("ONBUILD RUN make\nONBUILD\n"), ["Onbuild:ONBUILD RUN:RUN(make)", "Onbuild:ONBUILD"]);
  const t = instruction("ONBUILD  RUN make\n");
  assert.equal([t.nested!.startOffset, t.nested!.argsStart, t.argsLength], [9, 13, 0]);
});

test("continuation segments map joined offsets back to the source", () => {
  const src = "RUN a \\\n  bc\n";
  const t = instruction(src);
  const text = argsText(src, t);
  assert.is(text, "a   bc");
  assert.is(t.argsLength, text.length);
  const i = text.indexOf("bc");
  assert.is(src.slice(mapOffset(t.segments!, i), mapOffset(t.segments!, i) + 2), "bc");
});

test("joined argument texts: comment and empty lines skipped, escaped escape, CRLF, backtick escape", () => {
  assert.equal(kinds("RUN a \\\n# c\n\n  b \\\r\n c\n"), ["RUN:RUN(a   b  c)"]);
  assert.equal(kinds("RUN a\\\\\nRUN b\n"), ["RUN:RUN(a\\\\)", "RUN:RUN(b)"]);
  assert.equal(kinds("# escape=`\nRUN a `\n b\n").slice(1), ["RUN:RUN(a  b)"]);
  assert.equal(kinds("COPY a \\\n\\\n b\n"), ["COPY:COPY(a  b)"]);
  assert.equal(kinds("RU\\\nN x\n"), ["RUN:RUN(x)"], "a keyword split by a continuation");
});

test("args within one physical line have no segments (offset = argsStart + index)", () => {
  assert.is(instruction("RUN abc\n").segments, null);
  const src = "RUN \\\n  abc\n";
  const t = instruction(src);
  assert.is(t.segments, null, "the text is one source slice");
  assert.is(src.slice(t.argsStart, t.argsStart + t.argsLength), "abc");
});

test("comments and blank lines produce no tokens", () => {
  assert.equal(kinds("# c\n\n   # d\nFROM x\n"), ["FROM:FROM(x)"]);
});

test("directives are tokens only at the top", () => {
  assert.equal(kinds("# syntax=a\n# escape=`\nFROM x\n# escape=\\\n").slice(0, 2), ["Directive:# syntax=a", "Directive:# escape=`"]);
  assert.is(lex("# escape=`\nFROM x\n").escape, "`");
  assert.is(lex("FROM x\n# escape=`\n").escape, "\\");
});

test("problems: duplicate directive, invalid escape, long line, empty continuation", () => {
  assert.equal(lex("# escape=`\n# escape=`\n").problems.map((p) => p.kind), ["duplicateDirective"]);
  assert.equal(lex("# escape=q\n").problems.map((p) => p.kind), ["invalidEscape"]);
  assert.equal(lex("RUN " + "x".repeat(65536)).problems.map((p) => p.kind), ["lineTooLong"]);
  assert.equal(lex("RUN a \\\n\nb\n").problems.map((p) => p.kind), ["emptyContinuation"]);
});

test("instruction tokens carry their heredocs: name, flags, body and where the body is", () => {
  const src = "RUN <<-'EOF' 3<<X\n\tbody\n\tEOF\nx\nX\n";
  const h = instruction(src).heredocs!;
  assert.equal(
    h.map((p) => [p.name, p.chomp, p.expand, p.fd, p.content, src.slice(p.bodyStart, p.bodyEnd)]),
    [
      ["EOF", true, false, null, "body\n", "\tbody\n\tEOF"],
      ["X", false, true, 3, "x\n", "x\nX"],
    ],
  );
  assert.is(instruction("RUN a\n").heredocs, null);
});

test("unterminated heredoc is a problem at the <<word", () => {
  const src = "RUN <<EOF\nx\n";
  const p = lex(src).problems[0]!;
  assert.is(p.kind, "unterminatedHeredoc");
  assert.is(src.slice(p.offset, p.offset + p.length), "<<EOF");
  const h = instruction(src).heredocs![0]!;
  assert.equal([h.unterminated, h.bodyStart, h.bodyEnd], [true, 10, src.length]);
});

test("BOM is skipped and CRLF trimmed", () => {
  const r = lex("\ufeffFROM x\r\nRUN y\r\n");
  assert.is(r.start, 1);
  assert.equal(kinds("\ufeffFROM x\r\nRUN y\r\n"), ["FROM:FROM(x)", "RUN:RUN(y)"]);
});

test("rawWords keeps quotes and escapes, splits on unquoted blanks", () => {
  assert.equal(
    rawWords(`a "b c" 'd e' f\\ g <<EOF`).map((w) => w.text),
    ['a', '"b c"', "'d e'", "f\\ g", "<<EOF"],
  );
  assert.equal(rawWords(`  x  `).map((w) => w.offset), [2]);
});

test("keywords match in any case (by their lower-case form); only RUN/COPY/ADD open heredocs", () => {
  assert.equal(kinds("copy <<EOF x\nbody\nEOF\n"), ['COPY:copy(<<EOF x) <<"body\\n"']);
  assert.equal(kinds("onbuild Run <<A\nb\nA\n"), ['Onbuild:onbuild RUN:Run(<<A) <<"b\\n"']);
  assert.equal(kinds("ONBUILD ENV <<A\nONBUILD\n"), ["Onbuild:ONBUILD ENV:ENV(<<A)", "Onbuild:ONBUILD"]);
  assert.equal(kinds("ENV <<A\nA\n"), ["ENV:ENV(<<A)", "UnknownKeyword:A"]);
  assert.equal(kinds("RUN a < < b\nRUN <<\nRUN x<\n<A\n"), ["RUN:RUN(a < < b)", "RUN:RUN(<<)", "RUN:RUN(x<)", "UnknownKeyword:<A"], "no opener");
  assert.equal(kinds("RUN a \\\n <<A\nb\nA\n"), ['RUN:RUN(a  <<A) <<"b\\n"'], "an opener on a continuation line");
  // The Kelvin sign lower-cases to `k`: the word is the PACKAGES keyword, its image kept as written.
  assert.equal(kinds("PAC\u212aAGES x\n"), ["PACKAGES:PAC\u212aAGES(x)"]);
  assert.equal(kinds("RUNX y\n"), ["UnknownKeyword:RUNX(y)"]);
});

test("empty input and whitespace-only input give no tokens", () => {
  assert.equal(lex("").tokens, []);
  assert.equal(lex(" \n\t\n").tokens, []);
});

test.run();
