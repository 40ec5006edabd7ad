// The machine with hand-written M-mode firmware: console output, power-off status, timeouts,
// boot registers and DTB in RAM, and guest faults reported with PC and cause.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { FDT_MAGIC } from "../../../runtime/vm/machine/fdt.js";
import { FW_DYNAMIC_INFO_MAGIC } from "../../../runtime/vm/machine/bootLayout.js";
import { GuestFaultError, MachineError } from "../../../runtime/vm/machine/errors.js";
import { Machine } from "../../../runtime/vm/machine/machine.js";
import { boot } from "../../../runtime/vm/machine/boot.js";
import { add, addi, andi, csrrs, fakeKernel, jr, lui, lw, program, reg, slli, spin, srli, store } from "./asm.js";

const { t0, t1, t2 } = reg;

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

test("boot() follows a guest reboot with a fresh machine and keeps one console log", async () => {
  let machines = 0;
  const r = await boot({
    firmware: program(printAndFinish("boot\n", 0x7777)), // prints, then FINISHER_RESET
    kernel: fakeKernel(),
    memorySize: 64 << 20,
    deterministic: true,
    timeoutMs: 10_000,
    onMachine: (m) => {
      // The second machine gets firmware that powers off instead (written over the reset image).
      if (++machines === 2) m.hart.writePhys(0x8000_0000n, program(printAndFinish("again\n", 0x5555)));
    },
  });
  assert.equal(r.exit, { kind: "poweroff", status: 0 });
  assert.is(r.reboots, 1);
  assert.is(machines, 2);
  assert.is(r.console.text(), "boot\nagain\n");
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

test("SEIP latched by a mip read-modify-write while the PLIC line is high clears when the line drops", async () => {
  // What OpenSBI does while the UART's S-mode interrupt is pending: csrs mip, STIP. Then the
  // S-mode context claims the source, which lowers SEIP; mip.SEIP must then read 0.
  const m = machine([
    lui(t0, 0x10000), addi(t1, 0, 1), store(0, t1, t0, 1), //   UART IER = RDI
    lui(t0, 0x0c000), store(2, t1, t0, 40), //                  PLIC priority[10] = 1
    lui(t0, 0x0c002), addi(t1, 0, 0x400), store(2, t1, t0, 0x80), // context 1 (S) enables source 10
    addi(t0, 0, 0x20), csrrs(0, 0x344, t0), //                 csrs mip, STIP (SEIP line is high now)
    lui(t0, 0x0c201), lw(t1, t0, 4), //                         claim on context 1 → 10, line drops
    csrrs(t2, 0x344, 0), srli(t2, t2, 9), andi(t2, t2, 1), //   t2 = mip.SEIP
    slli(t2, t2, 16), lui(t0, 0x100), lui(t1, 0x3), addi(t1, t1, 0x333), add(t1, t1, t2),
    store(2, t1, t0, 0), //                                     FINISHER_FAIL with code = mip.SEIP
    spin(),
  ]);
  m.input([0x41]);
  assert.equal(await m.run({ timeoutMs: 10_000 }), { kind: "poweroff", status: 0 }, "mip.SEIP stayed set");
  assert.is(m.plic.isPending(10), false, "claimed");
});

test("a device model that throws stops the run with a MachineError naming the pc, not a crash", async () => {
  const m = machine([lui(t0, 0x10000), lw(t1, t0, 5), spin()]);
  m.uart.read = () => {
    throw new Error("model bug");
  };
  try {
    await m.run({ timeoutMs: 10_000 });
    assert.unreachable("should have failed");
  } catch (e) {
    assert.instance(e, MachineError);
    assert.is((e as MachineError).code, "VM_DEVICE");
    assert.match((e as Error).message, "pc=0x80000004");
    assert.match((e as Error).message, "model bug");
  }
});

test("real-time mode runs the same firmware", async () => {
  const m = machine(printAndFinish("rt", 0x5555), false);
  assert.equal(await m.run({ timeoutMs: 10_000 }), { kind: "poweroff", status: 0 });
  assert.is(m.console.text(), "rt");
});

test.run();
