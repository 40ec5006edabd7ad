// The line-oriented lexer: token shapes and offsets, continuations, directives, heredocs, CRLF/BOM.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { lex, mapOffset, type ArgsPayload, type HeredocPayload } from "../../grammar/lexer.js";
import { rawWords } from "../../grammar/rawWords.js";

const kinds = (text: string) => lex(text).tokens.map((t) => `${t.tokenType.name}:${t.image}`);

test("one token per keyword and one per argument text", () => {
  assert.equal(kinds("FROM scratch\nRUN echo hi\n"), ["FROM:FROM", "Args:scratch", "RUN:RUN", "Args:echo hi"]);
});

test("keyword offsets point into the source; args start after blanks", () => {
  const r = lex("  FROM \t debian\n");
  assert.is(r.tokens[0]!.startOffset, 2);
  assert.is(r.tokens[1]!.startOffset, 9);
  assert.is(r.tokens[1]!.image, "debian");
});

test("unknown keywords become UnknownKeyword tokens; case is kept in the image", () => {
  assert.equal(kinds("frobnicate x\nRuN y\n"), ["UnknownKeyword:frobnicate", "Args:x", "RUN:RuN", "Args:y"]);
});

test("ONBUILD is followed by a Nested keyword token", () => {
  assert.equal(kinds("ONBUILD RUN make\n"), ["Onbuild:ONBUILD", "Nested:RUN", "Args:make"]);
});

test("continuation segments map joined offsets back to the source", () => {
  const src = "RUN a \\\n  bc\n";
  const r = lex(src);
  const args = r.tokens[1]!;
  assert.is(args.image, "a   bc");
  const seg = (args.payload as ArgsPayload).segments;
  const i = args.image.indexOf("bc");
  assert.is(src.slice(mapOffset(seg, i), mapOffset(seg, i) + 2), "bc");
});

test("single-line args carry no payload (offset = startOffset + index)", () => {
  assert.is(lex("RUN abc\n").tokens[1]!.payload, undefined);
});

test("comments and blank lines produce no tokens", () => {
  assert.equal(kinds("# c\n\n   # d\nFROM x\n"), ["FROM:FROM", "Args:x"]);
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

test("heredoc tokens carry name, flags and body", () => {
  const r = lex("RUN <<-'EOF' 3<<X\n\tbody\n\tEOF\nx\nX\n");
  const h = r.tokens.filter((t) => t.tokenType.name === "Heredoc").map((t) => t.payload as HeredocPayload);
  assert.equal(
    h.map((p) => [p.name, p.chomp, p.expand, p.fd, p.content]),
    [
      ["EOF", true, false, null, "body\n"],
      ["X", false, true, 3, "x\n"],
    ],
  );
});

test("unterminated heredoc is a problem at the <<word", () => {
  const src = "RUN <<EOF\nx\n";
  const p = lex(src).problems[0]!;
  assert.is(p.kind, "unterminatedHeredoc");
  assert.is(src.slice(p.offset, p.offset + p.length), "<<EOF");
});

test("BOM is skipped and CRLF trimmed", () => {
  const r = lex("\ufeffFROM x\r\nRUN y\r\n");
  assert.is(r.start, 1);
  assert.equal(kinds("\ufeffFROM x\r\nRUN y\r\n"), ["FROM:FROM", "Args:x", "RUN:RUN", "Args:y"]);
});

test("rawWords keeps quotes and escapes, splits on unquoted blanks", () => {
  assert.equal(
    rawWords(`a "b c" 'd e' f\\ g <<EOF`).map((w) => w.text),
    ['a', '"b c"', "'d e'", "f\\ g", "<<EOF"],
  );
  assert.equal(rawWords(`  x  `).map((w) => w.offset), [2]);
});

test("keywords match in any case (by their lower-case form); only RUN/COPY/ADD open heredocs", () => {
  assert.equal(kinds("copy <<EOF x\nbody\nEOF\n"), ["COPY:copy", "Args:<<EOF x", "Heredoc:body\n"]);
  assert.equal(kinds("onbuild Run <<A\nb\nA\n"), ["Onbuild:onbuild", "Nested:Run", "Args:<<A", "Heredoc:b\n"]);
  assert.equal(kinds("ONBUILD ENV <<A\nONBUILD\n"), ["Onbuild:ONBUILD", "Nested:ENV", "Args:<<A", "Onbuild:ONBUILD"]);
  assert.equal(kinds("ENV <<A\nA\n"), ["ENV:ENV", "Args:<<A", "UnknownKeyword:A"]);
  // The Kelvin sign lower-cases to `k`: the word is the PACKAGES keyword, its image kept as written.
  assert.equal(kinds("PAC\u212aAGES x\n"), ["PACKAGES:PAC\u212aAGES", "Args:x"]);
  assert.equal(kinds("RUNX y\n"), ["UnknownKeyword:RUNX", "Args:y"]);
});

test("empty input and whitespace-only input give no tokens", () => {
  assert.equal(lex("").tokens, []);
  assert.equal(lex(" \n\t\n").tokens, []);
});

test.run();
