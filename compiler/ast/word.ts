// The Word and Flag objects of the AST: each is its own span (see types.ts), one object apiece.
import type { Flag, Span, Word } from "./types.js";

/** A word and where it is. */
export class SpannedWord implements Word {
  constructor(
    readonly text: string,
    readonly file: number,
    readonly offset: number,
    readonly length: number,
  ) {}

  /** The span as a separate object (a new one on each read). */
  get span(): Span {
    return { file: this.file, offset: this.offset, length: this.length };
  }

  /** The JSON shape of `--emit ast`: `{ text, span }`. */
  toJSON(): { text: string; span: Span } {
    return { text: this.text, span: this.span };
  }
}

/** A flag and where it is. */
export class SpannedFlag implements Flag {
  constructor(
    readonly name: string,
    readonly value: string | null,
    readonly file: number,
    readonly offset: number,
    readonly length: number,
  ) {}

  /** The span as a separate object (a new one on each read). */
  get span(): Span {
    return { file: this.file, offset: this.offset, length: this.length };
  }

  /** The JSON shape of `--emit ast`: `{ name, value, span }`. */
  toJSON(): { name: string; value: string | null; span: Span } {
    return { name: this.name, value: this.value, span: this.span };
  }
}

/** A word with the text and span of `span` (JSON exec-form words share the argument list's span). */
export function wordWithSpan(text: string, span: Span): Word {
  return new SpannedWord(text, span.file, span.offset, span.length);
}
