// The machine-facing Hart interface: interrupt lines, WFI, MMIO callbacks and bus errors, stop requests, time, host traps.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { gated } from "../../support/env.js";
import { createHart, Irq, Priv, StopReason, type Hart, type HartOptions } from "../../../runtime/vm/cpu/hart.js";
import { parseElf, PT_LOAD } from "../../../runtime/vm/cpu/elf.js";
import { buildAsmSource, CC, tempDir } from "./toolchain.js";

const t = gated(test, { tools: [CC] });
const dir = tempDir();

function load(src: string, name: string, opts: Partial<HartOptions> = {}): { hart: Hart; tohost: bigint; symbols: Map<string, bigint> } {
  const path = buildAsmSource(`#include "env.h"\nSTART\nmain:\n${src}\nEND\n`, name, dir);
  const elf = parseElf(readFileSync(path), path);
  const hart = createHart({ ramSize: 16 << 20, ...opts });
  for (const s of elf.segments) if (s.type === PT_LOAD) hart.writePhys(s.paddr, elf.bytes.subarray(s.offset, s.offset + s.filesz));
  hart.pc = elf.entry;
  const tohost = elf.symbols.get("tohost")!;
  hart.watch(tohost);
  return { hart, tohost, symbols: elf.symbols };
}

const TIMER_WAIT = `
  la t0, handler
  csrw mtvec, t0
  li t0, (1 << 7) | (1 << 11)
  csrw mie, t0
  csrsi mstatus, 8
1: wfi
  j 1b
  .align 2
handler:
  csrr s0, mcause
  j pass
`;

t("WFI stops the hart until the machine raises MTIP; the interrupt is then taken", () => {
  const { hart, tohost } = load(TIMER_WAIT, "timer");
  assert.is(hart.run(10_000), StopReason.Wfi);
  assert.ok(hart.waiting);
  assert.is(hart.run(10_000), StopReason.Wfi, "still asleep with nothing pending");
  hart.setInterrupt(Irq.MTIP, true);
  assert.is(hart.run(10_000), StopReason.Watch);
  assert.is(hart.readPhys64(tohost), 1n);
  assert.is(hart.getX(8), (1n << 63n) | 7n);
  assert.is(hart.mip & (1n << 7n), 1n << 7n);
});

t("MEIP has priority over MTIP", () => {
  const { hart } = load(TIMER_WAIT, "prio");
  assert.is(hart.run(10_000), StopReason.Wfi);
  hart.setInterrupt(Irq.MTIP, true);
  hart.setInterrupt(Irq.MEIP, true);
  assert.is(hart.run(10_000), StopReason.Watch);
  assert.is(hart.getX(8), (1n << 63n) | 11n);
});

t("MSIP has priority over MTIP", () => {
  const { hart } = load(TIMER_WAIT.replace("(1 << 7) | (1 << 11)", "(1 << 7) | (1 << 3)"), "msip");
  assert.is(hart.run(10_000), StopReason.Wfi);
  hart.setInterrupt(Irq.MTIP, true);
  hart.setInterrupt(Irq.MSIP, true);
  assert.is(hart.run(10_000), StopReason.Watch);
  assert.is(hart.getX(8), (1n << 63n) | 3n);
});

t("a CSRRS/CSRRC on mip does not latch the external SEIP line into the software bit", () => {
  const { hart } = load(
    `li t0, 1 << 5
  csrs mip, t0      /* STIP, while the machine holds SEIP high */
  csrc mip, t0
  csrr a0, mip
  la t1, tohost
  li t2, (0x0101 << 48) | 'x'
  sd t2, 0(t1)      /* stops the hart (watch) */
  csrr a1, mip
  j pass`,
    "seip",
  );
  hart.setInterrupt(Irq.SEIP, true);
  assert.is(hart.run(100_000), StopReason.Watch);
  hart.setInterrupt(Irq.SEIP, false);
  assert.is(hart.run(100_000), StopReason.Watch);
  assert.is(hart.getX(10) & (1n << 9n), 1n << 9n, "SEIP reads as pending while the line is high");
  assert.is(hart.getX(11) & (1n << 9n), 0n, "and is gone once the line drops");
});

t("MMIO reads and writes reach the handler; a bus error is an access fault with tval", () => {
  const log: string[] = [];
  const { hart, tohost } = load(
    `
  li s1, 0x10000000
  lw a0, 0(s1)
  addi a0, a0, 1
  sh a0, 6(s1)
  li s2, 0x20000000
  TRAP_CLEAR
  ld a1, 8(s2)
  TRAP_EXPECT(1, 5, 0x20000008)
  TRAP_CLEAR
  sb a1, 0(s2)
  TRAP_EXPECT(2, 7, 0x20000000)
  j pass`,
    "mmio",
    {
      mmio: {
        read(addr, size) {
          log.push(`r ${addr.toString(16)} ${size}`);
          return addr < 0x2000_0000 ? 0x1234n : undefined;
        },
        write(addr, size, value) {
          log.push(`w ${addr.toString(16)} ${size} ${value.toString(16)}`);
          return addr < 0x2000_0000;
        },
      },
    },
  );
  assert.is(hart.run(100_000), StopReason.Watch);
  assert.is(hart.readPhys64(tohost), 1n);
  assert.equal(log, ["r 10000000 4", "w 10000006 2 1235", "r 20000008 8", "w 20000000 1 0"]);
});

t("requestStop() from an MMIO callback ends run() after the instruction", () => {
  let h: Hart | undefined;
  const { hart } = load(`li s1, 0x10000000\n sw zero, 0(s1)\n li a0, 77\n j pass`, "stop", {
    mmio: {
      read: () => 0n,
      write: () => {
        h!.requestStop();
        return true;
      },
    },
  });
  h = hart;
  assert.is(hart.run(100_000), StopReason.Requested);
  assert.is(hart.getX(10), 0n, "the next instruction did not run");
  assert.is(hart.run(100_000), StopReason.Watch);
  assert.is(hart.getX(10), 77n);
});

t("a throwing MMIO handler stops the hart as Fatal with the error", () => {
  const { hart } = load(`li s1, 0x10000000\n lw a0, 0(s1)\n j pass`, "fatal", {
    mmio: {
      read: () => {
        throw new Error("device exploded");
      },
      write: () => true,
    },
  });
  assert.is(hart.run(100_000), StopReason.Fatal);
  assert.match(String(hart.fatalError()), /device exploded/);
});

t("deterministic time is instret / instructionsPerTick + offset, and advanceTime() moves it", () => {
  const { hart } = load(`nop\n nop\n rdtime a0\n rdinstret a1\n j pass`, "time", {
    time: { mode: "deterministic", instructionsPerTick: 2, offset: 1000n },
  });
  hart.run(100_000);
  const a1 = hart.getX(11);
  // rdtime samples instret including itself (= what rdinstret, one instruction later, reads).
  assert.is(hart.getX(10), 1000n + a1 / 2n);
  const before = hart.time;
  hart.advanceTime(500n);
  assert.is(hart.time, before + 500n);
});

t("realtime mode reads time from the machine's clock", () => {
  const { hart } = load(`rdtime a0\n j pass`, "rtime", { time: { mode: "realtime", now: () => 424242 } });
  hart.run(100_000);
  assert.is(hart.getX(10), 424242n);
});

t("host traps: a U-mode ecall stops with HostTrap at the ecall and nothing is entered", () => {
  const { hart } = load(`GOTO_MODE(0, 1f)\n1: li a7, 93\n ecall\n j fail`, "hosttrap");
  hart.hostTraps = [8];
  assert.is(hart.run(100_000), StopReason.HostTrap);
  const tr = hart.lastHostTrap();
  assert.is(tr.cause, 8);
  assert.is(hart.priv, Priv.U);
  assert.is(hart.getX(17), 93n);
  assert.is(hart.readCsr(0x342), 0n, "mcause untouched");
  assert.is(tr.pc, hart.pc);
});

t("translation-tier hooks: fence.i and stores to marked code pages bump the code epoch", () => {
  const { hart, symbols } = load(
    `la s1, target
  .globl fencepoint
fencepoint:
  fence.i
  sd zero, 0(s1)
  sd zero, 8(s1)
  la s2, other
  sd zero, 0(s2)
  j pass
  .data
  .align 12
  .globl target
target: .dword 0, 0
  .align 12
other: .dword 0`,
    "codepages",
  );
  const target = symbols.get("target")!;
  hart.markCodePage(target);
  const fencepoint = symbols.get("fencepoint")!;
  while (hart.pc !== fencepoint) hart.run(1);
  assert.ok(hart.isCodePage(target));
  const e0 = hart.codeEpoch;
  hart.run(1);
  assert.is(hart.codeEpoch, e0 + 1n, "fence.i");
  hart.run(1);
  assert.is(hart.codeEpoch, e0 + 2n, "store to a marked page");
  assert.not.ok(hart.isCodePage(target), "the mark is cleared");
  hart.run(10_000);
  assert.is(hart.codeEpoch, e0 + 2n, "later stores to unmarked pages do not count");
});

t("CSR access from the host: unknown CSRs are undefined, WARL masks apply", () => {
  const hart = createHart({ ramSize: 1 << 20 });
  assert.is(hart.readCsr(0x7c0), undefined);
  assert.ok(hart.writeCsr(0x305, 0x8000_0003n));
  assert.is(hart.readCsr(0x305), 0x8000_0001n, "mtvec mode 3 is reserved → bit 1 dropped");
  assert.not.ok(hart.writeCsr(0xf11, 1n), "mvendorid is read-only");
  assert.is(hart.readCsr(0x301)! >> 62n, 2n);
});

t("guest RAM is bounds-checked for host access", () => {
  const hart = createHart({ ramSize: 1 << 20 });
  assert.throws(() => hart.writePhys(0x8010_0000n, new Uint8Array(1)), /not in guest RAM/);
  hart.writePhys64(0x800f_fff8n, 0x1122334455667788n);
  assert.is(hart.readPhys64(0x800f_fff8n), 0x1122334455667788n);
});

test.run();
