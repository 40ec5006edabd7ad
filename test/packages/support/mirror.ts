// Test helpers for the real archive: the mirror from this machine's apt configuration, a shared
// download cache for the run, and a local HTTP proxy in front of the mirror that can tamper.
import { createServer, type Server } from "node:http";
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findMirror } from "../../../runtime/packages/aptSources.js";

/** The configured mirror (apt sources or $VMSPEC_DEBIAN_MIRROR); never written in the tests. */
export function realMirror(): string {
  return findMirror({}).uri;
}

/** A cache shared by every packages test file in this run (and later runs on this machine). */
export function sharedCache(): string {
  const d = join(tmpdir(), "vmspec-packages-test-cache");
  mkdirSync(d, { recursive: true });
  return d;
}

/** A running tampering proxy. */
export interface Proxy {
  url: string;
  close(): Promise<void>;
}

/**
 * Starts an HTTP proxy for the real mirror; `tamper(path, body)` may return replaced bytes.
 * Requests are answered from the mirror with the same status.
 */
export async function startProxy(tamper: (path: string, body: Buffer) => Buffer | undefined): Promise<Proxy> {
  const upstream = realMirror();
  const server: Server = createServer(async (req, res) => {
    try {
      const r = await fetch(upstream + (req.url ?? "/"));
      const body = Buffer.from(await r.arrayBuffer());
      const out = (r.ok ? tamper(req.url ?? "/", body) : undefined) ?? body;
      res.writeHead(r.status, { "content-length": out.length });
      res.end(out);
    } catch (e) {
      res.writeHead(502);
      res.end(String(e));
    }
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const addr = server.address();
  const port = typeof addr === "object" && addr !== null ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

/** Flips one byte in the middle of a buffer (a copy). */
export function flipByte(b: Buffer): Buffer {
  const c = Buffer.from(b);
  c[c.length >> 1] = c[c.length >> 1]! ^ 0xff;
  return c;
}

/** ELF e_machine of a file's first bytes (62 = x86-64, 243 = RISC-V; System V ABI gABI §4). */
export function elfMachine(head: Buffer): number {
  if (head.toString("latin1", 0, 4) !== "\x7fELF") return -1;
  return head.readUInt16LE(18);
}
