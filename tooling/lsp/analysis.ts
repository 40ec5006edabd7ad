// What the language server knows about a document: the compiler's diagnostics, its stages and
// ARGs (with spans), and the instruction a position is in. One compile per document version.
import { fileURLToPath } from "node:url";
import { readFileSync } from "node:fs";
import type { FileAst, Span } from "../../compiler/ast/types.js";
import { compile, type SourceReader } from "../../compiler/compile.js";
import { resolveInclude } from "../../compiler/program.js";
import type { Diagnostic } from "../../compiler/diagnostics/diagnostic.js";

/** A named thing declared in the document. */
export interface Symbol {
  name: string;
  span: Span;
}

/** The analysis of one document version. */
export interface Analysis {
  path: string;
  diagnostics: Diagnostic[];
  ast: FileAst | null;
  /** Stages with a name (`FROM … AS name`), name lowercased, in order. */
  stages: Symbol[];
  /** ARG declarations in order (a name may be declared several times). */
  args: Symbol[];
  /** ENV names in order. */
  envs: Symbol[];
}

/** Reads INCLUDEd files from disk (the server runs on the user's machine, like `vmspec check`). */
const diskReader: SourceReader = {
  read(path) {
    try {
      return { ok: true, text: readFileSync(path, "utf8") };
    } catch (e) {
      return { ok: false, message: (e as NodeJS.ErrnoException).code ?? String(e) };
    }
  },
};

/** The file path of a document URI (`file:` URIs; other schemes keep the URI as the path). */
export function pathOf(uri: string): string {
  try {
    return uri.startsWith("file:") ? fileURLToPath(uri) : uri;
  } catch {
    return uri;
  }
}

/** Compiles a document and collects its symbols. Never throws. */
export function analyze(uri: string, text: string): Analysis {
  const path = pathOf(uri);
  const r = compile(path, text, {}, diskReader);
  const ast = r.asts[0] ?? null;
  const stages: Symbol[] = [];
  const args: Symbol[] = [];
  const envs: Symbol[] = [];
  for (const n of ast?.instructions ?? []) {
    if (n.kind === "from" && n.stageName !== null) stages.push({ name: n.stageName.text.toLowerCase(), span: n.stageName.span });
    if (n.kind === "arg") for (const p of n.pairs) args.push({ name: p.key.text, span: p.key.span });
    if (n.kind === "env") for (const p of n.pairs) envs.push({ name: p.key.text, span: p.key.span });
  }
  // Diagnostics in INCLUDEd files are shown at the root INCLUDE that pulled the file in (directly, or
  // through nested INCLUDEs: then at the first root INCLUDE), with the file and line in the message.
  const includes = (ast?.instructions ?? []).filter((n) => n.kind === "include" && n.value !== null && n.words.length === 1);
  const diagnostics: Diagnostic[] = [];
  for (const d of r.diagnostics) {
    if (d.file === path) {
      diagnostics.push(d);
      continue;
    }
    const direct = includes.find((n) => n.kind === "include" && resolveInclude(path, n.words[0]!.text) === d.file) ?? includes[0];
    if (direct === undefined || direct.kind !== "include" || direct.value === null) continue;
    const text = r.files.find((f) => f.path === d.file)?.text ?? "";
    const line = text.slice(0, d.offset).split("\n").length;
    diagnostics.push({ ...d, file: path, offset: direct.value.span.offset, length: direct.value.span.length, message: `${d.file}(${line}): ${d.message}` });
  }
  return { path, diagnostics, ast, stages, args, envs };
}
