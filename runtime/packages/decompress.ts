// Decompression of index files and .deb members: xz (the host's `xz` tool when present, else
// xz-decompress in WebAssembly), gzip (node:zlib), zstd (fzstd), or none — chosen by name suffix.
import { createGunzip, gunzipSync } from "node:zlib";
import { createRequire } from "node:module";
import { PassThrough, Readable } from "node:stream";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
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
      if (process.env.VMSPEC_XZ !== "wasm" && xzTool() !== undefined) return xzViaTool(input, xzTool()!);
      const web = Readable.toWeb(input) as unknown as ReadableStream<Uint8Array>;
      return Readable.fromWeb(new XzReadableStream(web) as unknown as import("node:stream/web").ReadableStream<Uint8Array>);
    }
  }
}

let xzPath: string | undefined | null = null;

/** The host's `xz` executable (about twice as fast as the WebAssembly decoder), if on PATH. */
function xzTool(): string | undefined {
  if (xzPath === null) {
    xzPath = (process.env.PATH ?? "").split(delimiter).map((d) => join(d, "xz")).find((p) => d0(p));
  }
  return xzPath;
}

function d0(p: string): boolean {
  return p.startsWith("/") && existsSync(p);
}

/**
 * Pipes `input` through `xz -dc`. The returned stream ends only after xz exited with status 0, so
 * a truncated or corrupt input is an error, never a silent short read.
 */
function xzViaTool(input: Readable, tool: string): Readable {
  const child = spawn(tool, ["-dc"], { stdio: ["pipe", "pipe", "pipe"] });
  const out = new PassThrough();
  let err = "";
  let stopped = false;
  child.stderr!.on("data", (b: Buffer) => (err += b.toString()));
  child.stdout!.pipe(out, { end: false });
  input.on("error", (e) => {
    child.kill();
    out.destroy(e);
  });
  child.stdin!.on("error", () => undefined); // EPIPE when the reader stops early
  input.pipe(child.stdin!);
  child.on("error", (e) => out.destroy(e));
  child.on("close", (code, signal) => {
    if (code === 0) out.end();
    else if (!stopped) out.destroy(new Error(`xz -dc failed (${code ?? signal}): ${err.trim()}`));
  });
  out.on("close", () => {
    if (child.exitCode === null) {
      stopped = true;
      child.kill();
    }
  });
  return out;
}
