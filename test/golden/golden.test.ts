// Golden tests: every test/golden/*.vmspec against its .ir.json / .errors.txt snapshot, through the
// same code as `vmspec test` (accept changes with `npx vmspec test test/golden --update`).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { runGolden } from "../../cli/commands/test.js";
import { messages } from "../../compiler/diagnostics/messages.js";

const dir = fileURLToPath(new URL("../../../test/golden", import.meta.url));
const cases = runGolden(dir, { localDir: join(dir, "..", "..", "local", "golden") });

test("there are at least 80 golden cases, failing inputs beside passing ones", () => {
  assert.ok(cases.length >= 80, `only ${cases.length} cases`);
  assert.ok(cases.some((c) => c.name.startsWith("err-")));
  assert.ok(cases.some((c) => !c.name.startsWith("err-")));
});

for (const c of cases) {
  test(`golden ${c.name}`, () => {
    if (!c.ok) assert.unreachable(`snapshot mismatch (accept with: npx vmspec test test/golden --update)\n${c.diffs.join("\n")}`);
  });
}

test("every diagnostic code in the catalogue appears in some .errors.txt snapshot", () => {
  const all = readdirSync(dir)
    .filter((f) => f.endsWith(".errors.txt"))
    .map((f) => readFileSync(join(dir, f), "utf8"))
    .join("\n");
  // VS1005 (parser syntax error) cannot be produced from text: the lexer only emits token sequences
  // the grammar accepts. test/grammar/parser.test.ts covers it with a hand-made token stream.
  const missing = Object.values(messages)
    .map((m) => `VS${m.code}`)
    .filter((code) => code !== "VS1005" && code !== "VS9001") // VS9001: test/compiler/fuzz.test.ts
    .filter((code) => !all.includes(` ${code}:`));
  assert.equal(missing, [], `codes without a golden case: ${missing.join(", ")}`);
});

test("comments and whitespace never change op ids", () => {
  const a = readFileSync(join(dir, "whitespace-invariant-a.ir.json"), "utf8");
  const b = readFileSync(join(dir, "whitespace-invariant-b.ir.json"), "utf8");
  const ids = (s: string) => JSON.parse(s).stages.map((st: { ops: { id: string }[] }) => st.ops.map((o) => o.id));
  assert.equal(ids(a), ids(b));
});

test.run();
