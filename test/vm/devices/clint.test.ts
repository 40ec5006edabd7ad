// CLINT: msip drives MSIP, mtimecmp vs mtime drives MTIP, mtime counts from the time source.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Clint, CLINT_MSIP, CLINT_MTIME, CLINT_MTIMECMP } from "../../../runtime/vm/devices/clint.js";

function setup() {
  let now = 1000n;
  const events: string[] = [];
  const clint = new Clint(() => now, {
    msip: (h, l) => events.push(`msip${h}=${l}`),
    mtip: (h, l) => events.push(`mtip${h}=${l}`),
  });
  return { clint, events, advance: (d: bigint) => (now += d) };
}

test("mtime reads the time source, 64-bit and as 32-bit halves", () => {
  const { clint, advance } = setup();
  assert.is(clint.read(CLINT_MTIME, 8), 1000n);
  advance(0x1_0000_0000n);
  assert.is(clint.read(CLINT_MTIME, 4), 1000n);
  assert.is(clint.read(CLINT_MTIME + 4, 4), 1n);
});

test("msip bit 0 raises and lowers the machine software interrupt", () => {
  const { clint, events } = setup();
  clint.write(CLINT_MSIP, 4, 1n);
  assert.is(clint.read(CLINT_MSIP, 4), 1n);
  clint.write(CLINT_MSIP, 4, 0xfffffffen);
  assert.is(clint.read(CLINT_MSIP, 4), 0n);
  assert.equal(events, ["msip0=true", "msip0=false"]);
});

test("mtimecmp resets to all ones and no timer interrupt is pending", () => {
  const { clint, events } = setup();
  assert.is(clint.read(CLINT_MTIMECMP, 8), 0xffff_ffff_ffff_ffffn);
  clint.update();
  assert.equal(events, []);
  assert.is(clint.ticksUntilNextTimer(), undefined);
});

test("timer interrupt fires when mtime reaches mtimecmp and clears when mtimecmp moves on", () => {
  const { clint, events, advance } = setup();
  clint.write(CLINT_MTIMECMP, 8, 1500n);
  assert.equal(events, []);
  assert.is(clint.ticksUntilNextTimer(), 500n);
  advance(499n);
  clint.update();
  assert.equal(events, []);
  advance(1n);
  clint.update();
  assert.equal(events, ["mtip0=true"]);
  clint.update();
  assert.equal(events, ["mtip0=true"], "level unchanged → no duplicate edge");
  assert.is(clint.ticksUntilNextTimer(), undefined, "a timer that already fired is not a future event");
  clint.write(CLINT_MTIMECMP, 8, 5000n);
  assert.equal(events, ["mtip0=true", "mtip0=false"]);
});

test("mtimecmp written as two 32-bit halves (RV32 sequence) takes effect", () => {
  const { clint, events } = setup();
  clint.write(CLINT_MTIMECMP + 4, 4, 0xffffffffn);
  clint.write(CLINT_MTIMECMP, 4, 10n);
  assert.is(clint.read(CLINT_MTIMECMP, 8), 0xffff_ffff_0000_000an);
  clint.write(CLINT_MTIMECMP + 4, 4, 0n);
  assert.equal(events, ["mtip0=true"]);
});

test("writing mtime shifts the guest's view without touching the source", () => {
  const { clint, advance } = setup();
  clint.write(CLINT_MTIME, 8, 50n);
  assert.is(clint.mtime(), 50n);
  advance(10n);
  assert.is(clint.read(CLINT_MTIME, 8), 60n);
});

test.run();
