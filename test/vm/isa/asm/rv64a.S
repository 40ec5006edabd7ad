/* RV64A: LR/SC success and failure rules, every AMO in word and doubleword form, misaligned AMOs trap. */
#include "env.h"
#define AMO_TEST(n, inst, init, src, expect_old, expect_mem, ld) \
  li TESTNUM, n; la s0, amo; li t0, init; sd t0, 0(s0); li a1, src; inst a0, a1, (s0); li t6, expect_old; bne a0, t6, fail; ld a2, 0(s0); li t6, expect_mem; bne a2, t6, fail;
START
main:
  AMO_TEST(1, amoswap.d, 5, 7, 5, 7, ld)
  AMO_TEST(2, amoadd.d, 5, 7, 5, 12, ld)
  AMO_TEST(3, amoxor.d, 5, 3, 5, 6, ld)
  AMO_TEST(4, amoand.d, 5, 3, 5, 1, ld)
  AMO_TEST(5, amoor.d, 5, 3, 5, 7, ld)
  AMO_TEST(6, amomin.d, -5, 3, -5, -5, ld)
  AMO_TEST(7, amomax.d, -5, 3, -5, 3, ld)
  AMO_TEST(8, amominu.d, -5, 3, -5, 3, ld)
  AMO_TEST(9, amomaxu.d, -5, 3, -5, -5, ld)
  AMO_TEST(10, amoswap.w, 0x80000000, 7, -0x80000000, 7, lw)
  AMO_TEST(11, amoadd.w, 0x7fffffff, 1, 0x7fffffff, -0x80000000, lw)
  AMO_TEST(12, amoxor.w, 5, 3, 5, 6, lw)
  AMO_TEST(13, amoand.w, 5, 3, 5, 1, lw)
  AMO_TEST(14, amoor.w, 5, 3, 5, 7, lw)
  AMO_TEST(15, amomin.w, 0xfffffffb, 3, -5, -5, lw)
  AMO_TEST(16, amomax.w, 0xfffffffb, 3, -5, 3, lw)
  AMO_TEST(17, amominu.w, 0xfffffffb, 3, -5, 3, lw)
  AMO_TEST(18, amomaxu.w, 0xfffffffb, 3, -5, -5, lw)
  /* upper word untouched by .w AMOs */
  li TESTNUM, 19
  la s0, amo
  li t0, 0x1111111100000001
  sd t0, 0(s0)
  li a1, 1
  amoadd.w a0, a1, (s0)
  ld a2, 0(s0)
  li t6, 0x1111111100000002
  bne a2, t6, fail
  /* LR/SC: success, then a second SC without reservation fails */
  li TESTNUM, 20
  la s0, amo
  sd zero, 0(s0)
  lr.d a0, (s0)
  li a1, 42
  sc.d a2, a1, (s0)
  bnez a2, fail
  ld a3, 0(s0)
  li t6, 42
  bne a3, t6, fail
  li TESTNUM, 21
  sc.d a2, a1, (s0)
  beqz a2, fail
  /* SC to a different address than the reservation fails and does not write */
  li TESTNUM, 22
  lr.w a0, (s0)
  addi s2, s0, 8
  sc.w a2, a1, (s2)
  beqz a2, fail
  ld a3, 8(s0)
  bnez a3, fail
  /* lr.w sign-extends */
  li TESTNUM, 23
  li t0, 0xfffffffe
  sw t0, 0(s0)
  lr.w a0, (s0)
  li t6, -2
  bne a0, t6, fail
  /* a trap between LR and SC clears the reservation */
  li TESTNUM, 24
  lr.d a0, (s0)
  ecall
  sc.d a2, a1, (s0)
  beqz a2, fail
  /* misaligned AMO → store/AMO address misaligned (6); misaligned LR → load address misaligned (4) */
  TRAP_CLEAR
  addi s1, s0, 4
  amoadd.d a0, a1, (s1)
  TRAP_EXPECT_CAUSE(25, 6)
  la t5, trap_rec
  ld t6, 8(t5)
  bne t6, s1, fail
  TRAP_CLEAR
  addi s1, s0, 2
  lr.w a0, (s1)
  TRAP_EXPECT_CAUSE(26, 4)
  la t5, trap_rec
  ld t6, 8(t5)
  bne t6, s1, fail
  /* aq/rl bits are accepted */
  li TESTNUM, 27
  sd zero, 0(s0)
  amoadd.d.aqrl a0, a1, (s0)
  lr.d.aq a0, (s0)
  sc.d.rl a2, a1, (s0)
  bnez a2, fail
  j pass
  .data
  .align 4
amo: .dword 0, 0
END
