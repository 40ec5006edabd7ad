/* Sv39/Sv48 paging: A/D updates, permissions (R/W/X/U, SUM, MXR), invalid and reserved PTEs, */
/* superpages (aligned and misaligned), non-canonical addresses, sfence.vma, MPRV, satp WARL. */
#include "env.h"
#define V 1
#define R 2
#define W 4
#define X 8
#define U 16
#define A 64
#define D 128
/* dst = PTE for physical address in `pa` with flags */
#define MKPTE(dst, pa, flags) srli dst, pa, 12; slli dst, dst, 10; ori dst, dst, flags;
/* store PTE: table[index] = pte(pa_label, flags) */
#define SETPTE(table, index, palabel, flags) la t0, palabel; MKPTE(t1, t0, flags); la t0, table; sd t1, (8 * (index))(t0);
START
main:
  /* page contents */
  la t0, pg0; li t1, 0x1111; sd t1, 0(t0)
  la t0, pg1; li t1, 0x2222; sd t1, 0(t0)
  la t0, pg2; li t1, 0x3333; sd t1, 0(t0)
  la t0, pg3; li t1, 0x4444; sd t1, 0(t0)
  la t0, pgalt; li t1, 0x5555; sd t1, 0(t0)
  /* root: [1] → l1, [2] = identity gigapage (S), [3] = identity gigapage alias with U */
  SETPTE(pt_root, 1, pt_l1, V)
  li t0, 0x80000000; MKPTE(t1, t0, V|R|W|X|A|D); la t0, pt_root; sd t1, 16(t0)
  li t0, 0x80000000; MKPTE(t1, t0, V|R|W|X|U|A|D); la t0, pt_root; sd t1, 24(t0)
  SETPTE(pt_l1, 0, pt_l0, V)
  /* l1[1]: megapage with a misaligned PPN; l1[2]: aligned megapage at 0x80000000 */
  li t0, 0x80001000; MKPTE(t1, t0, V|R|W|A|D); la t0, pt_l1; sd t1, 8(t0)
  li t0, 0x80000000; MKPTE(t1, t0, V|R|W|A|D); la t0, pt_l1; sd t1, 16(t0)
  SETPTE(pt_l0, 0, pg0, V|R|W)
  SETPTE(pt_l0, 1, pg1, V|R|A)
  SETPTE(pt_l0, 2, pg2, V|R|W|U|A|D)
  SETPTE(pt_l0, 3, pg3, V|X|A)
  SETPTE(pt_l0, 5, pg1, V|W|A|D)
  /* Sv48 root: entry 0 → the Sv39 root (same format one level down) */
  SETPTE(pt_sv48, 0, pt_root, V)
  la t0, pt_root
  srli t0, t0, 12
  li t1, 8 << 60
  or t0, t0, t1
  csrw satp, t0
  sfence.vma
  /* satp: an unsupported mode (Sv57 = 10) is ignored */
  li t1, 10 << 60
  csrw satp, t1
  csrr a0, satp
  li TESTNUM, 1
  bne a0, t0, fail
  /* MPRV: an M-mode load translated as S */
  li t0, 3 << 11; csrc mstatus, t0
  li t0, (1 << 11) | (1 << 17); csrs mstatus, t0
  li t2, 0x40000000
  ld a0, 0(t2)
  li t0, 1 << 17; csrc mstatus, t0
  TEST_EQ(2, a0, 0x1111)
  TRAP_CLEAR
  GOTO_MODE(1, s_code)
s_code:
  /* A set by a load, D by a store */
  la s0, pt_l0
  li TESTNUM, 3
  ld a0, 0(s0)
  andi a0, a0, A|D
  li t6, A
  bne a0, t6, fail
  li t2, 0x40000000
  li t0, 0x77
  sd t0, 8(t2)
  ld a0, 0(s0)
  andi a0, a0, A|D
  TEST_EQ(4, a0, A|D)
  /* store to a read-only page: store page fault, tval = address */
  TRAP_CLEAR
  li t2, 0x40001008
  sd t0, 0(t2)
  TRAP_EXPECT(5, 15, 0x40001008)
  /* AMO on a read-only page is a store page fault too */
  TRAP_CLEAR
  li t2, 0x40001000
  amoadd.d a0, t0, (t2)
  TRAP_EXPECT(6, 15, 0x40001000)
  /* U page from S: fault without SUM, fine with SUM */
  TRAP_CLEAR
  li t2, 0x40002000
  ld a0, 0(t2)
  TRAP_EXPECT(7, 13, 0x40002000)
  li t0, 1 << 18
  csrs sstatus, t0
  ld a0, 0(t2)
  TEST_EQ(8, a0, 0x3333)
  csrc sstatus, t0
  /* execute-only page: load faults without MXR, works with MXR */
  TRAP_CLEAR
  li t2, 0x40003000
  ld a0, 0(t2)
  TRAP_EXPECT(9, 13, 0x40003000)
  li t0, 1 << 19
  csrs sstatus, t0
  ld a0, 0(t2)
  TEST_EQ(10, a0, 0x4444)
  csrc sstatus, t0
  /* invalid PTE; W without R (reserved); misaligned megapage */
  TRAP_CLEAR
  li t2, 0x40004000
  lw a0, 4(t2)
  TRAP_EXPECT(11, 13, 0x40004004)
  TRAP_CLEAR
  li t2, 0x40005000
  sd a0, 0(t2)
  TRAP_EXPECT(12, 15, 0x40005000)
  TRAP_CLEAR
  li t2, 0x40200010
  ld a0, 0(t2)
  TRAP_EXPECT(13, 13, 0x40200010)
  /* aligned megapage maps 0x40400000 → 0x80000000 */
  la t0, pg2
  li t1, 0x80000000
  sub t0, t0, t1
  li t1, 0x40400000
  add t0, t0, t1
  ld a0, 0(t0)
  TEST_EQ(14, a0, 0x3333)
  /* non-canonical address under Sv39 */
  TRAP_CLEAR
  li t2, 0x0000008000000000
  ld a0, 0(t2)
  TRAP_EXPECT(15, 13, 0x0000008000000000)
  /* misaligned load across a fault boundary: page 0x40003000 (X only) after pg2 → fault */
  TRAP_CLEAR
  li t0, 1 << 18
  csrs sstatus, t0
  li t2, 0x40002ffc
  ld a0, 0(t2)
  csrc sstatus, t0
  TRAP_EXPECT_CAUSE(16, 13)
  /* sfence.vma by address makes a changed PTE visible */
  li t2, 0x40000000
  ld a0, 0(t2)
  SETPTE(pt_l0, 0, pgalt, V|R|W|A|D)
  li t2, 0x40000000
  sfence.vma t2
  ld a0, 0(t2)
  TEST_EQ(17, a0, 0x5555)
  /* and by ASID only */
  SETPTE(pt_l0, 0, pg0, V|R|W|A|D)
  sfence.vma zero, zero
  ld a0, 0(t2)
  TEST_EQ(18, a0, 0x1111)
  /* fetch from a non-executable page: instruction page fault, tval = epc = target */
  TRAP_CLEAR
  SET_REDIRECT(m_after_fetch)
  li t2, 0x40000000
  jr t2
m_after_fetch:
  TRAP_EXPECT(19, 12, 0x40000000)
  /* U-mode through the U alias (VA = PA + 0x40000000): U page ok, then ecall */
  TRAP_CLEAR
  SET_REDIRECT(m_after_u1)
  la t0, u_code1
  li t1, 0x40000000
  add t0, t0, t1
  li t1, 3 << 11
  csrc mstatus, t1
  csrw mepc, t0
  mret
m_after_u1:
  TRAP_EXPECT(20, 8, 0)
  /* U-mode load from a supervisor page: load page fault */
  TRAP_CLEAR
  SET_REDIRECT(m_after_u2)
  la t0, u_code2
  li t1, 0x40000000
  add t0, t0, t1
  li t1, 3 << 11
  csrc mstatus, t1
  csrw mepc, t0
  mret
m_after_u2:
  TRAP_EXPECT(21, 13, 0x40000000)
  /* S-mode may never execute a U page, even with SUM */
  TRAP_CLEAR
  li t0, 1 << 18
  csrs mstatus, t0
  SET_REDIRECT(m_after_s_fetch)
  GOTO_MODE(1, s_fetch_u)
m_after_s_fetch:
  TRAP_EXPECT_CAUSE(22, 12)
  li t0, 1 << 18
  csrc mstatus, t0
  /* Sv48: the same mappings one level down; 0x8000000000 is now canonical but unmapped */
  la t0, pt_sv48
  srli t0, t0, 12
  li t1, 9 << 60
  or t0, t0, t1
  csrw satp, t0
  csrr a0, satp
  li TESTNUM, 23
  bne a0, t0, fail
  TRAP_CLEAR
  GOTO_MODE(1, s_sv48)
s_sv48:
  li t2, 0x40002000
  li t0, 1 << 18
  csrs sstatus, t0
  ld a0, 0(t2)
  TEST_EQ(24, a0, 0x3333)
  TRAP_CLEAR
  li t2, 0x0000008000000000
  ld a0, 0(t2)
  TRAP_EXPECT(25, 13, 0x0000008000000000)
  TRAP_CLEAR
  li t2, 0x0000800000000000
  ld a0, 0(t2)
  TRAP_EXPECT(26, 13, 0x0000800000000000)
  j pass

s_fetch_u:
  la t0, u_code1
  li t1, 0x40000000
  add t0, t0, t1
  jr t0

u_code1:
  li t2, 0x40002000
  ld a0, 0(t2)
  ecall
u_code2:
  li t2, 0x40000000
  ld a0, 0(t2)
  ecall

  .data
  .align 12
pt_root: .skip 4096
pt_l1: .skip 4096
pt_l0: .skip 4096
pt_sv48: .skip 4096
pg0: .skip 4096
pg1: .skip 4096
pg2: .skip 4096
pg3: .skip 4096
pgalt: .skip 4096
END
