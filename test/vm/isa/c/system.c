/* The user-mode system-call layer as a C program sees it: argv/env, uname, time, random, files, brk/mmap, exit status. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
  printf("argc %d", argc);
  for (int i = 1; i < argc; i++) printf(" [%s]", argv[i]);
  printf("\n");
  struct utsname u;
  uname(&u);
  printf("machine %s sysname %s\n", u.machine, u.sysname);
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (volatile int i = 0; i < 100000; i++) {}
  clock_gettime(CLOCK_MONOTONIC, &b);
  printf("monotonic %d\n", b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec));
  unsigned char r[32];
  printf("getrandom %zd\n", getrandom(r, sizeof r, 0));
  printf("pagesz %ld hwcap-has-imac %d\n", (long)getauxval(AT_PAGESZ), (getauxval(AT_HWCAP) & 0x1105) == 0x1105);
  char *m = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  m[0] = 1; m[(1 << 20) - 1] = 2;
  printf("mmap %d %d mprotect %d munmap %d\n", m[0], m[(1 << 20) - 1], mprotect(m, 4096, PROT_READ), munmap(m, 1 << 20));
  void *p0 = sbrk(0);
  sbrk(1 << 16);
  memset(p0, 7, 1 << 16);
  printf("brk %d\n", (char *)sbrk(0) - (char *)p0 == (1 << 16));
  if (argc > 1) {
    int fd = open(argv[1], O_RDONLY);
    char buf[64] = {0};
    ssize_t n = read(fd, buf, 20);
    printf("file %zd [%.20s]\n", n, buf);
    close(fd);
    printf("open-missing %d\n", open("/nonexistent/x", O_RDONLY));
  }
  fflush(stdout);
  fprintf(stderr, "to stderr\n");
  return 7;
}
