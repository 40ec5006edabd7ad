// Tests of the non-arithmetic F/D instructions (sign injection, min/max, compares, class, moves),
// NaN-boxing of inputs, flag accumulation, and illegal encodings leaving all state untouched.
import fc from "fast-check";
import { test } from "uvu";
import { box, encFp, encR4, loadFpu } from "./harness.js";
import * as R from "./reference.js";
import type { Fmt, Result } from "./reference.js";
import { pair, value } from "./values.js";

const fpu = loadFpu();
const RUNS = Number(process.env.VMSPEC_FPU_RUNS ?? 4000);
const hex = (v: bigint) => "0x" + v.toString(16);

function check(what: string, got: Result, want: Result, ...ops: bigint[]): void {
  if (got.bits !== want.bits || got.flags !== want.flags) {
    throw new Error(`${what}(${ops.map(hex).join(", ")}): got ${hex(got.bits)}/${got.flags}, want ${hex(want.bits)}/${want.flags}`);
  }
}

function run(insn: number, fcsr = 0): void {
  fpu.fcsr[0] = fcsr;
  const r = fpu.exec(insn);
  if (r !== 0) throw new Error(`fpExecute returned ${r} for ${hex(BigInt(insn))}`);
}

for (const f of ["S", "D"] as Fmt[]) {
  const fmt = f === "S" ? 0 : 1;
  const ld = (v: bigint) => (f === "S" ? box(v) : v);
  const rdF = () => (f === "S" ? fpu.f[3] & 0xffffffffn : fpu.f[3]);

  test(`fsgnj/fsgnjn/fsgnjx.${f.toLowerCase()} operate on raw bits`, () => {
    fc.assert(
      fc.property(pair(f), fc.integer({ min: 0, max: 2 }), ([a, b], op) => {
        fpu.f[1] = ld(a);
        fpu.f[2] = ld(b);
        run(encFp(0x04, fmt, 2, 1, op, 3));
        check(`fsgnj${op}.${f}`, { bits: rdF(), flags: fpu.fcsr[0] & 31 }, R.refSgnj(a, b, f, op), a, b);
      }),
      { numRuns: RUNS },
    );
  });

  test(`fmin/fmax.${f.toLowerCase()} follow minimumNumber/maximumNumber`, () => {
    fc.assert(
      fc.property(pair(f), fc.boolean(), ([a, b], isMax) => {
        fpu.f[1] = ld(a);
        fpu.f[2] = ld(b);
        run(encFp(0x05, fmt, 2, 1, isMax ? 1 : 0, 3));
        check(`f${isMax ? "max" : "min"}.${f}`, { bits: rdF(), flags: fpu.fcsr[0] & 31 }, R.refMinMax(a, b, f, isMax), a, b);
      }),
      { numRuns: RUNS },
    );
  });

  test(`feq/flt/fle.${f.toLowerCase()}: quiet and signalling compares`, () => {
    fc.assert(
      fc.property(pair(f), fc.integer({ min: 0, max: 2 }), ([a, b], op) => {
        fpu.f[1] = ld(a);
        fpu.f[2] = ld(b);
        fpu.x[6] = 77n;
        run(encFp(0x14, fmt, 2, 1, op, 6));
        check(`fcmp${op}.${f}`, { bits: fpu.x[6], flags: fpu.fcsr[0] & 31 }, R.refCompare(a, b, f, op), a, b);
      }),
      { numRuns: RUNS },
    );
  });

  test(`fclass.${f.toLowerCase()} sets exactly one of the ten class bits`, () => {
    fc.assert(
      fc.property(value(f), (a) => {
        fpu.f[1] = ld(a);
        run(encFp(0x1c, fmt, 0, 1, 1, 6));
        check(`fclass.${f}`, { bits: fpu.x[6], flags: fpu.fcsr[0] & 31 }, R.refClass(a, f), a);
      }),
      { numRuns: RUNS },
    );
  });
}

test("fmv.x.w sign-extends raw low bits (no NaN-box check); fmv.w.x NaN-boxes; .d moves are raw", () => {
  fc.assert(
    fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (v) => {
      fpu.f[1] = v;
      run(encFp(0x1c, 0, 0, 1, 0, 6));
      if (fpu.x[6] !== BigInt.asUintN(64, BigInt.asIntN(32, v))) throw new Error(`fmv.x.w ${hex(v)} → ${hex(fpu.x[6])}`);
      run(encFp(0x1c, 1, 0, 1, 0, 6));
      if (fpu.x[6] !== v) throw new Error(`fmv.x.d ${hex(v)}`);
      fpu.x[5] = v;
      run(encFp(0x1e, 0, 0, 5, 0, 3));
      if (fpu.f[3] !== (v | 0xffffffff00000000n)) throw new Error(`fmv.w.x ${hex(v)} → ${hex(fpu.f[3])}`);
      run(encFp(0x1e, 1, 0, 5, 0, 3));
      if (fpu.f[3] !== v) throw new Error(`fmv.d.x ${hex(v)}`);
      if ((fpu.fcsr[0] & 31) !== 0) throw new Error("moves raised flags");
    }),
    { numRuns: RUNS },
  );
});

test("improperly NaN-boxed single operands read as the canonical NaN", () => {
  fc.assert(
    fc.property(
      fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).filter((v) => v >> 32n !== 0xffffffffn),
      value("S"),
      fc.integer({ min: 0, max: 4 }),
      (bad, b, rm) => {
        const canon = 0x7fc00000n;
        fpu.f[1] = bad;
        fpu.f[2] = box(b);
        run(encFp(0x00, 0, 2, 1, rm, 3)); // fadd.s
        check("fadd.s boxed", { bits: fpu.f[3] & 0xffffffffn, flags: fpu.fcsr[0] & 31 }, R.refAdd(canon, b, "S", rm), bad, b);
        run(encFp(0x04, 0, 2, 1, 0, 3)); // fsgnj.s
        check("fsgnj.s boxed", { bits: fpu.f[3] & 0xffffffffn, flags: 0 }, R.refSgnj(canon, b, "S", 0), bad, b);
        run(encFp(0x1c, 0, 0, 1, 1, 6)); // fclass.s
        if (fpu.x[6] !== 512n) throw new Error(`fclass of ${hex(bad)} = ${fpu.x[6]}`);
      },
    ),
    { numRuns: RUNS },
  );
});

test("flags are ORed into fflags and frm is preserved", () => {
  fpu.f[1] = 0x3ff0000000000000n; // 1.0
  fpu.f[2] = 0x4008000000000000n; // 3.0
  run(encFp(0x03, 1, 2, 1, 7, 3), (3 << 5) | R.DZ); // fdiv.d dynamic RUP, DZ already set
  if (fpu.fcsr[0] !== ((3 << 5) | R.DZ | R.NX)) throw new Error(`fcsr ${fpu.fcsr[0].toString(2)}`);
  if (fpu.f[3] !== 0x3fd5555555555556n) throw new Error(`1/3 RUP = ${hex(fpu.f[3])}`);
});

test("illegal encodings return 1 and modify nothing", () => {
  const illegal: Array<[string, number, number]> = [
    ["rm=5", encFp(0x00, 1, 2, 1, 5, 3), 0],
    ["rm=6", encFp(0x02, 0, 2, 1, 6, 3), 0],
    ["dyn frm=5", encFp(0x00, 1, 2, 1, 7, 3), 5 << 5],
    ["dyn frm=7", encR4(0x43, 4, 1, 2, 1, 7, 3), 7 << 5],
    ["fcvt.d.s dyn frm=6", encFp(0x08, 1, 0, 1, 7, 3), 6 << 5],
    ["fcvt.d.w rm=5", encFp(0x1a, 1, 0, 5, 5, 3), 0],
    ["fmt=H", encFp(0x00, 2, 2, 1, 0, 3), 0],
    ["fmt=Q", encR4(0x4f, 4, 3, 2, 1, 0, 3), 0],
    ["fsqrt rs2≠0", encFp(0x0b, 1, 1, 1, 0, 3), 0],
    ["fcvt.s.d rs2=0", encFp(0x08, 0, 0, 1, 0, 3), 0],
    ["fcvt.d.s rs2=1", encFp(0x08, 1, 1, 1, 0, 3), 0],
    ["fcvt.w.d rs2=4", encFp(0x18, 1, 4, 1, 0, 6), 0],
    ["fcvt.d.w rs2=5", encFp(0x1a, 1, 5, 5, 0, 3), 0],
    ["fsgnj f3=3", encFp(0x04, 1, 2, 1, 3, 3), 0],
    ["fmin f3=2", encFp(0x05, 1, 2, 1, 2, 3), 0],
    ["fcmp f3=3", encFp(0x14, 1, 2, 1, 3, 6), 0],
    ["fmv.x.d f3=2", encFp(0x1c, 1, 0, 1, 2, 6), 0],
    ["fclass rs2≠0", encFp(0x1c, 1, 3, 1, 1, 6), 0],
    ["fmv.d.x f3=1", encFp(0x1e, 1, 0, 5, 1, 3), 0],
    ["funct5=0x06", encFp(0x06, 1, 2, 1, 0, 3), 0],
    ["opcode 0x07", 0x00000007, 0],
  ];
  for (const [name, insn, fcsr] of illegal) {
    for (let i = 0; i < 32; i++) {
      fpu.f[i] = 0x4000000000000000n + BigInt(i);
      fpu.x[i] = BigInt(i) * 3n;
    }
    fpu.x[0] = 0n;
    fpu.fcsr[0] = fcsr;
    const snapF = [...fpu.f];
    const snapX = [...fpu.x];
    const r = fpu.exec(insn);
    if (r !== 1) throw new Error(`${name}: returned ${r}`);
    if (fpu.fcsr[0] !== fcsr) throw new Error(`${name}: fcsr changed`);
    for (let i = 0; i < 32; i++) {
      if (fpu.f[i] !== snapF[i] || fpu.x[i] !== snapX[i]) throw new Error(`${name}: register ${i} changed`);
    }
  }
});

test.run();
