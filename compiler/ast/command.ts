// AST for the command family: RUN, CMD, ENTRYPOINT, SHELL, HEALTHCHECK (exec vs shell form, J1–J4).
import { execForm } from "./execArgs.js";
import { checkFlags, extractFlags } from "./flags.js";
import type { RawInstruction } from "./raw.js";
// Nodes are written out field by field (not `{ kind, ...common(raw) }`): a spread builds and copies
// a throwaway object per instruction, measurable on 50k-instruction specs (bench/compile).
import type { CmdNode, CommandForm, HealthcheckNode, RunNode, ShellNode } from "./types.js";

/** Parses text[from..] as exec form (JSON array of strings) or shell form; reports J2 errors. */
export function parseCommand(raw: RawInstruction, from: number): CommandForm | null {
  if (from >= raw.text.length) return null;
  const text = from === 0 ? raw.text : raw.text.slice(from);
  const span = raw.span(from, raw.text.length);
  const r = execForm(text);
  if (r.kind === "exec") return { form: "exec", args: r.args, span };
  if (r.kind === "error") {
    raw.report("jsonNotStrings", raw.span(from + r.offset, from + r.offset + Math.max(1, r.length)));
    return null;
  }
  return { form: "shell", text, span };
}

/** RUN [--mount…] [--network] [--security] [--device] command | heredoc. */
export function buildRun(raw: RawInstruction): RunNode {
  const { flags, rest } = extractFlags(raw);
  const ok = checkFlags(raw, flags);
  const command = parseCommand(raw, rest);
  if (command === null && raw.heredocPayloads.length === 0 && rest >= raw.text.length) {
    raw.report("missingArguments", raw.keywordSpan, ["RUN", 1]);
  }
  return { kind: "run", keyword: raw.keyword, word: raw.word, span: raw.fullSpan(), keywordSpan: raw.keywordSpan, heredocs: raw.heredocs(), flags: ok, command };
}

/** CMD / ENTRYPOINT. An empty text is allowed for CMD? No: both need an argument. */
export function buildCmd(raw: RawInstruction, kind: "cmd" | "entrypoint"): CmdNode {
  const { flags, rest } = extractFlags(raw);
  const ok = checkFlags(raw, flags);
  const command = parseCommand(raw, rest);
  if (rest >= raw.text.length) raw.report("missingArguments", raw.keywordSpan, [raw.keyword, 1]);
  return { kind, keyword: raw.keyword, word: raw.word, span: raw.fullSpan(), keywordSpan: raw.keywordSpan, heredocs: raw.heredocs(), flags: ok, command };
}

/** SHELL ["executable", "param"…] — exec form only. */
export function buildShell(raw: RawInstruction): ShellNode {
  const { flags, rest } = extractFlags(raw);
  const ok = checkFlags(raw, flags);
  let args: string[] | null = null;
  if (rest >= raw.text.length) {
    raw.report("missingArguments", raw.keywordSpan, ["SHELL", 1]);
  } else {
    const c = parseCommand(raw, rest);
    if (c !== null && c.form === "shell") raw.report("execFormRequired", c.span, ["SHELL"]);
    else if (c !== null && c.form === "exec") {
      if (c.args.length === 0) raw.report("emptyShell", c.span);
      else args = c.args;
    }
  }
  return { kind: "shell", keyword: raw.keyword, word: raw.word, span: raw.fullSpan(), keywordSpan: raw.keywordSpan, heredocs: raw.heredocs(), flags: ok, args };
}

/** HEALTHCHECK NONE | HEALTHCHECK [--interval…] CMD command (type is case-insensitive). */
export function buildHealthcheck(raw: RawInstruction): HealthcheckNode {
  const { flags, rest } = extractFlags(raw);
  const ok = checkFlags(raw, flags);
  const t = raw.text;
  let i = rest;
  while (i < t.length && !/\s/.test(t[i]!)) i++;
  const type = t.slice(rest, i);
  const node: HealthcheckNode = {
    kind: "healthcheck",
    keyword: raw.keyword,
    word: raw.word,
    span: raw.fullSpan(),
    keywordSpan: raw.keywordSpan,
    heredocs: raw.heredocs(),
    flags: ok,
    none: false,
    command: null,
  };
  if (type.length === 0) {
    raw.report("missingArguments", raw.keywordSpan, ["HEALTHCHECK", 1]);
    return node;
  }
  const upper = type.toUpperCase();
  if (upper === "NONE") {
    node.none = true;
    if (i < t.length || flags.length > 0) raw.report("healthcheckNoneArgs", raw.span(rest, t.length));
    return node;
  }
  if (upper === "CONNECT") {
    raw.report("healthcheckConnect", raw.span(rest, i));
    return node;
  }
  if (upper !== "CMD") {
    raw.report("healthcheckBadType", raw.span(rest, i), [type]);
    return node;
  }
  while (i < t.length && /\s/.test(t[i]!)) i++;
  if (i >= t.length) {
    raw.report("missingArguments", raw.span(rest, i), ["HEALTHCHECK CMD", 1]);
    return node;
  }
  node.command = parseCommand(raw, i);
  return node;
}
