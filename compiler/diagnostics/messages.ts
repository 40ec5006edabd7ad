// The diagnostic catalogue: every message the compiler can report, with its stable code.
// Codes are never reused or renumbered; retire a message by leaving its entry with `retired: true`.
// Ranges: 1xxx lexical/syntax, 2xxx instruction arguments and flags, 3xxx stages and scoping,
// 4xxx machine/kernel/network/packages, 5xxx INCLUDE, 9xxx internal errors. `{0}`, `{1}` are message arguments.

/** Severity of a diagnostic. Errors make `compile` fail; warnings never do. */
export type Severity = "error" | "warning";

/** One catalogue entry. */
export interface MessageDef {
  code: number;
  severity: Severity;
  text: string;
  /** Optional fixed hint; call sites may give a more specific one (e.g. did-you-mean). */
  hint?: string;
  /**
   * The BuildKit build-check rule this warning implements (e.g. `UndefinedVar`), if any. Only such
   * warnings obey `# check=skip=…;error=…` and BUILDKIT_DOCKERFILE_CHECK (compiler/diagnostics/checks.ts).
   */
  rule?: string;
}

/** The catalogue, keyed by a stable symbolic name. */
export const messages = {
  // 1xxx — lexical and syntax
  emptyContinuation: { code: 1001, severity: "warning", rule: "NoEmptyContinuation", text: "Empty continuation line.", hint: "Remove the empty line, or end the instruction before it; a future Dockerfile syntax makes this an error." },
  lineTooLong: { code: 1002, severity: "error", text: "Line is longer than the maximum of 65535 characters." },
  unterminatedHeredoc: { code: 1003, severity: "error", text: "Unterminated heredoc '{0}': end of file reached before the terminator line.", hint: "Add a line containing exactly '{0}'." },
  duplicateDirective: { code: 1004, severity: "error", text: "Only one '{0}' parser directive can be used." },
  syntaxError: { code: 1005, severity: "error", text: "{0}" },
  invalidEscape: { code: 1006, severity: "error", text: "Invalid escape character '{0}': only '\\' and '`' are allowed." },
  noInstructions: { code: 1007, severity: "error", text: "File with no instructions." },
  unknownInstruction: { code: 1008, severity: "error", text: "Unknown instruction '{0}'." },
  missingArguments: { code: 1009, severity: "error", text: "{0} requires at least {1} argument(s)." },
  wrongArgumentCount: { code: 1010, severity: "error", text: "{0} requires exactly {1} argument(s)." },
  jsonNotStrings: { code: 1011, severity: "error", text: "When using JSON array syntax, arrays must be comprised of strings only." },
  execFormRequired: { code: 1012, severity: "error", text: "{0} requires the arguments to be in JSON form (e.g. [\"/bin/sh\", \"-c\"])." },
  heredocNotAllowed: { code: 1013, severity: "error", text: "A heredoc cannot be used as the destination of {0}." },
  maintainerDeprecated: { code: 1014, severity: "warning", rule: "MaintainerDeprecated", text: "MAINTAINER is deprecated.", hint: "Use LABEL org.opencontainers.image.authors=\"...\" instead." },
  onbuildMissing: { code: 1015, severity: "error", text: "ONBUILD requires an instruction to run at trigger time." },
  onbuildForbidden: { code: 1016, severity: "error", text: "{0} is not allowed as an ONBUILD trigger." },
  checkBadOption: { code: 1017, severity: "error", text: "Invalid build check configuration in {0}: {1}.", hint: "Write skip=<Rule1,Rule2|all>;error=<true|false> (options separated by ';', rules by ',')." },
  checkUnknownRule: { code: 1018, severity: "warning", text: "Unknown build check rule '{0}' in {1}; it is ignored.", hint: "Rule names are BuildKit's, case-sensitive (e.g. UndefinedVar, MaintainerDeprecated, NoEmptyContinuation); docs/language.md lists them." },
  inconsistentCasing: { code: 1019, severity: "warning", rule: "ConsistentInstructionCasing", text: "Instruction '{0}' should match the case of the instruction majority ({1}).", hint: "Write every instruction keyword of a file in one case, all upper or all lower." },
  fromAsCasing: { code: 1020, severity: "warning", rule: "FromAsCasing", text: "'{0}' and '{1}' keywords' casing do not match.", hint: "Write AS in the case of FROM: 'FROM image AS name' or 'from image as name'." },

  // 2xxx — flags and arguments
  unknownFlag: { code: 2001, severity: "error", text: "Unknown flag --{0} for {1}." },
  duplicateFlag: { code: 2002, severity: "error", text: "Duplicate flag specified: --{0}." },
  flagMissingValue: { code: 2003, severity: "error", text: "Missing a value on flag --{0}.", hint: "Write --{0}=VALUE (a value after a space is not accepted)." },
  flagBadBool: { code: 2004, severity: "error", text: "Expecting boolean value for flag --{0}, not '{1}'." },
  flagBadValue: { code: 2005, severity: "error", text: "Invalid value '{1}' for --{0}: {2}" },
  envMissingValue: { code: 2006, severity: "error", text: "{0} must have two arguments." },
  envBadPair: { code: 2007, severity: "error", text: "{0} names can not be blank." },
  argEmptyName: { code: 2008, severity: "error", text: "ARG names can not be blank." },
  badSubstitution: { code: 2009, severity: "error", text: "{0}" },
  invalidStageName: { code: 2010, severity: "error", text: "Invalid stage name '{0}': it must match ^[a-z][a-z0-9-_.]*$." },
  fromBadArgs: { code: 2011, severity: "error", text: "FROM requires either one or three arguments (image [AS name])." },
  healthcheckNoneArgs: { code: 2012, severity: "error", text: "HEALTHCHECK NONE takes no arguments." },
  healthcheckBadType: { code: 2013, severity: "error", text: "Unknown type '{0}' in HEALTHCHECK (try CMD or NONE)." },
  healthcheckDuration: { code: 2014, severity: "error", text: "Invalid duration for --{0}: {1}" },
  healthcheckRetries: { code: 2015, severity: "error", text: "--retries must be an integer of at least 0, not '{0}'." },
  badMount: { code: 2016, severity: "error", text: "Invalid --mount: {0}" },
  mountFromVariable: { code: 2017, severity: "error", text: "'from' of --mount cannot contain variables.", hint: "Define an alias stage instead: FROM $IMAGE AS src, then --mount=from=src." },
  badPort: { code: 2018, severity: "error", text: "Invalid port '{0}': {1}" },
  badChown: { code: 2019, severity: "error", text: "Invalid --chown '{0}': {1}" },
  badChmod: { code: 2020, severity: "error", text: "Invalid --chmod '{0}': {1}" },
  badChecksum: { code: 2021, severity: "error", text: "Invalid --checksum '{0}': expected sha256:<64 hex digits>." },
  badPlatform: { code: 2022, severity: "error", text: "Invalid platform '{0}': {1}" },
  badImageRef: { code: 2023, severity: "error", text: "Invalid image reference '{0}': {1}" },
  emptyVolume: { code: 2024, severity: "error", text: "VOLUME specified can not be an empty string." },
  badSignal: { code: 2025, severity: "error", text: "Invalid STOPSIGNAL '{0}': {1}" },
  emptyShell: { code: 2027, severity: "error", text: "SHELL requires at least one element." },
  healthcheckConnect: { code: 2028, severity: "error", text: "HEALTHCHECK CONNECT is not supported: use CMD with a command that tests the connection.", hint: "BuildKit parses CONNECT but rejects it too. Write e.g. HEALTHCHECK --interval=30s CMD curl -f http://localhost:8080/ || exit 1." },
  stageNameCasing: { code: 2029, severity: "warning", rule: "StageNameCasing", text: "Stage name '{0}' should be lowercase.", hint: "Stage names are case-insensitive (a reference in any case finds it); write '{1}'." },
  reservedStageName: { code: 2030, severity: "warning", rule: "ReservedStageName", text: "'{0}' is reserved and should not be used as a stage name.", hint: "FROM {0} and COPY --from={0} never refer to this stage; choose another name." },
  legacyKeyValue: { code: 2031, severity: "warning", rule: "LegacyKeyValueFormat", text: "\"{0} key=value\" should be used instead of legacy \"{0} key value\" format.", hint: "Write {0} NAME=VALUE (quote a value with spaces: {0} NAME=\"a b\")." },
  exposeProtoCasing: { code: 2032, severity: "warning", rule: "ExposeProtoCasing", text: "Defined protocol '{0}' in EXPOSE instruction should be lowercase.", hint: "Write '{1}'." },
  exposeInvalidFormat: { code: 2033, severity: "warning", rule: "ExposeInvalidFormat", text: "EXPOSE instruction should not define an IP address or host-port mapping, found '{0}'.", hint: "EXPOSE only documents the container's port ('{1}'); publishing to the host is PUBLISH's job (or the runner's -p)." },

  // 3xxx — stages and scoping
  noBuildStage: { code: 3001, severity: "error", text: "No build stage in current context: {0} must come after a FROM.", hint: "Only ARG may come before the first FROM." },
  duplicateStage: { code: 3002, severity: "error", text: "Duplicate stage name '{0}' (first defined at line {1})." },
  unknownTarget: { code: 3003, severity: "error", text: "Target stage '{0}' could not be found." },
  stageAfterUse: { code: 3004, severity: "error", text: "Stage '{0}' needs to be defined before the current stage." },
  selfReference: { code: 3005, severity: "error", text: "Stage '{0}' cannot refer to itself." },
  unusedArg: { code: 3006, severity: "warning", text: "ARG '{0}' is declared but never used." },
  undefinedVar: { code: 3007, severity: "warning", rule: "UndefinedVar", text: "Variable '{0}' is not declared in this scope; it expands to an empty string.", hint: "Declare it with ARG {0} (a global ARG needs a bare 'ARG {0}' inside the stage)." },
  fromIndexOutOfRange: { code: 3008, severity: "error", text: "Stage index {0} does not refer to an earlier stage." },
  unusedBuildArg: { code: 3009, severity: "warning", text: "Build argument '{0}' is not consumed by any ARG." },
  emptyFromImage: { code: 3010, severity: "error", text: "FROM image reference is empty after variable expansion." },
  multipleMachine: { code: 3012, severity: "warning", text: "{0} appears more than once in this stage; the last one wins." },
  jsonArgsRecommended: { code: 3013, severity: "warning", rule: "JSONArgsRecommended", text: "JSON arguments recommended for {0} to prevent unintended behavior related to OS signals.", hint: "In shell form the shell is PID 1 and does not pass SIGTERM on: write {0} [\"executable\", \"arg\"], or set SHELL in the stage if a shell is really wanted." },
  multipleInstructions: { code: 3014, severity: "warning", rule: "MultipleInstructionsDisallowed", text: "Multiple {0} instructions should not be used in the same stage because only the last one will be used.", hint: "Remove it: a later {0} in this stage replaces it." },
  workdirRelative: { code: 3015, severity: "warning", rule: "WorkdirRelativePath", text: "Relative workdir '{0}' can have unexpected results if the base image changes.", hint: "It is relative to the base image's working directory; set an absolute WORKDIR first." },
  secretInArgOrEnv: { code: 3016, severity: "warning", rule: "SecretsUsedInArgOrEnv", text: "Do not use ARG or ENV instructions for sensitive data ({0} \"{1}\").", hint: "ARG and ENV values are kept in the image's config and history; pass secrets with RUN --mount=type=secret." },
  redundantTargetPlatform: { code: 3017, severity: "warning", rule: "RedundantTargetPlatform", text: "Setting platform to predefined {0} in FROM is redundant as this is the default behavior.", hint: "Remove --platform: a stage is built for the target platform unless told otherwise." },
  constPlatform: { code: 3018, severity: "warning", rule: "FromPlatformFlagConstDisallowed", text: "FROM --platform flag should not use constant value \"{0}\".", hint: "Use $BUILDPLATFORM or $TARGETPLATFORM, or name the stage after the platform (e.g. AS build-{1}) if it must be fixed." },

  // 4xxx — machine, kernel, network, packages
  machineUnknownKey: { code: 4001, severity: "error", text: "Unknown MACHINE setting '{0}'." },
  machineBadValue: { code: 4002, severity: "error", text: "Invalid MACHINE {0} '{1}': {2}" },
  machineBadCpus: { code: 4003, severity: "error", text: "MACHINE cpus must be a whole number from 1 to 512, not '{0}'." },
  machineUnsupportedArch: { code: 4004, severity: "error", text: "Unsupported architecture '{0}'.", hint: "Supported: {1}." },
  machineBadLaunch: { code: 4005, severity: "error", text: "MACHINE launch must be 'container' or 'vm', not '{0}'." },
  machineSetting: { code: 4006, severity: "error", text: "MACHINE settings are key=value words, not '{0}'." },
  kernelSource: { code: 4007, severity: "error", text: "KERNEL needs exactly one source: --distro=NAME:SUITE (with optional --package=NAME[=VERSION]) or --file=PATH." },
  badDistro: { code: 4008, severity: "error", text: "Invalid --distro '{0}': expected NAME:SUITE, e.g. debian:trixie." },
  unsupportedDistro: { code: 4009, severity: "error", text: "Unsupported distribution '{0}'.", hint: "Supported: debian." },
  packagesMissingDistro: { code: 4010, severity: "error", text: "PACKAGES needs --distro=NAME:SUITE (e.g. --distro=debian:bookworm)." },
  badPackageName: { code: 4011, severity: "error", text: "Invalid package '{0}': {1}" },
  networkMode: { code: 4012, severity: "error", text: "NETWORK must be 'none' or 'user', not '{0}'." },
  badPublish: { code: 4013, severity: "error", text: "Invalid PUBLISH '{0}': {1}" },
  publishWithoutNetwork: { code: 4014, severity: "error", text: "PUBLISH needs networking, but NETWORK is 'none'." },
  vmWithoutKernel: { code: 4015, severity: "warning", text: "MACHINE launch=vm but no KERNEL in this stage; the runner's default kernel for {0} will be used." },
  duplicatePackage: { code: 4016, severity: "warning", text: "Package '{0}' is listed more than once." },
  archMismatch: { code: 4017, severity: "error", text: "Architecture {0} conflicts with this stage's platform architecture {1} (from FROM --platform or --platform)." },

  // 5xxx — INCLUDE
  includeNotFound: { code: 5001, severity: "error", text: "Cannot read included file '{0}': {1}" },
  includeCycle: { code: 5002, severity: "error", text: "INCLUDE cycle: {0}." },
  includeDepth: { code: 5003, severity: "error", text: "INCLUDE nesting deeper than {0} levels." },
  includeArgs: { code: 5004, severity: "error", text: "INCLUDE takes exactly one path." },
  includeInOnbuild: { code: 5005, severity: "error", text: "INCLUDE cannot be used inside ONBUILD." },

  // 9xxx — the compiler itself
  internalError: { code: 9001, severity: "error", text: "Internal compiler error: {0}", hint: "This is a bug in vmspec (or in a SourceReader that threw); please report it with the spec." },
} as const satisfies Record<string, MessageDef & { retired?: boolean }>;

/** A catalogue key. */
export type MessageKey = keyof typeof messages;

/** Printed codes by catalogue key, made once (a code string per report was a fresh string). */
const CODES = new Map<MessageKey, string>(Object.entries(messages).map(([k, m]) => [k as MessageKey, `VS${m.code}`]));

/** The printed code of a catalogue entry, e.g. `VS1005`. */
export function codeOf(key: MessageKey): string {
  return CODES.get(key)!;
}

/**
 * A message text cut at its `{n}` placeholders: literal text at even indices, argument numbers at
 * odd ones. Cached per text (the catalogue's texts are few; a spec may report thousands of one).
 */
const templates = new Map<string, readonly (string | number)[]>();

function templateOf(text: string): readonly (string | number)[] {
  let parts = templates.get(text);
  if (parts === undefined) {
    const split = text.split(/\{(\d+)\}/);
    parts = split.map((p, i) => (i % 2 === 1 ? Number(p) : p));
    templates.set(text, parts);
  }
  return parts;
}

/** Substitutes `{0}`, `{1}`… in `text` with `args` (a placeholder without an argument stays). */
export function formatText(text: string, args: readonly (string | number)[]): string {
  const parts = templateOf(text);
  let out = parts[0] as string;
  for (let i = 1; i < parts.length; i += 2) {
    const v = args[parts[i] as number];
    out += (v === undefined ? `{${parts[i]}}` : String(v)) + (parts[i + 1] as string);
  }
  return out;
}
