// The compile/check/test commands through the real `vmspec` binary: outputs, formats, exit codes.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { execa } from "execa";
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const bin = new URL("../../../bin/vmspec.js", import.meta.url).pathname;
const run = (args: string[], cwd?: string) => execa("node", [bin, ...args], { reject: false, cwd });
/** Asserts an exit code, showing the command's output when it differs. */
const exits = async (p: ReturnType<typeof run>, code: number) => {
  const r = await p;
  assert.is(r.exitCode, code, `exit ${r.exitCode}, expected ${code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
};
const dir = mkdtempSync(join(tmpdir(), "vmspec-cli-"));
const good = join(dir, "good.vmspec");
const bad = join(dir, "bad.vmspec");
writeFileSync(good, "FROM scratch AS a\nARG V=1\nENV V=$V\nFROM a\nCMD [\"x\"]\n");
writeFileSync(bad, "FROM scratch\nRUNN x\nMACHINE memory=12XB\n");

test("compile prints IR JSON and exits 0", async () => {
  const r = await run(["compile", good]);
  assert.is(r.exitCode, 0, r.stderr);
  const ir = JSON.parse(r.stdout);
  assert.is(ir.irVersion, 2);
  assert.is(ir.stages.length, 2);
});

test("compile -o writes the file; --target and --build-arg apply", async () => {
  const out = join(dir, "out.json");
  const r = await run(["compile", good, "-o", out, "--target", "a", "--build-arg", "V=2"]);
  assert.is(r.exitCode, 0, r.stderr);
  const ir = JSON.parse(readFileSync(out, "utf8"));
  assert.is(ir.target, 0);
  assert.ok(ir.stages[0].config.env.includes("V=2"));
});

test("compile --emit ast prints instructions with keyword, flags and spans", async () => {
  const r = await run(["compile", good, "--emit", "ast"]);
  const ast = JSON.parse(r.stdout);
  assert.is(ast[0].path, good);
  assert.is(ast[0].instructions[0].keyword, "FROM");
  assert.ok(ast[0].instructions[0].span.length > 0);
});

test("errors: tsc-style lines with underline, exit 1, no IR on stdout", async () => {
  const r = await run(["compile", bad]);
  assert.is(r.exitCode, 1);
  assert.is(r.stdout, "");
  assert.match(r.stderr, /bad\.vmspec\(2,1\): error VS1008: Unknown instruction 'RUNN'\./);
  assert.match(r.stderr, /\n {4}RUNN x\n {4}~~~~\n/);
  assert.match(r.stderr, /hint: Did you mean RUN\?/);
  assert.match(r.stderr, /error VS4002: Invalid MACHINE memory '12XB'/);
  assert.match(r.stderr, /Found 2 errors and 0 warnings\./);
});

test("--format json gives line, column, code, span", async () => {
  const r = await run(["check", bad, "--format", "json"]);
  assert.is(r.exitCode, 1, r.stderr);
  const d = JSON.parse(r.stdout);
  assert.equal(
    d.map((x: { code: string; line: number; column: number }) => [x.code, x.line, x.column]),
    [["VS1008", 2, 1], ["VS4002", 3, 9]],
  );
});

test("--format json names the BuildKit rule of a build-check warning, and of nothing else", async () => {
  const f = join(dir, "rules.vmspec");
  writeFileSync(f, "FROM scratch\nRUNN x\nCMD echo hi\n");
  const r = await run(["check", f, "--format", "json"]);
  assert.is(r.exitCode, 1, r.stderr);
  const d = JSON.parse(r.stdout) as { code: string; rule?: string }[];
  assert.equal(d.map((x) => [x.code, x.rule ?? null]), [["VS1008", null], ["VS3013", "JSONArgsRecommended"]]);
  assert.not.ok("rule" in d[0]!, "an error has no rule field");
});

test("check several files: exit 1 if any has errors, 0 otherwise", async () => {
  const ok = await run(["check", good]);
  assert.is(ok.exitCode, 0, ok.stderr);
  const both = await run(["check", good, bad]);
  assert.is(both.exitCode, 1, both.stderr);
});

test("usage errors exit 2", async () => {
  await exits(run(["compile"]), 2);
  await exits(run(["compile", good, "--emit", "xml"]), 2);
  await exits(run(["compile", good, "--bogus"]), 2);
  await exits(run(["compile", join(dir, "missing.vmspec")]), 2);
  await exits(run(["check"]), 2);
  await exits(run(["test", join(dir, "nope")]), 2);
});

test("--help on each command", async () => {
  for (const c of ["compile", "check", "test"]) {
    const r = await run([c, "--help"]);
    assert.is(r.exitCode, 0);
    assert.match(r.stdout, new RegExp(`Usage: vmspec ${c}`));
  }
});

test("vmspec test: missing snapshot fails with a diff, --update accepts, then passes", async () => {
  const t = join(dir, "golden");
  mkdirSync(t, { recursive: true });
  writeFileSync(join(t, "a.vmspec"), "FROM scratch\nCMD [\"a\"]\n");
  writeFileSync(join(t, "b.vmspec"), "FROM scratch\nRUNN x\n");
  let r = await exits(run(["test", "."], t), 1);
  assert.match(r.stdout, /FAIL a\.vmspec/);
  r = await exits(run(["test", ".", "--update"], t), 0);
  assert.ok(existsSync(join(t, "a.ir.json")) && existsSync(join(t, "b.errors.txt")));
  assert.ok(existsSync(join(t, "local", "vmspec-test", "a.ir.json")), "actual results in local/");
  r = await exits(run(["test", "."], t), 0);
  writeFileSync(join(t, "a.vmspec"), "FROM scratch\nCMD [\"b\"]\n");
  r = await exits(run(["test", "."], t), 1);
  assert.match(r.stdout, /-\s+"a"/);
  assert.match(r.stdout, /\+\s+"b"/);
});

test("INCLUDE paths resolve relative to the including file", async () => {
  mkdirSync(join(dir, "sub"), { recursive: true });
  writeFileSync(join(dir, "sub", "main.vmspec"), "FROM scratch\nINCLUDE parts/x.inc\n");
  mkdirSync(join(dir, "sub", "parts"), { recursive: true });
  writeFileSync(join(dir, "sub", "parts", "x.inc"), "ENV FROM_INCLUDE=1\n");
  const r = await run(["compile", "sub/main.vmspec"], dir);
  assert.is(r.exitCode, 0, r.stderr);
  assert.ok(JSON.parse(r.stdout).stages[0].config.env.includes("FROM_INCLUDE=1"));
});

test.run();
