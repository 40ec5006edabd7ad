// Property tests: FCVT between floats and W/WU/L/LU integers (RISC-V saturation, sign extension)
// and between binary32 and binary64, compared with the exact BigInt reference.
import fc from "fast-check";
import { test } from "uvu";
import { box, encFp, loadFpu } from "./harness.js";
import * as R from "./reference.js";
import type { Fmt, Result } from "./reference.js";
import { intValue, value } from "./values.js";

const fpu = loadFpu();
const RUNS = Number(process.env.VMSPEC_FPU_RUNS ?? 4000);
const hex = (v: bigint) => "0x" + v.toString(16);
const KINDS = ["w", "wu", "l", "lu"];

const rmArb = fc.integer({ min: 0, max: 5 }).chain((r) =>
  r < 5 ? fc.constant({ field: r, mode: r }) : fc.integer({ min: 0, max: 4 }).map((m) => ({ field: 7, mode: m })),
);

function check(what: string, got: Result, want: Result, op: bigint): void {
  if (got.bits !== want.bits || got.flags !== want.flags) {
    throw new Error(`${what}(${hex(op)}): got ${hex(got.bits)} flags ${got.flags}, want ${hex(want.bits)} flags ${want.flags}`);
  }
}

function exec(insn: number, frm: number): void {
  fpu.fcsr[0] = frm << 5;
  const r = fpu.exec(insn);
  if (r !== 0) throw new Error(`fpExecute returned ${r}`);
}

for (const f of ["S", "D"] as Fmt[]) {
  const fmt = f === "S" ? 0 : 1;
  for (let kind = 0; kind < 4; kind++) {
    test(`fcvt.${KINDS[kind]}.${f.toLowerCase()} rounds and saturates like the reference`, () => {
      fc.assert(
        fc.property(value(f), rmArb, (a, rm) => {
          fpu.f[1] = f === "S" ? box(a) : a;
          fpu.x[6] = 0x1234n;
          exec(encFp(0x18, fmt, kind, 1, rm.field, 6), rm.field === 7 ? rm.mode : 0);
          check(`fcvt.${KINDS[kind]}.${f} rm=${rm.mode}`, { bits: fpu.x[6], flags: fpu.fcsr[0] & 31 }, R.refToInt(a, f, rm.mode, kind), a);
        }),
        { numRuns: RUNS },
      );
    });

    test(`fcvt.${f.toLowerCase()}.${KINDS[kind]} rounds like the reference`, () => {
      fc.assert(
        fc.property(intValue(), rmArb, (v, rm) => {
          fpu.x[5] = v;
          exec(encFp(0x1a, fmt, kind, 5, rm.field, 3), rm.field === 7 ? rm.mode : 0);
          const out = fpu.f[3];
          if (f === "S" && out >> 32n !== 0xffffffffn) throw new Error("not NaN-boxed");
          const bits = f === "S" ? out & 0xffffffffn : out;
          check(`fcvt.${f}.${KINDS[kind]} rm=${rm.mode}`, { bits, flags: fpu.fcsr[0] & 31 }, R.refFromInt(v, f, rm.mode, kind), v);
        }),
        { numRuns: RUNS },
      );
    });
  }
}

test("fcvt.s.d rounds like the reference (overflow, underflow, all modes)", () => {
  fc.assert(
    fc.property(value("D"), rmArb, (a, rm) => {
      fpu.f[1] = a;
      exec(encFp(0x08, 0, 1, 1, rm.field, 3), rm.field === 7 ? rm.mode : 0);
      const out = fpu.f[3];
      if (out >> 32n !== 0xffffffffn) throw new Error("not NaN-boxed");
      check(`fcvt.s.d rm=${rm.mode}`, { bits: out & 0xffffffffn, flags: fpu.fcsr[0] & 31 }, R.refCvtFF(a, "D", "S", rm.mode), a);
    }),
    { numRuns: RUNS },
  );
});

test("fcvt.d.s is exact and canonicalises NaNs", () => {
  fc.assert(
    fc.property(value("S"), rmArb, (a, rm) => {
      fpu.f[1] = box(a);
      exec(encFp(0x08, 1, 0, 1, rm.field, 3), rm.field === 7 ? rm.mode : 0);
      check("fcvt.d.s", { bits: fpu.f[3], flags: fpu.fcsr[0] & 31 }, R.refCvtFF(a, "S", "D", rm.mode), a);
    }),
    { numRuns: RUNS },
  );
});

test("fcvt.w.s writes a sign-extended result, fcvt to x0 leaves x0 alone", () => {
  fpu.f[1] = box(0xc0400000n); // −3.0
  exec(encFp(0x18, 0, 0, 1, 1, 6), 0);
  if (fpu.x[6] !== 0xfffffffffffffffdn) throw new Error(`got ${hex(fpu.x[6])}`);
  fpu.x[0] = 0n;
  exec(encFp(0x18, 0, 0, 1, 1, 0), 0);
  if (fpu.x[0] !== 0n) throw new Error("x0 written");
});

test.run();
