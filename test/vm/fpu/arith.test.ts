// Property tests: every F/D arithmetic instruction under every rounding mode, result bits and
// fflags compared with the exact BigInt reference (reference.ts) on edge-case-rich operands.
import fc from "fast-check";
import { test } from "uvu";
import { box, encFp, encR4, loadFpu } from "./harness.js";
import * as R from "./reference.js";
import type { Fmt, Result } from "./reference.js";
import { pair, triple, value } from "./values.js";

const fpu = loadFpu();
const RUNS = Number(process.env.VMSPEC_FPU_RUNS ?? 4000);
const hex = (v: bigint) => "0x" + v.toString(16);

/** rm choice: 0–4 static, 5 → dynamic (rm field 7, frm = mode). */
const rmArb = fc.integer({ min: 0, max: 5 }).chain((r) =>
  r < 5 ? fc.constant({ field: r, mode: r }) : fc.integer({ min: 0, max: 4 }).map((m) => ({ field: 7, mode: m })),
);

const fmtBits = (f: Fmt) => (f === "S" ? 0 : 1);
const load = (v: bigint, f: Fmt) => (f === "S" ? box(v) : v);

/** Runs an FP-result instruction with f1, f2, f4 = a, b, c and returns rd (f3) unboxed + flags. */
function runF(insn: number, f: Fmt, frm: number, a: bigint, b = 0n, c = 0n): Result {
  fpu.f[1] = load(a, f);
  fpu.f[2] = load(b, f);
  fpu.f[4] = load(c, f);
  fpu.f[3] = 0x5555n;
  fpu.fcsr[0] = frm << 5;
  const r = fpu.exec(insn);
  if (r !== 0) throw new Error(`fpExecute returned ${r} for ${hex(BigInt(insn))}`);
  if (((fpu.fcsr[0] >> 5) & 7) !== frm) throw new Error("frm changed");
  const out = fpu.f[3];
  if (f === "S" && out >> 32n !== 0xffffffffn) throw new Error(`single result not NaN-boxed: ${hex(out)}`);
  return { bits: f === "S" ? out & 0xffffffffn : out, flags: fpu.fcsr[0] & 31 };
}

function check(what: string, got: Result, want: Result, ...ops: bigint[]): void {
  if (got.bits !== want.bits || got.flags !== want.flags) {
    throw new Error(
      `${what}(${ops.map(hex).join(", ")}): got ${hex(got.bits)} flags ${got.flags.toString(2)}, ` +
        `want ${hex(want.bits)} flags ${want.flags.toString(2)}`,
    );
  }
}

const binary: Array<[string, number, (a: bigint, b: bigint, f: Fmt, rm: number) => Result]> = [
  ["fadd", 0x00, R.refAdd],
  ["fsub", 0x01, R.refSub],
  ["fmul", 0x02, R.refMul],
  ["fdiv", 0x03, R.refDiv],
];

for (const f of ["S", "D"] as Fmt[]) {
  for (const [name, funct5, ref] of binary) {
    test(`${name}.${f.toLowerCase()} matches the exact reference in all rounding modes`, () => {
      fc.assert(
        fc.property(pair(f), rmArb, ([a, b], rm) => {
          const got = runF(encFp(funct5, fmtBits(f), 2, 1, rm.field, 3), f, rm.field === 7 ? rm.mode : 0, a, b);
          check(`${name}.${f} rm=${rm.mode}`, got, ref(a, b, f, rm.mode), a, b);
        }),
        { numRuns: RUNS },
      );
    });
  }

  test(`fsqrt.${f.toLowerCase()} matches the exact reference in all rounding modes`, () => {
    fc.assert(
      fc.property(value(f), rmArb, (a, rm) => {
        const got = runF(encFp(0x0b, fmtBits(f), 0, 1, rm.field, 3), f, rm.field === 7 ? rm.mode : 0, a);
        check(`fsqrt.${f} rm=${rm.mode}`, got, R.refSqrt(a, f, rm.mode), a);
      }),
      { numRuns: RUNS },
    );
  });

  const fused: Array<[string, number, typeof R.refFma]> = [
    ["fmadd", 0x43, R.refFma],
    ["fmsub", 0x47, R.refFmsub],
    ["fnmsub", 0x4b, R.refFnmsub],
    ["fnmadd", 0x4f, R.refFnmadd],
  ];
  for (const [name, opcode, ref] of fused) {
    test(`${name}.${f.toLowerCase()} is rounded once, matching the exact reference`, () => {
      fc.assert(
        fc.property(triple(f), rmArb, ([a, b, c], rm) => {
          const got = runF(encR4(opcode, 4, fmtBits(f), 2, 1, rm.field, 3), f, rm.field === 7 ? rm.mode : 0, a, b, c);
          check(`${name}.${f} rm=${rm.mode}`, got, ref(a, b, c, f, rm.mode), a, b, c);
        }),
        { numRuns: RUNS },
      );
    });
  }
}

test("fma edge cases: ∞×0+qNaN raises NV, exact-zero signs, a near-tie just below a power of two", () => {
  const cases: Array<[Fmt, bigint, bigint, bigint]> = [
    ["D", 0x7ff0000000000000n, 0n, 0x7ff8000000000000n],
    ["S", 0x7f800000n, 0x80000000n, 0x7fc00000n],
    ["D", 0x3ff0000000000000n, 0x3ff0000000000000n, 0xbff0000000000000n], // 1·1 − 1 = 0
    ["S", 0x3f800000n, 0x3f800000n, 0xbf800000n],
    ["D", 0x8000000000000000n, 0x3ff0000000000000n, 0n], // −0 + +0
    ["S", 0x80000000n, 0x3f800000n, 0x80000000n], // −0 + −0
    // a·b = −2^-54(1 + 2^-78), c = 1: the binary64 sum of the leading parts is exactly the tie
    // 1 − 2^-54, but the exact value lies just below it (RNE → 1 − 2^-53, not 1).
    ["D", 0xbc90000004000000n, 0x3feffffff8000002n, 0x3ff0000000000000n],
    ["D", 0x3c90000004000000n, 0x3feffffff8000002n, 0xbff0000000000000n],
  ];
  for (const [f, a, b, c] of cases) {
    for (let rm = 0; rm < 5; rm++) {
      const got = runF(encR4(0x43, 4, fmtBits(f), 2, 1, rm, 3), f, 0, a, b, c);
      check(`fmadd.${f} rm=${rm}`, got, R.refFma(a, b, c, f, rm), a, b, c);
    }
  }
  // Sanity of the reference itself on the first case.
  if (R.refFma(0x7ff0000000000000n, 0n, 0x7ff8000000000000n, "D", 0).flags !== R.NV) throw new Error("reference");
});

test("tininess is detected after rounding and UF needs inexactness", () => {
  // 0x1.fffffffp-127 (binary64) rounds to 2^-126 at 24 bits: not tiny after rounding under RNE.
  const justBelowMinNormal = 0x380fffffffe00000n; // 2^-126 · (1 − 2^-26)
  fpu.f[1] = justBelowMinNormal;
  for (let rm = 0; rm < 5; rm++) {
    fpu.fcsr[0] = 0;
    if (fpu.exec(encFp(0x08, 0, 1, 1, rm, 3)) !== 0) throw new Error("illegal");
    check(`fcvt.s.d rm=${rm}`, { bits: fpu.f[3] & 0xffffffffn, flags: fpu.fcsr[0] & 31 }, R.refCvtFF(justBelowMinNormal, "D", "S", rm), justBelowMinNormal);
  }
  // An exact subnormal result raises neither UF nor NX.
  const r = runF(encFp(0x02, 1, 2, 1, 0, 3), "D", 0, 0x0010000000000000n, 0x3fe0000000000000n);
  if (r.bits !== 0x0008000000000000n || r.flags !== 0) throw new Error(`exact subnormal: ${hex(r.bits)} ${r.flags}`);
});

test.run();
