// Shared lowering state: options, diagnostics, the stage table, and word expansion with spans.
import type { Span, Word } from "../ast/types.js";
import type { DiagnosticBag } from "../diagnostics/diagnostic.js";
import type { MessageKey } from "../diagnostics/messages.js";
import type { Platform, Stage } from "../ir/types.js";
import type { SourceFile } from "../program.js";
import { expandWord, type ExpandEnv } from "../words/expand.js";
import { Scope } from "./scope.js";
import { lineCol, lineStarts } from "../diagnostics/format.js";

/**
 * True when expanding `text` would return it unchanged: no `$`, quote, escape character or byte
 * order mark (expandWord drops a leading one, like BuildKit's scanner) — one scan.
 */
function isLiteral(text: string, esc: number): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 36 /* $ */ || c === 39 /* ' */ || c === 34 /* " */ || c === esc || c === 0xfeff) return false;
  }
  return true;
}

/** Options of one compile (CLI flags). */
export interface CompileOptions {
  /** Stage to build (`--target`), by name or index; default the last stage. */
  target?: string;
  /** `--build-arg K=V` values. */
  buildArgs?: Record<string, string>;
  /** `--platform` for the target (`os/arch[/variant]`). */
  platform?: string;
  /** Platform of the machine doing the build (BUILDPLATFORM); default linux/amd64. */
  buildPlatform?: string;
}

/** Per-compile lowering context. */
export class LowerContext {
  /** Stages lowered so far (index = stage index). */
  readonly stages: Stage[] = [];
  /** Stage name (lowercase) → index, for stages defined so far. */
  readonly stageNames = new Map<string, number>();
  /** Final variable scope of each lowered stage (a stage built FROM it inherits its ARGs, A2). */
  readonly stageScopes: import("./scope.js").Scope[] = [];
  /** ONBUILD triggers of each lowered stage, run at the start of a stage built FROM it (M4). */
  readonly stageTriggers: import("../ast/types.js").Instruction[][] = [];
  /** Stage ARGs declared so far, checked for use once every stage is lowered. */
  readonly declaredArgs = new Set<import("./scope.js").ArgBinding>();
  /** Every stage's name (lowercase) in source order, set before stages are lowered. */
  allStageNames = new Set<string>();
  /** Line starts per file, computed on first use (only diagnostics that quote a line need them). */
  private readonly lineStartsCache = new Map<number, number[]>();

  /** 1-based line of a span's start. */
  lineOf(span: Span): number {
    let starts = this.lineStartsCache.get(span.file);
    if (starts === undefined) this.lineStartsCache.set(span.file, (starts = lineStarts(this.files[span.file]?.text ?? "")));
    return lineCol(starts, span.offset).line;
  }

  constructor(
    readonly files: readonly SourceFile[],
    readonly diags: DiagnosticBag,
    readonly options: CompileOptions,
    /** Platform of the build target (from --platform, else a MACHINE arch, else linux/amd64). */
    public targetPlatform: Platform,
    readonly buildPlatform: Platform,
    readonly escapes: readonly ("\\" | "`")[],
  ) {}

  /** Reports catalogue entry `key` at `span`. */
  report(key: MessageKey, span: Span, args: readonly (string | number)[] = [], hint?: string): void {
    this.diags.report(key, this.files[span.file]?.path ?? "?", span.offset, span.length, args, hint);
  }

  /**
   * True when expanding `text` (of file `file`) returns it unchanged with no diagnostic: it has no
   * `$`, quote, escape character or byte order mark. Substrings of such a text are literal too.
   */
  isLiteral(text: string, file: number): boolean {
    return isLiteral(text, (this.escapes[file] ?? "\\").charCodeAt(0));
  }

  /**
   * Expands a word (BuildKit ProcessWord: quotes removed, no splitting). On a substitution error it
   * reports at the word (offset of the error inside it) and returns null.
   */
  expand(word: Word, env: ExpandEnv): string | null {
    return this.expandText(word.text, word, env); // a Word is its own Span
  }

  /** `expand` of a word given as its text and span (no word object needed). */
  expandText(text: string, span: Span, env: ExpandEnv): string | null {
    const esc = this.escapes[span.file] ?? "\\";
    if (isLiteral(text, esc.charCodeAt(0))) return text;
    const r = expandWord(text, env, esc);
    const e = r.errors[0];
    if (e === undefined && env instanceof Scope && env.strict) {
      // By index: `refs` may be a shared frozen list, which for…of iterates slowly (lower/config.ts).
      for (let i = 0; i < r.refs.length; i++) {
        const name = r.refs[i]!;
        if (!env.knows(name)) this.report("undefinedVar", span, [name]);
      }
    }
    if (e !== undefined) {
      const off = Math.min(e.offset, span.length);
      const len = Math.max(1, Math.min(e.length, span.length - off));
      this.report("badSubstitution", { file: span.file, offset: span.offset + off, length: len }, [e.message]);
      return null;
    }
    return r.value;
  }
}
