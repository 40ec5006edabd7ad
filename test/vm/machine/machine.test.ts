// The machine with hand-written M-mode firmware: console output, power-off status, timeouts,
// boot registers and DTB in RAM, and guest faults reported with PC and cause.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { FDT_MAGIC } from "../../../runtime/vm/machine/fdt.js";
import { FW_DYNAMIC_INFO_MAGIC } from "../../../runtime/vm/machine/bootLayout.js";
import { GuestFaultError } from "../../../runtime/vm/machine/errors.js";
import { Machine } from "../../../runtime/vm/machine/machine.js";
import { addi, fakeKernel, jr, lui, lw, program, reg, spin, store } from "./asm.js";

const { t0, t1 } = reg;

function machine(firmware: number[], deterministic = true) {
  return new Machine({ memorySize: 64 << 20, firmware: program(firmware), kernel: fakeKernel(), bootargs: "x", deterministic });
}

/** Firmware that prints `text` on UART0 (0x1000_0000) then writes `finisher` to the test device. */
function printAndFinish(text: string, finisher: number): number[] {
  const w: number[] = [lui(t0, 0x10000)];
  for (const c of text) w.push(addi(t1, 0, c.charCodeAt(0)), store(0, t1, t0, 0));
  w.push(lui(t0, 0x100), lui(t1, finisher >>> 12), addi(t1, t1, finisher & 0xfff), store(2, t1, t0, 0), spin());
  return w;
}

test("firmware output reaches the console log; FINISHER_FAIL carries the guest's status", async () => {
  const m = machine(printAndFinish("hi!\n", (7 << 16) | 0x3333));
  const exit = await m.run({ timeoutMs: 10_000 });
  assert.equal(exit, { kind: "poweroff", status: 7 });
  assert.is(m.console.text(), "hi!\n");
});

test("FINISHER_PASS powers off with status 0; FINISHER_RESET asks for a reboot", async () => {
  assert.equal(await machine(printAndFinish("", 0x5555)).run({ timeoutMs: 10_000 }), { kind: "poweroff", status: 0 });
  assert.equal(await machine(printAndFinish("", 0x7777)).run({ timeoutMs: 10_000 }), { kind: "reset" });
});

test("a hung guest is ended by the timeout", async () => {
  const m = machine([spin()]);
  const exit = await m.run({ timeoutMs: 200 });
  assert.equal(exit, { kind: "timeout" });
  assert.ok(m.instructions > 0n);
});

test("reset state: a0 = hart 0, a1 = DTB, a2 = fw_dynamic info; both are in RAM", () => {
  const m = machine([spin()]);
  const h = m.hart;
  assert.is(BigInt.asUintN(64, h.pc), 0x8000_0000n);
  assert.is(h.getX(10), 0n);
  assert.is(h.getX(11), m.layout.dtb.start);
  assert.is(h.getX(12), m.layout.fwDynamicInfo.start);
  const dtb = h.readPhys(m.layout.dtb.start, 4);
  assert.is(new DataView(dtb.buffer).getUint32(0), FDT_MAGIC);
  assert.is(h.readPhys64(m.layout.fwDynamicInfo.start), FW_DYNAMIC_INFO_MAGIC);
  assert.is(h.readPhys64(m.layout.fwDynamicInfo.start + 16n), 0x8020_0000n, "next_addr = kernel");
});

test("a load from unmapped physical memory is reported with PC and cause, not a host crash", async () => {
  // lui t0, 0x20000 → t0 = 0x2000_0000 (nothing mapped there); lw t1, 0(t0).
  const m = machine([lui(t0, 0x20000), lw(t1, t0, 0), spin()]);
  try {
    await m.run({ timeoutMs: 10_000 });
    assert.unreachable("should have faulted");
  } catch (e) {
    assert.instance(e, GuestFaultError);
    const f = e as GuestFaultError;
    assert.is(f.code, "VM_GUEST_FAULT");
    assert.is(f.pc, 0x8000_0004n, "pc of the faulting load");
    assert.is(f.address, 0x2000_0000n);
    assert.match(f.message, "pc=0x80000004");
    assert.match(f.message, "0x20000000");
  }
});

test("a jump to unmapped memory is reported as an instruction access fault", async () => {
  const m = machine([lui(t0, 0x30000), jr(t0)]);
  try {
    await m.run({ timeoutMs: 10_000 });
    assert.unreachable("should have faulted");
  } catch (e) {
    assert.instance(e, GuestFaultError);
    assert.match((e as Error).message, "instruction access fault");
  }
});

test("real-time mode runs the same firmware", async () => {
  const m = machine(printAndFinish("rt", 0x5555), false);
  assert.equal(await m.run({ timeoutMs: 10_000 }), { kind: "poweroff", status: 0 });
  assert.is(m.console.text(), "rt");
});

test.run();
