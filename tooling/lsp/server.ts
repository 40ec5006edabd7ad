// The vmspec language server (LSP over stdio): diagnostics as you type (the compiler's own), hover
// for instructions, flags and MACHINE keys, completion, go-to-definition for stages and ARGs, and
// document formatting through the prettier plugin's formatter.
import type { Readable, Writable } from "node:stream";
import { KEYWORDS } from "../../grammar/tokens.js";
import { FLAG_TABLE } from "../../compiler/ast/flags.js";
import { platformArgs } from "../../compiler/lower/lower.js";
import { formatSpec } from "../prettier-plugin-vmspec/format.js";
import { analyze, type Analysis } from "./analysis.js";
import { TextDoc, type ContentChange, type Position, type Range } from "./document.js";
import { ErrorCodes, readMessages, writeMessage, type Message } from "./jsonrpc.js";
import { FLAG_DOCS, INSTRUCTION_DOCS, MACHINE_KEYS, SIZE_UNITS } from "./reference.js";

/** LSP CompletionItemKind values used here (LSP spec). */
const Kind = { Value: 12, Keyword: 14, Property: 10, Variable: 6, Reference: 18, Unit: 11 } as const;
const ALL_KEYWORDS = [...KEYWORDS, "ONBUILD"];
const AUTOMATIC_ARGS = [...platformArgs({ os: "linux", architecture: "amd64" }, { os: "linux", architecture: "amd64" }).keys()];

interface Completion {
  label: string;
  kind: number;
  detail?: string;
  documentation?: { kind: "markdown"; value: string };
  textEdit: { range: Range; newText: string };
}

/** Where the cursor is, in terms of the instruction's logical line. */
interface LineContext {
  /** Upper-cased keyword of the logical line (the nested one under ONBUILD), or "" at its start. */
  keyword: string;
  /** Text of the current physical line up to the cursor. */
  prefix: string;
  /** True when the cursor is in the keyword position. */
  atKeyword: boolean;
}

/** A running server bound to two streams. */
export class LanguageServer {
  private readonly docs = new Map<string, TextDoc>();
  private readonly analyses = new Map<string, { version: number; analysis: Analysis }>();
  private shutdownRequested = false;
  /** Documents whose diagnostics are due (a burst of changes read together is published once). */
  private readonly due = new Set<string>();

  constructor(
    private readonly input: Readable,
    private readonly output: Writable,
    private readonly onExit: (code: number) => void,
  ) {}

  /** Starts reading requests. */
  listen(): void {
    readMessages(this.input, (m) => this.dispatch(m), (e) => this.log(e.message));
    this.input.on("end", () => this.onExit(this.shutdownRequested ? 0 : 1));
  }

  private send(m: Omit<Message, "jsonrpc">): void {
    writeMessage(this.output, { jsonrpc: "2.0", ...m });
  }

  private log(message: string): void {
    this.send({ method: "window/logMessage", params: { type: 1, message: `vmspec lsp: ${message}` } });
  }

  private dispatch(m: Message): void {
    const isRequest = m.id !== undefined && m.method !== undefined;
    try {
      const result = this.handle(m.method ?? "", m.params as Record<string, any>);
      if (isRequest) {
        if (result === NOT_FOUND) this.send({ id: m.id, error: { code: ErrorCodes.MethodNotFound, message: `unknown method ${m.method}` } });
        else this.send({ id: m.id, result: result ?? null });
      }
    } catch (e) {
      if (isRequest) this.send({ id: m.id, error: { code: ErrorCodes.InternalError, message: String((e as Error).message ?? e) } });
      else this.log(String((e as Error).stack ?? e));
    }
  }

  private handle(method: string, p: Record<string, any>): unknown {
    switch (method) {
      case "initialize":
        return {
          capabilities: {
            positionEncoding: "utf-16",
            textDocumentSync: { openClose: true, change: 2 },
            hoverProvider: true,
            completionProvider: { triggerCharacters: ["-", "$", "{", "=", ","] },
            definitionProvider: true,
            documentFormattingProvider: true,
          },
          serverInfo: { name: "vmspec", version: "0.1.0" },
        };
      case "initialized":
      case "$/cancelRequest":
      case "$/setTrace":
      case "workspace/didChangeConfiguration":
        return undefined;
      case "shutdown":
        this.shutdownRequested = true;
        return null;
      case "exit":
        this.onExit(this.shutdownRequested ? 0 : 1);
        return undefined;
      case "textDocument/didOpen": {
        const d = p.textDocument as { uri: string; version: number; text: string };
        this.docs.set(d.uri, new TextDoc(d.uri, d.version, d.text));
        this.publish(d.uri);
        return undefined;
      }
      case "textDocument/didChange": {
        const doc = this.docs.get(p.textDocument.uri);
        if (doc === undefined) return undefined;
        doc.apply(p.contentChanges as ContentChange[], p.textDocument.version);
        if (!this.due.has(doc.uri)) {
          this.due.add(doc.uri);
          setImmediate(() => {
            this.due.delete(doc.uri);
            if (this.docs.get(doc.uri) === doc) this.publish(doc.uri);
          });
        }
        return undefined;
      }
      case "textDocument/didClose":
        this.docs.delete(p.textDocument.uri);
        this.analyses.delete(p.textDocument.uri);
        this.send({ method: "textDocument/publishDiagnostics", params: { uri: p.textDocument.uri, diagnostics: [] } });
        return undefined;
      case "textDocument/hover":
        return this.hover(p.textDocument.uri, p.position);
      case "textDocument/completion":
        return this.complete(p.textDocument.uri, p.position);
      case "textDocument/definition":
        return this.definition(p.textDocument.uri, p.position);
      case "textDocument/formatting":
        return this.format(p.textDocument.uri);
      default:
        return method.startsWith("$/") ? undefined : NOT_FOUND;
    }
  }

  private analysis(doc: TextDoc): Analysis {
    const cached = this.analyses.get(doc.uri);
    if (cached !== undefined && cached.version === doc.version) return cached.analysis;
    const analysis = analyze(doc.uri, doc.text);
    this.analyses.set(doc.uri, { version: doc.version, analysis });
    return analysis;
  }

  private publish(uri: string): void {
    const doc = this.docs.get(uri)!;
    const a = this.analysis(doc);
    const diagnostics = a.diagnostics.map((d) => ({
      range: { start: doc.positionAt(d.offset), end: doc.positionAt(d.offset + d.length) },
      severity: d.severity === "error" ? 1 : 2,
      code: d.code,
      source: "vmspec",
      message: d.hint !== undefined ? `${d.message}\n${d.hint}` : d.message,
    }));
    this.send({ method: "textDocument/publishDiagnostics", params: { uri, version: doc.version, diagnostics } });
  }

  /** The keyword of the logical line at `line` (walking back over continuation lines). */
  private context(doc: TextDoc, pos: Position): LineContext {
    const esc = /^#\s*escape\s*=\s*`/m.test(doc.text.slice(0, 200)) ? "`" : "\\";
    const prefix = doc.lineText(pos.line).slice(0, pos.character);
    let first = pos.line;
    for (let l = pos.line - 1; l >= 0; l--) {
      const t = doc.lineText(l).trimEnd();
      if (t.trimStart().startsWith("#") || t.trim() === "") continue;
      if (t.endsWith(esc) && !t.endsWith(esc + esc)) first = l;
      else break;
    }
    const firstText = first === pos.line ? prefix : doc.lineText(first);
    const words = firstText.trimStart().split(/\s+/);
    const atKeyword = first === pos.line && /^\s*\S*$/.test(prefix);
    let keyword = atKeyword ? "" : (words[0] ?? "").toUpperCase();
    if (keyword === "ONBUILD") {
      const nestedDone = first === pos.line ? /^\s*\S+\s+\S+\s/.test(prefix) : true;
      if (!nestedDone) return { keyword: "", prefix, atKeyword: true };
      keyword = (words[1] ?? "").toUpperCase();
    }
    return { keyword, prefix, atKeyword };
  }

  private hover(uri: string, pos: Position): unknown {
    const doc = this.docs.get(uri);
    if (doc === undefined) return null;
    const line = doc.lineText(pos.line);
    const w = wordAt(line, pos.character, /[A-Za-z0-9_.\-]/);
    if (w === null) return null;
    const range = { start: { line: pos.line, character: w.start }, end: { line: pos.line, character: w.end } };
    const ctx = this.context(doc, { line: pos.line, character: w.start });
    const upper = w.text.toUpperCase();
    if (ctx.atKeyword || (line.trimStart().toUpperCase().startsWith("ONBUILD") && ALL_KEYWORDS.includes(upper) && w.start < line.length)) {
      const d = INSTRUCTION_DOCS[upper];
      if (d !== undefined) return { contents: { kind: "markdown", value: `\`\`\`\n${d.syntax}\n\`\`\`\n${d.doc}` }, range };
    }
    if (w.text.startsWith("--")) {
      const name = w.text.slice(2);
      const d = FLAG_DOCS[ctx.keyword]?.[name];
      if (d !== undefined) return { contents: { kind: "markdown", value: `**${ctx.keyword} --${name}**\n\n${d}` }, range };
    }
    if (ctx.keyword === "MACHINE" && line[w.end] === "=" && MACHINE_KEYS[w.text] !== undefined) {
      return { contents: { kind: "markdown", value: `**MACHINE ${w.text}**\n\n${MACHINE_KEYS[w.text]!.doc}` }, range };
    }
    if (line[w.start - 1] === "$" || line.slice(w.start - 2, w.start) === "${") {
      const a = this.analysis(doc);
      const decl = lastBefore(a.args, w.text, doc.offsetAt(pos));
      if (decl !== undefined) return { contents: { kind: "markdown", value: `**ARG ${w.text}** (line ${doc.positionAt(decl.span.offset).line + 1})` }, range };
    }
    return null;
  }

  private complete(uri: string, pos: Position): unknown {
    const doc = this.docs.get(uri);
    if (doc === undefined) return { isIncomplete: false, items: [] };
    const ctx = this.context(doc, pos);
    const p = ctx.prefix;
    const edit = (len: number, newText: string) => ({ range: { start: { line: pos.line, character: pos.character - len }, end: pos }, newText });
    const items: Completion[] = [];
    const a = () => this.analysis(doc);
    let m: RegExpExecArray | null;
    if ((m = /\$\{([A-Za-z0-9_]*)$/.exec(p)) !== null || (m = /\$([A-Za-z0-9_]*)$/.exec(p)) !== null) {
      const typed = m[1]!;
      const names = new Set([...a().args.filter((s) => s.span.offset < doc.offsetAt(pos)).map((s) => s.name), ...AUTOMATIC_ARGS]);
      for (const n of names) items.push({ label: n, kind: Kind.Variable, detail: "ARG", textEdit: edit(typed.length, n) });
    } else if (ctx.atKeyword) {
      const typed = p.trimStart();
      for (const k of ALL_KEYWORDS) {
        const d = INSTRUCTION_DOCS[k];
        items.push({ label: k, kind: Kind.Keyword, ...(d && { detail: d.syntax, documentation: { kind: "markdown" as const, value: d.doc } }), textEdit: edit(typed.length, k) });
      }
    } else if ((m = /(?:--from=|[\s,=]from=)([A-Za-z0-9_.\-]*)$/.exec(p)) !== null) {
      const typed = m[1]!;
      const here = doc.offsetAt(pos);
      for (const s of a().stages.filter((s) => s.span.offset < here)) items.push({ label: s.name, kind: Kind.Reference, detail: "stage", textEdit: edit(typed.length, s.name) });
    } else if ((m = /(?:^|\s)(--[A-Za-z-]*)$/.exec(p)) !== null) {
      const typed = m[1]!;
      for (const [name, spec] of Object.entries(FLAG_TABLE[ctx.keyword] ?? {})) {
        const doc2 = FLAG_DOCS[ctx.keyword]?.[name];
        const text = spec.kind === "bool" ? `--${name}` : `--${name}=`;
        items.push({ label: `--${name}`, kind: Kind.Property, ...(doc2 && { documentation: { kind: "markdown" as const, value: doc2 } }), textEdit: edit(typed.length, text) });
      }
    } else if (ctx.keyword === "MACHINE") {
      if ((m = /(?:^|\s)([a-z]+)=([A-Za-z0-9_.]*)$/.exec(p)) !== null) {
        const key = m[1]!;
        const value = m[2]!;
        const num = /^\d+(?:\.\d+)?/.exec(value)?.[0];
        if ((key === "memory" || key === "disk") && num !== undefined) {
          for (const u of SIZE_UNITS) items.push({ label: `${num}${u}`, kind: Kind.Unit, textEdit: edit(value.length, `${num}${u}`) });
        } else {
          for (const v of MACHINE_KEYS[key]?.values ?? []) items.push({ label: v, kind: Kind.Value, textEdit: edit(value.length, v) });
        }
      } else if ((m = /(?:^|\s)([a-z]*)$/.exec(p)) !== null) {
        const typed = m[1]!;
        for (const [k, d] of Object.entries(MACHINE_KEYS)) items.push({ label: k, kind: Kind.Property, documentation: { kind: "markdown", value: d.doc }, textEdit: edit(typed.length, `${k}=`) });
      }
    }
    return { isIncomplete: false, items };
  }

  private definition(uri: string, pos: Position): unknown {
    const doc = this.docs.get(uri);
    if (doc === undefined) return null;
    const line = doc.lineText(pos.line);
    const w = wordAt(line, pos.character, /[A-Za-z0-9_.\-]/);
    if (w === null) return null;
    const an = this.analysis(doc);
    const loc = (span: { offset: number; length: number }) => ({ uri, range: { start: doc.positionAt(span.offset), end: doc.positionAt(span.offset + span.length) } });
    const before = line.slice(0, w.start);
    if (before.endsWith("$") || before.endsWith("${")) {
      const name = /^[A-Za-z0-9_]+/.exec(w.text)?.[0] ?? w.text;
      const decl = lastBefore(an.args, name, doc.offsetAt(pos)) ?? an.args.find((s) => s.name === name);
      return decl === undefined ? null : loc(decl.span);
    }
    const ctx = this.context(doc, pos);
    const isStageRef = /(?:--from=|[\s,=]from=)$/.test(before) || (ctx.keyword === "FROM" && !w.text.startsWith("-") && /^\s*\S+\s+(?:--\S+\s+)*$/i.test(before));
    if (isStageRef) {
      const s = an.stages.find((s) => s.name === w.text.toLowerCase());
      return s === undefined ? null : loc(s.span);
    }
    return null;
  }

  private format(uri: string): unknown {
    const doc = this.docs.get(uri);
    if (doc === undefined) return null;
    const r = formatSpec(doc.text);
    if (r.text === doc.text) return [];
    return [{ range: { start: { line: 0, character: 0 }, end: doc.positionAt(doc.text.length) }, newText: r.text }];
  }
}

const NOT_FOUND = Symbol("method not found");

function wordAt(line: string, ch: number, re: RegExp): { text: string; start: number; end: number } | null {
  let s = Math.min(ch, line.length);
  let e = s;
  while (s > 0 && re.test(line[s - 1]!)) s--;
  while (e < line.length && re.test(line[e]!)) e++;
  return e > s ? { text: line.slice(s, e), start: s, end: e } : null;
}

function lastBefore<T extends { name: string; span: { offset: number } }>(list: readonly T[], name: string, offset: number): T | undefined {
  let found: T | undefined;
  for (const s of list) if (s.name === name && s.span.offset <= offset) found = s;
  return found;
}

/** Runs the server on this process's stdin/stdout until `exit`; resolves to the exit code. */
export function runStdioServer(): Promise<number> {
  return new Promise((resolve) => {
    const server = new LanguageServer(process.stdin, process.stdout, (code) => resolve(code));
    server.listen();
  });
}
