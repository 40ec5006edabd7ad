// FDT encoder and the machine's device tree, decoded back with Debian's `dtc`.
import { execFileSync } from "node:child_process";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { encodeDeviceTree, RISCV_ISA } from "../../../runtime/vm/machine/deviceTree.js";
import { encodeFdt, FDT_MAGIC, fdtNode, fdtValue } from "../../../runtime/vm/machine/fdt.js";
import { gated } from "../../support/env.js";

const dtcTest = gated(test, { tools: ["dtc"] });

function decode(blob: Uint8Array): string {
  return execFileSync("dtc", ["-I", "dtb", "-O", "dts", "-q", "-"], { input: blob, encoding: "utf8" });
}

test("header: magic, version 17/16, sizes and block offsets are consistent", () => {
  const blob = encodeFdt(fdtNode("", { a: fdtValue.u32(1) }), { padding: 100 });
  const dv = new DataView(blob.buffer);
  assert.is(dv.getUint32(0), FDT_MAGIC);
  assert.is(dv.getUint32(4), blob.length);
  assert.is(dv.getUint32(20), 17);
  assert.is(dv.getUint32(24), 16);
  const structOff = dv.getUint32(8);
  const stringsOff = dv.getUint32(12);
  assert.is(dv.getUint32(16) % 8, 0, "reservation map 8-aligned");
  assert.is(structOff + dv.getUint32(36), stringsOff);
  assert.ok(stringsOff + dv.getUint32(32) + 100 <= blob.length);
  assert.is(dv.getUint32(structOff + dv.getUint32(36) - 4), 9, "ends with FDT_END");
});

test("property names are stored once in the strings block", () => {
  const blob = encodeFdt(fdtNode("", { reg: fdtValue.u32(1) }, [fdtNode("a", { reg: fdtValue.u32(2) }), fdtNode("b", { reg: fdtValue.u32(3) })]));
  const dv = new DataView(blob.buffer);
  assert.is(dv.getUint32(32), "reg\0".length);
});

dtcTest("dtc decodes value types, nesting and the memory reservation map", () => {
  const blob = encodeFdt(
    fdtNode("", { "#address-cells": fdtValue.u32(2), flag: fdtValue.empty() }, [
      fdtNode("node@10", {
        words: fdtValue.u32(1, 0xdeadbeef),
        big: fdtValue.u64(0x1_2345_6789n),
        label: fdtValue.string("hello"),
        list: fdtValue.strings("a", "bc"),
        raw: fdtValue.bytes(Uint8Array.of(1, 2, 3)),
      }),
    ]),
    { reservations: [{ address: 0x8000_0000n, size: 0x4_0000n }] },
  );
  const dts = decode(blob);
  assert.match(dts, "/memreserve/\t0x0000000080000000 0x0000000000040000;");
  assert.match(dts, "flag;");
  assert.match(dts, "node@10 {");
  assert.match(dts, "words = <0x01 0xdeadbeef>;");
  assert.match(dts, "big = <0x01 0x23456789>;");
  assert.match(dts, 'label = "hello";');
  assert.match(dts, 'list = "a\\0bc";');
  assert.match(dts, "raw = [01 02 03];");
});

dtcTest("the machine's device tree has the virt board's structure", () => {
  const blob = encodeDeviceTree({
    memorySize: 512n << 20n,
    bootargs: "console=ttyS0 earlycon",
    initrd: { start: 0x8820_0000n, end: 0x8830_0000n },
  });
  const dts = decode(blob);
  const has = (s: string) => assert.ok(dts.includes(s), `missing ${JSON.stringify(s)} in:\n${dts}`);
  has('bootargs = "console=ttyS0 earlycon";');
  has('stdout-path = "/soc/serial@10000000";');
  has("linux,initrd-start = <0x00 0x88200000>;");
  has("linux,initrd-end = <0x00 0x88300000>;");
  has("memory@80000000 {");
  has("reg = <0x00 0x80000000 0x00 0x20000000>;");
  has("timebase-frequency = <0x989680>;");
  has(`riscv,isa = "${RISCV_ISA}";`);
  has('riscv,isa-base = "rv64i";');
  has('riscv,isa-extensions = "i\\0m\\0a\\0f\\0d\\0c\\0zicntr\\0zicsr\\0zifencei";');
  has('mmu-type = "riscv,sv39";');
  has('compatible = "riscv,cpu-intc";');
  has("clint@2000000 {");
  has("interrupts-extended = <0x01 0x03 0x01 0x07>;");
  has("plic@c000000 {");
  has("interrupts-extended = <0x01 0x0b 0x01 0x09>;");
  has("riscv,ndev = <0x5f>;");
  has("serial@10000000 {");
  has('compatible = "ns16550a";');
  has("interrupts = <0x0a>;");
  has('compatible = "sifive,test1\\0sifive,test0\\0syscon";');
  has("rtc@101000 {");
  has("interrupts = <0x0b>;");
  has('compatible = "syscon-poweroff";');
  has("value = <0x5555>;");
  for (let i = 0; i < 8; i++) has(`virtio_mmio@${(0x1000_1000 + i * 0x1000).toString(16)} {`);
  // Round trip: dts → dtb → dts is stable, so dtc accepted every value as well-formed.
  const again = execFileSync("dtc", ["-I", "dts", "-O", "dtb", "-q", "-"], { input: dts });
  assert.is(decode(again), dts);
});

test.run();
