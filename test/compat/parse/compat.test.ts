// Dockerfile compatibility: exec vs shell form, continuation, heredocs, directives, CRLF/BOM,
// flags, ENV/ARG scoping and every substitution form, as a user observes them in the IR.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { compile } from "../../../compiler/compile.js";
import type { FileCopyOp, Ir, RunOp } from "../../../compiler/ir/types.js";
import { CASES, type Expect } from "./cases.js";

function envOf(list: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of list) {
    const eq = kv.indexOf("=");
    out[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return out;
}

function check(ir: Ir | null, codes: string[], hasErrors: boolean, e: Expect): void {
  if (e.codes !== undefined) assert.equal(codes, e.codes, "diagnostic codes");
  else assert.not.ok(hasErrors, `unexpected errors: ${codes.join(", ")}`);
  const observed = Object.keys(e).filter((k) => k !== "codes");
  if (observed.length === 0) return;
  assert.ok(ir !== null, "expected an IR");
  const st = ir!.stages[ir!.target]!;
  const c = st.config;
  if (e.run !== undefined) assert.equal(st.ops.filter((o): o is RunOp => o.kind === "run").map((o) => o.args), e.run, "RUN argv");
  if (e.cmd !== undefined) assert.equal(c.cmd, e.cmd, "CMD");
  if (e.entrypoint !== undefined) assert.equal(c.entrypoint, e.entrypoint, "ENTRYPOINT");
  if (e.env !== undefined) {
    const env = envOf(c.env);
    for (const [k, v] of Object.entries(e.env)) assert.is(env[k], v, `ENV ${k}`);
  }
  if (e.labels !== undefined) assert.equal(c.labels, e.labels, "labels");
  if (e.volumes !== undefined) assert.equal(c.volumes, e.volumes, "volumes");
  if (e.ports !== undefined) assert.equal(c.exposedPorts, e.ports, "exposed ports");
  if (e.user !== undefined) assert.is(c.user, e.user, "user");
  if (e.workdir !== undefined) assert.is(c.workdir, e.workdir, "workdir");
  if (e.shell !== undefined) assert.equal(c.shell, e.shell, "shell");
  if (e.copy !== undefined) {
    const copies = st.ops.filter((o): o is FileCopyOp => o.kind === "copy" || o.kind === "add");
    assert.equal(
      copies.map((o) => o.sources.map((s) => (s.kind === "path" ? s.path : s.kind === "inline" ? s.file.content : s.url))),
      e.copy,
      "COPY sources",
    );
  }
}

test("there are at least 150 compatibility cases", () => {
  assert.ok(CASES.length >= 150, `${CASES.length}`);
});

for (const c of CASES) {
  test(c.name, () => {
    const r = compile("Dockerfile", c.input);
    check(r.ir ?? r.partialIr, r.diagnostics.map((d) => d.code), r.hasErrors, c.expect);
  });
}

test.run();
