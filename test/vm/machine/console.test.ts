// Console: Ctrl-A escape decoding, output log and host forwarding; MMIO bus routing and faults.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Uart16550, UART_RBR_THR } from "../../../runtime/vm/devices/uart16550.js";
import { MmioBus } from "../../../runtime/vm/machine/bus.js";
import { EscapeDecoder, GuestConsole } from "../../../runtime/vm/machine/console.js";

test("Ctrl-A x quits; Ctrl-A Ctrl-A sends one Ctrl-A; other bytes pass through", () => {
  const d = new EscapeDecoder();
  assert.equal(d.feed([0x61, 0x01, 0x01, 0x62]), { toGuest: [0x61, 0x01, 0x62], quit: false, help: false });
  assert.equal(d.feed([0x63, 0x01, 0x78, 0x64]), { toGuest: [0x63], quit: true, help: false });
});

test("an escape split across two reads still works; Ctrl-A h asks for help", () => {
  const d = new EscapeDecoder();
  assert.is(d.feed([0x01]).quit, false);
  assert.is(d.feed([0x78]).quit, true);
  const h = d.feed([0x01, 0x68, 0x0d]);
  assert.equal(h, { toGuest: [0x0d], quit: false, help: true });
});

test("the console logs every byte and forwards it to the host on flush", () => {
  const host: number[] = [];
  const c = new GuestConsole({ write: (b) => host.push(...b) });
  const uart = new Uart16550(c.transmit, () => {});
  for (const ch of Buffer.from("line one\r\nline two\r\n")) uart.write(UART_RBR_THR, 1, BigInt(ch));
  assert.equal(host, [], "nothing before flush");
  c.flush();
  assert.is(Buffer.from(host).toString(), "line one\r\nline two\r\n");
  assert.is(c.text(), "line one\r\nline two\r\n");
  assert.is(c.lastLine(), "line two");
  assert.is(c.length, 20);
  for (let i = 0; i < 10_000; i++) c.transmit(0x41 + (i % 26));
  assert.is(c.log().length, 10_020, "log survives chunk boundaries");
});

test("onMarker fires once, exactly when the marker's last byte is printed", () => {
  const c = new GuestConsole();
  const seen: number[] = [];
  c.onMarker("READY", () => seen.push(c.length));
  for (const ch of Buffer.from("REA RREADY and READY again")) c.transmit(ch);
  assert.equal(seen, [9], "after 'REA RREADY' minus the byte being written");
});

test("MMIO bus: routes by window, rejects unmapped and straddling accesses, refuses overlaps", () => {
  const sent: number[] = [];
  const uart = new Uart16550((b) => sent.push(b), () => {});
  const bus = new MmioBus([{ base: 0x1000_0000, device: uart }]);
  assert.ok(bus.write(0x1000_0000, 1, 0x41n));
  assert.equal(sent, [0x41]);
  assert.is(bus.read(0x1000_0005, 1), 0x60n);
  assert.is(bus.read(0x2000_0000, 4), undefined);
  assert.equal(bus.takeFault(), { address: 0x2000_0000, size: 4, write: false });
  assert.is(bus.takeFault(), undefined);
  assert.is(bus.write(0x1000_00fe, 4, 0n), false, "crosses the end of the window");
  assert.is(bus.read(0x1_0000_0000, 4), undefined);
  assert.throws(() => new MmioBus([{ base: 0x1000_0000, device: uart }, { base: 0x1000_0080, device: uart }]));
});

test.run();
