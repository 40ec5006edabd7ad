// The chevrotain parser: token stream from grammar/lexer.ts → CST. Rules are class properties; one
// parser instance is reused; recovery is on so a stray token is reported and skipped, and the
// instructions after it are still parsed.
import { CstParser, type CstNode, type IRecognitionException, type IToken } from "chevrotain";
import { allTokens, Directive, Instruction } from "./tokens.js";

/** The vmspec grammar. Use `parse` rather than this class directly. */
export class VmspecParser extends CstParser {
  constructor() {
    super(allTokens, { recoveryEnabled: true, maxLookahead: 1 });
    this.performSelfAnalysis();
  }

  /**
   * spec := Directive* Instruction*
   * The grammar is line-shaped: the lexer makes each logical line one Instruction token (its
   * keyword's type, carrying the arguments and heredocs; ONBUILD carries its trigger), and flags
   * and words are split later, in compiler/ast, where each instruction family knows its own
   * argument syntax. So the CST is one node whose Instruction tokens are the file's instructions
   * in order, with no rule invocation (and CST node) per instruction.
   */
  spec = this.RULE("spec", () => {
    this.MANY(this.consumeDirective);
    this.MANY2(this.consumeInstruction);
  });

  // The loops' bodies, made once rather than on every parse (chevrotain's documented way to keep
  // a hot rule from allocating closures per call).
  private readonly consumeDirective = (): void => {
    this.CONSUME(Directive);
  };
  private readonly consumeInstruction = (): void => {
    this.CONSUME(Instruction);
  };
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
