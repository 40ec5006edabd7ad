// Boot layout: Image header parsing, fw_dynamic info encoding, placement in RAM.
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  computeBootLayout, encodeFwDynamicInfo, FW_DYNAMIC_INFO_MAGIC, parseImageHeader,
} from "../../../runtime/vm/machine/bootLayout.js";
import { BootImageError, BootLayoutError } from "../../../runtime/vm/machine/errors.js";

const MiB = 1n << 20n;

/** A synthetic Image header as Linux's arch/riscv/kernel/head.S lays it out. */
function fakeImage(fileSize: number, imageSize: bigint, textOffset = 0x200000n): Uint8Array {
  const img = new Uint8Array(fileSize);
  const dv = new DataView(img.buffer);
  img[0] = 0x4d;
  img[1] = 0x5a; // "MZ": EFI stub
  dv.setBigUint64(0x08, textOffset, true);
  dv.setBigUint64(0x10, imageSize, true);
  dv.setUint32(0x20, 2, true);
  img.set(new TextEncoder().encode("RISCV\0\0\0"), 0x30);
  img.set(new TextEncoder().encode("RSC\x05"), 0x38);
  return img;
}

test("Image header: text_offset, image_size (BSS included) and EFI stub", () => {
  const h = parseImageHeader(fakeImage(4096, 30n * MiB));
  assert.is(h.textOffset, 0x200000n);
  assert.is(h.imageSize, 30n * MiB);
  assert.is(h.efiStub, true);
});

test("Image header: a file without the magic is rejected with its path", () => {
  const img = fakeImage(4096, 1n * MiB);
  img.fill(0, 0x30, 0x3c);
  try {
    parseImageHeader(img, "/tmp/vmlinuz");
    assert.unreachable();
  } catch (e) {
    assert.instance(e, BootImageError);
    assert.is((e as BootImageError).code, "VM_BAD_IMAGE");
    assert.match((e as Error).message, "/tmp/vmlinuz");
  }
  assert.throws(() => parseImageHeader(new Uint8Array(10)), (e: unknown) => e instanceof BootImageError);
});

test("fw_dynamic info: magic, version 2, next_addr, next_mode S, options, boot_hart", () => {
  const dv = new DataView(encodeFwDynamicInfo(0x8020_0000n, 0n).buffer);
  assert.is(dv.getBigUint64(0, true), FW_DYNAMIC_INFO_MAGIC);
  assert.is(dv.getBigUint64(0, true), 0x4942534fn);
  assert.is(dv.getBigUint64(8, true), 2n);
  assert.is(dv.getBigUint64(16, true), 0x8020_0000n);
  assert.is(dv.getBigUint64(24, true), 1n);
  assert.is(dv.getBigUint64(32, true), 0n);
  assert.is(dv.getBigUint64(40, true), 0n);
});

test("layout: firmware at RAM base, kernel at text_offset, initrd clear of BSS, DTB near the top", () => {
  const kernel = { ...parseImageHeader(fakeImage(4096, 40n * MiB)), fileSize: 20 << 20 };
  const l = computeBootLayout({ memorySize: 512n * MiB, firmwareSize: 270_000, kernel, initrdSize: 3 << 20, dtbSize: 20_000 });
  assert.is(l.firmware.start, 0x8000_0000n);
  assert.is(l.kernel.start, 0x8020_0000n);
  assert.is(l.kernel.end, 0x8020_0000n + 40n * MiB);
  assert.is(l.initrd!.start, 0x8020_0000n + 128n * MiB);
  assert.is(l.dtb.start % (2n * MiB), 0n);
  assert.ok(l.dtb.end <= 0x8000_0000n + 512n * MiB);
  assert.ok(l.dtb.start > 0x8000_0000n + 510n * MiB - 2n * MiB);
  assert.ok(l.fwDynamicInfo.end <= l.dtb.start);
  assert.ok(l.initrd!.end <= l.fwDynamicInfo.start);
  assert.equal(l.entry, { pc: 0x8000_0000n, a0: 0n, a1: l.dtb.start, a2: l.fwDynamicInfo.start });
});

test("layout: on a small machine the initrd still starts past the kernel's BSS", () => {
  const kernel = { ...parseImageHeader(fakeImage(4096, 60n * MiB)), fileSize: 20 << 20 };
  const l = computeBootLayout({ memorySize: 96n * MiB, firmwareSize: 270_000, kernel, initrdSize: 1 << 20, dtbSize: 20_000 });
  assert.ok(l.initrd!.start >= l.kernel.end, "initrd clear of BSS");
  assert.is(l.initrd!.start % (2n * MiB), 0n);
});

test("layout: too little RAM is a BootLayoutError, not a silent overlap", () => {
  const kernel = { ...parseImageHeader(fakeImage(4096, 60n * MiB)), fileSize: 20 << 20 };
  assert.throws(() => computeBootLayout({ memorySize: 48n * MiB, firmwareSize: 270_000, kernel, dtbSize: 20_000 }), (e: unknown) => e instanceof BootLayoutError);
  assert.throws(
    () => computeBootLayout({ memorySize: 80n * MiB, firmwareSize: 270_000, kernel, initrdSize: 30 << 20, dtbSize: 20_000 }),
    (e: unknown) => e instanceof BootLayoutError,
  );
});

test("layout: firmware bigger than 2 MiB pushes the kernel to the next 2 MiB boundary", () => {
  const kernel = { ...parseImageHeader(fakeImage(4096, 10n * MiB)), fileSize: 1 << 20 };
  const l = computeBootLayout({ memorySize: 256n * MiB, firmwareSize: 3 << 20, kernel, dtbSize: 20_000 });
  assert.is(l.kernel.start, 0x8040_0000n);
});

test.run();
