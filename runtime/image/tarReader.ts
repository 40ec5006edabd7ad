// Streaming tar reader (ustar, pax, GNU long names): yields entries one at a time with bounded memory.
import { MalformedArchiveError } from "./errors.js";
import { BLOCK, FIELDS, type EntryType, type TarHeader } from "./tarFormat.js";

/** Limits that keep a hostile archive from exhausting memory. */
export interface TarReadLimits {
  /** Largest pax / GNU long-name header body accepted (bytes). Default 1 MiB. */
  maxHeaderBytes?: number;
}

/** One entry as read: the header (path as stored, pax/GNU overrides applied) and its body. */
export interface TarReadEntry {
  header: TarHeader;
  /** The body bytes (exactly `header.size`). Consume it or leave it: the reader skips what is left. */
  body(): AsyncIterable<Buffer>;
}

class ByteQueue {
  private chunks: Buffer[] = [];
  private length = 0;
  private done = false;
  constructor(private readonly it: AsyncIterator<Uint8Array>) {}
  get buffered(): number {
    return this.length;
  }
  /** Reads the source to its end, discarding everything left (see readTar). */
  async drain(): Promise<void> {
    this.chunks = [];
    this.length = 0;
    while (!this.done) if ((await this.it.next()).done) this.done = true;
  }
  /** Pulls until `n` bytes are buffered or the source ends; returns the buffered count. */
  async fill(n: number): Promise<number> {
    while (this.length < n && !this.done) {
      const r = await this.it.next();
      if (r.done) this.done = true;
      else if (r.value.length > 0) {
        const b = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value.buffer, r.value.byteOffset, r.value.length);
        this.chunks.push(b);
        this.length += b.length;
      }
    }
    return this.length;
  }
  take(n: number): Buffer {
    const out: Buffer[] = [];
    let need = n;
    while (need > 0) {
      const c = this.chunks[0]!;
      if (c.length <= need) {
        out.push(c);
        this.chunks.shift();
        need -= c.length;
      } else {
        out.push(c.subarray(0, need));
        this.chunks[0] = c.subarray(need);
        need = 0;
      }
    }
    this.length -= n;
    return out.length === 1 ? out[0]! : Buffer.concat(out);
  }
  async exact(n: number, what: string): Promise<Buffer> {
    if ((await this.fill(n)) < n) throw new MalformedArchiveError(`unexpected end of archive in ${what}`);
    return this.take(n);
  }
  async *stream(n: number, what: string): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      if (this.length === 0 && (await this.fill(1)) === 0) throw new MalformedArchiveError(`unexpected end of archive in ${what}`);
      const k = Math.min(left, this.length, 1 << 20);
      left -= k;
      yield this.take(k);
    }
  }
  async skip(n: number, what: string): Promise<void> {
    for await (const _ of this.stream(n, what)) void _;
  }
}

function cstr(b: Buffer, [off, width]: readonly [number, number]): Buffer {
  const f = b.subarray(off, off + width);
  const z = f.indexOf(0);
  return z === -1 ? f : f.subarray(0, z);
}

function num(b: Buffer, field: readonly [number, number], what: string): number {
  const [off, width] = field;
  const f = b.subarray(off, off + width);
  if (f[0]! & 0x80) {
    // GNU base-256: big-endian two's complement in the remaining bits.
    if (f[0] === 0xff) throw new MalformedArchiveError(`negative ${what} in tar header`);
    let n = f[0]! & 0x7f;
    for (let i = 1; i < width; i++) n = n * 256 + f[i]!;
    if (!Number.isSafeInteger(n)) throw new MalformedArchiveError(`${what} too large in tar header`);
    return n;
  }
  const s = f.toString("latin1").replace(/\0.*$/s, "").trim();
  if (s === "") return 0;
  if (!/^[0-7]+$/.test(s)) throw new MalformedArchiveError(`invalid ${what} '${s}' in tar header`);
  return parseInt(s, 8);
}

function checksumOk(b: Buffer): boolean {
  const stored = num(b, FIELDS.chksum, "checksum");
  let u = 0;
  let sgn = 0;
  for (let i = 0; i < BLOCK; i++) {
    const v = i >= 148 && i < 156 ? 0x20 : b[i]!;
    u += v;
    sgn += v > 127 ? v - 256 : v;
  }
  return stored === u || stored === sgn;
}

interface PaxOverrides {
  path?: string;
  linkpath?: string;
  size?: number;
  uid?: number;
  gid?: number;
  mtime?: number;
  xattrs?: Record<string, Buffer>;
}

function parsePax(body: Buffer): PaxOverrides {
  const out: PaxOverrides = {};
  let pos = 0;
  while (pos < body.length) {
    if (body[pos] === 0) break;
    const sp = body.indexOf(0x20, pos);
    if (sp === -1) throw new MalformedArchiveError("malformed pax record (no length)");
    const len = Number(body.subarray(pos, sp).toString("latin1"));
    if (!Number.isSafeInteger(len) || len <= sp - pos || pos + len > body.length || body[pos + len - 1] !== 0x0a) throw new MalformedArchiveError("malformed pax record length");
    const rec = body.subarray(sp + 1, pos + len - 1);
    const eq = rec.indexOf(0x3d);
    if (eq === -1) throw new MalformedArchiveError("malformed pax record (no '=')");
    const key = rec.subarray(0, eq).toString("utf8");
    const val = rec.subarray(eq + 1);
    const n = (): number => {
      const x = Number(val.toString("latin1"));
      if (!Number.isFinite(x) || x < 0) throw new MalformedArchiveError(`invalid pax ${key}`);
      return x;
    };
    if (key === "path") out.path = val.toString("utf8");
    else if (key === "linkpath") out.linkpath = val.toString("utf8");
    else if (key === "size") out.size = n();
    else if (key === "uid") out.uid = n();
    else if (key === "gid") out.gid = n();
    else if (key === "mtime") out.mtime = Math.floor(n());
    else if (key.startsWith("SCHILY.xattr.")) (out.xattrs ??= {})[key.slice("SCHILY.xattr.".length)] = Buffer.from(val);
    pos += len;
  }
  return out;
}

const TYPES: Record<string, EntryType> = { "0": "file", "\0": "file", "7": "file", "1": "hardlink", "2": "symlink", "3": "char", "4": "block", "5": "dir", "6": "fifo" };

/**
 * Reads a tar stream entry by entry. Applies pax (`x`; `g` is read and ignored) and GNU (`L`, `K`)
 * extension headers, strips a trailing `/` from directory names, and refuses with
 * MalformedArchiveError: bad checksums, truncation, oversized extension headers, unsupported types.
 * Entry paths are returned as stored (unsanitized): callers decide what is safe.
 *
 * After the end-of-archive marker the rest of `source` (the second zero block, record padding, a
 * compression trailer) is read and discarded before the iteration ends, so a verifying source (a
 * store blob, see digest.ts) reaches its digest check: a consumer that reads every entry never
 * sees an archive end without its bytes having been verified.
 */
export async function* readTar(source: AsyncIterable<Uint8Array>, limits: TarReadLimits = {}): AsyncGenerator<TarReadEntry> {
  const maxHeader = limits.maxHeaderBytes ?? 1 << 20;
  const q = new ByteQueue(source[Symbol.asyncIterator]());
  let pax: PaxOverrides = {};
  let gnuName: string | undefined;
  let gnuLink: string | undefined;
  for (;;) {
    if ((await q.fill(BLOCK)) < BLOCK) {
      if (q.buffered === 0) return; // tolerate a missing end-of-archive marker
      throw new MalformedArchiveError("unexpected end of archive in a header");
    }
    const b = q.take(BLOCK);
    if (b.every((x) => x === 0)) {
      await q.drain();
      return;
    }
    if (!checksumOk(b)) throw new MalformedArchiveError("tar header checksum mismatch");
    const flag = String.fromCharCode(b[FIELDS.typeflag[0]]!);
    let size = num(b, FIELDS.size, "size");
    const pad = (n: number): number => (BLOCK - (n % BLOCK)) % BLOCK;
    if (flag === "x" || flag === "g" || flag === "L" || flag === "K") {
      if (size > maxHeader) throw new MalformedArchiveError(`extension header of ${size} bytes exceeds the ${maxHeader}-byte limit`);
      const body = await q.exact(size, "an extension header");
      await q.skip(pad(size), "padding");
      if (flag === "x") pax = { ...pax, ...parsePax(body) };
      else if (flag === "L") gnuName = cstr(body, [0, body.length]).toString("utf8");
      else if (flag === "K") gnuLink = cstr(body, [0, body.length]).toString("utf8");
      continue;
    }
    const type = TYPES[flag];
    if (type === undefined) throw new MalformedArchiveError(`unsupported tar entry type '${flag.replace(/[^\x20-\x7e]/g, "?")}'`);
    const magic = b.subarray(FIELDS.magic[0], FIELDS.magic[0] + 5).toString("latin1");
    let name = cstr(b, FIELDS.name).toString("utf8");
    if (magic === "ustar") {
      const prefix = cstr(b, FIELDS.prefix).toString("utf8");
      if (prefix) name = `${prefix}/${name}`;
    }
    name = pax.path ?? gnuName ?? name;
    const linkname = pax.linkpath ?? gnuLink ?? cstr(b, FIELDS.linkname).toString("utf8");
    if (pax.size !== undefined) size = pax.size;
    const header: TarHeader = {
      path: type === "dir" || name.endsWith("/") ? name.replace(/\/+$/, "") : name,
      type: type === "file" && name.endsWith("/") ? "dir" : type,
      mode: num(b, FIELDS.mode, "mode") & 0o7777,
      uid: pax.uid ?? num(b, FIELDS.uid, "uid"),
      gid: pax.gid ?? num(b, FIELDS.gid, "gid"),
      size: type === "file" ? size : 0,
      mtime: pax.mtime ?? num(b, FIELDS.mtime, "mtime"),
      ...(linkname ? { linkname } : {}),
      ...(type === "char" || type === "block" ? { devmajor: num(b, FIELDS.devmajor, "devmajor"), devminor: num(b, FIELDS.devminor, "devminor") } : {}),
      ...(pax.xattrs ? { xattrs: pax.xattrs } : {}),
    };
    pax = {};
    gnuName = gnuLink = undefined;
    // Only regular files carry data; the size field of other types is ignored (as Go's archive/tar does).
    const dataSize = type === "file" ? size : 0;
    let consumed = false;
    const bodyIt = q.stream(dataSize, `the body of ${name}`);
    yield {
      header,
      body(): AsyncIterable<Buffer> {
        consumed = true;
        return bodyIt;
      },
    };
    // Skip whatever the consumer left unread, then the padding.
    if (!consumed) await q.skip(dataSize, `the body of ${name}`);
    else for await (const _ of bodyIt) void _;
    await q.skip(pad(dataSize), "padding");
  }
}
