// The compiler's entry point: source text (+ an INCLUDE reader) → IR, AST and diagnostics. Pure:
// no file system, clock or environment; the same inputs always give the same outputs. Never throws.
import type { FileAst } from "./ast/types.js";
import type { Diagnostic } from "./diagnostics/diagnostic.js";
import { DiagnosticBag } from "./diagnostics/diagnostic.js";
import { applyBuildChecks } from "./diagnostics/checks.js";
import type { Ir, Platform } from "./ir/types.js";
import { LowerContext, type CompileOptions } from "./lower/context.js";
import { lowerProgram } from "./lower/lower.js";
import { loadProgram, noFiles, parseFile, type SourceFile, type SourceReader } from "./program.js";
import { parsePlatformText } from "./lower/values.js";
import { sha256 } from "./ir/canonical.js";

export type { CompileOptions } from "./lower/context.js";
export type { SourceReader } from "./program.js";

/** Everything one compile produces. */
export interface CompileResult {
  /** The IR, or null when the spec has errors (see `diagnostics`). */
  ir: Ir | null;
  /** The IR even when there were errors (best effort; for tools), null if no stage could be built. */
  partialIr: Ir | null;
  /**
   * One AST per source file (root first, then INCLUDEd files). Built on first access by parsing
   * the files again (deterministic, so it is the AST the compile saw): a compile does not keep
   * its AST alive, which made every compile of a large spec slower (bench/compile).
   */
  readonly asts: FileAst[];
  /** Source files read (root first). */
  files: SourceFile[];
  /** Diagnostics sorted by file, then offset. */
  diagnostics: Diagnostic[];
  /** True if any diagnostic is an error. */
  hasErrors: boolean;
}

const DEFAULT_PLATFORM: Platform = { architecture: "amd64", os: "linux" };

/**
 * Compiles the spec at `path` with contents `text`. INCLUDEs are read through `reader`, relative to
 * the including file. Never throws: user errors are diagnostics, and an unexpected exception (a
 * compiler bug, or a reader that throws) becomes diagnostic VS9001.
 */
export function compile(path: string, text: string, options: CompileOptions = {}, reader: SourceReader = noFiles): CompileResult {
  try {
    return compileUnguarded(path, text, options, reader);
  } catch (e) {
    // Last line of defence for the "never throws" contract: report instead of crashing the caller.
    const diags = new DiagnosticBag();
    diags.report("internalError", path, 0, 0, [e instanceof Error ? e.message : String(e)]);
    return { ir: null, partialIr: null, asts: [], files: [{ path, text, digest: sha256(text) }], diagnostics: diags.items, hasErrors: true };
  }
}

function compileUnguarded(path: string, text: string, options: CompileOptions, reader: SourceReader): CompileResult {
  const diags = new DiagnosticBag();
  const program = loadProgram(path, text, reader, diags);
  const rootSpan = { file: 0, offset: 0, length: 0 };
  let target = DEFAULT_PLATFORM;
  let build = DEFAULT_PLATFORM;
  const ctxReport = (msg: string, p: string) => diags.report("badPlatform", path, rootSpan.offset, 0, [p, msg]);
  if (options.platform !== undefined) {
    const r = parsePlatformText(options.platform);
    if (r.ok) target = r.value;
    else ctxReport(r.message, options.platform);
  }
  if (options.buildPlatform !== undefined) {
    const r = parsePlatformText(options.buildPlatform);
    if (r.ok) build = r.value;
    else ctxReport(r.message, options.buildPlatform);
  }
  const ctx = new LowerContext(program.files, diags, options, target, build, program.loaded.map((a) => a.escape));
  const { ir } = lowerProgram(program, ctx);
  applyBuildChecks(diags, path, text, program.loaded[0]?.directives ?? [], options.buildArgs);
  const hasErrors = diags.hasErrors();
  const files = program.files;
  let asts: FileAst[] | undefined;
  return {
    ir: hasErrors ? null : ir,
    partialIr: ir,
    get asts(): FileAst[] {
      return (asts ??= files.map((f, i) => parseFile(i, f.path, f.text, new DiagnosticBag())));
    },
    files,
    diagnostics: diags.sorted(files.map((f) => f.path)),
    hasErrors,
  };
}
