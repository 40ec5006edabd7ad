// Random RV64 instruction sequences for differential testing: a seeded generator of static Linux programs that dump their registers.

/** A small deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Register pool for random operands: everything except zero, sp, gp, tp and s11 (the buffer base). */
const REGS = ["ra", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "t3", "t4", "t5", "t6"];
const FREGS = Array.from({ length: 32 }, (_, i) => `f${i}`);

const R_OPS = ["add", "sub", "sll", "slt", "sltu", "xor", "srl", "sra", "or", "and", "addw", "subw", "sllw", "srlw", "sraw",
  "mul", "mulh", "mulhsu", "mulhu", "div", "divu", "rem", "remu", "mulw", "divw", "divuw", "remw", "remuw"];
const I_OPS = ["addi", "slti", "sltiu", "xori", "ori", "andi", "addiw"];
const SHIFT_OPS: [string, number][] = [["slli", 64], ["srli", 64], ["srai", 64], ["slliw", 32], ["srliw", 32], ["sraiw", 32]];
const LOADS: [string, number][] = [["lb", 1], ["lbu", 1], ["lh", 2], ["lhu", 2], ["lw", 4], ["lwu", 4], ["ld", 8]];
const STORES: [string, number][] = [["sb", 1], ["sh", 2], ["sw", 4], ["sd", 8]];
const AMOS = ["amoswap", "amoadd", "amoxor", "amoand", "amoor", "amomin", "amomax", "amominu", "amomaxu"];
const BRANCHES = ["beq", "bne", "blt", "bge", "bltu", "bgeu"];
const FP_R = ["fadd.d", "fsub.d", "fmul.d", "fdiv.d", "fmin.d", "fmax.d", "fsgnj.d", "fsgnjn.d", "fsgnjx.d",
  "fadd.s", "fsub.s", "fmul.s", "fdiv.s", "fmin.s", "fmax.s", "fsgnj.s", "fsgnjn.s", "fsgnjx.s"];
const FP_R4 = ["fmadd.d", "fmsub.d", "fnmadd.d", "fnmsub.d", "fmadd.s", "fmsub.s", "fnmadd.s", "fnmsub.s"];
const FP_CMP = ["feq.d", "flt.d", "fle.d", "feq.s", "flt.s", "fle.s"];
const FP_TO_INT = ["fcvt.w.d", "fcvt.wu.d", "fcvt.l.d", "fcvt.lu.d", "fcvt.w.s", "fcvt.l.s", "fclass.d", "fclass.s", "fmv.x.d", "fmv.x.w"];
const INT_TO_FP = ["fcvt.d.w", "fcvt.d.l", "fcvt.d.lu", "fcvt.s.w", "fcvt.s.l", "fcvt.s.lu", "fmv.d.x", "fmv.w.x"];
const FP_ONE = ["fsqrt.d", "fsqrt.s", "fcvt.s.d", "fcvt.d.s"];
const RMS = ["rne", "rtz", "rdn", "rup", "rmm"];

/** Interesting 64-bit values (edges) mixed into register initialisation. */
const EDGES = ["0", "1", "-1", "0x7fffffffffffffff", "0x8000000000000000", "0x80000000", "0x7fffffff", "0xffffffff", "0x100000000", "2", "-2"];

/**
 * Generates the assembly of one program: random register values, `count` random instructions
 * (integer; plus FP when `fp`), then a dump of x1..x31 (+ f0..f31 and fcsr) and the 256-byte
 * scratch buffer to stdout, and exit(0).
 */
export function randomProgram(seed: number, count: number, fp: boolean): string {
  const rnd = prng(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const hex64 = () => "0x" + Array.from({ length: 16 }, () => Math.floor(rnd() * 16).toString(16)).join("");
  const out: string[] = [
    "  .text", "  .globl _start", "_start:", "  la s11, buf",
  ];
  for (const r of REGS) out.push(`  li ${r}, ${rnd() < 0.3 ? pick(EDGES) : hex64()}`);
  if (fp) {
    for (let i = 0; i < 32; i++) {
      out.push(`  li t0, ${rnd() < 0.2 ? pick(["0", "0x8000000000000000", "0x7ff8000000000000", "0x7ff0000000000000", "0xffffffff7fc00000", "0x3ff0000000000000"]) : hex64()}`);
      out.push(`  fmv.d.x f${i}, t0`);
    }
    out.push(`  li t0, ${hex64()}`);
  }
  let label = 0;
  for (let i = 0; i < count; i++) {
    const k = rnd();
    const rd = pick(REGS), rs1 = pick(REGS), rs2 = pick(REGS);
    if (fp && k < 0.35) {
      const j = rnd();
      const fd = pick(FREGS), f1 = pick(FREGS), f2 = pick(FREGS), f3 = pick(FREGS);
      const rm = rnd() < 0.5 ? "" : `, ${pick(RMS)}`;
      if (j < 0.3) {
        const op = pick(FP_R);
        const hasRm = /^f(add|sub|mul|div)/.test(op);
        out.push(`  ${op} ${fd}, ${f1}, ${f2}${hasRm ? rm : ""}`);
      } else if (j < 0.45) out.push(`  ${pick(FP_R4)} ${fd}, ${f1}, ${f2}, ${f3}${rm}`);
      else if (j < 0.55) out.push(`  ${pick(FP_CMP)} ${rd}, ${f1}, ${f2}`);
      else if (j < 0.7) {
        const op = pick(FP_TO_INT);
        out.push(`  ${op} ${rd}, ${f1}${op.startsWith("fcvt") ? rm : ""}`);
      } else if (j < 0.85) {
        const op = pick(INT_TO_FP);
        out.push(`  ${op} ${fd}, ${rs1}${op.startsWith("fcvt") && !/\.d\.w/.test(op) ? rm : ""}`);
      } else if (j < 0.93) {
        const op = pick(FP_ONE);
        out.push(`  ${op} ${fd}, ${f1}${op === "fcvt.d.s" ? "" : rm}`);
      } else {
        const [ld, st] = rnd() < 0.5 ? ["fld", "fsd"] : ["flw", "fsw"];
        const sz = ld === "fld" ? 8 : 4;
        const off = int(0, 255 / sz) * sz;
        out.push(`  ${rnd() < 0.5 ? ld : st} ${fd}, ${off & ~(sz - 1)}(s11)`);
      }
      continue;
    }
    if (k < 0.4) out.push(`  ${pick(R_OPS)} ${rd}, ${rs1}, ${rs2}`);
    else if (k < 0.55) out.push(`  ${pick(I_OPS)} ${rd}, ${rs1}, ${int(-2048, 2047)}`);
    else if (k < 0.65) {
      const [op, w] = pick(SHIFT_OPS);
      out.push(`  ${op} ${rd}, ${rs1}, ${int(0, w - 1)}`);
    } else if (k < 0.68) out.push(`  lui ${rd}, ${int(0, 0xfffff)}`);
    else if (k < 0.78) {
      const [op, sz] = pick(LOADS);
      // A quarter of the accesses are misaligned (handled in hardware by us, by qemu-user too).
      out.push(`  ${op} ${rd}, ${rnd() < 0.25 ? int(0, 256 - sz) : int(0, 256 / sz - 1) * sz}(s11)`);
    } else if (k < 0.86) {
      const [op, sz] = pick(STORES);
      out.push(`  ${op} ${rs2}, ${rnd() < 0.25 ? int(0, 256 - sz) : int(0, 256 / sz - 1) * sz}(s11)`);
    } else if (k < 0.9) {
      const w = rnd() < 0.5 ? "w" : "d";
      const sz = w === "w" ? 4 : 8;
      out.push(`  addi t6, s11, ${int(0, 256 / sz - 1) * sz}`);
      if (rnd() < 0.2) {
        out.push(`  lr.${w} ${rd === "t6" ? "t5" : rd}, (t6)`);
        out.push(`  sc.${w} ${rd === "t6" ? "t5" : rd}, ${rs2}, (t6)`);
      } else out.push(`  ${pick(AMOS)}.${w} ${rd === "t6" ? "t5" : rd}, ${rs2}, (t6)`);
    } else if (k < 0.97) {
      const l = `L${label++}`;
      out.push(`  ${pick(BRANCHES)} ${rs1}, ${rs2}, ${l}`);
      for (let s = int(1, 3); s > 0; s--) out.push(`  ${pick(R_OPS.slice(0, 10))} ${pick(REGS)}, ${pick(REGS)}, ${pick(REGS)}`);
      out.push(`${l}:`);
    } else {
      const l = `L${label++}`;
      out.push(`  jal ${rd}, ${l}`);
      out.push(`  addi ${pick(REGS)}, ${pick(REGS)}, 1`);
      out.push(`${l}:`);
      // A link register holds an address: identical in both runs (same ELF), kept as is.
    }
  }
  // Dump registers into buf+256.., then write(1, buf, size) and exit(0).
  out.push("  addi s11, s11, 256");
  // sp (x2) differs between loaders and s11 (x27) holds the buffer address: both are dumped as 0.
  for (let i = 1; i <= 31; i++) out.push(i === 2 || i === 27 ? `  sd zero, ${(i - 1) * 8}(s11)` : `  sd x${i}, ${(i - 1) * 8}(s11)`);
  if (fp) {
    for (let i = 0; i < 32; i++) out.push(`  fsd f${i}, ${256 + i * 8}(s11)`);
    out.push("  frcsr t0", "  sd t0, 512(s11)");
  }
  out.push("  addi s11, s11, -256", "  li a0, 1", "  mv a1, s11", `  li a2, ${fp ? 256 + 520 : 256 + 248}`, "  li a7, 64", "  ecall",
    "  li a0, 0", "  li a7, 93", "  ecall");
  out.push("  .data", "  .align 4", "buf:");
  const init: string[] = [];
  for (let i = 0; i < 32; i++) init.push(hex64());
  out.push(`  .dword ${init.join(", ")}`, "  .skip 1024");
  return out.join("\n") + "\n";
}
