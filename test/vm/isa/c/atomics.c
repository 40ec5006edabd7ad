/* Atomics (every AMO width/kind, CAS via LR/SC), setjmp/longjmp, recursion and function pointers. */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>

static jmp_buf jb;
static int depth(int n) { if (n == 0) longjmp(jb, 42); return depth(n - 1) + 1; }
static uint64_t fib(int n) { return n < 2 ? (uint64_t)n : fib(n - 1) + fib(n - 2); }

int main(void) {
  uint64_t a = 10; uint32_t b = 0xfffffff0u; int64_t c = -5; int32_t d = -5;
  uint64_t r = 0;
  r += __atomic_fetch_add(&a, 5, __ATOMIC_SEQ_CST);
  r += __atomic_fetch_xor(&a, 0xff, __ATOMIC_ACQUIRE);
  r += __atomic_fetch_and(&a, 0xf0, __ATOMIC_RELEASE);
  r += __atomic_fetch_or(&a, 0x3, __ATOMIC_RELAXED);
  r += __atomic_exchange_n(&a, 99, __ATOMIC_SEQ_CST);
  r += __atomic_fetch_add(&b, 0x20, __ATOMIC_SEQ_CST);
  r += __atomic_fetch_sub(&d, 7, __ATOMIC_SEQ_CST);
  uint64_t exp = 99;
  int ok1 = __atomic_compare_exchange_n(&a, &exp, 7, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
  exp = 1;
  int ok2 = __atomic_compare_exchange_n(&a, &exp, 8, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
  int64_t o1, o2, o3, o4; int64_t m = -9, big = 1000;
  __asm__ volatile("amomin.d %0, %1, (%2)" : "=r"(o1) : "r"(m), "r"(&c) : "memory");
  __asm__ volatile("amomax.d %0, %1, (%2)" : "=r"(o2) : "r"(big), "r"(&c) : "memory");
  __asm__ volatile("amominu.w %0, %1, (%2)" : "=r"(o3) : "r"(m), "r"(&d) : "memory");
  __asm__ volatile("amomaxu.w %0, %1, (%2)" : "=r"(o4) : "r"(m), "r"(&b) : "memory");
  printf("atomics %llu %llu %u %lld %d %d %d %lld %lld %lld %lld %llu\n", (unsigned long long)r, (unsigned long long)a, b, (long long)c, d, ok1, ok2,
         (long long)o1, (long long)o2, (long long)o3, (long long)o4, (unsigned long long)exp);
  int v = setjmp(jb);
  if (v == 0) depth(1000);
  printf("longjmp %d fib %llu\n", v, (unsigned long long)fib(25));
  return 0;
}
