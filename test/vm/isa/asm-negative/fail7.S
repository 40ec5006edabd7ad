/* Negative program: prints "hi\n" through tohost, then fails test 7 (the runner must report "fail 7"). */
#include "env.h"
START
main:
  la t0, tohost
  li t1, (0x0101 << 48) | 'h'
  sd t1, 0(t0)
  li t1, (0x0101 << 48) | 'i'
  sd t1, 0(t0)
  li t1, (0x0101 << 48) | '\n'
  sd t1, 0(t0)
  li TESTNUM, 7
  j fail
END
