// Program loading: instructions are built when lowering reaches them (compiler/ast/build.ts
// LoadedFile), yet every diagnostic is reported exactly once and `asts` is the full AST.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { compile } from "../../compiler/compile.js";
import { buildFileAst, parseFileAst } from "../../compiler/ast/build.js";
import { lex } from "../../grammar/lexer.js";
import { KEYWORDS } from "../../grammar/tokens.js";
import { parse } from "../../grammar/parser.js";
import { DiagnosticBag } from "../../compiler/diagnostics/diagnostic.js";
import { loadProgram, type SourceReader } from "../../compiler/program.js";
import type { OnbuildNode, RunNode } from "../../compiler/ast/types.js";

const files = (m: Record<string, string>): SourceReader => ({
  read: (p) => (p in m ? { ok: true, text: m[p]! } : { ok: false, message: "ENOENT" }),
});

const codes = (text: string, reader?: SourceReader) =>
  compile("/s/spec.vmspec", text, {}, reader).diagnostics.map((d) => `${d.file}:${d.offset}:${d.code}`);

test("only FROM, MACHINE, INCLUDE, ONBUILD and unknown instructions are built when loaded", () => {
  const text = "ARG A=1\nFROM x\nRUN a\nMACHINE cpus=2\nONBUILD RUN b\nCOPY a b\nBOGUS c\n";
  const p = loadProgram("/s/spec.vmspec", text, files({}), new DiagnosticBag());
  const kinds = Array.from({ length: p.instructions.length }, (_, i) => p.instructions.kind(i));
  assert.equal(kinds, ["arg", "from", "run", "machine", "onbuild", "copy", "unknown"]);
  // A built instruction is the same node on every call; a raw one is built anew (and dies young).
  assert.is.not(p.instructions.node(0), p.instructions.node(0));
  assert.is(p.instructions.node(1), p.instructions.node(1));
  assert.is(p.instructions.node(3), p.instructions.node(3));
  assert.is.not(p.instructions.node(2), p.instructions.node(2));
  assert.equal(p.instructions.node(2), p.instructions.node(2));
});

test("every keyword's kind, known without building, is the kind of the node it builds", () => {
  const text = "FROM x\n" + KEYWORDS.map((k) => `${k.toLowerCase()} a`).join("\n") + "\n";
  // The file itself, not the program: an INCLUDE is replaced by what it includes there.
  const file = loadProgram("/s/spec.vmspec", text, files({}), new DiagnosticBag()).loaded[0]!;
  assert.is(file.length, KEYWORDS.length + 1);
  for (let i = 0; i < file.length; i++) {
    const node = file.node(i);
    assert.is(file.kind(i), node.kind, node.keyword);
    assert.is.not(node.kind, "unknown", node.word);
  }
});

test("INCLUDEs splice the included instructions in order, read in any order", () => {
  const reader = files({
    "/s/a.vmspec": "RUN a1\nINCLUDE b.vmspec\nRUN a2\n",
    "/s/b.vmspec": "RUN b1\n",
  });
  const text = "FROM x\nINCLUDE a.vmspec\nENV r=1\nINCLUDE b.vmspec\nINCLUDE a.vmspec\nUSER u\n";
  const p = loadProgram("/s/spec.vmspec", text, reader, new DiagnosticBag());
  const want = ["FROM x", "RUN a1", "RUN b1", "RUN a2", "ENV r=1", "RUN b1", "RUN a1", "RUN b1", "RUN a2", "USER u"];
  const at = (i: number) => {
    const n = p.instructions.node(i);
    return `${n.keyword} ${p.files[n.span.file]!.text.slice(n.span.offset + n.keyword.length + 1, n.span.offset + n.span.length)}`;
  };
  assert.is(p.instructions.length, want.length);
  assert.equal(want.map((_, i) => at(i)), want);
  // Backwards and jumping about: every position still finds its own file and instruction.
  const order = [9, 0, 5, 2, 8, 1, 7, 3, 6, 4];
  assert.equal(order.map(at), order.map((i) => want[i]));
  assert.equal(order.map((i) => p.instructions.kind(i)), order.map((i) => want[i]!.split(" ")[0]!.toLowerCase()));
});

test("a raw instruction's diagnostics are reported when lowering builds it, once", () => {
  const d = codes("FROM x\nRUN --bogus a\nCOPY --nope a b\n");
  assert.equal(d, ["/s/spec.vmspec:11:VS2001", "/s/spec.vmspec:26:VS2001"]);
});

test("instructions before the first FROM are built, so their own diagnostics are reported", () => {
  const d = codes("RUN --bogus a\nFROM x\n");
  assert.ok(d.includes("/s/spec.vmspec:4:VS2001"), d.join(" "));
  assert.ok(d.some((x) => x.startsWith("/s/spec.vmspec:0:")), "outside-a-stage error at the RUN");
});

test("a file INCLUDEd twice reports its diagnostics once", () => {
  const reader = files({ "/s/part.vmspec": "RUN --bogus a\n" });
  const d = codes("FROM x\nINCLUDE part.vmspec\nINCLUDE part.vmspec\n", reader);
  assert.equal(d.filter((x) => x.startsWith("/s/part.vmspec:")), ["/s/part.vmspec:4:VS2001"]);
});

test("asts is every file's full AST, as parseFileAst builds it", () => {
  const reader = files({ "/s/part.vmspec": "ENV A=1\nRUN --bogus a\n" });
  const root = "ARG V=1\nFROM x\nINCLUDE part.vmspec\nRUN <<EOF\nhi\nEOF\nCOPY a \\\n  b\n";
  const r = compile("/s/spec.vmspec", root, {}, reader);
  assert.is(r.asts.length, 2);
  assert.equal(r.asts[0], parseFileAst(0, "/s/spec.vmspec", root, new DiagnosticBag()));
  assert.equal(r.asts[1], parseFileAst(1, "/s/part.vmspec", "ENV A=1\nRUN --bogus a\n", new DiagnosticBag()));
  assert.is(r.asts[0]!.instructions.length, 5);
  assert.is(r.asts, r.asts, "built once");
});

test("argument texts are cut from the source when built, continuation lines joined, spans pointing back", () => {
  // LoadedFile keeps offsets (and segments for joined lines), not texts; buildFileAst (one parse of
  // the whole file) and parseFileAst (chunks) must agree.
  const cases: [string, string][] = [
    ["FROM a\nRUN echo  hi  \t\nCOPY a b\n", "echo  hi"],
    ["\uFEFFFROM a\r\nRUN x \\\r\n  y\r\nENV A=1 \\\n\n  B=2\n", "x   y"],
    ["# escape=`\nFROM a\nRUN a `\n  b\nLABEL x=\"y z\"\n", "a   b"],
    ["FROM a\nRUN <<EOF cat\nbody\nEOF\nCOPY <<A <<B /x/\n1\nA\n2\nB\nonbuild run  x \\\n # c\n y\n", "<<EOF cat"],
    ["FROM a\nRUN \\\n\n  # comment\n  z\nEXPOSE 80 \\\n", "z"],
  ];
  for (const [text, command] of cases) {
    const lexed = lex(text);
    const whole = buildFileAst(0, "x", text, lexed, parse(lexed.tokens), new DiagnosticBag());
    assert.equal(parseFileAst(0, "x", text, new DiagnosticBag()), whole, JSON.stringify(text));
    const run = whole.instructions.find((i) => i.kind === "run") as RunNode;
    assert.equal(run.command?.form === "shell" && run.command.text, command);
    // The span runs from the first character of the text to its last, in the source.
    const span = run.command!.span;
    assert.is(text.slice(span.offset, span.offset + 1), command[0]);
    assert.is(text[span.offset + span.length - 1], command[command.length - 1]);
  }
  const onbuild = parseFileAst(0, "x", "onbuild run  x \\\n # c\n y\n", new DiagnosticBag()).instructions[0] as OnbuildNode;
  assert.is(onbuild.triggerText, "run x  y");
});

test.run();
