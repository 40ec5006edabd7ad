// Build checks: the `# check=skip=…;error=…` parser directive (DOCKERFILE.md D4) and BuildKit's
// BUILDKIT_DOCKERFILE_CHECK build arg, applied to the warnings whose catalogue entry names a BuildKit
// build-check rule (`rule` in messages.ts). Runs once per compile, after lowering, on the finished
// diagnostics; a spec without the directive or the build arg costs one scan of its few directives.
import type { DirectiveNode } from "../ast/types.js";
import type { Diagnostic, DiagnosticBag } from "./diagnostic.js";
import { didYouMean } from "./didYouMean.js";
import { messages, type MessageDef } from "./messages.js";

/** The build arg that overrides the root spec's `# check` directive (BuildKit's dockerui option). */
export const CHECK_BUILD_ARG = "BUILDKIT_DOCKERFILE_CHECK";

/**
 * Every rule name of BuildKit's build checks (moby/buildkit frontend/dockerfile/linter/ruleset.go;
 * the last two are experimental there). Naming any of them in `skip=` is valid even when vmspec does
 * not implement the rule, so a Dockerfile's directive carries over unchanged.
 */
export const BUILDKIT_CHECK_RULES: readonly string[] = [
  "StageNameCasing",
  "FromAsCasing",
  "NoEmptyContinuation",
  "ConsistentInstructionCasing",
  "DuplicateStageName",
  "ReservedStageName",
  "JSONArgsRecommended",
  "MaintainerDeprecated",
  "UndefinedArgInFrom",
  "WorkdirRelativePath",
  "UndefinedVar",
  "MultipleInstructionsDisallowed",
  "LegacyKeyValueFormat",
  "InvalidBaseImagePlatform",
  "RedundantTargetPlatform",
  "SecretsUsedInArgOrEnv",
  "InvalidDefaultArgInFrom",
  "FromPlatformFlagConstDisallowed",
  "ExposeProtoCasing",
  "ExposeInvalidFormat",
  "CopyIgnoredFile",
  "InvalidDefinitionDescription",
];

const KNOWN_RULES = new Set(BUILDKIT_CHECK_RULES);

/** The options a check configuration may set (BuildKit's `ParseLintOptions`). */
const OPTIONS = ["skip", "error", "experimental"];

/** Go's strconv.ParseBool spellings, which BuildKit uses for `error=`. */
const BOOLS = new Map<string, boolean>([
  ...["1", "t", "T", "TRUE", "true", "True"].map((s) => [s, true] as const),
  ...["0", "f", "F", "FALSE", "false", "False"].map((s) => [s, false] as const),
]);

/** Printed code → rule name, for the catalogue entries that implement a build-check rule. */
const RULE_BY_CODE: ReadonlyMap<string, string> = new Map(
  Object.values(messages as Record<string, MessageDef>)
    .filter((m) => m.rule !== undefined)
    .map((m) => [`VS${m.code}`, m.rule!]),
);

/** The build-check rule a diagnostic implements, or undefined for errors and vmspec-only warnings. */
export function checkRuleOf(d: Diagnostic): string | undefined {
  return d.severity === "warning" ? RULE_BY_CODE.get(d.code) : undefined;
}

/** A parsed check configuration. */
export interface CheckConfig {
  /** `skip=all`: drop every build-check warning. */
  skipAll: boolean;
  /** Rule names given in `skip=` (known or not). */
  skip: ReadonlySet<string>;
  /** `error=true`: the remaining build-check warnings become errors. */
  error: boolean;
}

/** Where a configuration text came from, for diagnostics. */
export interface CheckSource {
  /** Printed in messages: "the '# check' directive" or "--build-arg BUILDKIT_DOCKERFILE_CHECK". */
  what: string;
  /** The root spec's path (diagnostics of the build arg point at its start). */
  file: string;
  /** Source offset of `text[0]`, or -1 when the text is not in the source (the build arg). */
  offset: number;
  text: string;
}

/**
 * Parses a configuration like BuildKit's `ParseLintOptions`: `;`-separated `key=value` options,
 * keys `skip` (`all` or `,`-separated rule names), `error` (a Go boolean) and `experimental` (rule
 * names; vmspec has no experimental rules, so it only validates them); a later repeat of a key wins.
 * Reports malformed options (VS1017, then the result is null: the configuration is not applied) and
 * unknown rule names (VS1018, with did-you-mean). Spaces around keys, values and names are ignored.
 */
export function parseCheckConfig(src: CheckSource, diags: DiagnosticBag): CheckConfig | null {
  const at = (i: number, len: number): [number, number] => (src.offset < 0 ? [0, 0] : [src.offset + i, len]);
  const bad = (i: number, len: number, detail: string, hint?: string): void => {
    diags.report("checkBadOption", src.file, ...at(i, len), [src.what, detail], hint);
  };
  const text = src.text;
  const config = { skipAll: false, skip: new Set<string>(), error: false };
  if (text.trim() === "") return config;
  let ok = true;
  for (let start = 0; start <= text.length; ) {
    let end = text.indexOf(";", start);
    if (end < 0) end = text.length;
    const part = text.slice(start, end);
    const partStart = start;
    start = end + 1;
    const eq = part.indexOf("=");
    if (eq < 0) {
      ok = false;
      if (part.trim() === "") bad(partStart > 0 ? partStart - 1 : 0, 1, "an empty option (a stray ';')");
      else bad(partStart, part.length, `'${part.trim()}' is not a key=value option`);
      continue;
    }
    const key = part.slice(0, eq).trim();
    const keyAt = partStart + part.indexOf(key === "" ? "=" : key);
    const value = part.slice(eq + 1);
    const valueAt = partStart + eq + 1;
    if (!OPTIONS.includes(key)) {
      ok = false;
      const near = didYouMean(key, OPTIONS);
      bad(keyAt, Math.max(1, key.length), key === "" ? "an option with no key" : `unknown option '${key}'`, near ? `Did you mean ${near}? The options are skip, error and experimental.` : undefined);
      continue;
    }
    if (key === "error") {
      const v = value.trim();
      const b = BOOLS.get(v);
      if (b === undefined) {
        ok = false;
        bad(valueAt + Math.max(0, value.indexOf(v)), Math.max(1, v.length), `error must be true or false, not '${v}'`, "Write error=true to make build-check warnings errors, error=false (the default) to keep them warnings.");
      } else config.error = b;
      continue;
    }
    const isSkip = key === "skip";
    if (isSkip && value.trim() === "all") {
      config.skipAll = true;
      continue;
    }
    if (value.trim() === "all") continue; // experimental=all: no experimental rules to enable
    if (isSkip) config.skip = new Set();
    let i = 0;
    for (const raw of value.split(",")) {
      const name = raw.trim();
      const nameAt = valueAt + i + raw.indexOf(name);
      i += raw.length + 1;
      if (name === "") continue; // `skip=A,` or `skip=`: BuildKit ignores empty names too
      if (isSkip) config.skip.add(name);
      if (KNOWN_RULES.has(name)) continue;
      const near = name === "all" ? undefined : didYouMean(name, BUILDKIT_CHECK_RULES);
      const hint = name === "all" ? `'all' must be the whole value: ${key}=all.` : near ? `Did you mean ${near}?` : undefined;
      diags.report("checkUnknownRule", src.file, ...at(nameAt, name.length), [name, src.what], hint);
    }
  }
  return ok ? config : null;
}

/**
 * Applies the program's check configuration to the diagnostics collected so far (call it after
 * lowering, before sorting). The build arg BUILDKIT_DOCKERFILE_CHECK, when given (even empty),
 * replaces the root spec's `# check` directive, which is then not read at all (as in BuildKit).
 * Only the root spec's directive counts: it governs INCLUDEd files too. Skipped build-check warnings
 * are removed; with `error=true` the remaining ones become errors. Other diagnostics are untouched.
 */
export function applyBuildChecks(
  diags: DiagnosticBag,
  rootPath: string,
  rootText: string,
  rootDirectives: readonly DirectiveNode[],
  buildArgs: Readonly<Record<string, string>> | undefined,
): void {
  let src: CheckSource | undefined;
  if (buildArgs !== undefined && Object.prototype.hasOwnProperty.call(buildArgs, CHECK_BUILD_ARG)) {
    src = { what: `--build-arg ${CHECK_BUILD_ARG}`, file: rootPath, offset: -1, text: buildArgs[CHECK_BUILD_ARG]! };
  } else {
    for (const d of rootDirectives) {
      if (d.key !== "check") continue;
      const line = rootText.slice(d.span.offset, d.span.offset + d.span.length);
      const at = line.lastIndexOf(d.value);
      src = { what: "the '# check' directive", file: rootPath, offset: d.span.offset + Math.max(0, at), text: d.value };
      break; // a repeated directive is already VS1004; the first one counts
    }
  }
  if (src === undefined) return;
  const config = parseCheckConfig(src, diags);
  if (config === null || (!config.skipAll && config.skip.size === 0 && !config.error)) return;
  const items = diags.items;
  let kept = 0;
  for (const d of items) {
    const rule = checkRuleOf(d);
    if (rule !== undefined) {
      if (config.skipAll || config.skip.has(rule)) continue;
      if (config.error) {
        d.severity = "error";
        const why = `(Build check ${rule}, an error because of error=true in ${src.what}.)`;
        d.hint = d.hint === undefined ? why : `${d.hint} ${why}`;
      }
    }
    items[kept++] = d;
  }
  items.length = kept;
}
