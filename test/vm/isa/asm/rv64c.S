/* RV64C: every compressed form (integer, FP loads/stores, control flow), checked against its 32-bit meaning. */
#include "env.h"
START
main:
  .option push
  .option rvc
  la s0, cbuf
  /* C.ADDI4SPN, C.ADDI16SP */
  li TESTNUM, 1
  mv t0, sp
  c.addi4spn s1, sp, 16
  addi t0, t0, 16
  bne s1, t0, fail
  li TESTNUM, 2
  mv t0, sp
  c.addi16sp sp, -64
  addi t0, t0, -64
  bne sp, t0, fail
  c.addi16sp sp, 64
  /* C.LI, C.LUI, C.ADDI, C.ADDIW, C.MV, C.ADD */
  li TESTNUM, 3
  c.li a0, -7
  li t6, -7
  bne a0, t6, fail
  li TESTNUM, 4
  c.lui a0, 0xfffe1
  li t6, 0xffffffffe1000
  li t6, -0x1f000
  bne a0, t6, fail
  li TESTNUM, 5
  c.li a0, 5
  c.addi a0, -6
  li t6, -1
  bne a0, t6, fail
  li TESTNUM, 6
  li a0, 0x7fffffff
  c.addiw a0, 1
  li t6, -0x80000000
  bne a0, t6, fail
  li TESTNUM, 7
  li a1, 1234
  c.mv a0, a1
  c.add a0, a1
  li t6, 2468
  bne a0, t6, fail
  /* C.SLLI, C.SRLI, C.SRAI, C.ANDI */
  li TESTNUM, 8
  li a0, 1
  c.slli a0, 63
  li t6, 0x8000000000000000
  bne a0, t6, fail
  li TESTNUM, 9
  mv s1, a0
  c.srai s1, 62
  li t6, -2
  bne s1, t6, fail
  li TESTNUM, 10
  c.srli s1, 60
  li t6, 0xf
  bne s1, t6, fail
  li TESTNUM, 11
  c.andi s1, -4
  li t6, 0xc
  bne s1, t6, fail
  /* C.SUB, C.XOR, C.OR, C.AND, C.SUBW, C.ADDW */
  li a4, 0xff00
  li a5, 0x0ff0
  mv a3, a4
  c.sub a3, a5
  TEST_EQ(12, a3, 0xef10)
  mv a3, a4
  c.xor a3, a5
  TEST_EQ(13, a3, 0xf0f0)
  mv a3, a4
  c.or a3, a5
  TEST_EQ(14, a3, 0xfff0)
  mv a3, a4
  c.and a3, a5
  TEST_EQ(15, a3, 0x0f00)
  li a3, 0x80000000
  li a5, 1
  c.subw a3, a5
  TEST_EQ(16, a3, 0x7fffffff)
  li a3, 0x7fffffff
  c.addw a3, a5
  TEST_EQ(17, a3, -0x80000000)
  /* C.LW, C.LD, C.SW, C.SD (register-based) */
  li a4, 0x8877665544332211
  c.sd a4, 8(s0)
  c.ld a5, 8(s0)
  TEST_EQ(18, a5, 0x8877665544332211)
  c.lw a5, 12(s0)
  TEST_EQ(19, a5, 0xffffffff88776655)
  c.sw a4, 16(s0)
  c.lw a5, 16(s0)
  TEST_EQ(20, a5, 0x44332211)
  /* SP-based: C.SDSP, C.LDSP, C.SWSP, C.LWSP */
  c.addi16sp sp, -32
  c.sdsp a4, 24(sp)
  c.ldsp t0, 24(sp)
  TEST_EQ(21, t0, 0x8877665544332211)
  c.swsp a4, 8(sp)
  c.lwsp t0, 8(sp)
  TEST_EQ(22, t0, 0x44332211)
  /* FP: C.FSD, C.FLD, C.FSDSP, C.FLDSP (FS must be on) */
  li t0, (1 << 13)
  csrs mstatus, t0
  li t1, 0x400921fb54442d18
  fmv.d.x fa0, t1
  c.fsd fa0, 0(s0)
  c.fld fa1, 0(s0)
  fmv.x.d t2, fa1
  TEST_EQ(23, t2, 0x400921fb54442d18)
  c.fsdsp fa0, 16(sp)
  c.fldsp ft3, 16(sp)
  fmv.x.d t2, ft3
  TEST_EQ(24, t2, 0x400921fb54442d18)
  c.addi16sp sp, 32
  /* C.J, C.JAL is RV32-only; C.JR, C.JALR, C.BEQZ, C.BNEZ */
  li TESTNUM, 25
  c.j 1f
  j fail
1:
  li TESTNUM, 26
  la t0, 2f
  c.jr t0
  j fail
2:
  li TESTNUM, 27
  la t0, 3f
  c.jalr t0
4: j fail
3:
  la t1, 4b
  bne ra, t1, fail
  li TESTNUM, 28
  li s1, 0
  c.beqz s1, 5f
  j fail
5:
  c.bnez s1, fail
  li s1, 3
  c.bnez s1, 6f
  j fail
6:
  c.beqz s1, fail
  /* C.NOP and C.EBREAK */
  c.nop
  TRAP_CLEAR
  la s2, 7f
7: c.ebreak
  TRAP_EXPECT_CAUSE(29, 3)
  la t5, trap_rec
  ld t6, 8(t5)
  bne t6, s2, fail
  /* Illegal compressed encodings report their 16 bits in mtval */
  TRAP_CLEAR
  .2byte 0x0000
  TRAP_EXPECT(30, 2, 0)
  TRAP_CLEAR
  .2byte 0x6101 /* c.addi16sp with imm 0: reserved */
  TRAP_EXPECT(31, 2, 0x6101)
  TRAP_CLEAR
  .2byte 0x8002 /* c.jr x0: reserved */
  TRAP_EXPECT(32, 2, 0x8002)
  TRAP_CLEAR
  .2byte 0x9c41 /* reserved c.subw/c.addw slot (funct2 = 10) */
  TRAP_EXPECT(33, 2, 0x9c41)
  .option pop
  j pass
  .data
  .align 4
cbuf: .dword 0, 0, 0, 0
END
