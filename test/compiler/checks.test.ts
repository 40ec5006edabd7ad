// Build checks (compiler/diagnostics/checks.ts): the `# check` directive and the
// BUILDKIT_DOCKERFILE_CHECK build arg drop or escalate exactly the warnings that are BuildKit rules.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { compile, type CompileOptions, type SourceReader } from "../../compiler/compile.js";
import { BUILDKIT_CHECK_RULES, CHECK_BUILD_ARG } from "../../compiler/diagnostics/checks.js";
import { formatText, messages, type MessageDef } from "../../compiler/diagnostics/messages.js";

/** A spec with one warning of each implemented rule, a vmspec-only warning (VS3006) and no error. */
const BODY = "FROM scratch\nMAINTAINER me\nRUN a \\\n\n  b\nENV A=$NOPE\nARG UNUSED\n";

const run = (directive: string | null, options: CompileOptions = {}, body = BODY, reader?: SourceReader) =>
  compile("s.vmspec", (directive === null ? "" : `# check=${directive}\n`) + body, options, reader);
const summary = (r: ReturnType<typeof run>) => r.diagnostics.map((d) => `${d.severity} ${d.code}`);

test("without a configuration every check warning is reported", () => {
  assert.equal(summary(run(null)), ["warning VS1014", "warning VS1001", "warning VS3007", "warning VS3006"]);
});

test("skip= drops the named rules only; skip=all drops every check warning, never VS3006", () => {
  assert.equal(summary(run("skip=MaintainerDeprecated, UndefinedVar")), ["warning VS1001", "warning VS3006"]);
  assert.equal(summary(run("skip=all")), ["warning VS3006"]);
  // 'all' counts only as the whole value (BuildKit): in a list it is an unknown rule name.
  assert.equal(summary(run("skip=all,UndefinedVar")), ["warning VS1018", "warning VS1014", "warning VS1001", "warning VS3006"]);
});

test("error=true turns the remaining check warnings into errors and fails the compile", () => {
  const r = run("skip=NoEmptyContinuation;error=true");
  assert.equal(summary(r), ["error VS1014", "error VS3007", "warning VS3006"]);
  assert.ok(r.hasErrors);
  assert.is(r.ir, null);
  assert.match(r.diagnostics[0]!.hint!, /Build check MaintainerDeprecated, an error because of error=true/);
  // Go's strconv.ParseBool spellings, as BuildKit accepts them.
  for (const t of ["1", "t", "T", "TRUE", "True"]) assert.ok(run(`error=${t}`).hasErrors, t);
  for (const f of ["0", "f", "F", "FALSE", "False", "false"]) assert.not.ok(run(`error=${f}`).hasErrors, f);
  // With no check warning left, error=true changes nothing.
  assert.not.ok(run("skip=all;error=true").hasErrors);
});

test("errors and vmspec-only warnings are never affected", () => {
  const r = run("skip=all;error=true", {}, "FROM scratch\nBOGUS x\nARG UNUSED\nPACKAGES --distro=debian:trixie curl curl\n");
  assert.equal(summary(r), ["error VS1008", "warning VS3006", "warning VS4016"]);
});

test("the build arg replaces the directive entirely, even when empty, and is not an unused build arg", () => {
  const over = (v: string) => run("skip=all;error=true", { buildArgs: { [CHECK_BUILD_ARG]: v } });
  assert.equal(summary(over("skip=MaintainerDeprecated;error=false")), ["warning VS1001", "warning VS3007", "warning VS3006"]);
  assert.equal(summary(over("")), ["warning VS1014", "warning VS1001", "warning VS3007", "warning VS3006"]);
  assert.equal(summary(over("error=true")), ["error VS1014", "error VS1001", "error VS3007", "warning VS3006"]);
  // A malformed directive is not even read when the build arg is given (BuildKit never parses it).
  assert.equal(summary(run("bogus", { buildArgs: { [CHECK_BUILD_ARG]: "skip=all" } })), ["warning VS3006"]);
  // A malformed build arg is an error at the start of the root spec, and nothing is applied.
  const bad = run(null, { buildArgs: { [CHECK_BUILD_ARG]: "skip=all;error=maybe" } });
  assert.equal(summary(bad), ["error VS1017", "warning VS1014", "warning VS1001", "warning VS3007", "warning VS3006"]);
  assert.equal([bad.diagnostics[0]!.offset, bad.diagnostics[0]!.length], [0, 0]);
  assert.match(bad.diagnostics[0]!.message, /--build-arg BUILDKIT_DOCKERFILE_CHECK: error must be true or false, not 'maybe'/);
});

test("malformed directive values: one VS1017 per bad option, with its exact span; nothing is applied", () => {
  const value = "skp=all;error=yes;;oops; =x";
  const r = run(value);
  const at = "# check=".length;
  const errs = r.diagnostics.filter((d) => d.code === "VS1017").map((d) => [d.offset - at, d.length]);
  assert.equal(errs, [[0, 3], [14, 3], [17, 1], [19, 4], [25, 1]]);
  assert.equal(r.diagnostics.find((d) => d.code === "VS1017")!.hint, "Did you mean skip? The options are skip, error and experimental.");
  assert.ok(r.diagnostics.some((d) => d.code === "VS1014" && d.severity === "warning"));
});

test("unknown rule names warn with did-you-mean and exact spans; known-but-unimplemented names are accepted", () => {
  const r = run("skip= undefinedvar ,JSONArgsRecommended,Nope;experimental=CopyIgnoredFile,Nope2");
  const unknown = r.diagnostics.filter((d) => d.code === "VS1018");
  assert.equal(
    unknown.map((d) => [d.message, d.offset, d.length, d.hint]),
    [
      ["Unknown build check rule 'undefinedvar' in the '# check' directive; it is ignored.", 14, 12, "Did you mean UndefinedVar?"],
      ["Unknown build check rule 'Nope' in the '# check' directive; it is ignored.", 48, 4, messages.checkUnknownRule.hint],
      ["Unknown build check rule 'Nope2' in the '# check' directive; it is ignored.", 82, 5, messages.checkUnknownRule.hint],
    ],
  );
  // Rule names are case-sensitive, as in BuildKit: `undefinedvar` does not skip UndefinedVar.
  assert.ok(r.diagnostics.some((d) => d.code === "VS3007"));
});

test("the root spec's directive governs INCLUDEd files; an included file's own directive has no effect", () => {
  const reader: SourceReader = { read: (p) => (p === "inc.inc" ? { ok: true, text: "# check=error=true\nMAINTAINER x\nENV B=$NOPE\n" } : { ok: false, message: "ENOENT" }) };
  const r = run("skip=MaintainerDeprecated", {}, "FROM scratch\nINCLUDE inc.inc\n", reader);
  assert.equal(r.diagnostics.map((d) => `${d.file} ${d.severity} ${d.code}`), ["inc.inc warning VS3007"]);
});

test("directive keys are case-insensitive, values are not; CRLF and a BOM are fine", () => {
  assert.equal(summary(compile("s.vmspec", "\ufeff# CHECK = skip=all\r\n" + BODY.replace(/\n/g, "\r\n"), {})), ["warning VS3006"]);
  assert.equal(summary(run("Skip=all")).slice(0, 1), ["error VS1017"]);
});

test("the catalogue names only real BuildKit rules, each once", () => {
  const rules = Object.values(messages as Record<string, MessageDef>).flatMap((m) => (m.rule === undefined ? [] : [m.rule]));
  assert.equal(rules.sort(), [
    "ConsistentInstructionCasing",
    "ExposeInvalidFormat",
    "ExposeProtoCasing",
    "FromAsCasing",
    "FromPlatformFlagConstDisallowed",
    "JSONArgsRecommended",
    "LegacyKeyValueFormat",
    "MaintainerDeprecated",
    "MultipleInstructionsDisallowed",
    "NoEmptyContinuation",
    "RedundantTargetPlatform",
    "ReservedStageName",
    "SecretsUsedInArgOrEnv",
    "StageNameCasing",
    "UndefinedVar",
    "WorkdirRelativePath",
  ]);
  for (const r of rules) assert.ok(BUILDKIT_CHECK_RULES.includes(r), r);
  for (const m of Object.values(messages as Record<string, MessageDef>)) if (m.rule !== undefined) assert.is(m.severity, "warning");
});

test("HEALTHCHECK CONNECT (any case) is its own error", () => {
  const r = compile("s.vmspec", "FROM scratch\nHEALTHCHECK Connect x\n", {});
  assert.equal(summary(r), ["error VS2028"]);
  assert.equal([r.diagnostics[0]!.offset, r.diagnostics[0]!.length], [25, 7]);
});

test("random check values never throw and give in-range spans", () => {
  const part = fc.oneof(
    fc.constantFrom("skip=", "error=", "experimental=", "all", "true", "false", ";", ",", " ", "=", "UndefinedVar", "Undefinedvar", "\t", "x"),
    fc.string({ maxLength: 6 }),
  );
  fc.assert(
    fc.property(fc.array(part, { minLength: 1, maxLength: 12 }), fc.boolean(), (parts, viaArg) => {
      const v = parts.join("").replace(/[\r\n]/g, "");
      const text = viaArg ? BODY : `# check=${v}\n${BODY}`;
      const r = compile("s.vmspec", text, viaArg ? { buildArgs: { [CHECK_BUILD_ARG]: v } } : {});
      for (const d of r.diagnostics) assert.ok(d.offset >= 0 && d.offset + d.length <= text.length, `${d.code} ${d.offset}+${d.length}`);
      assert.is(r.ir === null, r.hasErrors);
    }),
    { numRuns: 300, seed: 11 },
  );
});


test("ConsistentInstructionCasing counts each file on its own, and ONBUILD's keyword as written", () => {
  const files: Record<string, string> = { "lower.inc": "run echo a\nenv A=1\n" };
  const reader: SourceReader = { read: (p) => (p in files ? { ok: true, text: files[p]! } : { ok: false, message: "none" }) };
  // The root is upper case and the included file lower case: each is consistent by itself.
  const r = compile("root.vmspec", "FROM scratch\nINCLUDE lower.inc\nCMD [\"x\"]\n", {}, reader);
  assert.equal(r.diagnostics, []);
  // A lower-case ONBUILD (built when loaded) is in the minority of an upper-case file.
  const o = compile("o.vmspec", "FROM scratch\nonbuild RUN x\nRUN y\n");
  assert.equal(o.diagnostics.map((d) => [d.code, d.offset, d.length]), [["VS1019", 13, 7]]);
  // A tie goes to upper case; a mixed-case keyword is reported whatever the majority.
  const t = compile("t.vmspec", "FROM scratch\nrun x\nRun y\n");
  assert.equal(t.diagnostics.map((d) => [d.code, d.offset]), [["VS1019", 13], ["VS1019", 19]]);
});

test("the new build checks obey skip= and error= like the others", () => {
  const text = "FROM scratch AS Base\nCMD echo hi\nCMD echo again\n";
  assert.equal(summary(compile("s.vmspec", text)), ["warning VS2029", "warning VS3014", "warning VS3013", "warning VS3013"]);
  assert.equal(summary(compile("s.vmspec", "# check=skip=JSONArgsRecommended,StageNameCasing\n" + text)), ["warning VS3014"]);
  const e = compile("s.vmspec", "# check=error=true\n" + text);
  assert.ok(e.hasErrors);
  assert.equal(summary(e), ["error VS2029", "error VS3014", "error VS3013", "error VS3013"]);
});

test("formatText substitutes like a regex replace of {n}, for every catalogue text and random ones", () => {
  const reference = (text: string, args: readonly (string | number)[]) =>
    text.replace(/\{(\d+)\}/g, (m, i: string) => (args[Number(i)] === undefined ? m : String(args[Number(i)])));
  const texts = Object.values(messages as Record<string, MessageDef>).flatMap((m) => (m.hint === undefined ? [m.text] : [m.text, m.hint]));
  for (const text of texts) for (const args of [[], ["a"], ["a", 2, "$1 {0}"]]) assert.is(formatText(text, args), reference(text, args), text);
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.constantFrom("{0}", "{1}", "{12}", "{", "}", "{x}"), fc.string({ maxLength: 4 }))), fc.array(fc.oneof(fc.string({ maxLength: 3 }), fc.integer())), (parts, args) => {
      const text = parts.join("");
      assert.is(formatText(text, args), reference(text, args));
      assert.is(formatText(text, args), reference(text, args), "a cached template gives the same");
    }),
    { numRuns: 500, seed: 5 },
  );
});

test.run();
