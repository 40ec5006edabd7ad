// Token types of the vmspec grammar, declared once (chevrotain `createToken` table).
// The hand-written lexer (grammar/lexer.ts) produces instances of these; chevrotain only parses.
import { createToken, type TokenType } from "chevrotain";

/** A parser directive line at the top of a file (`# escape=\``). Payload: `DirectivePayload`. */
export const Directive = createToken({ name: "Directive", pattern: /NA/ });

/**
 * Category of every instruction token. The lexer is line-oriented, so one logical line (keyword,
 * arguments with continuation lines joined, and the heredoc bodies that follow it) is one token, of
 * its keyword's token type (`InstructionToken` in grammar/lexer.ts carries the rest of the line).
 * A CST node per instruction cost chevrotain a rule invocation per instruction, about half of its
 * parsing time on a large spec, for structure the lexer has already established.
 */
export const Instruction = createToken({ name: "Instruction", pattern: /NA/ });

/** `ONBUILD`: its token carries the instruction it triggers (`InstructionToken.nested`). */
export const Onbuild = createToken({ name: "Onbuild", pattern: /NA/, categories: [Instruction] });

/** Instruction keywords known to vmspec: the 17 Dockerfile ones besides ONBUILD, plus vmspec's own. */
export const KEYWORDS = [
  "FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT",
  "VOLUME", "USER", "WORKDIR", "ARG", "STOPSIGNAL", "HEALTHCHECK", "SHELL",
  "MACHINE", "KERNEL", "NETWORK", "PUBLISH", "PACKAGES", "INCLUDE",
] as const;

/** An instruction keyword, upper case. */
export type KeywordName = (typeof KEYWORDS)[number] | "ONBUILD";

/** A word in keyword position that is not a known instruction (diagnosed later, with did-you-mean). */
export const UnknownKeyword = createToken({ name: "UnknownKeyword", pattern: /NA/, categories: [Instruction] });

/** Token type per keyword (lowercase lookup table used by the lexer). */
export const keywordTokens: ReadonlyMap<string, TokenType> = new Map(
  KEYWORDS.map((k) => [k.toLowerCase(), createToken({ name: k, pattern: /NA/, categories: [Instruction] })]),
);

/** Every token type, in the order the parser must know them. */
export const allTokens: TokenType[] = [Directive, Instruction, Onbuild, UnknownKeyword, ...keywordTokens.values()];
