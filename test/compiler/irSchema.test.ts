// The checked-in JSON Schema (compiler/ir/schema.json) accepts every golden IR and rejects broken ones.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import { canonicalJson, opId } from "../../compiler/ir/canonical.js";
import type { Ir } from "../../compiler/ir/types.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const schema = JSON.parse(readFileSync(join(root, "compiler/ir/schema.json"), "utf8"));
const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(schema);
const goldenDir = join(root, "test/golden");
const irs = readdirSync(goldenDir)
  .filter((f) => f.endsWith(".ir.json"))
  .map((f) => ({ f, ir: JSON.parse(readFileSync(join(goldenDir, f), "utf8")) as Ir }));

test("there are golden IRs to validate", () => {
  assert.ok(irs.length >= 50);
});

for (const { f, ir } of irs) {
  test(`schema accepts ${f}`, () => {
    const ok = validate(ir);
    assert.ok(ok, JSON.stringify(validate.errors?.slice(0, 3), null, 1));
  });
  test(`op ids of ${f} are the digests of their content and inputs exist`, () => {
    const known = new Set<string>();
    for (const st of ir.stages) {
      for (const op of st.ops) {
        assert.is(op.id, opId(op), `op ${op.id} does not hash to its id`);
        for (const i of op.inputs) assert.ok(known.has(i), `input ${i} of ${op.id} is not an earlier op`);
        known.add(op.id);
      }
      assert.ok(known.has(st.output));
    }
  });
  test(`source map of ${f} has one span per op, each inside its file`, () => {
    assert.is(ir.sourceMap.stages.length, ir.stages.length);
    ir.stages.forEach((st, s) => {
      const spans = ir.sourceMap.stages[s]!;
      assert.is(spans.length, st.ops.length, `stage ${s}`);
      for (const sp of spans) assert.ok(sp.file < ir.sourceMap.files.length && sp.length > 0, JSON.stringify(sp));
    });
  });
}

test("ops are built with keys in sorted order (the IR prints them as inserted: `id`, then canonical order)", () => {
  const unsorted: string[] = [];
  const check = (v: unknown, where: string): void => {
    if (v === null || typeof v !== "object") return;
    if (Array.isArray(v)) return v.forEach((x, i) => check(x, `${where}[${i}]`));
    const keys = Object.keys(v);
    if (keys.some((k, i) => i > 0 && keys[i - 1]! > k)) unsorted.push(`${where}: ${keys.join(",")}`);
    for (const k of keys) check((v as Record<string, unknown>)[k], `${where}.${k}`);
  };
  for (const { f, ir } of irs) for (const st of ir.stages) for (const { id: _id, ...op } of st.ops) check(op, `${f} ${op.kind}`);
  assert.equal(unsorted.slice(0, 5), []);
});

test("schema rejects a wrong irVersion, a bad digest and an unknown op kind", () => {
  const ir = structuredClone(irs[0]!.ir) as unknown as Record<string, unknown>;
  assert.not.ok(validate({ ...ir, irVersion: 1 }));
  const bad = structuredClone(irs[0]!.ir);
  bad.stages[0]!.output = "sha256:xyz" as `sha256:${string}`;
  assert.not.ok(validate(bad));
  const bad2 = structuredClone(irs[0]!.ir) as unknown as { stages: { ops: Record<string, unknown>[] }[] };
  bad2.stages[0]!.ops[0]!.kind = "teleport";
  assert.not.ok(validate(bad2));
});

test("canonical JSON sorts keys and ignores insertion order", () => {
  assert.is(canonicalJson({ b: 1, a: [{ d: 2, c: "x" }] }), '{"a":[{"c":"x","d":2}],"b":1}');
  assert.is(canonicalJson({ a: 1, b: 2 }), canonicalJson({ b: 2, a: 1 }));
  assert.is(canonicalJson({ a: undefined, b: null }), '{"b":null}');
  assert.is(canonicalJson({ z: { "10": 1, "9": 2, a: 3 } }), '{"z":{"10":1,"9":2,"a":3}}', "integer-like keys sort as strings");
  assert.is(canonicalJson({ y: { b: { d: 1, c: undefined } }, x: [undefined] }), '{"x":[null],"y":{"b":{"d":1}}}');
  const already = { a: 1, b: { c: [1, { d: "e" }] } };
  assert.is(canonicalJson(already), JSON.stringify(already));
});

test.run();
