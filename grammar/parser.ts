// The chevrotain parser: token stream from grammar/lexer.ts → CST. Rules are class properties; one
// parser instance is reused; recovery is on so a malformed instruction does not hide later ones.
import { CstParser, type CstNode, type IRecognitionException, type IToken } from "chevrotain";
import { allTokens, Args, Directive, Heredoc, Keyword, Nested, Onbuild } from "./tokens.js";

/** The vmspec grammar. Use `parse` rather than this class directly. */
export class VmspecParser extends CstParser {
  constructor() {
    super(allTokens, { recoveryEnabled: true, maxLookahead: 1 });
    this.performSelfAnalysis();
  }

  /** spec := directive* instruction* */
  spec = this.RULE("spec", () => {
    this.MANY(() => this.CONSUME(Directive));
    this.MANY2(() => this.SUBRULE(this.instruction));
  });

  /**
   * instruction := (ONBUILD Nested? | Keyword) Args? Heredoc*
   * One CST node per instruction (the grammar is line-shaped; flags and words are split later, in
   * compiler/ast, where each instruction family knows its own argument syntax).
   */
  instruction = this.RULE("instruction", () => {
    this.OR(this.instructionStart);
    this.OPTION2(this.consumeArgs);
    this.MANY(this.consumeHeredoc);
  });

  // The rule's inner functions and OR alternatives, made once rather than on every instruction
  // (chevrotain's documented way to keep a hot rule from allocating closures per call).
  private readonly consumeNested = (): void => {
    this.CONSUME(Nested);
  };
  private readonly consumeArgs = (): void => {
    this.CONSUME(Args);
  };
  private readonly consumeHeredoc = (): void => {
    this.CONSUME(Heredoc);
  };
  private readonly instructionStart = [
    {
      ALT: (): void => {
        this.CONSUME(Onbuild);
        this.OPTION(this.consumeNested);
      },
    },
    { ALT: (): void => void this.CONSUME(Keyword) },
  ];
}

let shared: VmspecParser | undefined;

/** The one reused parser instance (self-analysis is costly; do it once). */
export function parserInstance(): VmspecParser {
  return (shared ??= new VmspecParser());
}

/** Result of parsing a token stream. */
export interface ParseResult {
  cst: CstNode;
  errors: IRecognitionException[];
}

/** Parses tokens from `lex()` into a CST. Never throws on any token stream. */
export function parse(tokens: IToken[]): ParseResult {
  const p = parserInstance();
  p.input = tokens;
  const cst = p.spec();
  const errors = p.errors.slice();
  p.input = []; // do not keep the last file's tokens alive in the shared instance
  return { cst, errors };
}
