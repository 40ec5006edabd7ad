// Layer (de)compression by content sniffing: gzip (node:zlib), zstd (fzstd, read-only), or plain tar.
import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { Decompress } from "fzstd";

/** gzip magic (RFC 1952 §2.3.1). */
const GZIP_MAGIC = [0x1f, 0x8b];
/** zstd frame magic 0xFD2FB528, little-endian (RFC 8878 §3.1.1). */
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

/** The compression a byte prefix indicates. */
export function sniffCompression(head: Uint8Array): "gzip" | "zstd" | "none" {
  if (head.length >= 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1]) return "gzip";
  if (head.length >= 4 && ZSTD_MAGIC.every((b, i) => head[i] === b)) return "zstd";
  return "none";
}

/** The decompressed bytes of `source` (gzip, zstd, or passed through when it is neither). Streams. */
export async function* decompress(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<Buffer> {
  const it = (async function* () {
    yield* source;
  })();
  const head: Buffer[] = [];
  let headLen = 0;
  let ended = false;
  while (headLen < 4) {
    const r = await it.next();
    if (r.done) {
      ended = true;
      break;
    }
    head.push(Buffer.from(r.value));
    headLen += r.value.length;
  }
  const first = Buffer.concat(head);
  async function* rest(): AsyncGenerator<Buffer> {
    if (first.length > 0) yield first;
    if (ended) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield Buffer.from(r.value);
    }
  }
  const kind = sniffCompression(first);
  if (kind === "none") {
    yield* rest();
  } else if (kind === "gzip") {
    const gun = createGunzip({ chunkSize: 1 << 16 });
    const input = Readable.from(rest());
    input.on("error", (e) => gun.destroy(e));
    input.pipe(gun);
    for await (const c of gun) yield c as Buffer;
  } else {
    const out: Buffer[] = [];
    const z = new Decompress((chunk: Uint8Array) => {
      out.push(Buffer.from(chunk));
    });
    for await (const c of rest()) {
      z.push(c);
      while (out.length > 0) yield out.shift()!;
    }
    z.push(new Uint8Array(0), true);
    while (out.length > 0) yield out.shift()!;
  }
}
