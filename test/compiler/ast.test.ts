// CST → AST per instruction family (compiler/ast): words, pairs and flags with their spans, and the
// fast paths for the usual shapes (no flags, one word, one pair) giving what the general path gives.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { execForm, plainStringArray } from "../../compiler/ast/execArgs.js";
import { parseExecForm } from "../../compiler/words/execForm.js";
import { parseFileAst } from "../../compiler/ast/build.js";
import { checkFlags, extractFlags } from "../../compiler/ast/flags.js";
import { RawInstruction, splitWhitespace, type AstContext } from "../../compiler/ast/raw.js";
import type { CopyNode, Instruction, KeyValueNode, Span, StringNode } from "../../compiler/ast/types.js";
import { DiagnosticBag } from "../../compiler/diagnostics/diagnostic.js";

function build(text: string): { instructions: Instruction[]; codes: string[] } {
  const diags = new DiagnosticBag();
  const ast = parseFileAst(0, "f", text, diags);
  return { instructions: ast.instructions, codes: diags.items.map((d) => d.code) };
}

/** The one instruction of `text`. */
function one<T extends Instruction>(text: string): T {
  const { instructions } = build(text);
  assert.is(instructions.length, 1);
  return instructions[0] as T;
}

/** The source text a span covers. */
const at = (text: string, s: Span) => text.slice(s.offset, s.offset + s.length);

/** A RawInstruction over `args` alone (keyword RUN unless given). */
function raw(args: string, keyword = "RUN"): { raw: RawInstruction; diags: DiagnosticBag } {
  const diags = new DiagnosticBag();
  const ctx: AstContext = { file: 0, path: "f", escape: "\\", diags };
  return { raw: new RawInstruction(ctx, keyword, keyword, { file: 0, offset: 0, length: 0 }, args, 0, null, []), diags };
}

test("extractFlags: text without flags gives no flags and the arguments from index 0", () => {
  for (const args of ["echo hi", "", "-x --y", "x--y"]) {
    const r = extractFlags(raw(args).raw);
    assert.equal(r.flags, []);
    assert.is(r.rest, 0);
  }
  // A leading space the lexer does not trim (NBSP) is skipped like any other.
  assert.is(extractFlags(raw("\u00a0echo").raw).rest, 1);
});

test("extractFlags: name and value split at the first `=`, bare flags, a lone `--`, quotes", () => {
  const r = extractFlags(raw("--a=b=c --link -- --not-a-flag x").raw);
  assert.equal(r.flags.map((f) => [f.name, f.value, f.span.offset, f.span.length]), [["a", "b=c", 0, 7], ["link", null, 8, 6]]);
  assert.is(r.rest, 18);
  const q = extractFlags(raw(`--chown="a b" --x=\\'y src`).raw);
  assert.equal(q.flags.map((f) => [f.name, f.value]), [["chown", "a b"], ["x", "'y"]]);
  assert.is(q.rest, 22);
});

test("checkFlags keeps the valid flags in order and reports each bad one", () => {
  const { raw: r, diags } = raw("--link --chown --bogus --chmod=644 --link src dst", "COPY");
  const ok = checkFlags(r, extractFlags(r).flags);
  assert.equal(ok.map((f) => f.name), ["link", "chmod"]);
  // --chown has no value, --bogus is unknown, the second --link is a duplicate.
  assert.equal(diags.items.map((d) => d.code), ["VS2003", "VS2001", "VS2002"]);
  assert.equal(checkFlags(r, []), []);
});

test("checkFlags: duplicates are found the same way in short and long flag lists", () => {
  // Short lists compare names directly, long ones (over 8 flags) use a set.
  const short = "--link --chmod=1 --chmod=2 --exclude=a --exclude=b";
  const long = `${short} --from=x --chown=a --parents --link=true --from=y --exclude=c`;
  for (const args of [short, long]) {
    const { raw: r, diags } = raw(`${args} src dst`, "COPY");
    const ok = checkFlags(r, extractFlags(r).flags);
    const dups = diags.items.map((d) => [d.code, args.slice(d.offset, d.offset + d.length)]);
    if (args === short) {
      assert.equal(ok.map((f) => f.value), [null, "1", "a", "b"]);
      assert.equal(dups, [["VS2002", "--chmod=2"]]);
    } else {
      assert.equal(ok.map((f) => f.value), [null, "1", "a", "b", "x", "a", null, "c"]);
      assert.equal(dups, [["VS2002", "--chmod=2"], ["VS2002", "--link=true"], ["VS2002", "--from=y"]]);
    }
  }
});

test("checkFlags: names of Object.prototype members are unknown flags, not accepted", () => {
  for (const text of ["COPY --constructor a b\n", "COPY --toString=1 a b\n", "VOLUME --__proto__ /v\n"]) {
    const { instructions, codes } = build(text);
    assert.equal(instructions[0]!.flags, [], text);
    assert.ok(codes.includes("VS2001"), text);
  }
});

test("ENV: pairs with spans; a single pair; an escaped or quoted `=` counts as the first `=`", () => {
  const text = "ENV A=1 BB=\"x y\" C=${D:-e}\n";
  const n = one<KeyValueNode>(text);
  assert.equal(n.pairs.map((p) => [p.key.text, p.value!.text, at(text, p.key.span), at(text, p.value!.span)]), [
    ["A", "1", "A", "1"],
    ["BB", '"x y"', "BB", '"x y"'],
    ["C", "${D:-e}", "C", "${D:-e}"],
  ]);
  assert.equal(one<KeyValueNode>("ENV A=1\n").pairs.map((p) => [p.key.text, p.value!.text]), [["A", "1"]]);
  assert.equal(one<KeyValueNode>("ENV a\\=b=c\n").pairs.map((p) => [p.key.text, p.value!.text]), [["a\\", "b=c"]]);
  assert.equal(one<KeyValueNode>("LABEL \"a=b\"=c\n").pairs.map((p) => [p.key.text, p.value!.text]), [['"a', 'b"=c']]);
});

test("ENV: legacy `key value…` form, and the diagnostics of bad pairs", () => {
  const text = "ENV KEY  some value  here\n";
  const n = one<KeyValueNode>(text);
  assert.equal(n.pairs.map((p) => [p.key.text, p.value!.text, at(text, p.value!.span)]), [["KEY", "some value  here", "some value  here"]]);
  assert.equal(build("ENV KEY\n").codes, ["VS2006"]);
  const bad = build("ENV A=1 B =2 C=3\n");
  assert.equal((bad.instructions[0] as KeyValueNode).pairs.map((p) => p.key.text), ["A", "C"]);
  assert.equal(bad.codes, ["VS2006", "VS2007"]); // `B` has no `=`; `=2` has no name
  assert.equal(build("ENV\n").codes, ["VS1009"]);
});

test("ARG: names with and without defaults; an empty name is reported and skipped", () => {
  const { instructions, codes } = build("ARG a b=1 =2 c\n");
  assert.equal((instructions[0] as KeyValueNode).pairs.map((p) => [p.key.text, p.value?.text ?? null]), [["a", null], ["b", "1"], ["c", null]]);
  assert.equal(codes, ["VS2008"]);
});

test("pairs over a continuation keep their source spans", () => {
  const text = "ENV A=1 \\\n  BB=2\n";
  const n = one<KeyValueNode>(text);
  assert.equal(n.pairs.map((p) => [at(text, p.key.span), at(text, p.value!.span)]), [["A", "1"], ["BB", "2"]]);
  assert.is(at(text, n.span), "ENV A=1 \\\n  BB=2");
});

test("USER/WORKDIR: one word is shared as value and word; whitespace makes several words", () => {
  const n = one<StringNode>("WORKDIR /app\n");
  assert.is(n.words.length, 1);
  assert.is(n.words[0], n.value);
  const m = one<StringNode>("USER a\u00a0b\n");
  assert.is(m.value!.text, "a\u00a0b");
  assert.equal(m.words.map((w) => w.text), ["a", "b"]);
});

test("splitWhitespace: words with spans; none for blank text", () => {
  const { raw: r } = raw(" a  bc\td ");
  assert.equal(splitWhitespace(r, 0).map((w) => [w.text, w.span.offset, w.span.length]), [["a", 1, 1], ["bc", 4, 2], ["d", 7, 1]]);
  assert.equal(splitWhitespace(r, 8), []);
});

test("COPY: sources and destination, JSON form, heredoc destination", () => {
  const text = "COPY --chown=a:b src/ /dst/\n";
  const n = one<CopyNode>(text);
  assert.equal(n.sources.map((w) => at(text, w.span)), ["src/"]);
  assert.is(at(text, n.dest!.span), "/dst/");
  assert.equal(n.flags.map((f) => [f.name, f.value]), [["chown", "a:b"]]);
  const many = one<CopyNode>("COPY a b c /d/\n");
  assert.equal(many.sources.map((w) => w.text), ["a", "b", "c"]);
  const json = one<CopyNode>('COPY ["a b", "c"]\n');
  assert.equal([json.sources.map((w) => w.text), json.dest!.text], [["a b"], "c"]);
  assert.equal(build("COPY a\n").codes, ["VS1009"]);
  assert.equal(build("COPY <<A <<B\nx\nA\ny\nB\n").codes, ["VS1013"]);
});

test("plainStringArray: the usual exec form, and null for what needs the full parser", () => {
  assert.equal(plainStringArray('["/bin/server", "--port",\t"8080" ]\n'), ["/bin/server", "--port", "8080"]);
  assert.equal(plainStringArray("[ ]"), []);
  assert.equal(plainStringArray('["é 😀 x"]'), null); // a surrogate pair: the full parser decides
  for (const t of ['["a\\n"]', '["a", 1]', '["a"] x', '["a",]', '[["a"]]', ' ["a"]', '["a"', "[", '["a\u0001"]', "echo [x]"]) {
    assert.is(plainStringArray(t), null, t);
  }
});

test("execForm: shell form unless a `[` comes first (after Go whitespace), as parseExecForm decides", () => {
  for (const t of ["echo [a]", "", "\u00a0[\"a\"]", "\u2028[\"a\"]", " [1]", "[\"a\"", "x", "\u3000echo"]) {
    assert.equal(execForm(t), parseExecForm(t), JSON.stringify(t));
  }
  assert.equal(execForm("echo hi"), { kind: "shell" });
  assert.equal(execForm('\u00a0["a"]'), { kind: "exec", args: ["a"] });
});

test("plainStringArray agrees with the full exec-form parser wherever it answers", () => {
  const parts = ["[", "]", '"', "a", "b c", " ", "\t", "\n", ",", "\\", '\\"', "\u0001", "é", "\ud800", "😀", "1", "null", "{", "}", ":", "/"];
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...parts), { maxLength: 14 }), (p) => {
      for (const text of [p.join(""), `[${p.join("")}]`, `["${p.join("")}"]`, `["x", "${p.join("")}"]`]) {
        const fast = plainStringArray(text);
        if (fast === null) continue;
        assert.equal(parseExecForm(text), { kind: "exec", args: fast }, text);
      }
    }),
    { numRuns: 3000, seed: 7 },
  );
});

test("CMD/RUN exec form through the fast path and the full parser give the same nodes", () => {
  const fast = one<Instruction & { command: { form: string; args: string[] } }>('CMD ["a", "b c"]\n');
  assert.equal(fast.command, { form: "exec", args: ["a", "b c"], span: { file: 0, offset: 4, length: 12 } });
  const full = one<Instruction & { command: { form: string; args: string[] } }>('CMD ["a\\u0020", "b c"]\n');
  assert.equal(full.command.args, ["a ", "b c"]);
  assert.equal(build('CMD ["a", 1]\n').codes, ["VS1011"]);
  assert.equal(build('COPY ["a", 1]\n').codes, ["VS1011"]);
});

test.run();
