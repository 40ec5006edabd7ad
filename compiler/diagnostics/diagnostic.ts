// Diagnostics as values: code + severity + span (file, offset, length) + message + hint.
import { codeOf, formatText, messages, type MessageKey, type Severity } from "./messages.js";

/** A reported problem in a spec. Line/column are derived from `offset` only when printed. */
export interface Diagnostic {
  /** Stable code, e.g. `VS1005` (compiler/diagnostics/messages.ts). */
  code: string;
  severity: Severity;
  /** Path of the file as given to the compiler (root spec or INCLUDE path). */
  file: string;
  /** UTF-16 offset into the file's text, and length (0 for a point). */
  offset: number;
  length: number;
  message: string;
  hint?: string;
}

/**
 * Collects diagnostics for one compile. Like tsc's parser it drops a second diagnostic with the same
 * code at the same position, so cascades do not repeat.
 */
export class DiagnosticBag {
  readonly items: Diagnostic[] = [];
  /**
   * Offsets reported so far, per catalogue key and file. Nested maps of constant strings and a Set
   * of numbers: a spec may report thousands of one warning, and a string key per report (code,
   * file and offset joined) was most of what a report cost.
   */
  private readonly seen = new Map<MessageKey, Map<string, Set<number>>>();

  /** Reports catalogue entry `key` at (file, offset, length) with message arguments. */
  report(
    key: MessageKey,
    file: string,
    offset: number,
    length: number,
    args: readonly (string | number)[] = [],
    hint?: string,
  ): void {
    let byFile = this.seen.get(key);
    if (byFile === undefined) this.seen.set(key, (byFile = new Map()));
    let offsets = byFile.get(file);
    if (offsets === undefined) byFile.set(file, (offsets = new Set()));
    if (offsets.has(offset)) return;
    offsets.add(offset);
    const def = messages[key];
    const d: Diagnostic = {
      code: codeOf(key),
      severity: def.severity,
      file,
      offset: Math.max(0, offset),
      length: Math.max(0, length),
      message: formatText(def.text, args),
    };
    const h = hint ?? ("hint" in def ? formatText(def.hint, args) : undefined);
    if (h !== undefined) d.hint = h;
    this.items.push(d);
  }

  /** True if any error (not warning) was reported. */
  hasErrors(): boolean {
    return this.items.some((d) => d.severity === "error");
  }

  /** Diagnostics sorted by file order of first appearance, then offset, then code. */
  sorted(fileOrder: readonly string[]): Diagnostic[] {
    if (this.items.length < 2) return this.items.slice(); // most compiles: nothing to order
    const rank = new Map(fileOrder.map((f, i) => [f, i]));
    return this.items
      .slice()
      .sort(
        (a, b) =>
          (rank.get(a.file) ?? 1e9) - (rank.get(b.file) ?? 1e9) ||
          a.offset - b.offset ||
          (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
      );
  }
}
