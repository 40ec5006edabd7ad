// A minimal LSP client for tests: spawns `node bin/vmspec.js lsp` and exchanges real JSON-RPC
// messages (Content-Length framing) over its stdio.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { join } from "node:path";
import { readMessages, writeMessage, type Message } from "../../tooling/lsp/jsonrpc.js";
import { repoRoot } from "./corpus.js";

/** A spawned server and helpers to talk to it. */
export class LspClient {
  readonly proc: ChildProcessWithoutNullStreams;
  private nextId = 1;
  private readonly pending = new Map<number, (m: Message) => void>();
  private readonly waiters: { method: string; pred: (p: any) => boolean; resolve: (p: any) => void }[] = [];
  /** Notifications received, in order. */
  readonly notifications: Message[] = [];
  readonly exited: Promise<number | null>;

  constructor() {
    this.proc = spawn("node", [join(repoRoot, "bin/vmspec.js"), "lsp", "--stdio"], { stdio: "pipe" });
    this.exited = new Promise((r) => this.proc.on("exit", (code) => r(code)));
    readMessages(this.proc.stdout, (m) => this.onMessage(m), (e) => { throw e; });
  }

  private onMessage(m: Message): void {
    if (m.id !== undefined && m.method === undefined) {
      this.pending.get(Number(m.id))?.(m);
      this.pending.delete(Number(m.id));
      return;
    }
    for (let i = 0; i < this.waiters.length; i++) {
      const w = this.waiters[i]!;
      if (w.method === m.method && w.pred(m.params)) {
        this.waiters.splice(i, 1);
        w.resolve(m.params);
        return;
      }
    }
    this.notifications.push(m);
  }

  /** Sends a request; resolves to the whole response message. */
  request(method: string, params: unknown): Promise<any> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      writeMessage(this.proc.stdin, { jsonrpc: "2.0", id, method, params });
    });
  }

  /** Sends a notification. */
  notify(method: string, params: unknown): void {
    writeMessage(this.proc.stdin, { jsonrpc: "2.0", method, params });
  }

  /** Resolves with the params of the next notification `method` matching `pred` (already received ones included). */
  waitFor(method: string, pred: (p: any) => boolean = () => true): Promise<any> {
    const seen = this.notifications.find((m) => m.method === method && pred(m.params));
    if (seen !== undefined) {
      this.notifications.splice(this.notifications.indexOf(seen), 1);
      return Promise.resolve(seen.params);
    }
    return new Promise((resolve) => this.waiters.push({ method, pred, resolve }));
  }

  /** initialize + initialized. */
  async start(): Promise<any> {
    const r = await this.request("initialize", { processId: process.pid, rootUri: null, capabilities: {} });
    this.notify("initialized", {});
    return r.result;
  }

  /** shutdown + exit; resolves to the exit code. */
  async stop(): Promise<number | null> {
    await this.request("shutdown", null);
    this.notify("exit", null);
    return this.exited;
  }
}
