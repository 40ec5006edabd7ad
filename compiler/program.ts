// Loading a program: the root spec plus INCLUDEd files (read through an injected reader), each
// lexed and parsed (compiler/ast/build.ts loadFile), flattened into one instruction list. Pure.
import { posix } from "node:path";
import { loadFile, parseFileAst, type LoadedFile } from "./ast/build.js";
import type { FileAst, Instruction, StringNode } from "./ast/types.js";
import type { DiagnosticBag } from "./diagnostics/diagnostic.js";
import { sha256 } from "./ir/canonical.js";
import type { Digest } from "./ir/types.js";
import { lastAtMost } from "./arrays.js";

/** Reads INCLUDEd files. The CLI passes a file-system reader; tests pass a map. */
export interface SourceReader {
  /** Reads `path` (as resolved by the compiler, `/`-separated). */
  read(path: string): { ok: true; text: string } | { ok: false; message: string };
}

/** A reader that knows no files (INCLUDE always fails). */
export const noFiles: SourceReader = { read: () => ({ ok: false, message: "no file reader given" }) };

/** A source file of the program. files[0] is the root spec. */
export interface SourceFile {
  path: string;
  text: string;
  digest: Digest;
}

/** The loaded program. */
export interface Program {
  files: SourceFile[];
  /** Per file (same index as `files`): escape character, directives and instructions. */
  loaded: LoadedFile[];
  /** All instructions in execution order, INCLUDEs replaced by the included instructions. */
  instructions: InstructionSeq;
}

/**
 * A program's instructions in execution order, as runs of consecutive instructions of one loaded
 * file (a spec without INCLUDE is one run; each INCLUDE splits the run around the included file's
 * instructions). Most instructions are built only by `node(i)`, when lowering reaches them (see
 * `LoadedFile`).
 */
export class InstructionSeq {
  /** Run r covers positions starts[r] … starts[r + 1] - 1: instructions firsts[r] … of files[r]. */
  private readonly starts: number[] = [];
  private readonly files: LoadedFile[] = [];
  private readonly firsts: number[] = [];
  private count = 0;
  /** The run of the last lookup: lowering reads positions in order. */
  private last = 0;

  constructor(private readonly loaded: readonly LoadedFile[]) {}

  get length(): number {
    return this.count;
  }
  /** Appends instructions `from` … `to - 1` of loaded file `file`. */
  push(file: number, from: number, to: number): void {
    if (to <= from) return;
    const f = this.loaded[file]!;
    const r = this.files.length - 1;
    if (r < 0 || this.files[r] !== f || this.firsts[r]! + (this.count - this.starts[r]!) !== from) {
      this.starts.push(this.count);
      this.files.push(f);
      this.firsts.push(from);
    }
    this.count += to - from;
  }
  /** The kind of instruction `i`, without building it. */
  kind(i: number): Instruction["kind"] {
    const r = this.runOf(i);
    return this.files[r]!.kind(this.firsts[r]! + i - this.starts[r]!);
  }
  /** The node of instruction `i`, built now unless its kind is built when loaded. */
  node(i: number): Instruction {
    const r = this.runOf(i);
    return this.files[r]!.node(this.firsts[r]! + i - this.starts[r]!);
  }

  /** The run holding position `i` (0 ≤ i < length). */
  private runOf(i: number): number {
    const starts = this.starts;
    const r = this.last;
    if (i >= starts[r]! && (r + 1 === starts.length || i < starts[r + 1]!)) return r;
    return (this.last = lastAtMost(starts, i));
  }
}

/** Maximum INCLUDE nesting (root = depth 0). */
export const MAX_INCLUDE_DEPTH = 16;

/** Lexes, parses and builds one file's whole AST (for tools; the compiler uses `loadProgram`). */
export function parseFile(file: number, path: string, text: string, diags: DiagnosticBag): FileAst {
  return parseFileAst(file, path, text, diags);
}

/** Resolves an INCLUDE path against the including file's directory (absolute paths stay). */
export function resolveInclude(fromPath: string, target: string): string {
  const p = target.startsWith("/") ? target : posix.join(posix.dirname(fromPath), target);
  return posix.normalize(p);
}

/**
 * Loads the root spec and, recursively, every INCLUDE. Cycles, excessive depth and unreadable files
 * are diagnosed at the INCLUDE instruction; the INCLUDE is then skipped. Never throws.
 */
export function loadProgram(rootPath: string, rootText: string, reader: SourceReader, diags: DiagnosticBag): Program {
  const files: SourceFile[] = [];
  const loaded: LoadedFile[] = [];
  const byPath = new Map<string, number>();
  const addFile = (path: string, text: string): number => {
    const i = files.length;
    files.push({ path, text, digest: sha256(text) });
    byPath.set(path, i);
    loaded.push(loadFile(i, path, text, diags));
    return i;
  };
  const instructions = new InstructionSeq(loaded);
  const stack: string[] = [];
  const walk = (fileIndex: number): void => {
    const path = files[fileIndex]!.path;
    stack.push(path);
    const file = loaded[fileIndex]!;
    // The instructions between INCLUDEs go in as whole ranges (a spec without INCLUDE is one).
    let next = 0;
    for (const j of file.includes) {
      instructions.push(fileIndex, next, j);
      next = j + 1;
      const node = file.node(j) as StringNode; // INCLUDEs are built when loaded
      if (node.value === null || node.words.length !== 1) continue; // arity already reported
      const target = resolveInclude(path, node.words[0]!.text);
      const at = node.value.span;
      if (stack.includes(target)) {
        diags.report("includeCycle", path, at.offset, at.length, [[...stack.slice(stack.indexOf(target)), target].join(" → ")]);
        continue;
      }
      if (stack.length > MAX_INCLUDE_DEPTH) {
        diags.report("includeDepth", path, at.offset, at.length, [MAX_INCLUDE_DEPTH]);
        continue;
      }
      let idx = byPath.get(target);
      if (idx === undefined) {
        const r = reader.read(target);
        if (!r.ok) {
          diags.report("includeNotFound", path, at.offset, at.length, [target, r.message]);
          continue;
        }
        idx = addFile(target, r.text);
      }
      walk(idx);
    }
    instructions.push(fileIndex, next, file.length);
    stack.pop();
  };
  walk(addFile(rootPath, rootText));
  return { files, loaded, instructions };
}
