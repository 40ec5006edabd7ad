/* Bare-metal test environment: entry, tohost pass/fail, a recording M-mode trap handler, test macros. */
/* Protocol (vmspec vm run-elf): tohost = 1 pass, (n << 1) | 1 fail of test n. gp holds the test number. */

#define TESTNUM gp

.macro START
  .section .text.init
  .globl _start
_start:
  la t0, m_trap
  csrw mtvec, t0
  la t0, s_trap
  csrw stvec, t0
  la sp, stack_top
  li TESTNUM, 0
  j main
.endm

/* Ends the program: PASS writes 1 to tohost, FAIL writes (gp << 1) | 1. */
.macro END
pass:
  li t1, 1
  la t0, tohost
  sd t1, 0(t0)
1: j 1b
fail:
  slli t1, TESTNUM, 1
  ori t1, t1, 1
  la t0, tohost
  sd t1, 0(t0)
2: j 2b

/* M-mode trap handler: records mcause/mtval/mepc, skips the trapping instruction (2 or 4 bytes). */
/* Interrupts: records, then disables further interrupts of that cause in mie and returns. */
  .align 6
m_trap:
  csrw mscratch, t0
  la t0, trap_rec
  sd t1, 24(t0)
  csrr t1, mcause
  sd t1, 0(t0)
  csrr t1, mtval
  sd t1, 8(t0)
  csrr t1, mepc
  sd t1, 16(t0)
  ld t1, 32(t0)
  andi t1, t1, 7
  slli t1, t1, 3
  add t1, t1, t0
  sd zero, 48(t1)
  csrr t0, mcause
  sd t0, 48(t1)
  la t0, trap_rec
  ld t1, 32(t0)
  addi t1, t1, 1
  sd t1, 32(t0)
  csrr t1, mcause
  bltz t1, 3f
  /* If a redirect target is set, jump there (used to leave lower privilege levels). */
  ld t1, 40(t0)
  beqz t1, 4f
  sd zero, 40(t0)
  csrw mepc, t1
  li t1, 3 << 11
  csrs mstatus, t1
  j 5f
4:
  /* read the instruction through the trapped mode's translation (MPRV) */
  csrr t1, mepc
  li t0, 1 << 17
  csrs mstatus, t0
  lhu t1, 0(t1)
  csrc mstatus, t0
  andi t1, t1, 3
  addi t1, t1, -3
  csrr t0, mepc
  beqz t1, 6f
  addi t0, t0, 2
  j 7f
6:
  addi t0, t0, 4
7:
  csrw mepc, t0
  j 5f
3:
  /* interrupt: clear its enable bit */
  slli t1, t1, 1
  srli t1, t1, 1
  li t0, 1
  sll t0, t0, t1
  csrc mie, t0
5:
  la t0, trap_rec
  ld t1, 24(t0)
  csrr t0, mscratch
  mret

/* S-mode trap handler: records scause/stval/sepc, skips the instruction (exceptions) or disables the */
/* interrupt in sie and clears sip.SSIP (interrupts), then sret. */
  .align 6
s_trap:
  csrw sscratch, t0
  la t0, s_rec
  sd t1, 24(t0)
  csrr t1, scause
  sd t1, 0(t0)
  csrr t1, stval
  sd t1, 8(t0)
  csrr t1, sepc
  sd t1, 16(t0)
  ld t1, 32(t0)
  addi t1, t1, 1
  sd t1, 32(t0)
  csrr t1, scause
  bltz t1, 3f
  csrr t0, sepc
  addi t0, t0, 4
  csrw sepc, t0
  j 5f
3:
  slli t1, t1, 1
  srli t1, t1, 1
  li t0, 1
  sll t0, t0, t1
  csrc sie, t0
  csrc sip, t0
5:
  la t0, s_rec
  ld t1, 24(t0)
  csrr t0, sscratch
  sret

  .data
  .align 6
  .globl trap_rec
/* cause, tval, epc, saved t1, count, redirect, log of the first 8 causes */
trap_rec: .dword 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
  .globl s_rec
/* S-mode handler record: scause, stval, sepc, saved t1, count */
s_rec: .dword 0, 0, 0, 0, 0
  .align 4
stack: .skip 4096
stack_top:

  .section .tohost,"aw",@progbits
  .align 6
  .globl tohost
tohost: .dword 0
  .globl fromhost
fromhost: .dword 0
.endm

/* Test helpers: each sets gp to the test number and branches to fail on mismatch (uses t5/t6). */
#define TEST_RR(n, inst, expect, v1, v2) \
  li TESTNUM, n; li a1, v1; li a2, v2; inst a0, a1, a2; li t6, expect; bne a0, t6, fail;
#define TEST_RI(n, inst, expect, v1, imm) \
  li TESTNUM, n; li a1, v1; inst a0, a1, imm; li t6, expect; bne a0, t6, fail;
#define TEST_EQ(n, reg, expect) \
  li TESTNUM, n; li t6, expect; bne reg, t6, fail;
/* Clears the trap record. */
#define TRAP_CLEAR \
  la t5, trap_rec; sd zero, 0(t5); sd zero, 8(t5); sd zero, 16(t5); sd zero, 32(t5);
/* Checks the last recorded trap's cause and tval. */
#define TRAP_EXPECT(n, cause, tval) \
  li TESTNUM, n; la t5, trap_rec; ld t6, 0(t5); li t4, cause; bne t6, t4, fail; ld t6, 8(t5); li t4, tval; bne t6, t4, fail;
#define TRAP_COUNT(n, count) \
  li TESTNUM, n; la t5, trap_rec; ld t6, 32(t5); li t4, count; bne t6, t4, fail;
#define TRAP_EXPECT_CAUSE(n, cause) \
  li TESTNUM, n; la t5, trap_rec; ld t6, 0(t5); li t4, cause; bne t6, t4, fail;
/* Jumps to `label` in privilege `mode` (0 U, 1 S, 3 M) via mret. */
#define GOTO_MODE(mode, label) \
  li t0, 3 << 11; csrc mstatus, t0; li t0, (mode) << 11; csrs mstatus, t0; la t0, label; csrw mepc, t0; mret;
/* The next trap into M-mode resumes in M-mode at `label` instead of skipping the instruction. */
#define SET_REDIRECT(label) \
  la t5, label; la t4, trap_rec; sd t5, 40(t4);
/* Checks the i-th logged M-mode trap cause. */
#define TRAP_LOG(n, i, cause) \
  li TESTNUM, n; la t5, trap_rec; ld t6, (48 + 8 * (i))(t5); li t4, cause; bne t6, t4, fail;
#define S_CLEAR \
  la t5, s_rec; sd zero, 0(t5); sd zero, 8(t5); sd zero, 16(t5); sd zero, 32(t5);
#define S_EXPECT(n, cause, tval) \
  li TESTNUM, n; la t5, s_rec; ld t6, 0(t5); li t4, cause; bne t6, t4, fail; ld t6, 8(t5); li t4, tval; bne t6, t4, fail;
