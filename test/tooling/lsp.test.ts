// The language server, driven over stdio with real LSP messages: diagnostics on open and after
// edits, hover, completion, go-to-definition, formatting, lifecycle.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { pathToFileURL } from "node:url";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LspClient } from "./lspClient.js";
import { repoRoot } from "./corpus.js";

const uri = pathToFileURL(join(repoRoot, "local", "lsp-test.vmspec")).href;
const SPEC = [
  "ARG BASE=debian",          // 0
  "FROM ${BASE} AS build",    // 1
  "ARG VERSION=1",            // 2
  "RUN --mount=type=cache,target=/c make V=$VERSION", // 3
  "FROM scratch",             // 4
  "COPY --from=build /out /", // 5
  "MACHINE cpus=2 memory=1G", // 6
  "",
].join("\n");

let client: LspClient;
let version = 1;

test.before(async () => {
  client = new LspClient();
});
test.after(async () => {
  if (client.proc.exitCode === null) client.proc.kill();
});

test("initialize announces the features", async () => {
  const r = await client.start();
  const c = r.capabilities;
  assert.ok(c.hoverProvider && c.definitionProvider && c.documentFormattingProvider);
  assert.is(c.textDocumentSync.change, 2);
  assert.ok(c.completionProvider.triggerCharacters.includes("$"));
});

test("diagnostics: a clean spec has none; an edit that breaks it gets the compiler's diagnostic, with range", async () => {
  client.notify("textDocument/didOpen", { textDocument: { uri, languageId: "vmspec", version, text: SPEC } });
  const first = await client.waitFor("textDocument/publishDiagnostics", (p) => p.uri === uri && p.version === 1);
  assert.equal(first.diagnostics, []);
  // Change `cpus=2` to `cpus=0` (line 6, characters 13..14).
  version++;
  client.notify("textDocument/didChange", {
    textDocument: { uri, version },
    contentChanges: [{ range: { start: { line: 6, character: 13 }, end: { line: 6, character: 14 } }, text: "0" }],
  });
  const second = await client.waitFor("textDocument/publishDiagnostics", (p) => p.uri === uri && p.version === version);
  assert.is(second.diagnostics.length, 1);
  const d = second.diagnostics[0];
  assert.is(d.code, "VS4003");
  assert.is(d.severity, 1);
  assert.is(d.source, "vmspec");
  assert.is(d.range.start.line, 6);
  assert.is(d.range.start.character, 8);
  // And back.
  version++;
  client.notify("textDocument/didChange", {
    textDocument: { uri, version },
    contentChanges: [{ range: { start: { line: 6, character: 13 }, end: { line: 6, character: 14 } }, text: "2" }],
  });
  const third = await client.waitFor("textDocument/publishDiagnostics", (p) => p.uri === uri && p.version === version);
  assert.equal(third.diagnostics, []);
});

test("a warning is severity 2 (unused ARG)", async () => {
  const u2 = uri.replace("lsp-test", "lsp-warn");
  client.notify("textDocument/didOpen", { textDocument: { uri: u2, languageId: "vmspec", version: 1, text: "FROM scratch\nARG UNUSED=1\n" } });
  const p = await client.waitFor("textDocument/publishDiagnostics", (p) => p.uri === u2);
  assert.is(p.diagnostics.length, 1);
  assert.is(p.diagnostics[0].severity, 2);
  client.notify("textDocument/didClose", { textDocument: { uri: u2 } });
  const closed = await client.waitFor("textDocument/publishDiagnostics", (p) => p.uri === u2);
  assert.equal(closed.diagnostics, []);
});

test("a diagnostic inside an INCLUDEd file is shown at the INCLUDE, naming the file and line", async () => {
  const dir = join(repoRoot, "local", "lsp-include");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "part.inc"), "ENV A=1\nMACHINE cpus=0\n");
  try {
    const u = pathToFileURL(join(dir, "main.vmspec")).href;
    client.notify("textDocument/didOpen", { textDocument: { uri: u, languageId: "vmspec", version: 1, text: "FROM scratch\nINCLUDE part.inc\n" } });
    const p = await client.waitFor("textDocument/publishDiagnostics", (p) => p.uri === u);
    assert.is(p.diagnostics.length, 1);
    assert.is(p.diagnostics[0].code, "VS4003");
    assert.match(p.diagnostics[0].message, /part\.inc\(2\): MACHINE cpus/);
    assert.equal(p.diagnostics[0].range, { start: { line: 1, character: 8 }, end: { line: 1, character: 16 } });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a burst of changes ends with diagnostics for the last version", async () => {
  const u = uri.replace("lsp-test", "lsp-burst");
  client.notify("textDocument/didOpen", { textDocument: { uri: u, languageId: "vmspec", version: 1, text: "FROM scratch\n" } });
  await client.waitFor("textDocument/publishDiagnostics", (p) => p.uri === u && p.version === 1);
  // Type "MACHINE cpus=0" one character at a time.
  const line = "MACHINE cpus=0";
  for (let i = 0; i < line.length; i++) {
    client.notify("textDocument/didChange", {
      textDocument: { uri: u, version: i + 2 },
      contentChanges: [{ range: { start: { line: 1, character: i }, end: { line: 1, character: i } }, text: line[i] }],
    });
  }
  const last = await client.waitFor("textDocument/publishDiagnostics", (p) => p.uri === u && p.version === line.length + 1);
  assert.equal(last.diagnostics.map((d: { code: string }) => d.code), ["VS4003"]);
  client.notify("textDocument/didClose", { textDocument: { uri: u } });
});

const at = (line: number, character: number) => ({ textDocument: { uri }, position: { line, character } });

test("hover: instruction docs, flag docs, MACHINE keys", async () => {
  let r = await client.request("textDocument/hover", at(3, 1));
  assert.match(r.result.contents.value, "RUN [--mount");
  assert.equal(r.result.range, { start: { line: 3, character: 0 }, end: { line: 3, character: 3 } });
  r = await client.request("textDocument/hover", at(3, 6));
  assert.match(r.result.contents.value, "RUN --mount");
  r = await client.request("textDocument/hover", at(5, 8));
  assert.match(r.result.contents.value, "earlier stage");
  r = await client.request("textDocument/hover", at(6, 17));
  assert.match(r.result.contents.value, "MACHINE memory");
  r = await client.request("textDocument/hover", at(5, 19));
  assert.is(r.result, null);
});

const labels = (r: any) => r.result.items.map((i: any) => i.label);

test("completion: instructions, flags, stages after --from=, ARGs in ${}, MACHINE keys, values and units", async () => {
  const edit = (text: string) => {
    version++;
    client.notify("textDocument/didChange", { textDocument: { uri, version }, contentChanges: [{ text }] });
  };
  edit(SPEC + "CO");
  let r = await client.request("textDocument/completion", at(7, 2));
  assert.ok(labels(r).includes("COPY") && labels(r).includes("MACHINE") && labels(r).includes("ONBUILD"));
  assert.equal(r.result.items.find((i: any) => i.label === "COPY").textEdit.range, { start: { line: 7, character: 0 }, end: { line: 7, character: 2 } });
  edit(SPEC + "COPY --");
  r = await client.request("textDocument/completion", at(7, 7));
  assert.equal(labels(r).sort(), ["--chmod", "--chown", "--exclude", "--from", "--link", "--parents"]);
  assert.is(r.result.items.find((i: any) => i.label === "--from").textEdit.newText, "--from=");
  edit(SPEC + "COPY --from=b");
  r = await client.request("textDocument/completion", at(7, 13));
  assert.equal(labels(r), ["build"]);
  edit(SPEC + "RUN echo ${VER");
  r = await client.request("textDocument/completion", at(7, 14));
  assert.ok(labels(r).includes("VERSION") && labels(r).includes("BASE") && labels(r).includes("TARGETARCH"));
  edit(SPEC + "MACHINE cpus=2 ");
  r = await client.request("textDocument/completion", at(7, 15));
  assert.equal(labels(r), ["cpus", "memory", "disk", "arch", "launch"]);
  edit(SPEC + "MACHINE memory=512");
  r = await client.request("textDocument/completion", at(7, 18));
  assert.ok(labels(r).includes("512MiB") && labels(r).includes("512G"));
  edit(SPEC + "MACHINE launch=");
  r = await client.request("textDocument/completion", at(7, 15));
  assert.equal(labels(r), ["container", "vm"]);
  edit(SPEC);
});

test("go to definition: stage names (--from, FROM) and ARGs ($X, ${X})", async () => {
  let r = await client.request("textDocument/definition", at(5, 14));
  assert.equal(r.result.range, { start: { line: 1, character: 16 }, end: { line: 1, character: 21 } });
  r = await client.request("textDocument/definition", at(3, 45));
  assert.equal(r.result.range, { start: { line: 2, character: 4 }, end: { line: 2, character: 11 } });
  r = await client.request("textDocument/definition", at(1, 8));
  assert.equal(r.result.range, { start: { line: 0, character: 4 }, end: { line: 0, character: 8 } });
  r = await client.request("textDocument/definition", at(4, 7));
  assert.is(r.result, null);
});

test("a mount's from= completes and resolves stage names too", async () => {
  const u = uri.replace("lsp-test", "lsp-mount");
  const text = "FROM debian AS deps\nFROM scratch\nRUN --mount=from=deps,target=/d true\nRUN --mount=type=bind,from=d";
  client.notify("textDocument/didOpen", { textDocument: { uri: u, languageId: "vmspec", version: 1, text } });
  const pos = (line: number, character: number) => ({ textDocument: { uri: u }, position: { line, character } });
  let r = await client.request("textDocument/definition", pos(2, 19));
  assert.equal(r.result.range, { start: { line: 0, character: 15 }, end: { line: 0, character: 19 } });
  r = await client.request("textDocument/completion", pos(3, 28));
  assert.equal(r.result.items.map((i: { label: string }) => i.label), ["deps"]);
  client.notify("textDocument/didClose", { textDocument: { uri: u } });
});

test("formatting returns one whole-document edit with the formatter's output", async () => {
  const u3 = uri.replace("lsp-test", "lsp-fmt");
  client.notify("textDocument/didOpen", { textDocument: { uri: u3, languageId: "vmspec", version: 1, text: "from scratch\ncmd [ \"a\",\"b\" ]\n" } });
  let r = await client.request("textDocument/formatting", { textDocument: { uri: u3 }, options: { tabSize: 4, insertSpaces: true } });
  assert.equal(r.result, [{ range: { start: { line: 0, character: 0 }, end: { line: 2, character: 0 } }, newText: 'FROM scratch\nCMD ["a", "b"]\n' }]);
  client.notify("textDocument/didChange", { textDocument: { uri: u3, version: 2 }, contentChanges: [{ text: 'FROM scratch\nCMD ["a", "b"]\n' }] });
  r = await client.request("textDocument/formatting", { textDocument: { uri: u3 }, options: { tabSize: 4, insertSpaces: true } });
  assert.equal(r.result, []);
});

test("unknown requests get MethodNotFound; shutdown then exit ends with status 0", async () => {
  const r = await client.request("textDocument/frobnicate", {});
  assert.is(r.error?.code, -32601);
  assert.is(await client.stop(), 0);
});

test.run();
