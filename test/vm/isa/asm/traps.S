/* Privileged architecture: every synchronous trap cause with its tval/epc, CSR access rules, */
/* xRET privilege rules, TSR/TW/TVM, counter enables, FS gating, WARL fields, vectored mtvec. */
#include "env.h"
START
main:
  /* illegal instruction: tval = the instruction bits, epc = its address */
  TRAP_CLEAR
  la s1, 1f
1: .word 0xffffffff
  TRAP_EXPECT(1, 2, 0xffffffff)
  ld t6, 16(t5)
  bne t6, s1, fail
  /* ecall from M = 11, ebreak = 3 with tval = pc */
  TRAP_CLEAR
  ecall
  TRAP_EXPECT(2, 11, 0)
  TRAP_CLEAR
  la s1, 2f
2: ebreak
  TRAP_EXPECT_CAUSE(3, 3)
  ld t6, 8(t5)
  bne t6, s1, fail
  /* load / store access faults (no device at low addresses) */
  TRAP_CLEAR
  li s1, 0x1008
  ld a0, 0(s1)
  TRAP_EXPECT(4, 5, 0x1008)
  TRAP_CLEAR
  sw a0, 0(s1)
  TRAP_EXPECT(5, 7, 0x1008)
  /* instruction access fault: tval = epc = the target */
  TRAP_CLEAR
  SET_REDIRECT(3f)
  li s1, 0x1000
  jr s1
3:
  TRAP_EXPECT(6, 1, 0x1000)
  ld t6, 16(t5)
  bne t6, s1, fail
  /* unknown CSR and writes to read-only CSRs are illegal */
  TRAP_CLEAR
  la s1, 4f
4: csrr a0, 0x7c0
  TRAP_EXPECT_CAUSE(7, 2)
  ld t6, 8(t5)
  lw t4, 0(s1)
  bne t6, t4, fail
  TRAP_CLEAR
  csrw mvendorid, a0
  TRAP_EXPECT_CAUSE(8, 2)
  /* reading read-only CSRs is fine; csrrs with x0 does not write */
  TRAP_CLEAR
  csrr a0, mhartid
  csrs mimpid, zero
  TRAP_COUNT(9, 0)
  TEST_EQ(10, a0, 0)
  /* misa: RV64 IMAFDC + S + U */
  csrr a0, misa
  TEST_EQ(11, a0, 0x800000000014112d)
  /* mstatus: UXL/SXL = 2; MPP WARL keeps its value when written 2 */
  csrr a0, mstatus
  srli a0, a0, 32
  andi a0, a0, 0xf
  TEST_EQ(12, a0, 0xa)
  li t0, 3 << 11
  csrc mstatus, t0
  li t0, 1 << 11
  csrs mstatus, t0
  li t0, 3 << 11
  csrc mstatus, t0
  li t0, 2 << 11
  csrs mstatus, t0     /* MPP = 10 is reserved: the field keeps 00 */
  csrr a0, mstatus
  srli a0, a0, 11
  andi a0, a0, 3
  TEST_EQ(13, a0, 0)
  /* ecall from S = 9, from U = 8; leave via redirect */
  TRAP_CLEAR
  SET_REDIRECT(5f)
  GOTO_MODE(1, 6f)
6: ecall
5: TRAP_EXPECT(14, 9, 0)
  TRAP_CLEAR
  SET_REDIRECT(7f)
  GOTO_MODE(0, 8f)
8: ecall
7: TRAP_EXPECT(15, 8, 0)
  /* U-mode: M-level CSR is illegal, sret/mret/wfi/sfence.vma are illegal */
  TRAP_CLEAR
  SET_REDIRECT(9f)
  GOTO_MODE(0, 10f)
10: csrr a0, mstatus
9: TRAP_EXPECT_CAUSE(16, 2)
  TRAP_CLEAR
  SET_REDIRECT(11f)
  GOTO_MODE(0, 12f)
12: sret
11: TRAP_EXPECT(17, 2, 0x10200073)
  TRAP_CLEAR
  SET_REDIRECT(13f)
  GOTO_MODE(0, 14f)
14: wfi
13: TRAP_EXPECT(18, 2, 0x10500073)
  /* S-mode: mret illegal; TSR makes sret illegal; TW makes wfi illegal; TVM makes satp/sfence illegal */
  TRAP_CLEAR
  SET_REDIRECT(15f)
  GOTO_MODE(1, 16f)
16: mret
15: TRAP_EXPECT(19, 2, 0x30200073)
  li t0, 1 << 22
  csrs mstatus, t0
  TRAP_CLEAR
  SET_REDIRECT(17f)
  GOTO_MODE(1, 18f)
18: sret
17: TRAP_EXPECT(20, 2, 0x10200073)
  li t0, 1 << 22
  csrc mstatus, t0
  li t0, 1 << 21
  csrs mstatus, t0
  TRAP_CLEAR
  SET_REDIRECT(19f)
  GOTO_MODE(1, 20f)
20: wfi
19: TRAP_EXPECT(21, 2, 0x10500073)
  li t0, 1 << 21
  csrc mstatus, t0
  li t0, 1 << 20
  csrs mstatus, t0
  TRAP_CLEAR
  SET_REDIRECT(21f)
  GOTO_MODE(1, 22f)
22: csrr a0, satp
21: TRAP_EXPECT_CAUSE(22, 2)
  TRAP_CLEAR
  SET_REDIRECT(23f)
  GOTO_MODE(1, 24f)
24: sfence.vma
23: TRAP_EXPECT_CAUSE(23, 2)
  li t0, 1 << 20
  csrc mstatus, t0
  /* S-mode can read satp and run sfence.vma without TVM; then ecall back */
  TRAP_CLEAR
  SET_REDIRECT(25f)
  GOTO_MODE(1, 26f)
26: csrr a0, satp
  sfence.vma
  ecall
25: TRAP_EXPECT(24, 9, 0)
  /* counters: mcounteren gates S, scounteren additionally gates U */
  csrw mcounteren, zero
  TRAP_CLEAR
  SET_REDIRECT(27f)
  GOTO_MODE(1, 28f)
28: rdcycle a0
27: TRAP_EXPECT_CAUSE(25, 2)
  li t0, 7
  csrw mcounteren, t0
  csrw scounteren, zero
  TRAP_CLEAR
  SET_REDIRECT(29f)
  GOTO_MODE(1, 30f)
30: rdinstret a0
  rdtime a0
  ecall
29: TRAP_EXPECT(26, 9, 0)
  TRAP_CLEAR
  SET_REDIRECT(31f)
  GOTO_MODE(0, 32f)
32: rdinstret a0
31: TRAP_EXPECT_CAUSE(27, 2)
  li t0, 7
  csrw scounteren, t0
  TRAP_CLEAR
  SET_REDIRECT(33f)
  GOTO_MODE(0, 34f)
34: rdinstret a0
  rdcycle a0
  ecall
33: TRAP_EXPECT(28, 8, 0)
  /* minstret counts retired instructions */
  csrr a0, minstret
  nop
  csrr a1, minstret
  sub a0, a1, a0
  TEST_EQ(29, a0, 2)
  /* FS = Off: FP loads, FP ops and fcsr are illegal; FS on: a FP load makes FS Dirty (SD set) */
  li t0, 3 << 13
  csrc mstatus, t0
  TRAP_CLEAR
  la s0, fpbuf
  fld fa0, 0(s0)
  TRAP_EXPECT_CAUSE(30, 2)
  TRAP_CLEAR
  fadd.d fa0, fa0, fa0
  TRAP_EXPECT_CAUSE(31, 2)
  TRAP_CLEAR
  csrr a0, fflags
  TRAP_EXPECT_CAUSE(32, 2)
  TRAP_CLEAR
  .option push
  .option rvc
  c.fld fa0, 0(s0)
  .option pop
  TRAP_EXPECT_CAUSE(33, 2)
  li t0, 1 << 13
  csrs mstatus, t0
  csrr a0, mstatus
  bltz a0, fail
  flw fa0, 0(s0)
  csrr a0, mstatus
  li TESTNUM, 34
  bgez a0, fail
  srli a0, a0, 13
  andi a0, a0, 3
  TEST_EQ(35, a0, 3)
  /* flw NaN-boxes */
  fmv.x.d a0, fa0
  TEST_EQ(36, a0, 0xffffffff3f800000)
  /* fcsr: frm/fflags fields */
  csrwi fcsr, 0
  csrwi frm, 3
  csrwi fflags, 0x15
  csrr a0, fcsr
  TEST_EQ(37, a0, 0x75)
  /* mtvec vectored: an interrupt goes to base + 4 * cause; mcause has the interrupt bit */
  la t0, vec
  ori t0, t0, 1
  csrw mtvec, t0
  csrr a0, mtvec
  la t1, vec
  ori t1, t1, 1
  li TESTNUM, 38
  bne a0, t1, fail
  csrci mstatus, 8 /* MIE off (earlier mrets restored MPIE = 1 into it) */
  li t0, 2
  csrs mie, t0
  csrs mip, t0     /* SSIP pending (M-mode may write it) */
  TRAP_CLEAR
  csrsi mstatus, 8 /* MIE */
  nop
  csrci mstatus, 8
  TRAP_EXPECT(39, 0x8000000000000001, 0)
  la t0, m_trap
  csrw mtvec, t0
  /* mepc ignores bit 0 */
  li t0, 0x80000001
  csrw mepc, t0
  csrr a0, mepc
  TEST_EQ(40, a0, 0x80000000)
  /* reserved encodings inside common opcodes right after a compressed instruction that is */
  /* not one of the common opcodes: still the full 32-bit tval */
  la s0, fpbuf
  TRAP_CLEAR
  .option push
  .option rvc
  c.fld fa0, 0(s0)
  .option pop
  .word 0x80000033 /* OP with funct7 = 0x40 */
  TRAP_EXPECT(41, 2, 0x80000033)
  TRAP_CLEAR
  .option push
  .option rvc
  c.fld fa0, 0(s0)
  .option pop
  .word 0x00002063 /* BRANCH with funct3 = 2 */
  TRAP_EXPECT(42, 2, 0x00002063)
  TRAP_CLEAR
  .word 0x00007003 /* LOAD with funct3 = 7 */
  TRAP_EXPECT(43, 2, 0x00007003)
  TRAP_CLEAR
  .word 0x0000100f /* FENCE.I form with funct3 = 1 is legal; funct3 = 2 is not */
  .word 0x0000200f
  TRAP_EXPECT(44, 2, 0x0000200f)
  j pass
  .align 6
  .option push
  .option norvc
vec:
  j fail
  j vec_ssi
  .option pop
vec_ssi:
  /* record, clear SSIP and return */
  csrw mscratch, t0
  la t0, trap_rec
  sd t1, 24(t0)
  csrr t1, mcause
  sd t1, 0(t0)
  sd zero, 8(t0)
  li t1, 2
  csrc mip, t1
  ld t1, 24(t0)
  csrr t0, mscratch
  mret
  .data
  .align 3
fpbuf: .word 0x3f800000, 0
END
