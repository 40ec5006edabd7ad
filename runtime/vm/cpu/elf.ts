// Minimal ELF64 little-endian RISC-V reader: header, program headers (segments) and the symbol table.
import { CpuError } from "./errors.js";

/** The file is not a usable ELF64 RISC-V little-endian image. */
export class ElfFormatError extends CpuError {
  constructor(readonly path: string, detail: string) {
    super(`${path}: not a RISC-V ELF64 file (${detail})`, "ELF_FORMAT");
  }
}

/** One program header. */
export interface ElfSegment {
  type: number;
  flags: number;
  offset: number;
  vaddr: bigint;
  paddr: bigint;
  filesz: number;
  memsz: number;
  align: number;
}

/** A parsed ELF image (the bytes stay referenced). */
export interface ElfImage {
  bytes: Uint8Array;
  /** ET_EXEC (2) or ET_DYN (3). */
  type: number;
  entry: bigint;
  phoff: number;
  phentsize: number;
  phnum: number;
  segments: ElfSegment[];
  /** Symbol name → value (from .symtab; empty when stripped). */
  symbols: Map<string, bigint>;
}

/** Program header types used by the loaders (ELF gABI). */
export const PT_LOAD = 1;
export const PT_INTERP = 3;
export const PT_PHDR = 6;
export const PT_TLS = 7;
/** e_machine for RISC-V. */
const EM_RISCV = 243;

/** Parses `bytes` (named `path` in errors). */
export function parseElf(bytes: Uint8Array, path: string): ElfImage {
  if (bytes.length < 64 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    throw new ElfFormatError(path, "bad magic");
  }
  if (bytes[4] !== 2) throw new ElfFormatError(path, "not ELFCLASS64");
  if (bytes[5] !== 1) throw new ElfFormatError(path, "not little-endian");
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = dv.getUint16(16, true);
  if (dv.getUint16(18, true) !== EM_RISCV) throw new ElfFormatError(path, "e_machine is not RISC-V");
  const entry = dv.getBigUint64(24, true);
  const phoff = Number(dv.getBigUint64(32, true));
  const shoff = Number(dv.getBigUint64(40, true));
  const phentsize = dv.getUint16(54, true);
  const phnum = dv.getUint16(56, true);
  const shentsize = dv.getUint16(58, true);
  const shnum = dv.getUint16(60, true);
  const segments: ElfSegment[] = [];
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * phentsize;
    if (o + 56 > bytes.length) throw new ElfFormatError(path, "truncated program headers");
    segments.push({
      type: dv.getUint32(o, true),
      flags: dv.getUint32(o + 4, true),
      offset: Number(dv.getBigUint64(o + 8, true)),
      vaddr: dv.getBigUint64(o + 16, true),
      paddr: dv.getBigUint64(o + 24, true),
      filesz: Number(dv.getBigUint64(o + 32, true)),
      memsz: Number(dv.getBigUint64(o + 40, true)),
      align: Number(dv.getBigUint64(o + 48, true)),
    });
  }
  const symbols = new Map<string, bigint>();
  if (shoff !== 0 && shoff + shnum * shentsize <= bytes.length) {
    for (let i = 0; i < shnum; i++) {
      const o = shoff + i * shentsize;
      if (dv.getUint32(o + 4, true) !== 2) continue; // SHT_SYMTAB
      const symOff = Number(dv.getBigUint64(o + 24, true));
      const symSize = Number(dv.getBigUint64(o + 32, true));
      const link = dv.getUint32(o + 40, true);
      const strOff = Number(dv.getBigUint64(shoff + link * shentsize + 24, true));
      for (let s = symOff; s + 24 <= symOff + symSize && s + 24 <= bytes.length; s += 24) {
        const nameOff = dv.getUint32(s, true);
        if (nameOff === 0) continue;
        let end = strOff + nameOff;
        while (end < bytes.length && bytes[end] !== 0) end++;
        const name = new TextDecoder().decode(bytes.subarray(strOff + nameOff, end));
        if (!symbols.has(name)) symbols.set(name, dv.getBigUint64(s + 8, true));
      }
    }
  }
  return { bytes, type, entry, phoff, phentsize, phnum, segments, symbols };
}
