// BuildKit's build checks (its linter's rules; DOCKERFILE.md D4) that need a stage's history: a
// warning for each, with BuildKit's rule name, so `# check=skip=…;error=…` and
// BUILDKIT_DOCKERFILE_CHECK govern them (compiler/diagnostics/checks.ts). Lowering calls
// `startStage` after each FROM and `instruction` before lowering each of the stage's instructions;
// `casing` runs once per file. The per-instruction work is a switch and a few comparisons, about
// 3 ms of bench/compile's generated spec; its 4,999 MultipleInstructionsDisallowed warnings (5,000
// CMDs in one stage) cost more, ~5 ms, all in reporting them.
import type { LoadedFile } from "../ast/build.js";
import { VALID_STAGE_NAME } from "../ast/from.js";
import type { FromNode, Instruction, Span, Word } from "../ast/types.js";
import { SpannedWord } from "../ast/word.js";
import type { LowerContext } from "./context.js";
import type { StageState } from "./stage.js";
import { parsePlatformText } from "./values.js";

/** What the checks remember of one stage. */
interface StageChecks {
  /** A SHELL was set in this stage or a stage it is built FROM: shell-form CMD is then deliberate. */
  shellSet: boolean;
  /** A WORKDIR was set (only the first, if relative, is reported: fixing it fixes the rest). */
  workdirSet: boolean;
  /** Keyword spans of this stage's last CMD, ENTRYPOINT and HEALTHCHECK (a later one replaces it). */
  last: { cmd: Span | null; entrypoint: Span | null; healthcheck: Span | null };
}

/** The keywords the checks name in their messages, by node kind. */
const KEYWORD = { cmd: "CMD", entrypoint: "ENTRYPOINT", healthcheck: "HEALTHCHECK" } as const;

/** Names BuildKit reserves: `FROM scratch` and `--from=context` never mean a stage. */
const RESERVED_STAGE_NAMES = new Set(["scratch", "context"]);

/**
 * SecretsUsedInArgOrEnv: a name with one of these words (`_`-separated, any case) suggests a
 * secret, unless it also has an allowed word (`PUBLIC_KEY`, `KEY_FILE`). BuildKit's word lists.
 */
const SECRET_WORD = /(?:^|_)(?:apikey|auth|credentials?|key|password|pword|passwd|secret|token)(?:_|$)/i;
const NOT_SECRET_WORD = /(?:^|_)(?:public|file|version)(?:_|$)/i;

export class BuildChecks {
  /** Per lowered stage, by index (a stage built FROM another starts from a copy of its state). */
  private readonly stages: StageChecks[] = [];
  private current: StageChecks = newStageChecks();
  /** The stage being lowered (its scope expands a WORKDIR path). */
  private stage: StageState | null = null;

  constructor(private readonly ctx: LowerContext) {}

  /** Checks `st`'s FROM and starts tracking the stage. */
  startStage(st: StageState): void {
    const base = st.base.kind === "stage" ? this.stages[st.base.stage] : undefined;
    this.current = newStageChecks();
    if (base !== undefined) {
      this.current.shellSet = base.shellSet;
      this.current.workdirSet = base.workdirSet;
    }
    this.stages[st.index] = this.current;
    this.stage = st;
    this.checkFrom(st.from);
  }

  /** Checks one instruction of the current stage (before it is lowered). */
  instruction(n: Instruction): void {
    const ctx = this.ctx;
    const cur = this.current;
    switch (n.kind) {
      case "cmd":
      case "entrypoint":
        if (n.command === null) return;
        this.replaces(n.kind, n.keywordSpan);
        // BuildKit: only when no SHELL applies (in this stage, its base stages or the base image's
        // config, which the compiler cannot see).
        if (n.command.form === "shell" && !cur.shellSet) ctx.report("jsonArgsRecommended", n.command.span, [KEYWORD[n.kind]]);
        return;
      case "healthcheck":
        this.replaces("healthcheck", n.keywordSpan);
        return;
      case "shell":
        cur.shellSet = true;
        return;
      case "workdir":
        if (!cur.workdirSet && n.value !== null) {
          cur.workdirSet = true;
          // Expanded as lowering will (the bag drops the repeated diagnostics), unless plainly absolute.
          const path = n.value.text.startsWith("/") ? n.value.text : ctx.expand(n.value, this.stage!.scope);
          if (path !== null && !path.startsWith("/")) ctx.report("workdirRelative", n.value, [path]);
        }
        return;
      case "env":
      case "label":
        if (n.pairs.length === 1 && isLegacyPair(ctx, n.pairs[0]!.key, n.pairs[0]!.value)) {
          const p = n.pairs[0]!;
          const end = p.value === null ? p.key.offset + p.key.length : p.value.offset + p.value.length;
          ctx.report("legacyKeyValue", { file: p.key.file, offset: p.key.offset, length: end - p.key.offset }, [n.keyword]);
        }
        if (n.kind === "env") for (const p of n.pairs) this.secretName("ENV", p.key);
        return;
      case "arg":
        for (const p of n.pairs) this.secretName("ARG", p.key);
        return;
      case "expose":
        for (const w of n.items) checkExposeWord(ctx, w);
        return;
      default:
        return;
    }
  }

  /** MultipleInstructionsDisallowed: reported at the earlier instruction, which has no effect. */
  private replaces(kind: keyof StageChecks["last"], span: Span): void {
    // Every replaced one is reported, as BuildKit does (a generated spec may have thousands).
    const prev = this.current.last[kind];
    if (prev !== null) this.ctx.report("multipleInstructions", prev, [KEYWORD[kind]]);
    this.current.last[kind] = span;
  }

  private secretName(instruction: string, key: Word): void {
    const name = key.text;
    if (SECRET_WORD.test(name) && !NOT_SECRET_WORD.test(name)) this.ctx.report("secretInArgOrEnv", key, [instruction, name]);
  }

  /** StageNameCasing, ReservedStageName, FromAsCasing, RedundantTargetPlatform, FromPlatformFlagConstDisallowed. */
  private checkFrom(from: FromNode): void {
    const ctx = this.ctx;
    const name = from.stageName;
    if (name !== null) {
      const lower = name.text.toLowerCase();
      // An invalid name is an error already (VS2010).
      if (name.text !== lower && VALID_STAGE_NAME.test(lower)) ctx.report("stageNameCasing", name, [name.text, lower]);
      if (RESERVED_STAGE_NAMES.has(lower)) ctx.report("reservedStageName", name, [lower]);
      const as = asKeyword(ctx, from, name);
      if (as !== null) {
        const fromWord = from.word;
        const fromLower = fromWord === fromWord.toLowerCase();
        const fromUpper = fromWord === fromWord.toUpperCase();
        // A mixed-case FROM is ConsistentInstructionCasing's to report, not this rule's.
        if ((fromLower && as.text !== as.text.toLowerCase()) || (fromUpper && as.text !== as.text.toUpperCase())) {
          ctx.report("fromAsCasing", as, [as.text, fromWord]);
        }
      }
    }
    for (const f of from.flags) {
      if (f.name !== "platform" || f.value === null) continue;
      const v = f.value;
      if (v === "$TARGETPLATFORM" || v === "${TARGETPLATFORM}") {
        ctx.report("redundantTargetPlatform", f, [v]);
      } else if (!v.includes("$")) {
        const p = parsePlatformText(v);
        // A stage named after its platform (`AS build-arm64`) fixes it on purpose.
        const stage = name?.text.toLowerCase() ?? "";
        if (p.ok && !stage.includes(p.value.os) && !stage.includes(p.value.architecture)) ctx.report("constPlatform", f, [v, p.value.architecture]);
      }
    }
  }

  /**
   * ConsistentInstructionCasing for one file: every instruction keyword should be in the case of
   * the majority (all-upper or all-lower keywords; upper wins a tie). A mixed-case keyword (`Run`)
   * is never right. Reads the keywords as written without building the instructions.
   */
  static casing(ctx: LowerContext, file: LoadedFile): void {
    let upper = 0;
    let lower = 0;
    let odd = false;
    for (let i = 0; i < file.length; i++) {
      const w = file.spelling(i);
      if (w === null) upper++; // the usual upper-case spelling
      else if (w === w.toLowerCase()) lower++;
      else if (w === w.toUpperCase()) upper++;
      else odd = true;
    }
    if (!odd && (upper === 0 || lower === 0)) return;
    const majorityLower = lower > upper;
    const want = majorityLower ? "lowercase" : "uppercase";
    for (let i = 0; i < file.length; i++) {
      const w = file.spelling(i) ?? file.keyword(i);
      if (w === (majorityLower ? w.toLowerCase() : w.toUpperCase())) continue;
      ctx.report("inconsistentCasing", file.keywordSpan(i), [w, want]);
    }
  }
}

function newStageChecks(): StageChecks {
  return { shellSet: false, workdirSet: false, last: { cmd: null, entrypoint: null, healthcheck: null } };
}

/**
 * LegacyKeyValueFormat: `ENV NAME value` instead of `ENV NAME=value`. In the `=` form the text
 * between the name and its value is the `=`; in the legacy form it is blanks (or a line
 * continuation).
 */
function isLegacyPair(ctx: LowerContext, key: Word, value: Word | null): boolean {
  const text = ctx.files[key.file]?.text;
  if (text === undefined) return false;
  const keyEnd = key.offset + key.length;
  if (value === null) return text.charCodeAt(keyEnd) !== 61; /* = */
  return !text.slice(keyEnd, value.offset).includes("=");
}

/**
 * The `AS` word of `FROM image AS name`, as written: the word before the stage name in the source.
 * Null if it cannot be read there (a continuation line between the two).
 */
function asKeyword(ctx: LowerContext, from: FromNode, name: Word): Word | null {
  const text = ctx.files[name.file]?.text;
  if (text === undefined) return null;
  let e = name.offset;
  while (e > 0 && (text.charCodeAt(e - 1) === 32 || text.charCodeAt(e - 1) === 9)) e--;
  const s = e - 2;
  if (s < from.span.offset || text.slice(s, e).toLowerCase() !== "as") return null;
  return new SpannedWord(text.slice(s, e), name.file, s, 2);
}

/** ExposeProtoCasing (`80/TCP`) and ExposeInvalidFormat (`127.0.0.1:80:80`, `8080:80`). */
function checkExposeWord(ctx: LowerContext, w: Word): void {
  const t = w.text;
  const slash = t.lastIndexOf("/");
  if (slash >= 0) {
    const proto = t.slice(slash + 1);
    if (proto !== proto.toLowerCase()) ctx.report("exposeProtoCasing", w, [t, t.slice(0, slash + 1) + proto.toLowerCase()]);
  }
  const colon = t.lastIndexOf(":");
  if (colon >= 0 && !t.includes("$")) ctx.report("exposeInvalidFormat", w, [t, t.slice(colon + 1)]);
}
