// An open text document: its text, LSP position ↔ offset conversion (UTF-16 code units, LSP's
// default position encoding), and incremental edits.
import { lastAtMost } from "../../compiler/arrays.js";

/** An LSP position. */
export interface Position {
  line: number;
  character: number;
}

/** An LSP range. */
export interface Range {
  start: Position;
  end: Position;
}

/** A `textDocument/didChange` content change: a range edit, or the whole text. */
export interface ContentChange {
  range?: Range;
  text: string;
}

/** A text document as the client sees it. */
export class TextDoc {
  private starts: number[] | null = null;

  constructor(
    readonly uri: string,
    public version: number,
    public text: string,
  ) {}

  private lineStarts(): number[] {
    if (this.starts !== null) return this.starts;
    const s = [0];
    for (let i = this.text.indexOf("\n"); i >= 0; i = this.text.indexOf("\n", i + 1)) s.push(i + 1);
    return (this.starts = s);
  }

  /** Offset of a position (clamped to the document). */
  offsetAt(p: Position): number {
    const s = this.lineStarts();
    if (p.line >= s.length) return this.text.length;
    if (p.line < 0) return 0;
    const lineEnd = p.line + 1 < s.length ? s[p.line + 1]! : this.text.length;
    return Math.min(s[p.line]! + Math.max(0, p.character), lineEnd);
  }

  /** Position of an offset. */
  positionAt(offset: number): Position {
    const s = this.lineStarts();
    const o = Math.max(0, Math.min(offset, this.text.length));
    const line = lastAtMost(s, o);
    return { line, character: o - s[line]! };
  }

  /** Applies content changes in order. */
  apply(changes: readonly ContentChange[], version: number): void {
    for (const c of changes) {
      if (c.range === undefined) this.text = c.text;
      else {
        const a = this.offsetAt(c.range.start);
        const b = this.offsetAt(c.range.end);
        this.text = this.text.slice(0, a) + c.text + this.text.slice(Math.max(a, b));
      }
      this.starts = null;
    }
    this.version = version;
  }

  /** The text of line `line` (without its line end). */
  lineText(line: number): string {
    const s = this.lineStarts();
    if (line < 0 || line >= s.length) return "";
    const end = line + 1 < s.length ? s[line + 1]! - 1 : this.text.length;
    return this.text.slice(s[line]!, end).replace(/\r$/, "");
  }
}
