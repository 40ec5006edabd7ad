/* Integer arithmetic under -O2: 64/128-bit products and divisions, shifts, bit tricks, edge cases. */
#include <stdint.h>
#include <stdio.h>

static volatile int64_t vz = 0, vm1 = -1, vmin = INT64_MIN;

int main(void) {
  uint64_t x = 0x9e3779b97f4a7c15ull, acc = 0;
  for (int i = 0; i < 1000; i++) {
    x ^= x << 7; x ^= x >> 9;
    unsigned __int128 p = (unsigned __int128)x * (x | 1);
    __int128 s = (__int128)(int64_t)x * (int64_t)(x >> 3);
    acc += (uint64_t)(p >> 64) ^ (uint64_t)p ^ (uint64_t)(s >> 64);
    acc += (x % 1000003) + (uint64_t)((int64_t)x / -7) + (uint32_t)x / 13u + (uint64_t)((int32_t)x % 11);
    acc += (uint64_t)__builtin_popcountll(x) + (uint64_t)__builtin_clzll(x | 1) + (uint64_t)__builtin_ctzll(x | 0x8000);
    acc = (acc << 13) | (acc >> 51);
  }
  printf("acc %016llx\n", (unsigned long long)acc);
  printf("div0 %lld %lld %llu\n", (long long)(vz == 0 ? -1 : 1), (long long)(vmin / vm1 == vmin), (unsigned long long)(uint64_t)-1 / 3);
  int32_t w = 0x7fffffff; w += (int32_t)vz + 1;
  printf("wrap %d %u\n", w, (uint32_t)w >> 31);
  long long t = 0;
  for (long long i = -500; i < 500; i++) t += i * i * i / 7 - (i << 3) % 5;
  printf("sum %lld\n", t);
  return 0;
}
