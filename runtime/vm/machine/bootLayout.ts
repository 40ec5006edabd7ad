// Boot layout: the RISC-V Linux Image header, the OpenSBI fw_dynamic info block, and where the
// firmware, kernel, initrd, DTB and info block go in guest RAM.
import { BootImageError, BootLayoutError } from "./errors.js";
import { RAM_BASE } from "./memoryMap.js";

/** "RISCV\0\0\0" at offset 0x30 (Linux Documentation/arch/riscv/boot-image-header.rst, deprecated magic). */
export const IMAGE_MAGIC = 0x5643534952n; // little-endian u64 of "RISCV\0\0\0"
/** "RSC\x05" at offset 0x38 (boot-image-header.rst, magic2). */
export const IMAGE_MAGIC2 = 0x05435352;
/** Size of the Image header (boot-image-header.rst: 64 bytes). */
export const IMAGE_HEADER_SIZE = 64;

/** Fields of the RISC-V Image header that placement needs. */
export interface ImageHeader {
  /** Offset from the start of RAM the kernel must be loaded at (0x200000 on RV64). */
  textOffset: bigint;
  /** Bytes the kernel occupies once running, BSS included (≥ the file size). */
  imageSize: bigint;
  /** Header version (major << 16 | minor). */
  version: number;
  /** True if the file is also a PE/COFF EFI application ("MZ" at offset 0). */
  efiStub: boolean;
}

/** Parses and checks the header of a RISC-V Linux `Image`. */
export function parseImageHeader(image: Uint8Array, path = "<kernel>"): ImageHeader {
  if (image.length < IMAGE_HEADER_SIZE) throw new BootImageError(path, `too short for a RISC-V Image header (${image.length} bytes)`);
  const dv = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const magic = dv.getBigUint64(0x30, true);
  const magic2 = dv.getUint32(0x38, true);
  if (magic !== IMAGE_MAGIC && magic2 !== IMAGE_MAGIC2) {
    throw new BootImageError(path, 'not a RISC-V Linux Image (no "RISCV" / "RSC\\x05" magic at 0x30/0x38)');
  }
  const textOffset = dv.getBigUint64(0x08, true);
  const imageSize = dv.getBigUint64(0x10, true);
  if (imageSize === 0n) throw new BootImageError(path, "Image header has image_size 0");
  return {
    textOffset,
    imageSize: imageSize < BigInt(image.length) ? BigInt(image.length) : imageSize,
    version: dv.getUint32(0x20, true),
    efiStub: image[0] === 0x4d && image[1] === 0x5a,
  };
}

/** fw_dynamic info magic "OSBI" (OpenSBI include/sbi/fw_dynamic.h, FW_DYNAMIC_INFO_MAGIC_VALUE). */
export const FW_DYNAMIC_INFO_MAGIC = 0x4942534fn;
/** fw_dynamic info version written (fw_dynamic.h: version 2 adds boot_hart). */
export const FW_DYNAMIC_INFO_VERSION = 2n;
/** next_mode value for S-mode (fw_dynamic.h, FW_DYNAMIC_INFO_NEXT_MODE_S). */
export const FW_DYNAMIC_NEXT_MODE_S = 1n;
/** Size of the info block: six XLEN-wide fields on RV64. */
export const FW_DYNAMIC_INFO_SIZE = 48;

/** Encodes `struct fw_dynamic_info` (little-endian, RV64). */
export function encodeFwDynamicInfo(nextAddr: bigint, bootHart = 0n, options = 0n): Uint8Array {
  const out = new Uint8Array(FW_DYNAMIC_INFO_SIZE);
  const dv = new DataView(out.buffer);
  [FW_DYNAMIC_INFO_MAGIC, FW_DYNAMIC_INFO_VERSION, nextAddr, FW_DYNAMIC_NEXT_MODE_S, options, bootHart].forEach((x, i) =>
    dv.setBigUint64(i * 8, x, true),
  );
  return out;
}

/** A physical range [start, end). */
export interface Region {
  start: bigint;
  end: bigint;
}

/** Where everything goes. */
export interface BootLayout {
  firmware: Region;
  kernel: Region & { fileEnd: bigint };
  initrd?: Region;
  dtb: Region;
  fwDynamicInfo: Region;
  /** Register values at reset: pc = firmware.start, a0 = hart id, a1 = DTB, a2 = info block. */
  entry: { pc: bigint; a0: bigint; a1: bigint; a2: bigint };
}

const MiB = 1n << 20n;
const alignUp = (x: bigint, a: bigint) => ((x + a - 1n) / a) * a;
const alignDown = (x: bigint, a: bigint) => (x / a) * a;

/** Sizes that decide the layout. */
export interface LayoutInput {
  memorySize: bigint;
  firmwareSize: number;
  kernel: ImageHeader & { fileSize: number };
  initrdSize?: number;
  dtbSize: number;
}

/**
 * Computes the layout, following QEMU's `virt` loader (hw/riscv/boot.c): firmware at RAM_BASE;
 * kernel at RAM_BASE + text_offset (2 MiB aligned, past the firmware); initrd at
 * kernel + min(RAM/2, 128 MiB) but never inside the kernel's BSS; DTB in the last 2 MiB-aligned
 * slot below the top of RAM (room above it lets firmware grow it in place); the fw_dynamic info
 * block just below the DTB. Throws BootLayoutError when something does not fit.
 */
export function computeBootLayout(input: LayoutInput): BootLayout {
  const ramBase = BigInt(RAM_BASE);
  const ramEnd = ramBase + input.memorySize;
  const firmware = { start: ramBase, end: ramBase + BigInt(input.firmwareSize) };

  let kernelStart = ramBase + (input.kernel.textOffset === 0n ? 2n * MiB : input.kernel.textOffset);
  kernelStart = alignUp(kernelStart > firmware.end ? kernelStart : firmware.end, 2n * MiB);
  const kernel = {
    start: kernelStart,
    end: kernelStart + input.kernel.imageSize,
    fileEnd: kernelStart + BigInt(input.kernel.fileSize),
  };

  // DTB: QEMU riscv_compute_fdt_addr aligns (top - size) down to 2 MiB.
  const dtbStart = alignDown(ramEnd - BigInt(input.dtbSize), 2n * MiB);
  const dtb = { start: dtbStart, end: dtbStart + BigInt(input.dtbSize) };
  const infoStart = dtbStart - 4096n;
  const fwDynamicInfo = { start: infoStart, end: infoStart + BigInt(FW_DYNAMIC_INFO_SIZE) };
  if (dtbStart < kernel.end || infoStart < kernel.end) {
    throw new BootLayoutError(kernel.end, `RAM of ${input.memorySize / MiB} MiB is too small for the kernel (needs ${kernel.end - ramBase} bytes) and DTB`);
  }

  let initrd: Region | undefined;
  if (input.initrdSize !== undefined) {
    const half = input.memorySize / 2n;
    let start = kernelStart + (half < 128n * MiB ? half : 128n * MiB);
    const clear = alignUp(kernel.end, 2n * MiB);
    if (start < clear) start = clear;
    start = alignUp(start, 4096n);
    initrd = { start, end: start + BigInt(input.initrdSize) };
    if (initrd.end > infoStart) {
      throw new BootLayoutError(initrd.start, `initrd of ${input.initrdSize} bytes does not fit below the DTB; give the VM more memory`);
    }
  }

  return {
    firmware,
    kernel,
    initrd,
    dtb,
    fwDynamicInfo,
    entry: { pc: firmware.start, a0: 0n, a1: dtb.start, a2: fwDynamicInfo.start },
  };
}
