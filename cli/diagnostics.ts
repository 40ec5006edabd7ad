// Spec I/O for compile/check/test: the file-system reader handed to the pure compiler, and
// printing diagnostics in the human (tsc-like) or JSON format.
import { readFileSync } from "node:fs";
import type { SourceReader } from "../compiler/compile.js";
import type { CompileResult } from "../compiler/compile.js";
import { formatHuman, withPositions } from "../compiler/diagnostics/format.js";
import type { Diagnostic } from "../compiler/diagnostics/diagnostic.js";

/** Reads INCLUDEd files from the file system (paths as the compiler resolved them, relative to cwd). */
export const fsReader: SourceReader = {
  read(path) {
    try {
      return { ok: true, text: readFileSync(path, "utf8") };
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      return { ok: false, message: err.code === "ENOENT" ? "no such file" : err.code ?? String(e) };
    }
  },
};

/** Output format of diagnostics. */
export type DiagFormat = "human" | "json";

/** The source texts of a compile, for echoing lines. */
export function sourcesOf(r: CompileResult): Map<string, string> {
  return new Map(r.files.map((f) => [f.path, f.text]));
}

/** Renders diagnostics in the given format (JSON: one array, with line/column added). */
export function renderDiagnostics(diags: readonly Diagnostic[], sources: Map<string, string>, format: DiagFormat): string {
  if (format === "json") return JSON.stringify(withPositions(diags, sources), null, 2) + "\n";
  return formatHuman(diags, sources);
}

/** A one-line summary like tsc's: `Found 2 errors and 1 warning.` (empty when there are none). */
export function summary(diags: readonly Diagnostic[]): string {
  const e = diags.filter((d) => d.severity === "error").length;
  const w = diags.length - e;
  if (e === 0 && w === 0) return "";
  const plural = (n: number, s: string) => `${n} ${s}${n === 1 ? "" : "s"}`;
  return `Found ${plural(e, "error")} and ${plural(w, "warning")}.\n`;
}
