// The ISA test programs (test/vm/isa/asm/*.S): each is assembled at test time and must report pass through tohost.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { gated } from "../../support/env.js";
import { runBareMetal } from "../../../runtime/vm/cpu/bareMetal.js";
import { asmTests, buildAsm, CC, tempDir } from "./toolchain.js";

const t = gated(test, { tools: [CC] });
const dir = tempDir();

for (const name of asmTests()) {
  t(`${name} passes on the emulator`, () => {
    const elf = buildAsm(name, dir);
    const r = runBareMetal(elf, { maxInsns: 50_000_000 });
    assert.equal(r.outcome, { kind: "pass" }, `${name}: ${JSON.stringify(r.outcome)} (gp = test number)`);
  });
}

t("a failing program is reported with its test number and its console output", () => {
  const elf = buildAsm("fail7.S", dir, "asm-negative");
  const r = runBareMetal(elf, { maxInsns: 1_000_000 });
  assert.equal(r.outcome, { kind: "fail", test: 7 });
  assert.is(r.console, "hi\n");
});

t("the instruction budget bounds a run", () => {
  const elf = buildAsm("rv64i.S", dir);
  const r = runBareMetal(elf, { maxInsns: 10 });
  assert.equal(r.outcome, { kind: "timeout" });
  assert.ok(r.instret <= 10n);
});

test.run();
