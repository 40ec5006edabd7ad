// opSpans: op id → the spans of the instructions that produced it, from the IR's per-stage table.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { compile } from "../../compiler/compile.js";
import { opSpans } from "../../compiler/ir/sourceMap.js";

const text = "FROM scratch AS a\nRUN --network=none true\nFROM scratch\nCOPY --from=a / /\n";

test("each op id maps to its instructions' spans; identical ops share an id and list each span", () => {
  const ir = compile("s.vmspec", text).ir!;
  const spans = opSpans(ir);
  const scratch = ir.stages[0]!.ops[0]!.id;
  assert.is(ir.stages[1]!.ops[0]!.id, scratch, "both FROM scratch give the same source op");
  assert.equal(spans.get(scratch), [
    { file: 0, offset: 0, length: 17 },
    { file: 0, offset: 42, length: 12 },
  ]);
  const run = ir.stages[0]!.ops[1]!;
  assert.equal(spans.get(run.id), [{ file: 0, offset: 18, length: 23 }]);
  assert.is(text.slice(18, 18 + 23), "RUN --network=none true");
  assert.is(spans.size, 3);
});

test("a span is listed once even when the same instruction makes an op twice", () => {
  // The ONBUILD trigger of stage a runs in both b and c: identical content, one trigger span each time.
  const ir = compile("s.vmspec", "FROM scratch AS a\nONBUILD RUN true\nFROM a AS b\nFROM a AS c\n").ir!;
  const spans = opSpans(ir);
  const runIds = ir.stages.flatMap((st) => st.ops.filter((o) => o.kind === "run").map((o) => o.id));
  assert.is(runIds.length, 2);
  assert.is(runIds[0], runIds[1]);
  assert.is(spans.get(runIds[0]!)!.length, 1);
});

test.run();
