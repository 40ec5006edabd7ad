// The chevrotain parser: token stream from grammar/lexer.ts → per-instruction token groups. Rules
// are class properties; one parser instance is reused; recovery is on so a malformed instruction
// does not hide later ones.
//
// The parser runs with embedded actions (`outputCst: false`) rather than building chevrotain's CST:
// the grammar is line-shaped, so the only structure the AST builder needs is "which tokens belong
// to which instruction", and a CST (a node, a children dictionary and one array per token type per
// instruction) was most of the parse cost and ~35 MB of garbage on a 50k-instruction spec
// (bench/compile). The result types below are what the rules return; tsc checks them.
import { EmbeddedActionsParser, type IRecognitionException, type IToken } from "chevrotain";
import { allTokens, Args, Directive, Heredoc, Keyword, Nested, Onbuild } from "./tokens.js";

/** The tokens of one instruction, as the `instruction` rule matched them. */
export interface ParsedInstruction {
  /** `ONBUILD` (then `nested` is the trigger's keyword, if any, and `keyword` is absent). */
  onbuild?: IToken;
  nested?: IToken;
  /** The instruction keyword (a keyword token or UnknownKeyword). */
  keyword?: IToken;
  args?: IToken;
  heredocs: IToken[];
}

/**
 * What a parse found: directives and the instructions matched in full. An instruction the parser
 * had to abandon during error recovery is left out (its error is in `ParseResult.errors`).
 */
export interface ParsedSpec {
  directives: IToken[];
  instructions: ParsedInstruction[];
}

/** The vmspec grammar. Use `parse` rather than this class directly. */
export class VmspecParser extends EmbeddedActionsParser {
  /**
   * Output of the current parse. Collected here rather than returned from `spec`, so that what was
   * matched before a recovery of the top rule is kept (as a partial CST node was).
   */
  private out: ParsedSpec = { directives: [], instructions: [] };

  constructor() {
    super(allTokens, { recoveryEnabled: true, maxLookahead: 1 });
    this.performSelfAnalysis();
  }

  /** spec := directive* instruction* */
  spec = this.RULE("spec", () => {
    this.MANY(() => {
      const d = this.CONSUME(Directive);
      this.ACTION(() => this.out.directives.push(d));
    });
    this.MANY2(() => {
      const ins = this.SUBRULE(this.instruction);
      // `undefined` when the instruction was abandoned by error recovery.
      this.ACTION(() => {
        if (ins !== undefined) this.out.instructions.push(ins);
      });
    });
  });

  /**
   * instruction := (ONBUILD Nested? | Keyword) Args? Heredoc*
   * One token group per instruction (flags and words are split later, in compiler/ast, where each
   * instruction family knows its own argument syntax).
   */
  instruction = this.RULE("instruction", (): ParsedInstruction => {
    const ins: ParsedInstruction = { heredocs: [] };
    this.OR([
      {
        ALT: () => {
          ins.onbuild = this.CONSUME(Onbuild);
          this.OPTION(() => {
            ins.nested = this.CONSUME(Nested);
          });
        },
      },
      {
        ALT: () => {
          ins.keyword = this.CONSUME(Keyword);
        },
      },
    ]);
    this.OPTION2(() => {
      ins.args = this.CONSUME(Args);
    });
    this.MANY(() => {
      ins.heredocs.push(this.CONSUME(Heredoc));
    });
    return ins;
  });

  /** Parses `tokens` (see `parse`). */
  parseTokens(tokens: IToken[]): ParsedSpec {
    const out: ParsedSpec = (this.out = { directives: [], instructions: [] });
    this.input = tokens;
    this.spec();
    this.out = { directives: [], instructions: [] };
    return out;
  }
}

let shared: VmspecParser | undefined;

/** The one reused parser instance (self-analysis is costly; do it once). */
export function parserInstance(): VmspecParser {
  return (shared ??= new VmspecParser());
}

/** Result of parsing a token stream. */
export interface ParseResult {
  spec: ParsedSpec;
  errors: IRecognitionException[];
}

/** Parses tokens from `lex()` into per-instruction token groups. Never throws on any token stream. */
export function parse(tokens: IToken[]): ParseResult {
  const p = parserInstance();
  const spec = p.parseTokens(tokens);
  const errors = p.errors.slice();
  p.input = []; // do not keep the last file's tokens alive in the shared instance
  return { spec, errors };
}
