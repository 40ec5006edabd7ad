// The AST: one typed node per instruction, words still unexpanded, every piece with a source span.
// Built from the CST by compiler/ast/build.ts; consumed by the checker/lowering (compiler/lower/).

/** A source span in one file: `file` indexes `Program.files`. */
export interface Span {
  file: number;
  offset: number;
  length: number;
}

/**
 * A word of an instruction as written (quotes and `$` references intact). A word is its own span
 * (`file`, `offset`, `length`): the compiler passes the word itself wherever a Span is wanted. A
 * separate Span object per word was a third of what building ENV/LABEL nodes allocated
 * (bench/compile). `span` builds that object on each read, for tools; JSON keeps the shape
 * `{ text, span }` (`--emit ast`). Built by compiler/ast/word.ts.
 */
export interface Word extends Span {
  readonly text: string;
  readonly span: Span;
}

/**
 * A `--name[=value]` flag. `value` is null for a bare flag (`--link`). Quotes/escapes removed. Its
 * own span, like a Word; JSON `{ name, value, span }`.
 */
export interface Flag extends Span {
  readonly name: string;
  readonly value: string | null;
  readonly span: Span;
}

/** A heredoc attached to an instruction (DOCKERFILE.md §5). */
export interface HeredocNode {
  name: string;
  chomp: boolean;
  expand: boolean;
  fd: number | null;
  content: string;
  /** Span of the `<<NAME` word on the instruction line. */
  span: Span;
}

/** A command argument: exec form (JSON array) or shell form (one string). */
export type CommandForm =
  | { form: "exec"; args: string[]; span: Span }
  | { form: "shell"; text: string; span: Span };

/** Fields every instruction has. */
export interface InstructionBase {
  /** Upper-case keyword as known to vmspec (`UNKNOWN` for an unknown word, see `word`). */
  keyword: string;
  /** The keyword as written. */
  word: string;
  /** Whole instruction (keyword to end of arguments, heredoc bodies excluded). */
  span: Span;
  keywordSpan: Span;
  flags: Flag[];
  heredocs: HeredocNode[];
}

/** `FROM [--platform=P] image [AS name]` */
export interface FromNode extends InstructionBase {
  kind: "from";
  image: Word | null;
  stageName: Word | null;
}

/** RUN (shell/exec/heredoc). */
export interface RunNode extends InstructionBase {
  kind: "run";
  command: CommandForm | null;
}

/** CMD / ENTRYPOINT. */
export interface CmdNode extends InstructionBase {
  kind: "cmd" | "entrypoint";
  command: CommandForm | null;
}

/** SHELL (exec form only). */
export interface ShellNode extends InstructionBase {
  kind: "shell";
  args: string[] | null;
}

/** HEALTHCHECK NONE | HEALTHCHECK [opts] CMD command. */
export interface HealthcheckNode extends InstructionBase {
  kind: "healthcheck";
  none: boolean;
  command: CommandForm | null;
}

/** COPY / ADD. */
export interface CopyNode extends InstructionBase {
  kind: "copy" | "add";
  /** Sources then destination (last). From JSON form: spans are the whole argument list. */
  sources: Word[];
  dest: Word | null;
}

/** A `key=value` pair (value null for `ARG name`). */
export interface KeyValue {
  key: Word;
  value: Word | null;
}

/** ENV / LABEL / ARG. */
export interface KeyValueNode extends InstructionBase {
  kind: "env" | "label" | "arg";
  pairs: KeyValue[];
}

/** Instructions taking a list of words: EXPOSE, VOLUME, PUBLISH, PACKAGES, MACHINE. */
export interface ListNode extends InstructionBase {
  kind: "expose" | "volume" | "publish" | "packages" | "machine";
  items: Word[];
}

/** Instructions taking one string: USER, WORKDIR, STOPSIGNAL, MAINTAINER, NETWORK, INCLUDE, KERNEL (cmdline). */
export interface StringNode extends InstructionBase {
  kind: "user" | "workdir" | "stopsignal" | "maintainer" | "network" | "include" | "kernel";
  /** The argument text after flags (null when absent); for USER etc. the raw single word. */
  value: Word | null;
  /** Whitespace-separated words of the value (for arity checks). */
  words: Word[];
}

/** ONBUILD <instruction>. */
export interface OnbuildNode extends InstructionBase {
  kind: "onbuild";
  /** The trigger instruction, or null when missing. */
  trigger: Instruction | null;
  /** The trigger's source text (as stored in the image config). */
  triggerText: string;
}

/** An unknown instruction keyword (kept so later stages can continue). */
export interface UnknownNode extends InstructionBase {
  kind: "unknown";
}

/** Any instruction. */
export type Instruction =
  | FromNode
  | RunNode
  | CmdNode
  | ShellNode
  | HealthcheckNode
  | CopyNode
  | KeyValueNode
  | ListNode
  | StringNode
  | OnbuildNode
  | UnknownNode;

/** A parser directive (`# escape=\``). */
export interface DirectiveNode {
  key: string;
  value: string;
  span: Span;
}

/** One parsed file. */
export interface FileAst {
  /** Index into `Program.files`. */
  file: number;
  escape: "\\" | "`";
  directives: DirectiveNode[];
  instructions: Instruction[];
}
