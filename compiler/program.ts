// Loading a program: the root spec plus INCLUDEd files (read through an injected reader), each
// lexed and parsed (compiler/ast/build.ts loadFile), flattened into one instruction list. Pure.
import { posix } from "node:path";
import { loadFile, parseFileAst, type LoadedFile } from "./ast/build.js";
import type { FileAst, Instruction, StringNode } from "./ast/types.js";
import type { DiagnosticBag } from "./diagnostics/diagnostic.js";
import { sha256 } from "./ir/canonical.js";
import type { Digest } from "./ir/types.js";

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
 * A program's instructions in execution order: (file, instruction index) pairs into the loaded
 * files, as two flat number lists. Most instructions are built only by `node(i)`, when lowering
 * reaches them (see `LoadedFile`).
 */
export class InstructionSeq {
  private readonly files: number[] = [];
  private readonly indexes: number[] = [];
  constructor(private readonly loaded: readonly LoadedFile[]) {}

  get length(): number {
    return this.files.length;
  }
  push(file: number, index: number): void {
    this.files.push(file);
    this.indexes.push(index);
  }
  /** The kind of instruction `i`, without building it. */
  kind(i: number): Instruction["kind"] {
    return this.loaded[this.files[i]!]!.kind(this.indexes[i]!);
  }
  /** The node of instruction `i`, built now unless its kind is built when loaded. */
  node(i: number): Instruction {
    return this.loaded[this.files[i]!]!.node(this.indexes[i]!);
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
    for (let j = 0; j < file.length; j++) {
      if (file.kind(j) !== "include") {
        instructions.push(fileIndex, j);
        continue;
      }
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
    stack.pop();
  };
  walk(addFile(rootPath, rootText));
  return { files, loaded, instructions };
}
