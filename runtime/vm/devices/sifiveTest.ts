// `sifive,test1`-style finisher: a guest write ends the machine with pass, fail(code) or reset.
//
// Protocol (QEMU hw/misc/sifive_test.c): a 32-bit write at offset 0 whose low 16 bits are
//   0x5555 FINISHER_PASS   power off, exit status 0
//   0x3333 FINISHER_FAIL   power off, exit status = value >> 16
//   0x7777 FINISHER_RESET  reboot
// Any other value is ignored. Reads return 0.
import type { AccessSize, MmioDevice } from "./device.js";

/** FINISHER_PASS (QEMU include/hw/misc/sifive_test.h). */
export const FINISHER_PASS = 0x5555;
/** FINISHER_FAIL (QEMU include/hw/misc/sifive_test.h). */
export const FINISHER_FAIL = 0x3333;
/** FINISHER_RESET (QEMU include/hw/misc/sifive_test.h). */
export const FINISHER_RESET = 0x7777;
/** Register window size (QEMU `virt`: VIRT_TEST size 0x1000). */
export const SIFIVE_TEST_SIZE = 0x1000;

/** What the guest asked for. */
export type PowerEvent = { kind: "poweroff"; status: number } | { kind: "reset" };

/** The finisher device; `onPower` is called once per recognised write. */
export class SifiveTest implements MmioDevice {
  readonly name = "test";
  readonly size = SIFIVE_TEST_SIZE;

  constructor(private readonly onPower: (event: PowerEvent) => void) {}

  read(_offset: number, _size: AccessSize): bigint {
    return 0n;
  }

  write(offset: number, size: AccessSize, value: bigint): void {
    if (offset !== 0 || size < 4) return;
    const v = Number(value & 0xffff_ffffn);
    const code = v >>> 16;
    switch (v & 0xffff) {
      case FINISHER_PASS:
        this.onPower({ kind: "poweroff", status: 0 });
        return;
      case FINISHER_FAIL:
        this.onPower({ kind: "poweroff", status: code });
        return;
      case FINISHER_RESET:
        this.onPower({ kind: "reset" });
        return;
      default:
        return;
    }
  }
}
