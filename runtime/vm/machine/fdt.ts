// Flattened device tree (FDT/DTB) encoder: a node tree with typed property values → a version-17
// blob with header, memory reservation map, structure block and de-duplicated strings block.
//
// Format: Devicetree Specification v0.4, chapter 5 "Flattened Devicetree (DTB) Format".

/** FDT header magic (DT spec §5.2). */
export const FDT_MAGIC = 0xd00dfeed;
/** Blob version written and the oldest version it is compatible with (DT spec §5.2). */
export const FDT_VERSION = 17;
export const FDT_LAST_COMP_VERSION = 16;
/** Structure block tokens (DT spec §5.4.1). */
const FDT_BEGIN_NODE = 0x1;
const FDT_END_NODE = 0x2;
const FDT_PROP = 0x3;
const FDT_END = 0x9;
/** Header size in bytes: ten big-endian u32 fields (DT spec §5.2). */
const HEADER_SIZE = 40;

/** An encoded property value (big-endian bytes, as DT spec §2.2.4 defines). */
export type FdtValue = Uint8Array;

/** Property value constructors for the types of DT spec §2.2.4. */
export const fdtValue = {
  /** `<empty>`: a boolean property. */
  empty(): FdtValue {
    return new Uint8Array(0);
  },
  /** One or more 32-bit cells. */
  u32(...cells: number[]): FdtValue {
    const out = new Uint8Array(cells.length * 4);
    const dv = new DataView(out.buffer);
    cells.forEach((c, i) => dv.setUint32(i * 4, c >>> 0));
    return out;
  },
  /** One or more 64-bit values, each as two cells (high, low). */
  u64(...values: bigint[]): FdtValue {
    const out = new Uint8Array(values.length * 8);
    const dv = new DataView(out.buffer);
    values.forEach((v, i) => dv.setBigUint64(i * 8, BigInt.asUintN(64, v)));
    return out;
  },
  /** A NUL-terminated string. */
  string(s: string): FdtValue {
    return fdtValue.strings(s);
  },
  /** A string list: each string NUL-terminated, concatenated. */
  strings(...list: string[]): FdtValue {
    return new TextEncoder().encode(list.map((s) => `${s}\0`).join(""));
  },
  /** Raw bytes. */
  bytes(b: Uint8Array): FdtValue {
    return Uint8Array.from(b);
  },
};

/** One device tree node: a name (`unit@addr`), ordered properties and children. */
export interface FdtNode {
  name: string;
  props: Array<[string, FdtValue]>;
  children: FdtNode[];
}

/** Builds a node; `props` keep their insertion order. */
export function fdtNode(name: string, props: Record<string, FdtValue> = {}, children: FdtNode[] = []): FdtNode {
  return { name, props: Object.entries(props), children };
}

/** A memory reservation map entry (DT spec §5.3). */
export interface FdtReservation {
  address: bigint;
  size: bigint;
}

/** Options for `encodeFdt`. */
export interface FdtEncodeOptions {
  /** Memory reservation map entries (the terminating zero entry is added). */
  reservations?: FdtReservation[];
  /** Physical ID of the boot CPU (header `boot_cpuid_phys`). */
  bootCpuId?: number;
  /** Extra zero bytes at the end counted in `totalsize`, so software can grow the tree in place. */
  padding?: number;
}

/** Encodes `root` (whose name must be "") as a DTB. Property names and node names must be ASCII. */
export function encodeFdt(root: FdtNode, options: FdtEncodeOptions = {}): Uint8Array {
  const strings: number[] = [];
  const stringOffsets = new Map<string, number>();
  const enc = new TextEncoder();
  const nameOffset = (name: string): number => {
    let off = stringOffsets.get(name);
    if (off === undefined) {
      off = strings.length;
      stringOffsets.set(name, off);
      strings.push(...enc.encode(name), 0);
    }
    return off;
  };

  const struct: number[] = [];
  const u32 = (v: number) => struct.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
  const pad4 = () => {
    while (struct.length % 4 !== 0) struct.push(0);
  };
  const emit = (node: FdtNode) => {
    u32(FDT_BEGIN_NODE);
    struct.push(...enc.encode(node.name), 0);
    pad4();
    for (const [name, value] of node.props) {
      u32(FDT_PROP);
      u32(value.length);
      u32(nameOffset(name));
      for (const b of value) struct.push(b);
      pad4();
    }
    for (const child of node.children) emit(child);
    u32(FDT_END_NODE);
  };
  emit(root);
  u32(FDT_END);

  const reservations = [...(options.reservations ?? []), { address: 0n, size: 0n }];
  const rsvOffset = align(HEADER_SIZE, 8); // DT spec §5.3: 8-byte aligned
  const structOffset = rsvOffset + reservations.length * 16;
  const stringsOffset = structOffset + struct.length;
  const used = stringsOffset + strings.length;
  const total = align(used + (options.padding ?? 0), 8);

  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  const header = [
    FDT_MAGIC,
    total,
    structOffset,
    stringsOffset,
    rsvOffset,
    FDT_VERSION,
    FDT_LAST_COMP_VERSION,
    options.bootCpuId ?? 0,
    strings.length,
    struct.length,
  ];
  header.forEach((v, i) => dv.setUint32(i * 4, v));
  reservations.forEach((r, i) => {
    dv.setBigUint64(rsvOffset + i * 16, r.address);
    dv.setBigUint64(rsvOffset + i * 16 + 8, r.size);
  });
  out.set(struct, structOffset);
  out.set(strings, stringsOffset);
  return out;
}

function align(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}
