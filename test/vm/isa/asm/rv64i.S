/* RV64I: every base instruction, incl. sign extension, shifts by 63, W forms, branches and links. */
#include "env.h"
START
main:
  TEST_RR(1, add, 0x100000000, 0xffffffff, 1)
  TEST_RR(2, sub, -1, 0, 1)
  TEST_RR(3, sll, 0x8000000000000000, 1, 63)
  TEST_RR(4, sll, 2, 1, 65)
  TEST_RR(5, slt, 1, -1, 0)
  TEST_RR(6, sltu, 0, -1, 0)
  TEST_RR(7, xor, 0xf0f0, 0xff00, 0x0ff0)
  TEST_RR(8, srl, 1, 0x8000000000000000, 63)
  TEST_RR(9, sra, -1, 0x8000000000000000, 63)
  TEST_RR(10, or, 0xfff0, 0xff00, 0x0ff0)
  TEST_RR(11, and, 0x0f00, 0xff00, 0x0ff0)
  TEST_RI(12, addi, -1, 0, -1)
  TEST_RI(13, slti, 1, -5, -4)
  TEST_RI(14, sltiu, 1, 5, -1)
  TEST_RI(15, xori, ~0xff, 0xff, -1)
  TEST_RI(16, ori, -1, 0, -1)
  TEST_RI(17, andi, 0x7ff, -1, 0x7ff)
  TEST_RI(18, slli, 0x8000000000000000, 1, 63)
  TEST_RI(19, srli, 0x1, 0x8000000000000000, 63)
  TEST_RI(20, srai, -2, 0x8000000000000000, 62)
  TEST_RR(21, addw, -2, 0x7fffffff, 0x7fffffff)
  TEST_RR(22, subw, 0x7fffffff, 0x80000000, 1)
  TEST_RR(23, sllw, -0x80000000, 1, 31)
  TEST_RR(24, srlw, 1, 0x80000000, 31)
  TEST_RR(25, sraw, -1, 0x80000000, 31)
  TEST_RR(26, sllw, 2, 1, 33)
  TEST_RI(27, addiw, 0, 0xffffffff, 1)
  TEST_RI(28, slliw, -0x80000000, 1, 31)
  TEST_RI(29, srliw, 0x7fffffff, -1, 1)
  TEST_RI(30, sraiw, -1, 0x80000000, 31)
  /* lui / auipc */
  li TESTNUM, 31
  lui a0, 0x80000
  li t6, 0xffffffff80000000
  bne a0, t6, fail
  li TESTNUM, 32
1: auipc a0, 0
  la a1, 1b
  bne a0, a1, fail
  /* jal / jalr link values */
  li TESTNUM, 33
  jal a0, 2f
3: j fail
2: la a1, 3b
  bne a0, a1, fail
  li TESTNUM, 34
  la a1, 4f
  addi a1, a1, 1   /* jalr clears bit 0 */
  jalr a0, 0(a1)
5: j fail
4: la a2, 5b
  bne a0, a2, fail
  /* branches: taken and not taken */
  li TESTNUM, 35
  li a1, -1
  li a2, 1
  beq a1, a2, fail
  bne a1, a1, fail
  blt a2, a1, fail
  bge a1, a2, fail
  bltu a1, a2, fail
  bgeu a2, a1, fail
  beq a1, a1, 6f
  j fail
6: blt a1, a2, 7f
  j fail
7: bltu a2, a1, 8f
  j fail
8: bgeu a1, a2, 9f
  j fail
9: bge a2, a1, 10f
  j fail
10:
  /* loads and stores of every width, with sign/zero extension */
  la s0, buf
  li a1, 0x8182838485868788
  sd a1, 0(s0)
  li TESTNUM, 40
  lb a0, 0(s0)
  li t6, 0xffffffffffffff88
  bne a0, t6, fail
  li TESTNUM, 41
  lbu a0, 0(s0)
  li t6, 0x88
  bne a0, t6, fail
  li TESTNUM, 42
  lh a0, 2(s0)
  li t6, 0xffffffffffff8586
  bne a0, t6, fail
  li TESTNUM, 43
  lhu a0, 2(s0)
  li t6, 0x8586
  bne a0, t6, fail
  li TESTNUM, 44
  lw a0, 4(s0)
  li t6, 0xffffffff81828384
  bne a0, t6, fail
  li TESTNUM, 45
  lwu a0, 4(s0)
  li t6, 0x81828384
  bne a0, t6, fail
  li TESTNUM, 46
  sb zero, 0(s0)
  sh zero, 2(s0)
  sw zero, 4(s0)
  ld a0, 0(s0)
  li t6, 0x0000000000008700
  bne a0, t6, fail
  li TESTNUM, 47
  sd a1, 8(s0)
  ld a0, 8(s0)
  bne a0, a1, fail
  /* misaligned accesses are handled (no trap), incl. across a page boundary */
  TRAP_CLEAR
  li TESTNUM, 48
  sd a1, 3(s0)
  ld a0, 3(s0)
  bne a0, a1, fail
  la s1, page_end
  addi s1, s1, -3
  sd a1, 0(s1)
  ld a0, 0(s1)
  bne a0, a1, fail
  lw a0, 1(s1)
  li t6, 0xffffffff84858687
  bne a0, t6, fail
  TRAP_COUNT(49, 0)
  /* x0 stays zero */
  li TESTNUM, 50
  addi x0, x0, 5
  bnez x0, fail
  /* fence / fence.i are accepted */
  fence
  fence.i
  j pass
  .data
  .align 3
buf: .dword 0, 0, 0
  .align 12
  .skip 4096
page_end:
  .skip 16
END
