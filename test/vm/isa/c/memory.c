/* libc memory and string routines, malloc (brk and mmap paths), realloc, qsort, misaligned data. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct __attribute__((packed)) P { char c; uint64_t v; uint32_t w; };

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(void) {
  char *words[200];
  uint32_t x = 7;
  for (int i = 0; i < 200; i++) {
    words[i] = malloc(16 + i % 50);
    int n = 3 + i % 12;
    for (int j = 0; j < n; j++) { x = x * 1103515245 + 12345; words[i][j] = 'a' + (x >> 16) % 26; }
    words[i][n] = 0;
  }
  qsort(words, 200, sizeof *words, cmp);
  uint64_t h = 1469598103934665603ull;
  for (int i = 0; i < 200; i++) for (char *p = words[i]; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ull;
  printf("sorted %s %s %016llx\n", words[0], words[199], (unsigned long long)h);
  for (int i = 0; i < 200; i++) free(words[i]);
  size_t big = 48 << 20;
  unsigned char *b = malloc(big);
  memset(b, 0x5a, big);
  memmove(b + 3, b + 1, 1 << 20);
  b[big - 1] = 1;
  unsigned long s = 0;
  for (size_t i = 0; i < big; i += 4093) s += b[i];
  printf("big %lu %d\n", s, b[big - 1]);
  b = realloc(b, big * 2);
  printf("realloc %d %d\n", b[0], b[big - 1]);
  free(b);
  struct P ps[5];
  for (int i = 0; i < 5; i++) { ps[i].c = (char)i; ps[i].v = 0x0102030405060708ull * (uint64_t)(i + 1); ps[i].w = 0xdeadbeefu + (uint32_t)i; }
  uint64_t t = 0;
  for (int i = 0; i < 5; i++) t += ps[i].v ^ ps[i].w;
  printf("packed %016llx\n", (unsigned long long)t);
  char buf[100];
  snprintf(buf, sizeof buf, "%s-%d-%x-%5.2s|", "abc", -42, 255u, "xyz");
  printf("fmt %s %zu %d\n", buf, strlen(buf), strncmp(buf, "abc-", 4));
  return 0;
}
