// sifive,test finisher, goldfish RTC and the virtio-mmio v2 register block.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type PowerEvent, SifiveTest } from "../../../runtime/vm/devices/sifiveTest.js";
import { GoldfishRtc, RTC_ALARM_HIGH, RTC_ALARM_LOW, RTC_CLEAR_INTERRUPT, RTC_IRQ_ENABLED, RTC_TIME_HIGH, RTC_TIME_LOW } from "../../../runtime/vm/devices/goldfishRtc.js";
import { type VirtioBackend, VirtioMmio, VirtioReg, VIRTIO_MMIO_MAGIC } from "../../../runtime/vm/devices/virtioMmio.js";

test("finisher: 0x5555 pass, 0x3333 fail with code<<16, 0x7777 reset, others ignored", () => {
  const events: PowerEvent[] = [];
  const dev = new SifiveTest((e) => events.push(e));
  dev.write(0, 4, 0x1234n);
  dev.write(0, 4, 0x5555n);
  dev.write(0, 4, (42n << 16n) | 0x3333n);
  dev.write(0, 4, 0x7777n);
  assert.equal(events, [
    { kind: "poweroff", status: 0 },
    { kind: "poweroff", status: 42 },
    { kind: "reset" },
  ]);
});

test("RTC: TIME_LOW read latches TIME_HIGH; a guest write moves the clock", () => {
  let now = 0x1_2345_6789n;
  const rtc = new GoldfishRtc(() => now, () => {});
  assert.is(rtc.read(RTC_TIME_LOW, 4), 0x2345_6789n);
  now += 0x1_0000_0000n;
  assert.is(rtc.read(RTC_TIME_HIGH, 4), 1n, "latched at the TIME_LOW read");
  rtc.write(RTC_TIME_HIGH, 4, 5n);
  rtc.write(RTC_TIME_LOW, 4, 7n);
  assert.is(rtc.timeNs(), (5n << 32n) | 7n);
});

test("RTC: alarm raises the interrupt when due and enabled; clear lowers it", () => {
  let now = 1000n;
  let level = false;
  const rtc = new GoldfishRtc(() => now, (l) => (level = l));
  rtc.write(RTC_IRQ_ENABLED, 4, 1n);
  rtc.write(RTC_ALARM_HIGH, 4, 0n);
  rtc.write(RTC_ALARM_LOW, 4, 2000n);
  rtc.update();
  assert.is(level, false);
  now = 2000n;
  rtc.update();
  assert.is(level, true);
  rtc.write(RTC_CLEAR_INTERRUPT, 4, 1n);
  assert.is(level, false);
});

test("virtio-mmio: an empty slot reports magic, version 2 and device id 0", () => {
  const slot = new VirtioMmio("virtio0", () => {});
  assert.is(slot.read(VirtioReg.MagicValue, 4), BigInt(VIRTIO_MMIO_MAGIC));
  assert.is(slot.read(VirtioReg.Version, 4), 2n);
  assert.is(slot.read(VirtioReg.DeviceID, 4), 0n);
  assert.is(slot.read(VirtioReg.QueueNumMax, 4), 0n);
});

test("virtio-mmio: features, queue registers, notify, interrupt ack and reset", () => {
  const notified: Array<[number, bigint]> = [];
  let resets = 0;
  const backend: VirtioBackend = {
    deviceId: 2,
    features: 1n << 5n,
    queueNumMax: [128],
    readConfig: (off) => BigInt(off + 1),
    writeConfig: () => {},
    notify: (i, q) => notified.push([i, q.desc]),
    reset: () => resets++,
  };
  let level = false;
  const slot = new VirtioMmio("virtio0", (l) => (level = l), backend);
  assert.is(slot.read(VirtioReg.DeviceID, 4), 2n);
  assert.is(slot.read(VirtioReg.DeviceFeatures, 4), 32n);
  slot.write(VirtioReg.DeviceFeaturesSel, 4, 1n);
  assert.is(slot.read(VirtioReg.DeviceFeatures, 4), 1n, "VIRTIO_F_VERSION_1 is bit 32");
  slot.write(VirtioReg.DriverFeaturesSel, 4, 1n);
  slot.write(VirtioReg.DriverFeatures, 4, 1n);
  assert.is(slot.negotiatedFeatures(), 1n << 32n);
  slot.write(VirtioReg.QueueSel, 4, 0n);
  assert.is(slot.read(VirtioReg.QueueNumMax, 4), 128n);
  slot.write(VirtioReg.QueueDescLow, 4, 0x1000n);
  slot.write(VirtioReg.QueueDescHigh, 4, 0x2n);
  slot.write(VirtioReg.QueueReady, 4, 1n);
  assert.is(slot.read(VirtioReg.QueueReady, 4), 1n);
  slot.write(VirtioReg.QueueNotify, 4, 0n);
  assert.equal(notified, [[0, 0x2_0000_1000n]]);
  slot.interrupt(1);
  assert.is(level, true);
  assert.is(slot.read(VirtioReg.InterruptStatus, 4), 1n);
  slot.write(VirtioReg.InterruptACK, 4, 1n);
  assert.is(level, false);
  assert.is(slot.read(0x100 + 3, 1), 4n);
  slot.write(VirtioReg.Status, 4, 0xfn);
  assert.is(slot.read(VirtioReg.Status, 4), 0xfn);
  slot.write(VirtioReg.Status, 4, 0n);
  assert.is(resets, 1);
  assert.is(slot.read(VirtioReg.QueueReady, 4), 0n);
});

test.run();
