// AST for FROM: `FROM [--platform=P] image [AS name]` (exactly one or three words).
import { checkFlags, extractFlags } from "./flags.js";
import { NO_HEREDOCS, splitWhitespace, type RawInstruction } from "./raw.js";
import type { FromNode } from "./types.js";

/** What a stage name must look like once lower-cased (BuildKit's rule; VS2010 otherwise). */
export const VALID_STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;

/** FROM. The stage name is checked (and lowercased) by the stage graph; arity is checked here. */
export function buildFrom(raw: RawInstruction): FromNode {
  const { flags, rest } = extractFlags(raw);
  const ok = checkFlags(raw, flags);
  const words = splitWhitespace(raw, rest);
  const node: FromNode = {
    kind: "from",
    keyword: raw.keyword,
    word: raw.word,
    span: raw.fullSpan(),
    keywordSpan: raw.keywordSpan,
    heredocs: NO_HEREDOCS,
    flags: ok,
    image: words[0] ?? null,
    stageName: null,
  };
  if (words.length === 0) {
    raw.report("missingArguments", raw.keywordSpan, ["FROM", 1]);
  } else if (words.length === 3 && words[1]!.text.toLowerCase() === "as") {
    node.stageName = words[2]!;
    if (!VALID_STAGE_NAME.test(words[2]!.text.toLowerCase())) {
      raw.report("invalidStageName", words[2]!, [words[2]!.text]);
    }
  } else if (words.length !== 1) {
    raw.report("fromBadArgs", raw.span(rest, raw.text.length));
  }
  return node;
}
