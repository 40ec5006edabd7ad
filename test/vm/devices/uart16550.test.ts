// 16550A UART: register access incl. DLAB, LSR/IIR semantics, FIFO, and its interrupts.
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  IIR_CTI, IIR_FIFO_ENABLED, IIR_NO_INT, IIR_RDI, IIR_THRI, LSR_DR, LSR_TEMT, LSR_THRE,
  UART_IER, UART_IIR_FCR, UART_LCR, UART_LSR, UART_MCR, UART_MSR, UART_RBR_THR, UART_SCR, Uart16550,
} from "../../../runtime/vm/devices/uart16550.js";

function setup() {
  const sent: number[] = [];
  const irq: boolean[] = [];
  let level = false;
  const uart = new Uart16550((b) => sent.push(b), (l) => { level = l; irq.push(l); });
  const r = (reg: number) => Number(uart.read(reg, 1));
  const w = (reg: number, v: number) => uart.write(reg, 1, BigInt(v));
  return { uart, sent, irq, r, w, level: () => level };
}

test("THR writes are transmitted; LSR shows THR empty and transmitter idle", () => {
  const { sent, r, w } = setup();
  for (const c of "hi\n") w(UART_RBR_THR, c.charCodeAt(0));
  assert.equal(String.fromCharCode(...sent), "hi\n");
  assert.is(r(UART_LSR), LSR_THRE | LSR_TEMT);
});

test("DLAB switches offsets 0/1 to the divisor latch and back", () => {
  const { uart, sent, r, w } = setup();
  w(UART_IER, 0x05);
  w(UART_LCR, 0x83);
  w(UART_RBR_THR, 0x01);
  w(UART_IER, 0x02);
  assert.is(uart.divisor(), 0x0201);
  assert.is(r(UART_RBR_THR), 0x01);
  assert.is(r(UART_IER), 0x02);
  assert.equal(sent, [], "divisor writes are not transmitted");
  w(UART_LCR, 0x03);
  assert.is(r(UART_IER), 0x05);
  assert.is(r(UART_LCR), 0x03);
});

test("scratch and modem control registers read back; MSR reports a connected line", () => {
  const { r, w } = setup();
  w(UART_SCR, 0xa5);
  assert.is(r(UART_SCR), 0xa5);
  w(UART_MCR, 0x0b);
  assert.is(r(UART_MCR), 0x0b);
  assert.is(r(UART_MSR) & 0xb0, 0xb0);
});

test("received data sets LSR.DR and raises RDI only when enabled", () => {
  const { uart, r, w, level } = setup();
  assert.is(r(UART_IIR_FCR), IIR_NO_INT);
  uart.receive([0x41, 0x42]);
  assert.is(r(UART_LSR) & LSR_DR, LSR_DR);
  assert.is(level(), false);
  w(UART_IER, 0x01);
  assert.is(level(), true);
  assert.is(r(UART_IIR_FCR), IIR_RDI);
  assert.is(r(UART_RBR_THR), 0x41);
  assert.is(r(UART_RBR_THR), 0x42);
  assert.is(r(UART_LSR) & LSR_DR, 0);
  assert.is(level(), false);
  assert.is(r(UART_IIR_FCR), IIR_NO_INT);
});

test("FIFO mode: IIR has FIFO bits, trigger level decides RDI vs character timeout", () => {
  const { uart, r, w } = setup();
  w(UART_IIR_FCR, 0x81); // enable, trigger 8
  w(UART_IER, 0x01);
  uart.receive([1, 2, 3]);
  assert.is(r(UART_IIR_FCR), IIR_FIFO_ENABLED | IIR_CTI);
  uart.receive([4, 5, 6, 7, 8]);
  assert.is(r(UART_IIR_FCR), IIR_FIFO_ENABLED | IIR_RDI);
});

test("host input beyond the FIFO is held back, not lost, and arrives in order", () => {
  const { uart, r, w } = setup();
  w(UART_IIR_FCR, 0x01);
  const input = Array.from({ length: 40 }, (_, i) => i + 1);
  uart.receive(input);
  const got: number[] = [];
  while (r(UART_LSR) & LSR_DR) got.push(r(UART_RBR_THR));
  assert.equal(got, input);
});

test("FCR clear-RX empties the receive FIFO", () => {
  const { uart, r, w } = setup();
  w(UART_IIR_FCR, 0x01);
  uart.receive([9, 9, 9]);
  w(UART_IIR_FCR, 0x03);
  // The FIFO refills from the host queue only if more input is waiting; here it was all in the FIFO.
  assert.is(r(UART_LSR) & LSR_DR, 0);
});

test("enabling THRI with THR empty raises it at once; reading IIR clears it; a THR write re-arms it", () => {
  const { r, w, level } = setup();
  w(UART_IER, 0x02);
  assert.is(level(), true);
  assert.is(r(UART_IIR_FCR), IIR_THRI);
  assert.is(level(), false);
  assert.is(r(UART_IIR_FCR), IIR_NO_INT);
  w(UART_RBR_THR, 0x55);
  assert.is(level(), true);
  w(UART_IER, 0x00);
  assert.is(level(), false);
});

test("RX data outranks THR empty in IIR", () => {
  const { uart, r, w } = setup();
  w(UART_IER, 0x03);
  uart.receive([0x31]);
  assert.is(r(UART_IIR_FCR), IIR_RDI);
  r(UART_RBR_THR);
  assert.is(r(UART_IIR_FCR), IIR_THRI);
});

test("loopback mode routes THR to RBR instead of the line", () => {
  const { sent, r, w } = setup();
  w(UART_MCR, 0x10);
  w(UART_RBR_THR, 0x5a);
  assert.equal(sent, []);
  assert.is(r(UART_LSR) & LSR_DR, LSR_DR);
  assert.is(r(UART_RBR_THR), 0x5a);
});

test.run();
