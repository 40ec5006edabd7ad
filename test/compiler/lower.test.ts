// Lowering helpers with fast paths (WORKDIR resolution, SHELL argv, shell references, literal
// words, --mount without substitutions): each fast path gives what the general path gives.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { posix } from "node:path";
import { compile } from "../../compiler/compile.js";
import { resolveWorkdir, shellArgv } from "../../compiler/lower/config.js";
import { shellRefs } from "../../compiler/lower/scope.js";
import type { FileCopyOp, RunOp } from "../../compiler/ir/types.js";
import { opId } from "../../compiler/ir/canonical.js";
import { expandWord } from "../../compiler/words/expand.js";
import { parseExposeText } from "../../compiler/lower/values.js";
import { formatExposedPort, parseExposePort } from "../../compiler/values/ports.js";

/** resolveWorkdir's general path (join + normalize, no trailing `/`), the oracle for its fast paths. */
function resolveSlow(current: string, path: string): string {
  if (path === "") return current;
  const norm = posix.normalize(path.startsWith("/") ? path : posix.join(current, path));
  return norm.length > 1 && norm.endsWith("/") ? norm.slice(0, -1) : norm;
}

test("resolveWorkdir: clean paths, trailing slashes, `.` and `..`, relative to clean and unclean WORKDIRs", () => {
  const cases: [string, string, string][] = [
    ["/", "/app", "/app"],
    ["/", "/app/", "/app"],
    ["/app", "src", "/app/src"],
    ["/app", "src/", "/app/src"],
    ["/", "src/", "/src"],
    ["/app", ".", "/app"],
    ["/app", "./", "/app"],
    ["/", ".", "/"],
    ["/app", "..", "/"],
    ["/app", "./src", "/app/src"],
    ["/app", "/", "/"],
    ["/app", "//", "/"],
    ["/app", "/a//b/", "/a/b"],
    ["/app", "/a/./b", "/a/b"],
    ["/app", "/a/../b", "/b"],
    ["/app", ".hidden/", "/app/.hidden"],
    ["/app", "..x", "/app/..x"],
    ["/app", "", "/app"],
  ];
  for (const [cur, p, want] of cases) {
    assert.is(resolveWorkdir(cur, p), want, `${cur} + ${p}`);
    assert.is(resolveSlow(cur, p), want, `oracle: ${cur} + ${p}`);
  }
});

test("resolveWorkdir equals join + normalize on generated paths", () => {
  const segs = fc.array(fc.constantFrom("", ".", "..", "a", ".a", "..b", "b.", "...", "c d"), { maxLength: 6 }).map((s) => s.join("/"));
  const path = fc.tuple(fc.constantFrom("", "/", "//"), segs, fc.constantFrom("", "/", "//", "/.", "/..")).map(([a, b, c]) => a + b + c);
  fc.assert(
    fc.property(path, path, (cur, p) => {
      assert.is(resolveWorkdir(cur, p), resolveSlow(cur, p), `${JSON.stringify(cur)} + ${JSON.stringify(p)}`);
    }),
    { numRuns: 20000 },
  );
});

test("shellArgv appends the script to any SHELL, exactly sized", () => {
  assert.equal(shellArgv(["/bin/sh", "-c"], "echo hi"), ["/bin/sh", "-c", "echo hi"]);
  assert.equal(shellArgv(["pwsh", "-NoProfile", "-Command"], "dir"), ["pwsh", "-NoProfile", "-Command", "dir"]);
  assert.equal(shellArgv(["bash"], "x"), ["bash", "x"]);
  const shell = ["/bin/sh", "-c"];
  shellArgv(shell, "y").push("z");
  assert.equal(shell, ["/bin/sh", "-c"], "the SHELL itself is not modified");
});

test("shellRefs: names after `$` and `${`, none without `$`", () => {
  assert.equal([...shellRefs("echo hello")], []);
  assert.equal([...shellRefs("echo $A ${B_1} ${C:-x} $1 $$ ${")], ["A", "B_1", "C"]);
});

/** The run ops of the last stage of `spec`, and the diagnostics' messages. */
function runOps(spec: string): { ops: RunOp[]; messages: string[] } {
  const r = compile("t.vmspec", spec);
  const ir = r.partialIr!;
  const ops = ir.stages[ir.stages.length - 1]!.ops.filter((o): o is RunOp => o.kind === "run");
  return { ops, messages: r.diagnostics.map((d) => d.message) };
}

test("--mount: a value without `$`, quotes or escapes lowers like one whose substitutions give the same text", () => {
  const lit = runOps('FROM scratch\nWORKDIR /w\nRUN --mount=type=cache,target=cache,id=c1,sharing=locked true\n');
  const sub = runOps('FROM scratch\nARG T=cache\nWORKDIR /w\nRUN --mount=type=cache,target=$T,id=c1,sharing=locked true\n');
  assert.equal(lit.messages, []);
  assert.equal(sub.messages, []);
  assert.equal(lit.ops[0]!.mounts, sub.ops[0]!.mounts);
  assert.equal(lit.ops[0]!.mounts, [{ id: "c1", readonly: false, sharing: "locked", target: "/w/cache", type: "cache" }]);
});

test("--mount: from= with a variable is refused, a literal from= names a stage, a bad literal value is reported", () => {
  const variable = runOps("FROM scratch\nARG S=a\nRUN --mount=from=$S,target=/x true\n");
  assert.ok(variable.messages.includes("'from' of --mount cannot contain variables."), variable.messages.join("; "));
  assert.equal(variable.ops[0]!.mounts, []);
  const staged = runOps("FROM scratch AS a\nFROM scratch\nRUN --mount=from=a,target=/x true\n");
  assert.equal(staged.messages, []);
  assert.equal(staged.ops[0]!.mounts[0]!.from?.kind, "stage");
  assert.ok(runOps("FROM scratch\nRUN --mount=type=nope,target=/x true\n").messages.some((m) => m.includes("unsupported mount type")));
});

test("argEnv follows ARG declarations and ENV names that shadow them (cached between changes)", () => {
  const { ops } = runOps("FROM scratch\nARG A=1\nARG B=2\nRUN one $A $B\nENV C=3\nRUN two\nENV A=env\nRUN three\nENV A=env2 PATH=/x\nRUN four\nARG B=4\nRUN five\n");
  assert.equal(
    ops.map((o) => o.argEnv),
    [["A=1", "B=2"], ["A=1", "B=2"], ["B=2"], ["B=2"], ["B=4"]],
  );
  assert.equal(ops[3]!.env, ["PATH=/x", "C=3", "A=env2"]);
});

test("parseExposeText: the plain-port fast path gives what parsing and formatting give", () => {
  /** parseExposeText's general path. */
  const general = (text: string): unknown => {
    const r = parseExposePort(text);
    if (!r.ok) return "error";
    if (r.value.start === 0 || r.value.end - r.value.start >= 4096) return "error";
    const out: string[] = [];
    for (let p = r.value.start; p <= r.value.end; p++) out.push(formatExposedPort({ start: p, end: p, protocol: r.value.protocol }));
    return out;
  };
  const fast = (text: string): unknown => {
    const r = parseExposeText(text);
    return r.ok ? r.value : "error";
  };
  for (const t of ["80", "8080/tcp", "53/udp", "132/sctp", "65535", "65536", "0", "080", "00", "80/TCP", "80/", "80//tcp", "80/tcp/x", "1-3/udp", "8080:80", "/tcp", "", "123456"]) {
    assert.equal(fast(t), general(t), JSON.stringify(t));
  }
  const word = fc.array(fc.constantFrom("0", "1", "5", "6", "9", "65535", "65536", "/", "tcp", "udp", "sctp", "TCP", "-", ":", "x"), { maxLength: 6 }).map((a) => a.join(""));
  fc.assert(fc.property(word, (t) => assert.equal(fast(t), general(t), JSON.stringify(t))), { numRuns: 20000 });
});

test("a word starting with a byte order mark loses it whether or not it has a substitution (as expandWord does)", () => {
  const r = compile("t.vmspec", "FROM scratch\nARG C=c\nENV A=\ufeffx B=\ufeff$C D=x\ufeffy\nWORKDIR \ufeffdir\n");
  // The path is relative once the mark is gone (BuildKit's WorkdirRelativePath warns of that).
  assert.equal(r.diagnostics.map((d) => d.code), ["VS3015"]);
  const st = r.ir!.stages[0]!;
  assert.equal(st.config.env.slice(1), ["A=x", "B=c", "D=x\ufeffy"]);
  assert.is(st.config.workdir, "/dir");
});

test("env lists: definition order kept when a name is set again, values as last set, per stage", () => {
  const r = compile("t.vmspec", "FROM scratch AS a\nENV A=1 B=2\nRUN one\nENV A=3 C=4\nRUN two\nFROM a\nENV B=5\nRUN three\n");
  const runs = r.ir!.stages.flatMap((s) => s.ops.filter((o): o is RunOp => o.kind === "run"));
  assert.equal(
    runs.map((o) => o.env.slice(1)),
    [["A=1", "B=2"], ["A=3", "B=2", "C=4"], ["A=3", "B=5", "C=4"]],
  );
  assert.equal(r.ir!.stages[0]!.config.env.slice(1), ["A=3", "B=2", "C=4"]);
});

test("expandWord lists each referenced name once, in order, also past the set threshold", () => {
  const names = Array.from({ length: 12 }, (_, i) => `V${i}`);
  const text = [...names, ...names.slice().reverse(), "V3"].map((n) => `$${n}`).join("-");
  const r = expandWord(text, { get: (n) => n.toLowerCase() }, "\\");
  assert.equal(r.refs, names);
  assert.is(r.value, [...names, ...names.slice().reverse(), "V3"].map((n) => n.toLowerCase()).join("-"));
});

/** The copy/add ops of compiling `text`, and its diagnostics' messages. */
function copyOps(text: string): { ops: FileCopyOp[]; messages: string[] } {
  const r = compile("t.vmspec", text);
  const ops = (r.partialIr?.stages ?? []).flatMap((s) => s.ops.filter((o): o is FileCopyOp => o.kind === "copy" || o.kind === "add"));
  return { ops, messages: r.diagnostics.map((d) => d.message) };
}

test("COPY/ADD flags: a repeated flag is reported and its first value kept, a bare flag is true, keys `id` first then sorted, chown sides as given", () => {
  const { ops, messages } = copyOps(
    [
      "FROM scratch",
      "COPY a /d/",
      "COPY --chmod=600 --chmod=644 --link --parents=false a /d",
      "COPY --chown=app b /d",
      "COPY --chown=:grp --link=false --link=true b /d",
      "COPY --chown=1:2 --chmod=u+x --exclude=*.md --exclude=x c /d",
      "COPY --chown=5 --chown=u:g --parents c /d",
      "COPY --chown=u:g --parents=true c /d",
      "ADD --unpack=false --keep-git-dir=true --checksum=sha256:" + "a".repeat(64) + " --chmod=755 --chown=u http://h/x.git /d",
      "",
    ].join("\n"),
  );
  // Repeating a flag is reported (the AST keeps the first); the partial IR shows what is lowered.
  assert.equal(messages, ["Duplicate flag specified: --chmod.", "Duplicate flag specified: --link.", "Duplicate flag specified: --chown."]);
  const want: Record<string, unknown>[] = [
    { dest: "/d/", exclude: [], link: false, parents: false },
    { chmod: 0o600, dest: "/d", exclude: [], link: true, parents: false },
    { chown: { user: { name: "app" } }, dest: "/d", exclude: [], link: false, parents: false },
    { chown: { group: { name: "grp" } }, dest: "/d", exclude: [], link: false, parents: false },
    { chmod: "u+x", chown: { group: { id: 2 }, user: { id: 1 } }, dest: "/d", exclude: ["*.md", "x"], link: false, parents: false },
    { chown: { user: { id: 5 } }, dest: "/d", exclude: [], link: false, parents: true },
    { chown: { group: { name: "g" }, user: { name: "u" } }, dest: "/d", exclude: [], link: false, parents: true },
    {
      checksum: "sha256:" + "a".repeat(64), chmod: 0o755, chown: { user: { name: "u" } }, dest: "/d", exclude: [],
      keepGitDir: true, link: false, parents: false, unpack: false,
    },
  ];
  assert.is(ops.length, want.length);
  ops.forEach((op, i) => {
    const { id, from, inputs, kind, sources, ...rest } = op;
    assert.is(id, opId(op), `op ${i}: id`);
    assert.equal(from, { kind: "context" });
    assert.is(kind, i === want.length - 1 ? "add" : "copy");
    assert.is(inputs.length, 1);
    assert.is(sources.length, 1);
    assert.equal(rest, want[i], `op ${i}`);
    const keys = Object.keys(op);
    assert.equal(keys, ["id", ...keys.slice(1).sort()], `op ${i}: key order`);
    if (op.chown !== undefined) assert.equal(Object.keys(op.chown), Object.keys(op.chown).sort(), `op ${i}: chown key order`);
  });
});

test.run();
