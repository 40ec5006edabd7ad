// RV64C: expansion of every 16-bit compressed form to its 32-bit equivalent (unprivileged spec ch. 16), precomputed into a 64 Ki-entry table.

// @ts-ignore: decorator
@inline function encI(op: u32, rd: u32, f3: u32, rs1: u32, imm: u32): u32 {
  return ((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op;
}
// @ts-ignore: decorator
@inline function encS(op: u32, f3: u32, rs1: u32, rs2: u32, imm: u32): u32 {
  return (((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 31) << 7) | op;
}
// @ts-ignore: decorator
@inline function encR(op: u32, rd: u32, f3: u32, rs1: u32, rs2: u32, f7: u32): u32 {
  return (f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op;
}
// @ts-ignore: decorator
@inline function encB(f3: u32, rs1: u32, rs2: u32, imm: u32): u32 {
  return (((imm >> 12) & 1) << 31) | (((imm >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) |
    (((imm >> 1) & 0xf) << 8) | (((imm >> 11) & 1) << 7) | 0x63;
}
// @ts-ignore: decorator
@inline function encJ(rd: u32, imm: u32): u32 {
  return (((imm >> 20) & 1) << 31) | (((imm >> 1) & 0x3ff) << 21) | (((imm >> 11) & 1) << 20) | (((imm >> 12) & 0xff) << 12) | (rd << 7) | 0x6f;
}
// @ts-ignore: decorator
@inline function bit(c: u32, from: u32, to: u32): u32 {
  return ((c >> from) & 1) << to;
}
/** Sign-extends the low `bits` bits of v. */
// @ts-ignore: decorator
@inline function sx(v: u32, bits: u32): u32 {
  return <u32>((<i32>(v << (32 - bits))) >> (32 - bits));
}

/** Expands one compressed instruction; 0 means illegal/reserved. */
export function expand(c: u32): u32 {
  const q = c & 3, f3 = (c >> 13) & 7;
  const rdp = 8 + ((c >> 2) & 7), rs1p = 8 + ((c >> 7) & 7);
  const rd = (c >> 7) & 31, rs2 = (c >> 2) & 31;
  if (q == 0) {
    const off8 = (((c >> 10) & 7) << 3) | (((c >> 5) & 3) << 6); // C.LD/C.SD/C.FLD/C.FSD
    const off4 = (((c >> 10) & 7) << 3) | bit(c, 6, 2) | bit(c, 5, 6); // C.LW/C.SW
    switch (f3) {
      case 0: {
        const imm = bit(c, 6, 2) | bit(c, 5, 3) | (((c >> 11) & 3) << 4) | (((c >> 7) & 0xf) << 6);
        return imm == 0 ? 0 : encI(0x13, rdp, 0, 2, imm);
      }
      case 1: return encI(0x07, rdp, 3, rs1p, off8);
      case 2: return encI(0x03, rdp, 2, rs1p, off4);
      case 3: return encI(0x03, rdp, 3, rs1p, off8);
      case 5: return encS(0x27, 3, rs1p, rdp, off8);
      case 6: return encS(0x23, 2, rs1p, rdp, off4);
      case 7: return encS(0x23, 3, rs1p, rdp, off8);
      default: return 0;
    }
  }
  if (q == 1) {
    const imm6 = sx(bit(c, 12, 5) | ((c >> 2) & 31), 6);
    switch (f3) {
      case 0: return encI(0x13, rd, 0, rd, imm6);
      case 1: return rd == 0 ? 0 : encI(0x1b, rd, 0, rd, imm6);
      case 2: return encI(0x13, rd, 0, 0, imm6);
      case 3: {
        if (rd == 2) {
          const imm = sx(bit(c, 12, 9) | bit(c, 6, 4) | bit(c, 5, 6) | (((c >> 3) & 3) << 7) | bit(c, 2, 5), 10);
          return imm == 0 ? 0 : encI(0x13, 2, 0, 2, imm);
        }
        const imm = sx(bit(c, 12, 17) | (((c >> 2) & 31) << 12), 18);
        return imm == 0 ? 0 : ((imm & 0xfffff000) | (rd << 7) | 0x37);
      }
      case 4: {
        const f2 = (c >> 10) & 3;
        const sh = bit(c, 12, 5) | ((c >> 2) & 31);
        if (f2 == 0) return encI(0x13, rs1p, 5, rs1p, sh);
        if (f2 == 1) return encI(0x13, rs1p, 5, rs1p, sh | 0x400);
        if (f2 == 2) return encI(0x13, rs1p, 7, rs1p, imm6);
        const r2 = rdp, op2 = (c >> 5) & 3;
        if ((c & 0x1000) == 0) {
          if (op2 == 0) return encR(0x33, rs1p, 0, rs1p, r2, 0x20);
          if (op2 == 1) return encR(0x33, rs1p, 4, rs1p, r2, 0);
          if (op2 == 2) return encR(0x33, rs1p, 6, rs1p, r2, 0);
          return encR(0x33, rs1p, 7, rs1p, r2, 0);
        }
        if (op2 == 0) return encR(0x3b, rs1p, 0, rs1p, r2, 0x20);
        if (op2 == 1) return encR(0x3b, rs1p, 0, rs1p, r2, 0);
        return 0;
      }
      case 5: {
        const imm = sx(bit(c, 12, 11) | bit(c, 11, 4) | (((c >> 9) & 3) << 8) | bit(c, 8, 10) | bit(c, 7, 6) |
          bit(c, 6, 7) | (((c >> 3) & 7) << 1) | bit(c, 2, 5), 12);
        return encJ(0, imm);
      }
      default: {
        const imm = sx(bit(c, 12, 8) | (((c >> 10) & 3) << 3) | (((c >> 5) & 3) << 6) | (((c >> 3) & 3) << 1) | bit(c, 2, 5), 9);
        return encB(f3 == 6 ? 0 : 1, rs1p, 0, imm);
      }
    }
  }
  if (q == 2) {
    switch (f3) {
      case 0: return encI(0x13, rd, 1, rd, bit(c, 12, 5) | ((c >> 2) & 31));
      case 1: return encI(0x07, rd, 3, 2, bit(c, 12, 5) | (((c >> 5) & 3) << 3) | (((c >> 2) & 7) << 6));
      case 2: return rd == 0 ? 0 : encI(0x03, rd, 2, 2, bit(c, 12, 5) | (((c >> 4) & 7) << 2) | (((c >> 2) & 3) << 6));
      case 3: return rd == 0 ? 0 : encI(0x03, rd, 3, 2, bit(c, 12, 5) | (((c >> 5) & 3) << 3) | (((c >> 2) & 7) << 6));
      case 4: {
        if ((c & 0x1000) == 0) {
          if (rs2 == 0) return rd == 0 ? 0 : encI(0x67, 0, 0, rd, 0);
          return encR(0x33, rd, 0, 0, rs2, 0);
        }
        if (rs2 == 0) return rd == 0 ? 0x00100073 : encI(0x67, 1, 0, rd, 0);
        return encR(0x33, rd, 0, rd, rs2, 0);
      }
      case 5: return encS(0x27, 3, 2, rs2, (((c >> 10) & 7) << 3) | (((c >> 7) & 7) << 6));
      case 6: return encS(0x23, 2, 2, rs2, (((c >> 9) & 15) << 2) | (((c >> 7) & 3) << 6));
      default: return encS(0x23, 3, 2, rs2, (((c >> 10) & 7) << 3) | (((c >> 7) & 7) << 6));
    }
  }
  return 0;
}

/** Fills `table` (65536 × u32) with the expansion of every 16-bit value. */
export function buildTable(table: usize): void {
  for (let c: u32 = 0; c < 65536; c++) store<u32>(table + (<usize>c << 2), (c & 3) == 3 ? 0 : expand(c));
}
