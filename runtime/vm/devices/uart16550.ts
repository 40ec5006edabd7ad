// 16550A UART model: registers (incl. the DLAB divisor latch), FIFOs, LSR/IIR semantics and the
// receive-data, THR-empty and line-status interrupts. Transmission is instantaneous.
//
// Register numbers and bits follow the National Semiconductor PC16550D datasheet (Table II,
// "Summary of Registers") and Linux include/uapi/linux/serial_reg.h.
import type { AccessSize, IrqLine, MmioDevice } from "./device.js";

/** Register offsets (reg-shift 0, as on QEMU's `virt` board). */
export const UART_RBR_THR = 0; // receive buffer (read) / transmit holding (write); DLL when DLAB
export const UART_IER = 1; // interrupt enable; DLM when DLAB
export const UART_IIR_FCR = 2; // interrupt identification (read) / FIFO control (write)
export const UART_LCR = 3; // line control (bit 7 = DLAB)
export const UART_MCR = 4; // modem control
export const UART_LSR = 5; // line status
export const UART_MSR = 6; // modem status
export const UART_SCR = 7; // scratch
/** Size of the register window (QEMU `virt`: VIRT_UART0 size 0x100). */
export const UART_SIZE = 0x100;

/** IER bits (datasheet Table II). */
export const IER_RDI = 0x01;
export const IER_THRI = 0x02;
export const IER_RLSI = 0x04;
export const IER_MSI = 0x08;
/** IIR values (datasheet Table IV, "Interrupt Control Functions"). */
export const IIR_NO_INT = 0x01;
export const IIR_RLSI = 0x06;
export const IIR_RDI = 0x04;
export const IIR_CTI = 0x0c;
export const IIR_THRI = 0x02;
export const IIR_MSI = 0x00;
export const IIR_FIFO_ENABLED = 0xc0;
/** LSR bits. */
export const LSR_DR = 0x01;
export const LSR_OE = 0x02;
export const LSR_THRE = 0x20;
export const LSR_TEMT = 0x40;
/** FCR bits. */
export const FCR_ENABLE = 0x01;
export const FCR_CLEAR_RX = 0x02;
export const FCR_CLEAR_TX = 0x04;
/** MCR bits. */
export const MCR_LOOP = 0x10;
/** Depth of the receive FIFO (16550A). */
export const UART_FIFO_DEPTH = 16;

const LCR_DLAB = 0x80;
/** FCR bits 7:6 → receive trigger level (datasheet Table III). */
const RX_TRIGGER = [1, 4, 8, 14] as const;

/**
 * A 16550A. Bytes the guest transmits go to `transmit`; host input is queued with `receive()` and
 * fed into the 16-byte receive FIFO as the guest drains it (so typed input is never lost to
 * overrun). `irq` is the interrupt output (QEMU `virt`: PLIC source 10).
 */
export class Uart16550 implements MmioDevice {
  readonly name: string;
  readonly size = UART_SIZE;
  private ier = 0;
  private lcr = 0;
  private mcr = 0;
  private lsrErrors = 0;
  private scr = 0;
  private fcr = 0;
  private dll = 0x0c; // 9600 baud at 1.8432 MHz, a typical reset-time value
  private dlm = 0;
  private thrIpending = false;
  private readonly rxFifo: number[] = [];
  private readonly hostQueue: number[] = [];
  private irqLevel = false;

  constructor(
    private readonly transmit: (byte: number) => void,
    private readonly irq: IrqLine,
    name = "uart0",
  ) {
    this.name = name;
  }

  /** Queues host input bytes for the guest to read. */
  receive(bytes: Iterable<number>): void {
    for (const b of bytes) this.hostQueue.push(b & 0xff);
    this.refill();
    this.updateIrq();
  }

  /** Number of host input bytes not yet read by the guest. */
  pendingInput(): number {
    return this.rxFifo.length + this.hostQueue.length;
  }

  /** The divisor latch value (DLM:DLL). */
  divisor(): number {
    return (this.dlm << 8) | this.dll;
  }

  read(offset: number, _size: AccessSize): bigint {
    return BigInt(this.readByte(offset));
  }

  write(offset: number, _size: AccessSize, value: bigint): void {
    this.writeByte(offset, Number(value & 0xffn));
  }

  private readByte(reg: number): number {
    switch (reg) {
      case UART_RBR_THR: {
        if (this.lcr & LCR_DLAB) return this.dll;
        const b = this.rxFifo.shift() ?? 0;
        this.refill();
        this.updateIrq();
        return b;
      }
      case UART_IER:
        return this.lcr & LCR_DLAB ? this.dlm : this.ier;
      case UART_IIR_FCR: {
        const iir = this.iir();
        // Reading IIR while it reports THR-empty clears that interrupt (datasheet Table IV).
        if ((iir & 0x0f) === IIR_THRI) {
          this.thrIpending = false;
          this.updateIrq();
        }
        return iir | (this.fcr & FCR_ENABLE ? IIR_FIFO_ENABLED : 0);
      }
      case UART_LCR:
        return this.lcr;
      case UART_MCR:
        return this.mcr;
      case UART_LSR: {
        const lsr = this.lsr();
        this.lsrErrors = 0; // error bits clear on read
        this.updateIrq();
        return lsr;
      }
      case UART_MSR:
        if (this.mcr & MCR_LOOP) {
          // Loopback: DTR→DSR, RTS→CTS, OUT1→RI, OUT2→DCD (datasheet, MCR bit 4).
          const m = this.mcr;
          return ((m & 0x02) << 3) | ((m & 0x01) << 5) | ((m & 0x04) << 4) | ((m & 0x08) << 4);
        }
        return 0xb0; // DCD | DSR | CTS, as QEMU reports for a connected console
      case UART_SCR:
        return this.scr;
      default:
        return 0;
    }
  }

  private writeByte(reg: number, v: number): void {
    switch (reg) {
      case UART_RBR_THR:
        if (this.lcr & LCR_DLAB) {
          this.dll = v;
          return;
        }
        if (this.mcr & MCR_LOOP) {
          if (this.rxFifo.length < this.fifoDepth()) this.rxFifo.push(v);
          else this.lsrErrors |= LSR_OE;
        } else {
          this.transmit(v);
        }
        // The byte left at once: THR is empty again, which raises THRI if enabled.
        this.thrIpending = true;
        this.updateIrq();
        return;
      case UART_IER:
        if (this.lcr & LCR_DLAB) {
          this.dlm = v;
          return;
        }
        {
          const enablingThri = !(this.ier & IER_THRI) && v & IER_THRI;
          this.ier = v & 0x0f;
          // Enabling THRI while THR is empty raises it immediately; Linux's 8250 start-up test
          // relies on this (drivers/tty/serial/8250/8250_port.c, UART_BUG_THRE).
          if (enablingThri) this.thrIpending = true;
          this.updateIrq();
        }
        return;
      case UART_IIR_FCR:
        if (v & FCR_CLEAR_RX) this.rxFifo.length = 0;
        this.fcr = v & 0xc9;
        this.refill();
        this.updateIrq();
        return;
      case UART_LCR:
        this.lcr = v;
        return;
      case UART_MCR:
        this.mcr = v & 0x1f;
        return;
      case UART_SCR:
        this.scr = v;
        return;
      default:
        return;
    }
  }

  private fifoDepth(): number {
    return this.fcr & FCR_ENABLE ? UART_FIFO_DEPTH : 1;
  }

  private refill(): void {
    if (this.mcr & MCR_LOOP) return;
    while (this.hostQueue.length > 0 && this.rxFifo.length < this.fifoDepth()) {
      this.rxFifo.push(this.hostQueue.shift()!);
    }
  }

  private lsr(): number {
    return (this.rxFifo.length > 0 ? LSR_DR : 0) | this.lsrErrors | LSR_THRE | LSR_TEMT;
  }

  /** The highest-priority pending interrupt (datasheet Table IV priority order). */
  private iir(): number {
    if (this.ier & IER_RLSI && this.lsrErrors) return IIR_RLSI;
    if (this.ier & IER_RDI && this.rxFifo.length > 0) {
      if (!(this.fcr & FCR_ENABLE)) return IIR_RDI;
      const trigger = RX_TRIGGER[this.fcr >> 6]!;
      // Below the trigger level the 16550A reports a character timeout once the line idles;
      // the model has no line timing, so it reports the timeout at once.
      return this.rxFifo.length >= trigger ? IIR_RDI : IIR_CTI;
    }
    if (this.ier & IER_THRI && this.thrIpending) return IIR_THRI;
    return IIR_NO_INT;
  }

  private updateIrq(): void {
    const level = this.iir() !== IIR_NO_INT;
    if (level !== this.irqLevel) {
      this.irqLevel = level;
      this.irq(level);
    }
  }
}
