// The TextMate grammar (tooling/textmate/vmspec.tmLanguage.json), tokenized with vscode-textmate and
// vscode-oniguruma (what VS Code uses): token scopes for sample lines of every construct.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import vsctm from "vscode-textmate";
import oniguruma from "vscode-oniguruma";
import { repoRoot } from "./corpus.js";

const require = createRequire(import.meta.url);
const grammarPath = join(repoRoot, "tooling/textmate/vmspec.tmLanguage.json");
let grammar: vsctm.IGrammar;

test.before(async () => {
  const wasm = readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope: string) => (scope === "source.vmspec" ? vsctm.parseRawGrammar(readFileSync(grammarPath, "utf8"), grammarPath) : null),
  });
  grammar = (await registry.loadGrammar("source.vmspec"))!;
});

/** Tokenizes `text` and returns, per line, its tokens as [text, scopes]. */
function tokenize(text: string): { text: string; scopes: string[] }[][] {
  let stack = vsctm.INITIAL;
  return text.split("\n").map((line) => {
    const r = grammar.tokenizeLine(line, stack);
    stack = r.ruleStack;
    return r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
  });
}

/** Asserts that the token starting at `needle` on line `line` (its first occurrence) has `scope`. */
function expectScope(lines: ReturnType<typeof tokenize>, line: number, needle: string, scope: string, occurrence = 0): void {
  const toks = lines[line]!;
  let pos = 0;
  const full = toks.map((t) => t.text).join("");
  let at = -1;
  for (let i = 0; i <= occurrence; i++) at = full.indexOf(needle, at + 1);
  assert.ok(at >= 0, `'${needle}' not on line ${line}: ${full}`);
  for (const t of toks) {
    if (at >= pos && at < pos + t.text.length) {
      assert.ok(t.scopes.includes(scope), `'${needle}' on line ${line} has scopes ${t.scopes.join(" ")}, not ${scope}`);
      return;
    }
    pos += t.text.length;
  }
  assert.unreachable(`no token at '${needle}'`);
}

test("directives, comments, instruction keywords (any case), ONBUILD", () => {
  const l = tokenize("# syntax=docker/dockerfile:1\n# just a comment\nfrom debian AS build\nonbuild RUN make\nMACHINE cpus=2\n");
  expectScope(l, 0, "syntax", "keyword.other.directive.vmspec");
  expectScope(l, 0, "docker/dockerfile:1", "string.unquoted.directive-value.vmspec");
  expectScope(l, 1, "# just", "comment.line.number-sign.vmspec");
  expectScope(l, 2, "from", "keyword.control.instruction.vmspec");
  expectScope(l, 2, "AS", "keyword.control.as.vmspec");
  expectScope(l, 2, "build", "entity.name.type.stage.vmspec");
  expectScope(l, 3, "onbuild", "keyword.control.onbuild.vmspec");
  expectScope(l, 3, "RUN", "keyword.control.instruction.vmspec");
  expectScope(l, 4, "MACHINE", "keyword.control.instruction.vmspec");
  // Not a comment mid-line; not an instruction when the word is unknown.
  const m = tokenize("RUN echo # not a comment\nFROBNICATE x\n");
  assert.not.ok(m[0]!.some((t) => t.scopes.includes("comment.line.number-sign.vmspec")));
  assert.not.ok(m[1]!.some((t) => t.scopes.includes("keyword.control.instruction.vmspec")));
});

test("flags, variables and strings", () => {
  const l = tokenize('COPY --from=build --chmod=755 /a /b\nRUN echo "$HOME and ${V:-x}" \'$lit\' $X\n');
  expectScope(l, 0, "--from", "variable.parameter.flag.vmspec");
  expectScope(l, 0, "--chmod", "variable.parameter.flag.vmspec");
  expectScope(l, 1, '"$HOME', "string.quoted.double.vmspec");
  expectScope(l, 1, "HOME", "variable.other.name.vmspec");
  expectScope(l, 1, "${", "punctuation.definition.variable.begin.vmspec");
  expectScope(l, 1, ":-x", "keyword.operator.substitution.vmspec");
  expectScope(l, 1, "$lit", "string.quoted.single.vmspec");
  expectScope(l, 1, "X", "variable.other.name.vmspec");
});

test("JSON exec form", () => {
  const l = tokenize('CMD ["nginx", "-g", "daemon off;"]\n');
  expectScope(l, 0, "[", "punctuation.definition.array.begin.json.vmspec");
  expectScope(l, 0, "nginx", "string.quoted.double.json.vmspec");
  expectScope(l, 0, ",", "punctuation.separator.array.json.vmspec");
  expectScope(l, 0, "]", "punctuation.definition.array.end.json.vmspec");
});

test("continuation lines stay in the instruction; comments inside them are comments", () => {
  const l = tokenize("RUN apt-get update \\\n# inside\n    && apt-get install -y --no-install-recommends curl\nUSER app\n");
  expectScope(l, 0, "\\", "constant.character.escape.line-continuation.vmspec");
  expectScope(l, 1, "# inside", "comment.line.number-sign.vmspec");
  expectScope(l, 2, "--no-install-recommends", "variable.parameter.flag.vmspec");
  expectScope(l, 2, "curl", "meta.instruction.vmspec");
  expectScope(l, 3, "USER", "keyword.control.instruction.vmspec");
});

test("heredocs: delimiter, body, terminator; the next instruction is an instruction again", () => {
  const l = tokenize("RUN <<EOF bash\nset -e\necho \"$X\" # not a comment\nEOF\nCOPY <<-'END' /x\n\tbody\n\tEND\nENV A=1\n");
  expectScope(l, 0, "<<", "keyword.operator.heredoc.vmspec");
  expectScope(l, 0, "EOF", "entity.name.tag.heredoc-delimiter.vmspec");
  expectScope(l, 1, "set -e", "string.unquoted.heredoc.vmspec");
  expectScope(l, 2, "# not", "string.unquoted.heredoc.vmspec");
  expectScope(l, 3, "EOF", "entity.name.tag.heredoc-delimiter.vmspec");
  expectScope(l, 4, "END", "entity.name.tag.heredoc-delimiter.vmspec");
  expectScope(l, 5, "body", "string.unquoted.heredoc.vmspec");
  expectScope(l, 7, "ENV", "keyword.control.instruction.vmspec");
  expectScope(l, 7, "A", "variable.other.assignment.vmspec");
});

test("MACHINE settings and size units", () => {
  const l = tokenize("MACHINE cpus=2 memory=1GiB disk=4G arch=riscv64\n");
  expectScope(l, 0, "cpus", "support.type.property-name.machine.vmspec");
  expectScope(l, 0, "2", "constant.numeric.vmspec");
  expectScope(l, 0, "GiB", "keyword.other.unit.vmspec");
  expectScope(l, 0, "G ", "keyword.other.unit.vmspec");
  expectScope(l, 0, "arch", "support.type.property-name.machine.vmspec");
});

test("every golden case tokenizes, and every instruction line starts with an instruction scope", () => {
  const dir = join(repoRoot, "test/golden");
  for (const f of ["dockerfile-realistic", "run-heredoc-multiple", "escape-directive", "label", "continuation"]) {
    const text = readFileSync(join(dir, `${f}.vmspec`), "utf8");
    const l = tokenize(text);
    assert.ok(l.length > 0);
    assert.ok(l.some((line) => line.some((t) => t.scopes.includes("keyword.control.instruction.vmspec"))), f);
  }
});

test.run();
