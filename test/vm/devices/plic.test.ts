// PLIC: priorities, thresholds, enables per context, claim/complete with level-triggered sources.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Plic, PLIC_CONTEXT, PLIC_CONTEXT_STRIDE, PLIC_ENABLE, PLIC_ENABLE_STRIDE, PLIC_PENDING } from "../../../runtime/vm/devices/plic.js";

function setup() {
  const out = [false, false];
  const plic = new Plic([(l) => (out[0] = l), (l) => (out[1] = l)]);
  const prio = (src: number, p: number) => plic.write(src * 4, 4, BigInt(p));
  const enable = (ctx: number, mask: number) => plic.write(PLIC_ENABLE + ctx * PLIC_ENABLE_STRIDE, 4, BigInt(mask));
  const threshold = (ctx: number, t: number) => plic.write(PLIC_CONTEXT + ctx * PLIC_CONTEXT_STRIDE, 4, BigInt(t));
  const claim = (ctx: number) => Number(plic.read(PLIC_CONTEXT + ctx * PLIC_CONTEXT_STRIDE + 4, 4));
  const complete = (ctx: number, src: number) => plic.write(PLIC_CONTEXT + ctx * PLIC_CONTEXT_STRIDE + 4, 4, BigInt(src));
  return { plic, out, prio, enable, threshold, claim, complete };
}

test("a pending source with priority 0 never interrupts", () => {
  const { plic, out, enable, claim } = setup();
  enable(1, 1 << 10);
  plic.setSource(10, true);
  assert.is(plic.read(PLIC_PENDING, 4), BigInt(1 << 10));
  assert.is(out[1], false);
  assert.is(claim(1), 0);
});

test("only the context that enabled the source is interrupted", () => {
  const { plic, out, prio, enable } = setup();
  prio(10, 1);
  enable(1, 1 << 10);
  plic.setSource(10, true);
  assert.equal(out, [false, true]);
});

test("claim returns the highest priority, ties go to the lowest id, and clears pending", () => {
  const { plic, out, prio, enable, claim, complete } = setup();
  prio(3, 2);
  prio(5, 4);
  prio(7, 4);
  enable(1, (1 << 3) | (1 << 5) | (1 << 7));
  plic.setSource(3, true);
  plic.setSource(7, true);
  plic.setSource(5, true);
  assert.is(claim(1), 5);
  assert.is(plic.isPending(5), false);
  assert.is(claim(1), 7);
  assert.is(claim(1), 3);
  assert.is(claim(1), 0);
  assert.is(out[1], false, "everything claimed: line low");
  // Level still high: completion re-pends the source.
  complete(1, 5);
  assert.is(plic.isPending(5), true);
  assert.is(out[1], true);
});

test("a claimed source does not re-pend until completed; a dropped level stays quiet", () => {
  const { plic, out, prio, enable, claim, complete } = setup();
  prio(10, 1);
  enable(1, 1 << 10);
  plic.setSource(10, true);
  assert.is(claim(1), 10);
  plic.setSource(10, false);
  plic.setSource(10, true);
  assert.is(plic.isPending(10), false, "in flight");
  plic.setSource(10, false);
  complete(1, 10);
  assert.is(plic.isPending(10), false);
  assert.is(out[1], false);
});

test("threshold masks priorities at or below it", () => {
  const { plic, out, prio, enable, threshold, claim } = setup();
  prio(1, 3);
  enable(0, 1 << 1);
  threshold(0, 3);
  plic.setSource(1, true);
  assert.is(out[0], false);
  assert.is(claim(0), 0);
  threshold(0, 2);
  assert.is(out[0], true);
  assert.is(plic.read(PLIC_CONTEXT, 4), 2n);
  assert.is(claim(0), 1);
});

test("registers read back; source 0 cannot be enabled or prioritised", () => {
  const { plic, prio, enable } = setup();
  prio(0, 5);
  prio(9, 0xff);
  assert.is(plic.read(0, 4), 0n);
  assert.is(plic.read(9 * 4, 4), 7n, "3 priority bits");
  enable(1, 0xffffffff);
  assert.is(plic.read(PLIC_ENABLE + PLIC_ENABLE_STRIDE, 4), 0xfffffffen);
  assert.is(plic.size, PLIC_CONTEXT + 2 * PLIC_CONTEXT_STRIDE);
});

test("completing a source not enabled for the context is ignored (PLIC spec §8)", () => {
  const { plic, prio, enable, claim, complete } = setup();
  prio(4, 1);
  enable(1, 1 << 4);
  plic.setSource(4, true);
  assert.is(claim(1), 4);
  complete(0, 4);
  assert.is(plic.isPending(4), false);
  complete(1, 4);
  assert.is(plic.isPending(4), true);
});

test.run();
