// A few RV64I instruction encoders for hand-written test firmware (RISC-V unprivileged spec §2.4–2.6).

const R = { zero: 0, ra: 1, t0: 5, t1: 6, t2: 7 } as const;
/** Register numbers by ABI name. */
export const reg = R;

/** lui rd, imm20 (U-type). */
export const lui = (rd: number, imm20: number) => ((imm20 & 0xfffff) << 12) | (rd << 7) | 0x37;
/** addi rd, rs1, imm12 (I-type). */
export const addi = (rd: number, rs1: number, imm: number) => ((imm & 0xfff) << 20) | (rs1 << 15) | (rd << 7) | 0x13;
/** lw rd, imm(rs1). */
export const lw = (rd: number, rs1: number, imm: number) => ((imm & 0xfff) << 20) | (rs1 << 15) | (2 << 12) | (rd << 7) | 0x03;
/** sw rs2, imm(rs1) (S-type); sb with width 0. */
export const store = (width: 0 | 1 | 2 | 3, rs2: number, rs1: number, imm: number) =>
  (((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (width << 12) | ((imm & 0x1f) << 7) | 0x23;
/** jalr x0, 0(rs1). */
export const jr = (rs1: number) => (rs1 << 15) | 0x67;
/** jal x0, 0: a tight infinite loop. */
export const spin = () => 0x6f;

/** Assembles instruction words into little-endian bytes. */
export function program(words: number[]): Uint8Array {
  const out = new Uint8Array(words.length * 4);
  const dv = new DataView(out.buffer);
  words.forEach((w, i) => dv.setUint32(i * 4, w >>> 0, true));
  return out;
}

/** A minimal RISC-V Linux Image: just the 64-byte header (boot-image-header.rst) and padding. */
export function fakeKernel(imageSize = 4 << 20): Uint8Array {
  const img = new Uint8Array(4096);
  const dv = new DataView(img.buffer);
  dv.setBigUint64(0x08, 0x200000n, true);
  dv.setBigUint64(0x10, BigInt(imageSize), true);
  img.set(new TextEncoder().encode("RISCV\0\0\0RSC\x05"), 0x30);
  return img;
}

/** csrrs rd, csr, rs1 (Zicsr; `csrs csr, rs1` when rd = 0, `csrr rd, csr` when rs1 = 0). */
export const csrrs = (rd: number, csr: number, rs1: number) => (csr << 20) | (rs1 << 15) | (2 << 12) | (rd << 7) | 0x73;
/** srli rd, rs1, shamt. */
export const srli = (rd: number, rs1: number, shamt: number) => (shamt << 20) | (rs1 << 15) | (5 << 12) | (rd << 7) | 0x13;
/** slli rd, rs1, shamt. */
export const slli = (rd: number, rs1: number, shamt: number) => (shamt << 20) | (rs1 << 15) | (1 << 12) | (rd << 7) | 0x13;
/** andi rd, rs1, imm12. */
export const andi = (rd: number, rs1: number, imm: number) => ((imm & 0xfff) << 20) | (rs1 << 15) | (7 << 12) | (rd << 7) | 0x13;
/** add rd, rs1, rs2. */
export const add = (rd: number, rs1: number, rs2: number) => (rs2 << 20) | (rs1 << 15) | (rd << 7) | 0x33;
