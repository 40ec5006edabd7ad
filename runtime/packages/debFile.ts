// Reading a .deb (deb(5)): an ar archive holding `debian-binary` ("2.0"), `control.tar[.gz|.xz|.zst]`
// and `data.tar[.gz|.xz|.zst]`; members are located once, then read or streamed by offset.
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import type { Readable } from "node:stream";
import * as tarStream from "tar-stream";
import { compressionOf, decompressBuffer, decompressStream, type Compression } from "./decompress.js";
import { DebFormatError } from "./errors.js";

/** ar(5) global header. */
const AR_MAGIC = "!<arch>\n";
/** ar(5) member header size: name 16, mtime 12, uid 6, gid 6, mode 8, size 10, magic 2. */
const AR_HEADER = 60;

/** One ar member's location inside the .deb. */
export interface ArMember {
  name: string;
  /** Byte offset of the member's data. */
  offset: number;
  size: number;
}

/** Lists the members of an ar archive. Throws `DebFormatError` on a malformed archive. */
export async function readArMembers(path: string): Promise<ArMember[]> {
  const fh = await open(path, "r");
  try {
    const { size: total } = await fh.stat();
    const magic = Buffer.alloc(8);
    await fh.read(magic, 0, 8, 0);
    if (magic.toString("latin1") !== AR_MAGIC) throw new DebFormatError(path, "not an ar archive");
    const out: ArMember[] = [];
    let pos = 8;
    const hdr = Buffer.alloc(AR_HEADER);
    while (pos + AR_HEADER <= total) {
      const { bytesRead } = await fh.read(hdr, 0, AR_HEADER, pos);
      if (bytesRead !== AR_HEADER) break;
      if (hdr[58] !== 0x60 || hdr[59] !== 0x0a) throw new DebFormatError(path, `bad ar member header at offset ${pos}`);
      const name = hdr.toString("latin1", 0, 16).trim().replace(/\/$/, "");
      const size = Number(hdr.toString("latin1", 48, 58).trim());
      if (!Number.isSafeInteger(size) || size < 0 || pos + AR_HEADER + size > total) throw new DebFormatError(path, `bad size for ar member '${name}'`);
      out.push({ name, offset: pos + AR_HEADER, size });
      pos += AR_HEADER + size + (size % 2); // members are 2-byte aligned (ar(5))
    }
    return out;
  } finally {
    await fh.close();
  }
}

/** The structure of a .deb: its control and data members and their compression. */
export interface DebLayout {
  path: string;
  control: ArMember;
  controlCompression: Compression;
  data: ArMember;
  dataCompression: Compression;
}

/** Locates and checks the members of a binary package (format 2.0, deb(5)). */
export async function debLayout(path: string): Promise<DebLayout> {
  const members = await readArMembers(path);
  if (members[0]?.name !== "debian-binary") throw new DebFormatError(path, "first member is not debian-binary");
  const fh = await open(path, "r");
  try {
    const b = Buffer.alloc(Math.min(members[0].size, 16));
    await fh.read(b, 0, b.length, members[0].offset);
    if (!b.toString("latin1").startsWith("2.")) throw new DebFormatError(path, `unsupported deb format '${b.toString("latin1").trim()}'`);
  } finally {
    await fh.close();
  }
  const control = members.find((m) => m.name.startsWith("control.tar"));
  const data = members.find((m) => m.name.startsWith("data.tar"));
  if (control === undefined || data === undefined) throw new DebFormatError(path, "missing control.tar or data.tar member");
  const cc = compressionOf(control.name);
  const dc = compressionOf(data.name);
  if (cc === undefined || dc === undefined) throw new DebFormatError(path, `unsupported compression in ${cc === undefined ? control.name : data.name}`);
  return { path, control, controlCompression: cc, data, dataCompression: dc };
}

/** Reads one member fully into memory. */
async function readMember(path: string, m: ArMember): Promise<Buffer> {
  const fh = await open(path, "r");
  try {
    const b = Buffer.alloc(m.size);
    await fh.read(b, 0, m.size, m.offset);
    return b;
  } finally {
    await fh.close();
  }
}

/** Files of control.tar by base name (`control`, `md5sums`, `conffiles`, `postinst`, …). */
export type ControlFiles = Map<string, { data: Buffer; mode: number }>;

/** Reads and decompresses control.tar into memory. Throws `DebFormatError`. */
export async function readControl(layout: DebLayout): Promise<ControlFiles> {
  let tar: Buffer;
  try {
    tar = await decompressBuffer(await readMember(layout.path, layout.control), layout.controlCompression);
  } catch (e) {
    throw new DebFormatError(layout.path, `cannot decompress ${layout.control.name}`, e);
  }
  const out: ControlFiles = new Map();
  const extract = tarStream.extract();
  const done = (async () => {
    for await (const entry of extract) {
      const chunks: Buffer[] = [];
      for await (const c of entry) chunks.push(c as Buffer);
      if (entry.header.type === "file") {
        const name = entry.header.name.replace(/^\.\//, "");
        if (name !== "" && !name.includes("/")) out.set(name, { data: Buffer.concat(chunks), mode: entry.header.mode ?? 0o644 });
      }
    }
  })();
  extract.end(tar);
  try {
    await done;
  } catch (e) {
    throw new DebFormatError(layout.path, `malformed ${layout.control.name}`, e);
  }
  if (!out.has("control")) throw new DebFormatError(layout.path, "control.tar has no control file");
  return out;
}

/** A stream of the decompressed data.tar bytes. */
export function openData(layout: DebLayout): Readable {
  const raw = createReadStream(layout.path, { start: layout.data.offset, end: layout.data.offset + layout.data.size - 1 });
  return decompressStream(raw, layout.dataCompression);
}
