// Tar entry model and header encoding (POSIX.1-2001 pax / ustar, IEEE Std 1003.1 "pax" Extended Header): deterministic bytes.
import { ImageError } from "./errors.js";

/** The kinds of tar entries a layer can hold. */
export type EntryType = "file" | "dir" | "symlink" | "hardlink" | "char" | "block" | "fifo";

/** One tar entry's metadata. Paths are relative, `/`-separated, without `./` or a trailing `/`. */
export interface TarHeader {
  path: string;
  type: EntryType;
  /** Permission bits including setuid/setgid/sticky (07777). */
  mode: number;
  uid: number;
  gid: number;
  /** Content length; 0 for everything but regular files. */
  size: number;
  /** Seconds since the epoch. */
  mtime: number;
  /** Symlink target, or the (layer-relative) path a hardlink points to. */
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  /** Extended attributes, written as `SCHILY.xattr.<name>` pax records. */
  xattrs?: Record<string, Buffer>;
}

/** Tar block size (ustar: 512-byte records). */
export const BLOCK = 512;

/** ustar typeflag per entry type (POSIX ustar Interchange Format, typeflag field). */
export const TYPEFLAG: Record<EntryType, string> = {
  file: "0",
  hardlink: "1",
  symlink: "2",
  char: "3",
  block: "4",
  dir: "5",
  fifo: "6",
};

// ustar header field offsets and widths (POSIX ustar Interchange Format, header block table).
const F = {
  name: [0, 100],
  mode: [100, 8],
  uid: [108, 8],
  gid: [116, 8],
  size: [124, 12],
  mtime: [136, 12],
  chksum: [148, 8],
  typeflag: [156, 1],
  linkname: [157, 100],
  magic: [257, 6],
  version: [263, 2],
  uname: [265, 32],
  gname: [297, 32],
  devmajor: [329, 8],
  devminor: [337, 8],
  prefix: [345, 155],
} as const;

/** Header field layout, exported for the reader. */
export const FIELDS = F;

function fitsOctal(n: number, width: number): boolean {
  return Number.isSafeInteger(n) && n >= 0 && n < 8 ** (width - 1);
}

function writeOctal(buf: Buffer, [off, width]: readonly [number, number], n: number): void {
  const s = n.toString(8).padStart(width - 1, "0");
  buf.write(s, off, width - 1, "ascii");
  buf[off + width - 1] = 0;
}

function isPlainAscii(s: string): boolean {
  return /^[\x20-\x7e]*$/.test(s);
}

/** One pax record: `"<len> <key>=<value>\n"`, where len counts the whole record in bytes. */
export function paxRecord(key: string, value: Buffer | string): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`), Buffer.from(value), Buffer.from("\n")]);
  let len = body.length + 1;
  while (String(len).length + body.length !== len) len = String(len).length + body.length;
  return Buffer.concat([Buffer.from(String(len)), body]);
}

function ustarBlock(h: {
  name: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  typeflag: string;
  linkname: string;
  devmajor: number;
  devminor: number;
}): Buffer {
  const b = Buffer.alloc(BLOCK);
  b.write(h.name, F.name[0], F.name[1], "utf8");
  writeOctal(b, F.mode, h.mode);
  writeOctal(b, F.uid, h.uid);
  writeOctal(b, F.gid, h.gid);
  writeOctal(b, F.size, h.size);
  writeOctal(b, F.mtime, h.mtime);
  b.write(h.typeflag, F.typeflag[0], 1, "ascii");
  b.write(h.linkname, F.linkname[0], F.linkname[1], "utf8");
  b.write("ustar\0", F.magic[0], 6, "ascii");
  b.write("00", F.version[0], 2, "ascii");
  writeOctal(b, F.devmajor, h.devmajor);
  writeOctal(b, F.devminor, h.devminor);
  b.fill(0x20, F.chksum[0], F.chksum[0] + F.chksum[1]);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += b[i]!;
  b.write(sum.toString(8).padStart(6, "0") + "\0 ", F.chksum[0], 8, "ascii");
  return b;
}

/** Zero padding that rounds `size` up to a whole block. */
export function padding(size: number): Buffer {
  const r = size % BLOCK;
  return r === 0 ? Buffer.alloc(0) : Buffer.alloc(BLOCK - r);
}

/** The end-of-archive marker: two zero blocks. */
export const END_OF_ARCHIVE: Buffer = Buffer.alloc(2 * BLOCK);

/**
 * Encodes an entry's header blocks: a pax extended header (typeflag `x`) first when a field does not
 * fit ustar (path/linkname over 100 bytes or non-ASCII, size ≥ 8 GiB, ids ≥ 8^7, xattrs), then the
 * ustar header. Records are emitted in a fixed key order, so equal entries give equal bytes.
 */
export function encodeHeader(h: TarHeader): Buffer {
  if (h.path === "" || h.path.includes("\0")) throw new ImageError("IMG_UNSUPPORTED_FILE", `invalid tar entry name '${h.path}'`, { path: h.path });
  const name = h.type === "dir" ? `${h.path}/` : h.path;
  const linkname = h.linkname ?? "";
  const records: Buffer[] = [];
  const nameFits = isPlainAscii(name) && Buffer.byteLength(name) <= F.name[1];
  const linkFits = isPlainAscii(linkname) && Buffer.byteLength(linkname) <= F.linkname[1];
  if (!linkFits) records.push(paxRecord("linkpath", linkname));
  if (!nameFits) records.push(paxRecord("path", name));
  if (!fitsOctal(h.size, F.size[1])) records.push(paxRecord("size", String(h.size)));
  if (!fitsOctal(h.uid, F.uid[1])) records.push(paxRecord("uid", String(h.uid)));
  if (!fitsOctal(h.gid, F.gid[1])) records.push(paxRecord("gid", String(h.gid)));
  for (const k of Object.keys(h.xattrs ?? {}).sort()) records.push(paxRecord(`SCHILY.xattr.${k}`, h.xattrs![k]!));
  const blocks: Buffer[] = [];
  if (records.length > 0) {
    const body = Buffer.concat(records);
    const paxName = `PaxHeaders/${Buffer.from(name).subarray(0, 80).toString("latin1").replace(/[^\x20-\x7e]/g, "_")}`;
    blocks.push(
      ustarBlock({ name: paxName, mode: 0o644, uid: 0, gid: 0, size: body.length, mtime: h.mtime, typeflag: "x", linkname: "", devmajor: 0, devminor: 0 }),
      body,
      padding(body.length),
    );
  }
  blocks.push(
    ustarBlock({
      name: nameFits ? name : truncateUtf8(name, F.name[1]),
      mode: h.mode & 0o7777,
      uid: fitsOctal(h.uid, F.uid[1]) ? h.uid : 0,
      gid: fitsOctal(h.gid, F.gid[1]) ? h.gid : 0,
      size: fitsOctal(h.size, F.size[1]) ? h.size : 0,
      mtime: h.mtime,
      typeflag: TYPEFLAG[h.type],
      linkname: linkFits ? linkname : truncateUtf8(linkname, F.linkname[1]),
      devmajor: h.devmajor ?? 0,
      devminor: h.devminor ?? 0,
    }),
  );
  return Buffer.concat(blocks);
}

function truncateUtf8(s: string, bytes: number): string {
  return Buffer.from(s).subarray(0, bytes).toString("latin1").replace(/[^\x20-\x7e]/g, "_");
}
