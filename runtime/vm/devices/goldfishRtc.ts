// Goldfish RTC: wall-clock time in nanoseconds since the Unix epoch, with a one-shot alarm.
//
// Register layout (Android goldfish RTC, QEMU hw/rtc/goldfish_rtc.c, Linux drivers/rtc/rtc-goldfish.c):
//   0x00 TIME_LOW   reading it latches the high half into TIME_HIGH
//   0x04 TIME_HIGH
//   0x08 ALARM_LOW  writing it arms the alarm (ALARM_HIGH first)
//   0x0c ALARM_HIGH
//   0x10 IRQ_ENABLED
//   0x14 CLEAR_ALARM
//   0x18 ALARM_STATUS
//   0x1c CLEAR_INTERRUPT
import type { AccessSize, IrqLine, MmioDevice } from "./device.js";

/** Register offsets (QEMU hw/rtc/goldfish_rtc.c). */
export const RTC_TIME_LOW = 0x00;
export const RTC_TIME_HIGH = 0x04;
export const RTC_ALARM_LOW = 0x08;
export const RTC_ALARM_HIGH = 0x0c;
export const RTC_IRQ_ENABLED = 0x10;
export const RTC_CLEAR_ALARM = 0x14;
export const RTC_ALARM_STATUS = 0x18;
export const RTC_CLEAR_INTERRUPT = 0x1c;
/** Register window size (QEMU `virt`: VIRT_RTC size 0x1000). */
export const RTC_SIZE = 0x1000;

/**
 * The RTC. `nowNs` supplies the wall-clock time in ns since the epoch (host clock in real-time
 * mode, a fixed epoch plus virtual time in deterministic mode). A guest write of the time (the
 * driver's `set_time`: TIME_HIGH then TIME_LOW) moves an offset. `update()` fires a due alarm.
 */
export class GoldfishRtc implements MmioDevice {
  readonly name = "rtc";
  readonly size = RTC_SIZE;
  private offsetNs = 0n;
  private latchedHigh = 0;
  private alarmHigh = 0;
  private alarmNs = 0n;
  private alarmArmed = false;
  private irqEnabled = false;
  private irqPending = false;
  private pendingTimeHigh = 0;

  constructor(
    private readonly nowNs: () => bigint,
    private readonly irq: IrqLine,
  ) {}

  /** The time the guest reads, in ns since the epoch. */
  timeNs(): bigint {
    return this.nowNs() + this.offsetNs;
  }

  /** Fires the alarm if it is armed and due. */
  update(): void {
    if (this.alarmArmed && this.timeNs() >= this.alarmNs) {
      this.alarmArmed = false;
      this.irqPending = true;
      this.drive();
    }
  }

  read(offset: number, _size: AccessSize): bigint {
    switch (offset) {
      case RTC_TIME_LOW: {
        const t = this.timeNs();
        this.latchedHigh = Number((t >> 32n) & 0xffff_ffffn);
        return t & 0xffff_ffffn;
      }
      case RTC_TIME_HIGH:
        return BigInt(this.latchedHigh);
      case RTC_ALARM_LOW:
        return this.alarmNs & 0xffff_ffffn;
      case RTC_ALARM_HIGH:
        return (this.alarmNs >> 32n) & 0xffff_ffffn;
      case RTC_IRQ_ENABLED:
        return this.irqEnabled ? 1n : 0n;
      case RTC_ALARM_STATUS:
        return this.alarmArmed ? 1n : 0n;
      default:
        return 0n;
    }
  }

  write(offset: number, _size: AccessSize, value: bigint): void {
    const v = Number(value & 0xffff_ffffn);
    switch (offset) {
      case RTC_TIME_LOW: {
        const wanted = (BigInt(this.pendingTimeHigh) << 32n) | BigInt(v);
        this.offsetNs = wanted - this.nowNs();
        return;
      }
      case RTC_TIME_HIGH:
        this.pendingTimeHigh = v;
        return;
      case RTC_ALARM_LOW:
        this.alarmNs = (BigInt(this.alarmHigh) << 32n) | BigInt(v);
        this.alarmArmed = true;
        this.update();
        return;
      case RTC_ALARM_HIGH:
        this.alarmHigh = v;
        return;
      case RTC_IRQ_ENABLED:
        this.irqEnabled = (v & 1) === 1;
        this.drive();
        return;
      case RTC_CLEAR_ALARM:
        this.alarmArmed = false;
        return;
      case RTC_CLEAR_INTERRUPT:
        this.irqPending = false;
        this.drive();
        return;
      default:
        return;
    }
  }

  private drive(): void {
    this.irq(this.irqEnabled && this.irqPending);
  }
}
