// The prettier plugin / formatter: idempotent and meaning-preserving (same IR op ids, same IR apart
// from the source map) over every golden case and example and over generated specs; the
// canonical forms it prints; `vmspec fmt` and `--check`.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compile } from "../../compiler/compile.js";
import { formatSpec } from "../../tooling/prettier-plugin-vmspec/format.js";
import { prettierFormat } from "../../tooling/prettier-plugin-vmspec/prettier.js";
import { compileAs, corpus, meaningOf, opIds, repoRoot } from "./corpus.js";

const cases = corpus();
/**
 * Warnings the formatter fixes: VS1001 (empty continuation line) by dropping the line, VS1019
 * (ConsistentInstructionCasing) and VS1020 (FromAsCasing) by writing keywords and AS upper-case.
 */
const FIXED_CODES = new Set(["VS1001", "VS1019", "VS1020"]);
const codes = (ds: { code: string }[]) => ds.map((d) => d.code).filter((c) => !FIXED_CODES.has(c)).sort();

test("the corpus has every golden case and the examples", () => {
  assert.ok(cases.filter((c) => c.name.startsWith("golden/")).length >= 80);
  assert.ok(cases.some((c) => c.name === "examples/hello.vmspec"));
});

for (const c of cases) {
  test(`fmt ${c.name}: idempotent, same op ids, same IR, same diagnostics`, async () => {
    const once = await prettierFormat(c.text, c.path);
    const twice = await prettierFormat(once, c.path);
    assert.fixture(twice, once, "formatting twice differs from once");
    const r = formatSpec(c.text);
    assert.not.ok(r.unchanged, "the formatter gave up on this file");
    assert.equal(r.verbatim, [], "instructions printed verbatim (canonical form did not re-parse)");
    const a = compileAs(c, c.text);
    const b = compileAs(c, once);
    assert.equal(opIds(b.partialIr), opIds(a.partialIr));
    assert.equal(meaningOf(b.ir), meaningOf(a.ir));
    assert.equal(codes(b.diagnostics), codes(a.diagnostics));
  });
}

const fmt = (t: string) => formatSpec(t).text;

test("canonical keyword case, AS, HEALTHCHECK CMD/NONE; unknown keywords stay as written", () => {
  assert.is(fmt("from debian as Build\nrun echo hi\nhealthcheck --interval=5s cmd true\nfrobnicate x\n"),
    "FROM debian AS Build\nRUN echo hi\nHEALTHCHECK --interval=5s CMD true\nfrobnicate x\n");
  assert.is(fmt("from scratch\nonbuild   run  echo   a\n"), "FROM scratch\nONBUILD RUN echo   a\n");
});

test("flags: one space apart, canonical order, needless quotes removed, `--` kept", () => {
  assert.is(fmt('FROM scratch\nCOPY   --link  --chmod="755"   --from=build /a   /b\n'), "FROM scratch\nCOPY --from=build --chmod=755 --link /a /b\n");
  assert.is(fmt("FROM scratch\nCOPY -- --weird /d\n"), "FROM scratch\nCOPY -- --weird /d\n");
  assert.is(fmt('FROM scratch\nLABEL a="x y"\nRUN --mount=type=cache,target=/c --mount=type=tmpfs,target=/t true\n'),
    'FROM scratch\nLABEL a="x y"\nRUN --mount=type=cache,target=/c --mount=type=tmpfs,target=/t true\n');
});

test("JSON exec form spacing; invalid JSON stays shell form, as written", () => {
  assert.is(fmt('FROM scratch\nCMD [ "a" ,"b\\"c"]\nENTRYPOINT ["x"]   \nRUN [\'a\', \'b\']\n'),
    'FROM scratch\nCMD ["a", "b\\"c"]\nENTRYPOINT ["x"]\nRUN [\'a\', \'b\']\n');
  assert.is(fmt('FROM scratch\nCOPY ["a b",  "/c"]\nVOLUME [ "/v" ]\nSHELL ["/bin/bash","-c"]\n'),
    'FROM scratch\nCOPY ["a b", "/c"]\nVOLUME ["/v"]\nSHELL ["/bin/bash", "-c"]\n');
});

test("continuation lines are indented by four spaces; shell text keeps every character", () => {
  assert.is(fmt("FROM scratch\nCOPY a \\\n  b \\\n        /c\n"), "FROM scratch\nCOPY a \\\n    b \\\n    /c\n");
  // Shell text: the blanks around each break are kept, split between line end and indentation.
  assert.is(fmt("FROM scratch\nRUN echo a \\\n        b\n"), "FROM scratch\nRUN echo a     \\\n    b\n");
  assert.is(fmt("FROM scratch\nRUN --network=none \\\n  echo a \\\n    b\n"), "FROM scratch\nRUN --network=none \\\n    echo a \\\n    b\n");
});

test("comments (also inside continuations) and heredoc bodies are kept exactly", () => {
  const src = "# top\nFROM scratch\n   # indented\nRUN a \\\n# inside\n    b\nCOPY <<EOF  /x\n  keep   spaces  \n\tand tabs\nEOF\nRUN <<-A cat\n\t\tchomped\n\tA\n";
  assert.is(fmt(src), "# top\nFROM scratch\n# indented\nRUN a \\\n    # inside\n    b\nCOPY <<EOF /x\n  keep   spaces  \n\tand tabs\nEOF\nRUN <<-A cat\n\t\tchomped\n\tA\n");
});

test("blank lines collapse; a leading blank line before a directive-like comment is kept", () => {
  assert.is(fmt("\n\nFROM scratch\n\n\n\nRUN x\n\n\n"), "FROM scratch\n\nRUN x\n");
  // Without the blank line the comment would become a parser directive.
  assert.is(fmt("\n# escape=`\nFROM scratch\n"), "\n# escape=`\nFROM scratch\n");
  assert.is(fmt("#escape = `\nFROM scratch\nRUN a `\n  b\n"), "# escape=`\nFROM scratch\nRUN a `\n  b\n");
});

test("escape-only lines before a keyword are dropped (their comments move above); a keyword-less line stays as is", () => {
  assert.is(fmt("\\\nFROM scratch\n  \\\n# c\nrun \\\n  x\n"), "FROM scratch\n# c\nRUN \\\n    x\n");
  const odd = "FROM scratch\n\\\n    c\n";
  assert.ok(formatSpec(odd).unchanged);
  assert.is(fmt(odd), odd);
});

test("CRLF input becomes LF; prettier's endOfLine=crlf writes CRLF", async () => {
  assert.is(fmt("FROM scratch\r\nRUN x\r\n"), "FROM scratch\nRUN x\n");
  assert.is(await prettierFormat("from scratch\n", "a.vmspec", "crlf"), "FROM scratch\r\n");
});

// Generated specs: instruction lines built from pieces with random case, blanks, continuations,
// comments and heredocs. Each must format idempotently to the same op ids and IR.
const ws = fc.constantFrom(" ", "  ", "\t", " \t ");
const kwCase = (k: string) => fc.constantFrom(k, k.toLowerCase(), k[0] + k.slice(1).toLowerCase());
const word = fc.constantFrom("a", "/b", "c.txt", "$X", "${X:-d}", '"q r"', "'s t'", "x=y", "--", "#h", "e\\ f");
const line = fc.oneof(
  fc.tuple(kwCase("RUN"), fc.array(word, { minLength: 1, maxLength: 5 }), fc.boolean()).map(([k, ws, c]) => `${k} ${c ? ws.join(" \\\n  ") : ws.join("   ")}`),
  fc.tuple(kwCase("RUN"), fc.constantFrom("--network=none", "--mount=type=cache,target=/c", '--security="insecure"', "")).map(([k, f]) => `${k}  ${f}  echo  hi`),
  fc.tuple(kwCase("COPY"), fc.constantFrom("--link", "--chmod=644", "--from=0", "--chown=1:1", ""), fc.array(word, { minLength: 2, maxLength: 4 })).map(([k, f, w]) => `${k} ${f} ${w.join("  ")}`),
  fc.tuple(kwCase("CMD"), fc.array(fc.constantFrom("a", "b c", 'd"e', "\\", "ü"), { minLength: 1, maxLength: 3 })).map(([k, a]) => `${k} [ ${a.map((x) => JSON.stringify(x)).join(" ,")} ]`),
  fc.tuple(kwCase("ENV"), fc.array(fc.constantFrom("A=1", "B=\"two words\"", "C=$A"), { minLength: 1, maxLength: 3 })).map(([k, p]) => `${k} ${p.join("   ")}`),
  fc.tuple(kwCase("ENV"), fc.constantFrom("LEGACY value  with   spaces", "K v")).map(([k, v]) => `${k} ${v}`),
  fc.tuple(kwCase("LABEL"), fc.constantFrom("a=b", '"c d"=e \\\n   f=g')).map(([k, v]) => `${k} ${v}`),
  fc.tuple(kwCase("ARG"), fc.constantFrom("X", "X=1", "Y=2 Z")).map(([k, v]) => `${k} ${v}`),
  fc.tuple(kwCase("WORKDIR"), fc.constantFrom("/w", "/a b", "rel")).map(([k, v]) => `${k}   ${v}`),
  fc.tuple(kwCase("EXPOSE"), fc.constantFrom("80", "80/tcp  443")).map(([k, v]) => `${k} ${v}`),
  fc.tuple(kwCase("HEALTHCHECK"), fc.constantFrom("NONE", "--retries=3 cmd curl x", "CMD [\"a\"]")).map(([k, v]) => `${k} ${v}`),
  fc.tuple(kwCase("MACHINE"), fc.constantFrom("cpus=2 memory=1GiB", "disk=4G  arch=riscv64")).map(([k, v]) => `${k} ${v}`),
  fc.constantFrom("RUN <<EOF\n  body  \nEOF", "COPY <<A <<B /d/\na\nA\nb\nB", "# comment", "   # indented comment", "", "USER 1:1", "ONBUILD run echo x", "STOPSIGNAL SIGTERM"),
);
const spec = fc.tuple(fc.array(line, { maxLength: 8 }), ws, fc.boolean()).map(([ls, w, crlf]) => {
  const t = `ARG X=1\nFROM scratch\n${ls.map((l) => (l.length > 0 && !l.startsWith(" ") ? w.trimEnd() + l : l)).join("\n")}\n`;
  return crlf ? t.replace(/\n/g, "\r\n") : t;
});

test("property: generated specs format idempotently to the same op ids and IR", () => {
  fc.assert(
    fc.property(spec, (text) => {
      const once = fmt(text);
      assert.is(fmt(once), once);
      const a = compile("g.vmspec", text);
      const b = compile("g.vmspec", once);
      assert.equal(opIds(b.partialIr), opIds(a.partialIr));
      assert.equal(meaningOf(b.ir), meaningOf(a.ir));
    }),
    { numRuns: 400, seed: 8 },
  );
});

// Mutated golden cases: random insertions (escapes, quotes, heredoc markers, blanks, comments,
// CR LF, NBSP), deletions and upper-casing. The formatter never throws, is idempotent, and keeps
// every op id (also of specs with errors: their partial IR).
const seeds = cases.filter((c) => c.name.startsWith("golden/")).map((c) => c.text);
const PIECES = ["\\", "\\\n", "\n", " ", "\t", "#", '"', "'", "[", "]", ",", "--", "=", "$", "${", "}", "<<EOF", "\nEOF\n", "\r\n", "`", "\n\n", " \\\n# c\n", "as", "\u00a0", "-"];
const mutation = fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: PIECES.length - 1 }), fc.integer({ min: 1, max: 6 }));
const mutated = fc.tuple(fc.integer({ min: 0, max: seeds.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 })).map(([i, ms]) => {
  let t = seeds[i]!;
  for (const [at, op, piece, len] of ms) {
    const p = Math.floor(at * t.length);
    if (op === 0) t = t.slice(0, p) + PIECES[piece] + t.slice(p);
    else if (op === 1) t = t.slice(0, p) + t.slice(p + len);
    else t = t.slice(0, p) + t.slice(p, p + 8).toUpperCase() + t.slice(p + 8);
  }
  return t;
});

test("property: mutated golden cases format idempotently and keep their op ids", () => {
  fc.assert(
    fc.property(mutated, (text) => {
      const once = fmt(text);
      assert.is(fmt(once), once);
      assert.equal(opIds(compile("m.vmspec", once).partialIr), opIds(compile("m.vmspec", text).partialIr));
    }),
    { numRuns: 500, seed: 88 },
  );
});

test("vmspec fmt rewrites files, --check lists unformatted ones (exit 1), - uses stdin", () => {
  const dir = mkdtempSync(join(tmpdir(), "vmspec-fmt-"));
  try {
    const bin = join(repoRoot, "bin/vmspec.js");
    const ugly = join(dir, "ugly.vmspec");
    const tidy = join(dir, "Dockerfile");
    writeFileSync(ugly, "from scratch\nrun  echo hi\n");
    writeFileSync(tidy, "FROM scratch\n");
    let r = spawnSync("node", [bin, "fmt", "--check", ugly, tidy], { encoding: "utf8" });
    assert.is(r.status, 1);
    assert.is(r.stdout, `${ugly}\n`);
    assert.is(readFileSync(ugly, "utf8"), "from scratch\nrun  echo hi\n");
    r = spawnSync("node", [bin, "fmt", ugly, tidy], { encoding: "utf8" });
    assert.is(r.status, 0);
    assert.is(readFileSync(ugly, "utf8"), "FROM scratch\nRUN echo hi\n");
    assert.is(spawnSync("node", [bin, "fmt", "--check", ugly], { encoding: "utf8" }).status, 0);
    assert.is(execFileSync("node", [bin, "fmt", "-"], { input: "cmd [ 'x' ]\n", encoding: "utf8" }), "CMD [ 'x' ]\n");
    assert.is(spawnSync("node", [bin, "fmt"], { encoding: "utf8" }).status, 2);
    assert.is(spawnSync("node", [bin, "fmt", join(dir, "missing")], { encoding: "utf8" }).status, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
