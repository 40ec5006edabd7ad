// Dockerfile compatibility of exec-form detection (rules J1–J2): JSON arrays as Go's json.Unmarshal
// accepts them, silent fallback to shell form, and the non-string-element hard error with its span.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { NOT_STRING_ARRAY_MESSAGE, parseExecForm } from "../../../compiler/words/execForm.js";
import { execCases } from "./cases.js";

for (const c of execCases) {
  const label = c.in.length > 60 ? `${c.in.slice(0, 30)}…(${c.in.length} chars)` : c.in;
  test(`${c.name ? c.name + ": " : ""}${JSON.stringify(label)}`, () => {
    const r = parseExecForm(c.in);
    if (c.exec) assert.equal(r, { kind: "exec", args: c.exec });
    else if (c.shell) assert.equal(r, { kind: "shell" });
    else if (c.err) assert.equal(r, { kind: "error", message: NOT_STRING_ARRAY_MESSAGE, offset: c.err[0], length: c.err[1] });
    else assert.unreachable("case without expectation");
  });
}

test("exec args agree with JSON.parse on valid string arrays", () => {
  for (const c of execCases) {
    if (!c.exec) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(c.in);
    } catch {
      continue; // leading unicode whitespace: not JSON for JSON.parse
    }
    // JSON.parse keeps lone surrogates where Go substitutes U+FFFD: compare only the other cases.
    if (/\\u[dD][89a-fA-F]|[\ud800-\udfff]/.test(c.in)) continue;
    assert.equal(parseExecForm(c.in), { kind: "exec", args: parsed });
  }
});

test.run();
