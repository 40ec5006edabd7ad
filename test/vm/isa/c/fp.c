/* Floating point through libc and libm: printing, math functions, rounding modes, exception flags, conversions. */
#include <fenv.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static volatile double vd[] = {0.1, -2.5, 1e308, -0.0, 3.0, 1e-310, 2.5, -3.5};
static volatile float vf[] = {0.1f, -2.5f, 3.4e38f, -0.0f, 16777217.0f};

static uint64_t bits(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }

int main(void) {
  double s = 0;
  for (int i = 1; i < 10000; i++) s += sin(i * 0.001) * exp(-i * 1e-4) + sqrt((double)i) / log(i + 1.0);
  printf("series %.15g\n", s);
  printf("pow %.17g cbrt %.17g fma %.17g hyp %.17g\n", pow(1.0001, 10000), cbrt(27.5), fma(vd[0], vd[4], vd[2] * 0), hypot(3, 4));
  float f = 0;
  for (int i = 1; i < 1000; i++) f += 1.0f / (float)i;
  printf("harmonic %.9g\n", f);
  const int modes[] = {FE_TONEAREST, FE_TOWARDZERO, FE_DOWNWARD, FE_UPWARD};
  for (int m = 0; m < 4; m++) {
    fesetround(modes[m]);
    volatile double q = vd[4] / 7.0;
    volatile float qf = (float)vd[0];
    printf("mode %d %016llx %a rint %.1f %.1f lrint %ld\n", m, (unsigned long long)bits(q), (double)qf, rint(vd[6]), rint(vd[7]), lrint(vd[1]));
  }
  fesetround(FE_TONEAREST);
  feclearexcept(FE_ALL_EXCEPT);
  volatile double z = vd[4] / vd[3];
  printf("div0 %g inexact %d divbyzero %d\n", z, !!fetestexcept(FE_INEXACT), !!fetestexcept(FE_DIVBYZERO));
  feclearexcept(FE_ALL_EXCEPT);
  volatile double inv = sqrt(-vd[4]);
  printf("invalid %d nan %d\n", !!fetestexcept(FE_INVALID), isnan(inv));
  feclearexcept(FE_ALL_EXCEPT);
  volatile double ov = vd[2] * 10;
  printf("overflow %d %g underflow-denorm %g\n", !!fetestexcept(FE_OVERFLOW), ov, vd[5] / 3);
  printf("minmax %g %g %g\n", fmin(vd[3], 0.0), fmax(-0.0, 0.0), fmin(NAN, 2.0));
  printf("conv %d %u %lld %d\n", (int)vd[1], (unsigned)vd[4], (long long)vd[6], (int)vf[4]);
  printf("float %.9g %.9g %a\n", (double)vf[0] * 3, (double)(vf[2] * 2.0f), (double)vf[1]);
  printf("classify %d %d %d %d\n", fpclassify(vd[5]), fpclassify(vd[3]), isinf(ov), signbit(vd[3]));
  return 0;
}
