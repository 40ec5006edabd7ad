// Token types of the vmspec grammar, declared once (chevrotain `createToken` table).
// The hand-written lexer (grammar/lexer.ts) produces instances of these; chevrotain only parses.
import { createToken, type TokenType } from "chevrotain";

/** A parser directive line at the top of a file (`# escape=\``). Payload: `DirectivePayload`. */
export const Directive = createToken({ name: "Directive", pattern: /NA/ });

/** Category of every instruction keyword except ONBUILD (which nests another instruction). */
export const Keyword = createToken({ name: "Keyword", pattern: /NA/ });

/** `ONBUILD`: followed by a nested instruction's keyword. */
export const Onbuild = createToken({ name: "Onbuild", pattern: /NA/ });

/** The keyword of the instruction nested in ONBUILD (image = the keyword as written). */
export const Nested = createToken({ name: "Nested", pattern: /NA/ });

/** The rest of an instruction's logical line after the keyword (flags + arguments, continuations joined). */
export const Args = createToken({ name: "Args", pattern: /NA/ });

/** One heredoc body following its instruction line. Payload: `HeredocPayload`. */
export const Heredoc = createToken({ name: "Heredoc", pattern: /NA/ });

/** Instruction keywords known to vmspec: the 17 Dockerfile ones besides ONBUILD, plus vmspec's own. */
export const KEYWORDS = [
  "FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT",
  "VOLUME", "USER", "WORKDIR", "ARG", "STOPSIGNAL", "HEALTHCHECK", "SHELL",
  "MACHINE", "KERNEL", "NETWORK", "PUBLISH", "PACKAGES", "INCLUDE",
] as const;

/** An instruction keyword, upper case. */
export type KeywordName = (typeof KEYWORDS)[number] | "ONBUILD";

/** A word in keyword position that is not a known instruction (diagnosed later, with did-you-mean). */
export const UnknownKeyword = createToken({ name: "UnknownKeyword", pattern: /NA/, categories: [Keyword] });

/** Token type per keyword (lowercase lookup table used by the lexer). */
export const keywordTokens: ReadonlyMap<string, TokenType> = new Map(
  KEYWORDS.map((k) => [k.toLowerCase(), createToken({ name: k, pattern: /NA/, categories: [Keyword] })]),
);

/** Every token type, in the order the parser must know them. */
export const allTokens: TokenType[] = [
  Directive, Keyword, Onbuild, Nested, Args, Heredoc, UnknownKeyword, ...keywordTokens.values(),
];
