// Reads one spec file, compiles it and prints its diagnostics: the step compile, lock and
// `compile --emit ts` share.
import { readFileSync } from "node:fs";
import { compile, type CompileOptions, type CompileResult } from "../compiler/compile.js";
import { fsReader, renderDiagnostics, sourcesOf, summary, type DiagFormat } from "./diagnostics.js";

/** What compiling a file gave: the compiler's result and the text that was read, or a read failure. */
export type CompiledFile = { ok: true; result: CompileResult; text: string } | { ok: false };

/**
 * Reads `file`, compiles it with `opts` (INCLUDEs through the file system), and writes its
 * diagnostics to stderr in `format` (human output ends with a tsc-style summary line). A file that
 * cannot be read is reported as `vmspec <command>: cannot read FILE: CODE` and gives `{ ok: false }`
 * (callers exit 2, a usage error).
 */
export function compileFile(command: string, file: string, opts: CompileOptions, format: DiagFormat): CompiledFile {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    process.stderr.write(`vmspec ${command}: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? e}\n`);
    return { ok: false };
  }
  const result = compile(file, text, opts, fsReader);
  if (result.diagnostics.length > 0) {
    process.stderr.write(renderDiagnostics(result.diagnostics, sourcesOf(result), format));
    if (format === "human") process.stderr.write(summary(result.diagnostics));
  }
  return { ok: true, result, text };
}
