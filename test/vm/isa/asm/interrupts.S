/* Delegation (medeleg/mideleg) and interrupts: priority, enable rules per privilege, delegated */
/* interrupts never taken in M, S-level interrupts in U regardless of SIE, WFI with a pending interrupt. */
#include "env.h"
START
main:
  csrci mstatus, 8
  /* 1. ecall from U delegated to S; ebreak from U not delegated (M) */
  li t0, 1 << 8
  csrw medeleg, t0
  S_CLEAR
  TRAP_CLEAR
  SET_REDIRECT(1f)
  GOTO_MODE(0, u_ecall_ebreak)
1:
  S_EXPECT(1, 8, 0)
  TRAP_EXPECT_CAUSE(2, 3)
  /* sepc points at the U ecall */
  li TESTNUM, 3
  la t5, s_rec
  ld t6, 16(t5)
  la t4, u_ecall_ebreak
  bne t6, t4, fail
  /* 2. illegal instruction delegated: from S goes to S (stval = bits), from M stays in M */
  li t0, (1 << 8) | (1 << 2)
  csrw medeleg, t0
  csrr a0, medeleg
  TEST_EQ(4, a0, (1 << 8) | (1 << 2))
  /* ecall-from-M (bit 11) is not delegable */
  li t0, -1
  csrw medeleg, t0
  csrr a0, medeleg
  srli a0, a0, 11
  andi a0, a0, 1
  TEST_EQ(5, a0, 0)
  li t0, (1 << 8) | (1 << 2)
  csrw medeleg, t0
  S_CLEAR
  TRAP_CLEAR
  SET_REDIRECT(2f)
  GOTO_MODE(1, s_illegal)
2:
  S_EXPECT(6, 2, 0xffffffff)
  TRAP_EXPECT(7, 9, 0)
  TRAP_CLEAR
  .word 0xffffffff
  TRAP_EXPECT(8, 2, 0xffffffff)
  csrw medeleg, zero
  /* 3. priority of M-level interrupts: SEI > SSI > STI (software-written pending bits) */
  TRAP_CLEAR
  li t0, (1 << 9) | (1 << 1) | (1 << 5)
  csrs mie, t0
  csrs mip, t0
  csrsi mstatus, 8
  nop
  nop
  nop
  csrci mstatus, 8
  TRAP_COUNT(9, 3)
  TRAP_LOG(10, 0, 0x8000000000000009)
  TRAP_LOG(11, 1, 0x8000000000000001)
  TRAP_LOG(12, 2, 0x8000000000000005)
  li t0, (1 << 9) | (1 << 1) | (1 << 5)
  csrc mip, t0
  /* 4. M-level interrupts are taken in S even with MIE = 0 */
  TRAP_CLEAR
  li t0, 2
  csrs mip, t0
  csrs mie, t0
  SET_REDIRECT(3f)
  GOTO_MODE(1, s_spin)
3:
  TRAP_EXPECT_CAUSE(13, 3)
  TRAP_LOG(14, 0, 0x8000000000000001)
  li t0, 2
  csrc mip, t0
  /* 5. mideleg: a delegated interrupt is never taken in M, even with MIE */
  li t0, 2
  csrw mideleg, t0
  csrr a0, mideleg
  TEST_EQ(15, a0, 2)
  TRAP_CLEAR
  S_CLEAR
  li t0, 2
  csrs mie, t0
  csrs mip, t0
  csrsi mstatus, 8
  nop
  nop
  csrci mstatus, 8
  TRAP_COUNT(16, 0)
  /* sip/sie show the delegated bits */
  csrr a0, sip
  TEST_EQ(17, a0, 2)
  csrr a0, sie
  TEST_EQ(18, a0, 2)
  /* 6. in S with SIE = 0 it stays pending; in U it is taken by S regardless of SIE */
  li t0, 2
  csrc sstatus, t0
  SET_REDIRECT(4f)
  GOTO_MODE(1, s_spin)
4:
  li TESTNUM, 19
  la t5, s_rec
  ld t6, 32(t5)
  bnez t6, fail
  TRAP_CLEAR
  S_CLEAR
  li t0, 2
  csrs mie, t0
  csrs mip, t0
  SET_REDIRECT(5f)
  GOTO_MODE(0, u_spin)
5:
  S_EXPECT(20, 0x8000000000000001, 0)
  TRAP_EXPECT_CAUSE(21, 3)
  /* 7. in S with SIE = 1: taken by S; sstatus.SPP/SPIE stack */
  S_CLEAR
  li t0, 2
  csrs mie, t0
  csrs mip, t0
  li t0, 2
  csrs sstatus, t0
  SET_REDIRECT(6f)
  GOTO_MODE(1, s_spin)
6:
  S_EXPECT(22, 0x8000000000000001, 0)
  /* 8. WFI with an enabled pending interrupt does not sleep, even with interrupts globally off */
  csrw mideleg, zero
  csrci mstatus, 8
  li t0, 2
  csrs mie, t0
  csrs mip, t0
  wfi
  li t0, 2
  csrc mip, t0
  csrc mie, t0
  /* 9. mret restores MIE from MPIE and sets MPIE; MPP becomes U */
  li t0, 1 << 7
  csrs mstatus, t0
  li t0, 3 << 11
  csrs mstatus, t0
  la t0, 7f
  csrw mepc, t0
  mret
7:
  csrr a0, mstatus
  andi a1, a0, 8
  TEST_EQ(23, a1, 8)
  srli a1, a0, 11
  andi a1, a1, 3
  TEST_EQ(24, a1, 0)
  j pass

u_ecall_ebreak:
  ecall
  ebreak
s_illegal:
  .word 0xffffffff
  ecall
s_spin:
  nop
  nop
  nop
  ebreak
u_spin:
  nop
  nop
  ebreak
END
