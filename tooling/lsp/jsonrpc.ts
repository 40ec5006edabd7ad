// JSON-RPC 2.0 over a byte stream with LSP's `Content-Length` framing (LSP base protocol).
import type { Readable, Writable } from "node:stream";

/** A request (has `id`) or notification (no `id`). */
export interface Message {
  jsonrpc: "2.0";
  id?: number | string | null;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

/** LSP/JSON-RPC error codes used by the server (LSP spec, "ErrorCodes"). */
export const ErrorCodes = { ParseError: -32700, InvalidRequest: -32600, MethodNotFound: -32601, InternalError: -32603, ServerNotInitialized: -32002 } as const;

/** Splits an input stream into messages; malformed frames are reported through `onError`. */
export function readMessages(input: Readable, onMessage: (m: Message) => void, onError: (e: Error) => void): void {
  let buf: Buffer = Buffer.alloc(0);
  input.on("data", (chunk: Buffer) => {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    for (;;) {
      const headerEnd = buf.indexOf("\r\n\r\n");
      if (headerEnd < 0) return;
      const header = buf.subarray(0, headerEnd).toString("ascii");
      const m = /content-length:\s*(\d+)/i.exec(header);
      if (m === null) {
        onError(new Error(`frame without Content-Length: ${JSON.stringify(header)}`));
        buf = buf.subarray(headerEnd + 4);
        continue;
      }
      const len = Number(m[1]);
      if (buf.length < headerEnd + 4 + len) return;
      const body = buf.subarray(headerEnd + 4, headerEnd + 4 + len).toString("utf8");
      buf = buf.subarray(headerEnd + 4 + len);
      let msg: Message;
      try {
        msg = JSON.parse(body) as Message;
      } catch (e) {
        onError(new Error(`invalid JSON in frame: ${(e as Error).message}`));
        continue;
      }
      onMessage(msg);
    }
  });
}

/** Writes one message with its Content-Length header. */
export function writeMessage(out: Writable, m: Message): void {
  const body = Buffer.from(JSON.stringify(m), "utf8");
  out.write(`Content-Length: ${body.length}\r\n\r\n`);
  out.write(body);
}
