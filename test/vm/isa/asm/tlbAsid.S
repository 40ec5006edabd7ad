/* ASID-tagged TLB (privileged spec §4.1.11, §4.2.1): satp switches without sfence.vma see the new address */
/* space; sfence.vma by ASID keeps global and other-ASID entries; by address (incl. inside a superpage); */
/* privilege-context bits (SUM, MXR) changed without a flush still check permissions. */
/* Some checks observe entries kept by our TLB (stale after a PTE change): the VAs use TLB slots no other */
/* access of this program touches (0xab, 0xac), so the entries are not evicted in between. */
#include "env.h"
#define V 1
#define R 2
#define W 4
#define X 8
#define U 16
#define G 32
#define A 64
#define D 128
#define MKPTE(dst, pa, flags) srli dst, pa, 12; slli dst, dst, 10; ori dst, dst, flags;
#define SETPTE(table, index, palabel, flags) la t0, palabel; MKPTE(t1, t0, flags); la t0, table; sd t1, (8 * (index))(t0);
/* satp value: Sv39, ASID, root table */
#define MKSATP(dst, asid, root) la dst, root; srli dst, dst, 12; li t0, (8 << 60) | ((asid) << 44); or dst, dst, t0;
#define VA1 0x400ab000
#define VAG 0x400ac000
START
main:
  la t0, pgA; li t1, 0xaaaa; sd t1, 0(t0)
  la t0, pgA2; li t1, 0xa2a2; sd t1, 0(t0)
  la t0, pgB; li t1, 0xbbbb; sd t1, 0(t0)
  la t0, pgB2; li t1, 0xb2b2; sd t1, 0(t0)
  la t0, pgG; li t1, 0x6666; sd t1, 0(t0)
  la t0, pgG2; li t1, 0x7777; sd t1, 0(t0)
  la t0, pgS; li t1, 0x8888; sd t1, 0(t0)
  la t0, pgS2; li t1, 0x9999; sd t1, 0(t0)
  la t0, pgU; li t1, 0x4242; sd t1, 0(t0)
  /* both roots: [2] = identity gigapage for code and data; [1] → their own l1 → l0 */
  li t0, 0x80000000; MKPTE(t1, t0, V|R|W|X|A|D); la t0, rootA; sd t1, 16(t0); la t0, rootB; sd t1, 16(t0)
  /* A: [3] = the same gigapage with U (VA = PA + 0x40000000) for U-mode code */
  li t0, 0x80000000; MKPTE(t1, t0, V|R|X|U|A|D); la t0, rootA; sd t1, 24(t0)
  SETPTE(rootA, 1, l1A, V)
  SETPTE(rootB, 1, l1B, V)
  SETPTE(l1A, 0, l0A, V)
  SETPTE(l1B, 0, l0B, V)
  /* VA1: pgA in A, pgB in B; VA2 (slot 0xaf): pgB in B only; VAG: global pgG in A only; 0x400ad000: a U page (pgU); 0x400ae000: execute-only (pgU) */
  SETPTE(l0A, 0xab, pgA, V|R|W|A|D)
  SETPTE(l0B, 0xab, pgB, V|R|W|A|D)
  SETPTE(l0B, 0xaf, pgB, V|R|W|A|D)
  SETPTE(l0A, 0xac, pgG, V|R|W|G|A|D)
  SETPTE(l0A, 0xad, pgU, V|R|W|U|A|D)
  SETPTE(l0A, 0xae, pgU, V|X|A)
  /* A: l1[1] = megapage 0x40200000 → 0x80000000 */
  li t0, 0x80000000; MKPTE(t1, t0, V|R|W|A|D); la t0, l1A; sd t1, 8(t0)
  MKSATP(s1, 1, rootA)
  MKSATP(s2, 2, rootB)
  /* satp.ASID keeps its implemented bits: writing all ones reads back nonzero (ASIDLEN > 0) */
  li t0, 0xffff << 44
  csrw satp, t0
  csrr a0, satp
  li TESTNUM, 1
  beqz a0, fail
  csrw satp, zero
  csrw satp, s1
  sfence.vma
  GOTO_MODE(1, s_main)
s_main:
  li s3, VA1
  /* the same VA in two ASIDs, switching satp without sfence.vma */
  ld a0, 0(s3)
  TEST_EQ(2, a0, 0xaaaa)
  csrw satp, s2
  ld a0, 0(s3)
  TEST_EQ(3, a0, 0xbbbb)
  csrw satp, s1
  ld a0, 0(s3)
  TEST_EQ(4, a0, 0xaaaa)
  /* satp switches keep the other ASID's entries: A's PTE changed, A's entry still used */
  SETPTE(l0A, 0xab, pgA2, V|R|W|A|D)
  csrw satp, s2
  li t2, 0x400af000
  ld a0, 0(t2)
  csrw satp, s1
  ld a0, 0(s3)
  TEST_EQ(5, a0, 0xaaaa)
  /* sfence.vma by ASID 2 leaves ASID 1 alone; by ASID 1 makes the new PTE visible */
  li t2, 2
  sfence.vma zero, t2
  ld a0, 0(s3)
  TEST_EQ(6, a0, 0xaaaa)
  li t2, 1
  sfence.vma zero, t2
  ld a0, 0(s3)
  TEST_EQ(7, a0, 0xa2a2)
  /* a global entry survives sfence.vma by ASID and by address+ASID, not by address alone */
  li s4, VAG
  ld a0, 0(s4)
  TEST_EQ(8, a0, 0x6666)
  SETPTE(l0A, 0xac, pgG2, V|R|W|G|A|D)
  li t2, 1
  sfence.vma zero, t2
  ld a0, 0(s4)
  TEST_EQ(9, a0, 0x6666)
  sfence.vma s4, t2
  ld a0, 0(s4)
  TEST_EQ(10, a0, 0x6666)
  sfence.vma s4, zero
  ld a0, 0(s4)
  TEST_EQ(11, a0, 0x7777)
  /* a global entry is valid in every ASID: B (which does not map VAG) uses A's global entry */
  csrw satp, s2
  ld a0, 0(s4)
  TEST_EQ(12, a0, 0x7777)
  csrw satp, s1
  /* sfence.vma by address flushes that page in every ASID (B's entry, while A is current) */
  csrw satp, s2
  ld a0, 0(s3)
  TEST_EQ(13, a0, 0xbbbb)
  csrw satp, s1
  SETPTE(l0B, 0xab, pgB2, V|R|W|A|D)
  sfence.vma s3, zero
  csrw satp, s2
  ld a0, 0(s3)
  TEST_EQ(14, a0, 0xb2b2)
  /* by address + ASID flushes only that ASID: B's PTE back to pgB, sfence for ASID 1 → B stale */
  SETPTE(l0B, 0xab, pgB, V|R|W|A|D)
  li t2, 1
  sfence.vma s3, t2
  ld a0, 0(s3)
  TEST_EQ(15, a0, 0xb2b2)
  li t2, 2
  sfence.vma s3, t2
  ld a0, 0(s3)
  TEST_EQ(16, a0, 0xbbbb)
  csrw satp, s1
  /* a megapage entry is flushed by sfence.vma of another address inside the megapage */
  la t0, pgS
  li t1, 0x80000000
  sub s5, t0, t1          /* offset of pgS in the megapage */
  li t1, 0x40200000
  add s6, s5, t1          /* VA of pgS through the megapage */
  ld a0, 0(s6)
  TEST_EQ(17, a0, 0x8888)
  /* replace the megapage by a table mapping the same VA to pgS2 */
  srli t0, s5, 12
  slli t0, t0, 3
  la t1, l0S
  add t0, t0, t1
  la t1, pgS2
  MKPTE(t2, t1, V|R|W|A|D)
  sd t2, 0(t0)
  SETPTE(l1A, 1, l0S, V)
  li t2, 0x40200000 + 0x1ff000
  sfence.vma t2, zero
  ld a0, 0(s6)
  TEST_EQ(18, a0, 0x9999)
  /* SUM toggled without a flush: the U page loads only while SUM is set */
  TRAP_CLEAR
  li t0, 1 << 18
  csrs sstatus, t0
  li t2, 0x400ad000
  ld a0, 0(t2)
  TEST_EQ(19, a0, 0x4242)
  csrc sstatus, t0
  ld a0, 0(t2)
  TRAP_EXPECT(20, 13, 0x400ad000)
  TRAP_CLEAR
  /* MXR likewise for an execute-only page */
  li t0, 1 << 19
  csrs sstatus, t0
  li t2, 0x400ae000
  ld a0, 0(t2)
  TEST_EQ(21, a0, 0x4242)
  csrc sstatus, t0
  ld a0, 0(t2)
  TRAP_EXPECT(22, 13, 0x400ae000)
  /* U-mode may not use the S-mode entry of VA1 cached just before */
  ld a0, 0(s3)
  TEST_EQ(23, a0, 0xa2a2)
  TRAP_CLEAR
  SET_REDIRECT(m_after_u)
  li t0, 1 << 8
  csrc sstatus, t0
  la t0, u_code
  li t1, 0x40000000
  add t0, t0, t1
  csrw sepc, t0
  sret
m_after_u:
  TRAP_EXPECT(24, 13, VA1)
  /* MPRV: M-mode loads translated as S (cached), then as U with the same MPRV: the U check still applies */
  li t0, 3 << 11; csrc mstatus, t0
  li t0, (1 << 11) | (1 << 17); csrs mstatus, t0
  ld a0, 0(s3)
  li t0, 3 << 11; csrc mstatus, t0
  li t0, 1 << 17; csrc mstatus, t0
  TEST_EQ(25, a0, 0xa2a2)
  TRAP_CLEAR
  li t0, 1 << 17; csrs mstatus, t0
  ld a0, 0(s3)
  li t0, 1 << 17; csrc mstatus, t0
  TRAP_EXPECT(26, 13, VA1)
  /* without MPRV, M-mode accesses are physical again */
  la t2, pgA
  ld a0, 0(t2)
  TEST_EQ(27, a0, 0xaaaa)
  j pass

u_code:
  li t2, VA1
  ld a0, 0(t2)
  j u_code

  .data
  .align 12
rootA: .skip 4096
rootB: .skip 4096
l1A: .skip 4096
l1B: .skip 4096
l0A: .skip 4096
l0B: .skip 4096
l0S: .skip 4096
pgA: .skip 4096
pgA2: .skip 4096
pgB: .skip 4096
pgB2: .skip 4096
pgG: .skip 4096
pgG2: .skip 4096
pgS: .skip 4096
pgS2: .skip 4096
pgU: .skip 4096
END
