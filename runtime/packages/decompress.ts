// Decompression of index files and .deb members: xz (xz-decompress, WebAssembly), gzip (node:zlib),
// zstd (fzstd), or none — chosen by file extension / member name suffix.
import { createGunzip, gunzipSync } from "node:zlib";
import { createRequire } from "node:module";
import { Readable } from "node:stream";
import * as fzstd from "fzstd";

/** A compression format we can read. */
export type Compression = "xz" | "gz" | "zst" | "none";

const require = createRequire(import.meta.url);
const { XzReadableStream } = require("xz-decompress") as { XzReadableStream: new (s: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array> };

/** The compression implied by a name's suffix (`Packages.xz`, `data.tar.zst`). */
export function compressionOf(name: string): Compression | undefined {
  if (name.endsWith(".xz")) return "xz";
  if (name.endsWith(".gz")) return "gz";
  if (name.endsWith(".zst")) return "zst";
  if (!/\.[a-z0-9]+$/.test(name) || name.endsWith(".tar")) return "none";
  return undefined;
}

/** Decompresses a whole buffer. Throws the library's error on corrupt input. */
export async function decompressBuffer(data: Uint8Array, c: Compression): Promise<Buffer> {
  switch (c) {
    case "none":
      return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    case "gz":
      return gunzipSync(data);
    case "zst":
      return Buffer.from(fzstd.decompress(data));
    case "xz": {
      const chunks: Uint8Array[] = [];
      for await (const c2 of decompressStream(Readable.from([data]), "xz")) chunks.push(c2 as Uint8Array);
      return Buffer.concat(chunks);
    }
  }
}

/** Decompresses a Node stream of bytes into a Node stream of bytes. */
export function decompressStream(input: Readable, c: Compression): Readable {
  switch (c) {
    case "none":
      return input;
    case "gz": {
      const g = createGunzip();
      input.on("error", (e) => g.destroy(e));
      return input.pipe(g);
    }
    case "zst": {
      const out = new Readable({ read() {} });
      const d = new fzstd.Decompress((chunk, final) => {
        out.push(Buffer.from(chunk));
        if (final) out.push(null);
      });
      input.on("data", (b: Buffer) => {
        try {
          d.push(b);
        } catch (e) {
          out.destroy(e as Error);
        }
      });
      input.on("end", () => {
        try {
          d.push(new Uint8Array(0), true);
        } catch (e) {
          out.destroy(e as Error);
        }
      });
      input.on("error", (e) => out.destroy(e));
      return out;
    }
    case "xz": {
      const web = Readable.toWeb(input) as unknown as ReadableStream<Uint8Array>;
      return Readable.fromWeb(new XzReadableStream(web) as unknown as import("node:stream/web").ReadableStream<Uint8Array>);
    }
  }
}
