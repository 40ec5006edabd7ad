// Property tests: the compiler never throws, every diagnostic has a valid span, output is
// deterministic, and an IR it produces is schema-valid — on random and on mutated real inputs.
// Also: hostile sizes (a 1 MB line, 10k nested `${`, 50k instructions) compile to the right shape.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import { compile, type SourceReader } from "../../compiler/compile.js";
import { generateSpec } from "../../bench/gen.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const validate = new Ajv({ strict: false }).compile(JSON.parse(readFileSync(join(root, "compiler/ir/schema.json"), "utf8")));
const goldenDir = join(root, "test/golden");
const seeds = readdirSync(goldenDir)
  .filter((f) => f.endsWith(".vmspec") && !f.includes("too-long"))
  .map((f) => readFileSync(join(goldenDir, f), "utf8"));

/** A reader that serves a few include files, one of which includes itself. */
const reader: SourceReader = {
  read: (p) =>
    p.endsWith("self.inc") ? { ok: true, text: "INCLUDE self.inc\nRUN x\n" } : p.endsWith("a.inc") ? { ok: true, text: "ENV A=1\n" } : { ok: false, message: "no such file" },
};

function checkInvariants(text: string): void {
  let r;
  try {
    r = compile("f.vmspec", text, {}, reader);
  } catch (e) {
    throw new Error(`compile threw on ${JSON.stringify(text.slice(0, 200))}: ${(e as Error).stack}`);
  }
  const lengths = new Map(r.files.map((f) => [f.path, f.text.length]));
  for (const d of r.diagnostics) {
    const len = lengths.get(d.file);
    assert.ok(len !== undefined, `diagnostic in unknown file ${d.file}`);
    assert.ok(Number.isInteger(d.offset) && d.offset >= 0 && d.offset <= len!, `offset ${d.offset} outside 0..${len} (${d.code})`);
    assert.ok(Number.isInteger(d.length) && d.length >= 0 && d.offset + d.length <= len!, `span ${d.offset}+${d.length} outside ${len} (${d.code})`);
    assert.match(d.code, /^VS\d{4}$/);
  }
  assert.is(r.ir === null, r.hasErrors);
  if (r.ir !== null) assert.ok(validate(r.ir), JSON.stringify(validate.errors?.slice(0, 2)));
}

const FRAGMENTS = [
  "FROM ", "scratch", "debian:bookworm", " AS ", "RUN ", "COPY ", "ADD ", "ENV ", "ARG ", "LABEL ", "CMD ", "ENTRYPOINT ",
  "ONBUILD ", "HEALTHCHECK ", "SHELL ", "MACHINE ", "KERNEL ", "PACKAGES ", "INCLUDE ", "PUBLISH ", "NETWORK ", "WORKDIR ",
  "USER ", "VOLUME ", "EXPOSE ", "STOPSIGNAL ", "MAINTAINER ", "--from=", "--mount=type=cache,target=/x ", "--platform=",
  "--distro=debian:trixie ", "--chmod=", "cpus=", "memory=1G ", "arch=riscv64 ", "a.inc", "self.inc", "${", "}", "$", ":-",
  "#", "# escape=`", "\\", "`", "\n", "\r\n", " ", "\t", "\"", "'", "[", "]", ",", "=", "<<", "<<-", "EOF", "-", "x", "1",
  "\ufeff", "é", "😀", "\u0000", "# check=", "skip=", "error=true", ";", "all", "UndefinedVar", "CONNECT ",
];

test("random fragment soup never throws and yields valid spans", () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 60 }), (parts) => checkInvariants(parts.join(""))),
    { numRuns: 600, seed: 42 },
  );
});

test("arbitrary unicode strings never throw", () => {
  fc.assert(fc.property(fc.string({ unit: "grapheme", maxLength: 300 }), (s) => checkInvariants(s)), { numRuns: 400, seed: 7 });
});

test("mutated golden inputs never throw", () => {
  const mutation = fc.record({
    seed: fc.integer({ min: 0, max: seeds.length - 1 }),
    at: fc.nat(),
    del: fc.nat({ max: 20 }),
    insert: fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 8 })),
  });
  fc.assert(
    fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (ms) => {
      let text = seeds[ms[0]!.seed]!;
      for (const m of ms) {
        const at = text.length === 0 ? 0 : m.at % text.length;
        text = text.slice(0, at) + m.insert + text.slice(at + m.del);
      }
      checkInvariants(text);
    }),
    { numRuns: 800, seed: 1234 },
  );
});

test("a reader that throws becomes VS9001, not an exception", () => {
  const r = compile("f.vmspec", "FROM scratch\nINCLUDE x.inc\n", {}, {
    read: () => {
      throw new Error("disk on fire");
    },
  });
  assert.equal(r.diagnostics.map((d) => [d.code, d.message]), [["VS9001", "Internal compiler error: disk on fire"]]);
  assert.is(r.ir, null);
});

test("compiling is deterministic (byte-identical IR for the same input)", () => {
  for (const s of seeds.slice(0, 40)) {
    const a = JSON.stringify(compile("f.vmspec", s, {}, reader));
    const b = JSON.stringify(compile("f.vmspec", s, {}, reader));
    assert.is(a, b);
  }
});

test("a 1 MB line compiles into one RUN with the whole text", () => {
  const body = "a".repeat(1_000_000);
  const r = compile("f", `FROM scratch\nRUN echo ${body}\n`);
  // Over BuildKit's 65535-byte line limit: reported, and the rest still analysed.
  assert.equal(r.diagnostics.map((d) => d.code), ["VS1002"]);
  const run = r.partialIr!.stages[0]!.ops[1]!;
  assert.ok(run.kind === "run" && run.args[2]!.length === body.length + 5);
});

test("10k nested ${ expand correctly", () => {
  const n = 10_000;
  const r = compile("f", `FROM scratch\nENV X=${"${a:-".repeat(n)}z${"}".repeat(n)}\n`);
  assert.ok(r.ir !== null, JSON.stringify(r.diagnostics.slice(0, 2)));
  assert.ok(r.ir!.stages[0]!.config.env.includes("X=z"));
});

test("10k unclosed ${ report one error, not one per level", () => {
  const r = compile("f", `FROM scratch\nENV X=${"${a:-".repeat(10_000)}\n`);
  assert.is(r.diagnostics.filter((d) => d.code === "VS2009").length, 1);
});

test("50k instructions compile to one op per filesystem instruction", () => {
  const text = generateSpec(50_000);
  const r = compile("f", text);
  assert.ok(r.ir !== null, JSON.stringify(r.diagnostics.slice(0, 3)));
  const fsInstructions = text.split("\n").filter((l) => /^(RUN|COPY|WORKDIR) /.test(l)).length;
  const ops = r.ir!.stages.reduce((a, s) => a + s.ops.length, 0);
  assert.is(ops, 1 + fsInstructions);
});

test.run();
