// The TypeScript emitter and the builder API: over every golden case that compiles without errors
// and every example, the emitted module (transpiled and run) produces an IR byte-identical to
// compiling the spec, apart from the source map (whose spans point into the builder's own spec
// text; its op ids are the same). Plus: the builder on its own, its errors, `--emit ts`.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Project, ts } from "ts-morph";
import type { Ir } from "../../compiler/ir/types.js";
import { opSpans } from "../../compiler/ir/sourceMap.js";
import { BuilderError, literal, spec } from "../../tooling/builder/index.js";
import { builderCalls, defaultBuilderImport, emitTypeScript } from "../../tooling/emit-ts/emit.js";
import { compileAs, corpus, repoRoot } from "./corpus.js";

const work = mkdtempSync(join(tmpdir(), "vmspec-emit-"));
const builderImport = defaultBuilderImport();
const withoutSourceMap = (ir: Ir) => {
  const { sourceMap: _s, ...rest } = ir;
  return JSON.stringify(rest, null, 2);
};

let n = 0;
async function runEmitted(source: string): Promise<{ toIR: (o?: object) => Ir; builder: { toSpec(): string } }> {
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  const file = join(work, `m${n++}.mjs`);
  writeFileSync(file, js);
  return import(pathToFileURL(file).href);
}

const cases = corpus().filter((c) => compileAs(c, c.text).ir !== null);

test("most of the corpus compiles without errors (the round trip covers them)", () => {
  assert.ok(cases.length >= 80, `${cases.length}`);
});

for (const c of cases) {
  test(`emit ts ${c.name}: running the module gives the same IR`, async () => {
    const want = compileAs(c, c.text).ir!;
    const source = await emitTypeScript(c.text, { path: c.path, compileOptions: c.options, builderImport });
    const mod = await runEmitted(source);
    const have = mod.toIR({ reader: c.reader });
    assert.fixture(withoutSourceMap(have), withoutSourceMap(want));
    const haveSpans = opSpans(have);
    const wantSpans = opSpans(want);
    assert.equal([...haveSpans.keys()], [...wantSpans.keys()]);
    assert.is(have.sourceMap.files[0]!.path, want.sourceMap.files[0]!.path);
    // The source map points into the builder's spec text, at the same instructions.
    const builderText = mod.builder.toSpec();
    const kw = (text: string, offset: number) => /^\S+/.exec(text.slice(offset))?.[0]?.toUpperCase();
    for (const [id, spans] of wantSpans) {
      const mine = haveSpans.get(id)!;
      assert.is(mine.length, spans.length, id);
      spans.forEach((sp, i) => {
        if (sp.file === 0 && mine[i]!.file === 0) assert.is(kw(builderText, mine[i]!.offset), kw(c.text, sp.offset), `${id} span ${i}`);
      });
    }
  });
}

test("the examples eject to typed calls only (no raw fallbacks)", () => {
  for (const c of cases.filter((c) => c.name.startsWith("examples/"))) {
    const { calls } = builderCalls(c.text);
    assert.equal(calls.filter((x) => x.method === "raw"), [], c.name);
  }
});

test("raw fallbacks are rare over the corpus", () => {
  const all = cases.flatMap((c) => builderCalls(c.text).calls);
  const raw = all.filter((x) => x.method === "raw").length;
  assert.ok(raw * 20 < all.length, `${raw} of ${all.length} calls are raw`);
});

test("the builder on its own: typed calls, the spec text, the IR", () => {
  const b = spec({ path: "app.vmspec" })
    .from("scratch", { as: "base" })
    .arg("SUITE", "trixie")
    .packages(["busybox-static", "ca-certificates"], { distro: "debian:${SUITE}" })
    .machine({ arch: "riscv64", cpus: 2, memory: "1GiB", launch: "vm" })
    .kernel({ distro: "debian:trixie", cmdline: "console=ttyS0" })
    .env({ GREETING: literal("hello $USER") })
    .workdir("/srv")
    .copy(["a file.txt"], "/srv/")
    .run("echo hi > /x", { mount: [{ type: "cache", target: "/root/.cache" }], network: "none" })
    .publish("8080:80/tcp")
    .expose(80)
    .healthcheck(["/bin/true"], { interval: "30s", retries: 3 })
    .cmd(["/bin/busybox", "httpd", "-f"]);
  assert.match(b.toSpec(), 'COPY ["a file.txt", "/srv/"]\n');
  assert.match(b.toSpec(), "RUN --mount=type=cache,target=/root/.cache --network=none echo hi > /x\n");
  const ir = b.toIR();
  const st = ir.stages[0]!;
  assert.is(ir.platform.architecture, "riscv64");
  assert.is(st.machine.cpus, 2);
  assert.is(st.machine.memoryBytes, 1024 ** 3);
  assert.is(st.machine.launch, "vm");
  assert.ok(st.config.env.includes("GREETING=hello $USER"));
  assert.equal(st.config.cmd, ["/bin/busybox", "httpd", "-f"]);
  assert.equal(st.machine.network.ports, [{ host: 8080, guest: 80, protocol: "tcp" }]);
  const run = st.ops.find((o) => o.kind === "run");
  assert.ok(run !== undefined && run.kind === "run" && run.network === "none" && run.mounts[0]!.type === "cache");
  const pk = st.ops.find((o) => o.kind === "packages");
  assert.ok(pk !== undefined && pk.kind === "packages" && pk.suite === "trixie");
});

test("the builder throws a BuilderError carrying the compiler's diagnostics", () => {
  try {
    spec().from("scratch").machine({ cpus: 0 }).toIR();
    assert.unreachable("no error");
  } catch (e) {
    assert.instance(e, BuilderError);
    const err = e as BuilderError;
    assert.is(err.code, "VMSPEC_BUILDER_SPEC_ERRORS");
    assert.ok(err.diagnostics.some((d) => d.severity === "error"));
  }
});

test("vmspec compile --emit ts writes the module (and refuses a spec with errors)", async () => {
  const bin = join(repoRoot, "bin/vmspec.js");
  const out = join(work, "hello.ts");
  let r = spawnSync("node", [bin, "compile", "examples/hello.vmspec", "--emit", "ts", "-o", out], { cwd: repoRoot, encoding: "utf8" });
  assert.is(r.status, 0, r.stderr);
  const mod = await runEmitted(readFileSync(out, "utf8"));
  const want = spawnSync("node", [bin, "compile", "examples/hello.vmspec"], { cwd: repoRoot, encoding: "utf8" }).stdout;
  assert.is(withoutSourceMap(mod.toIR()), withoutSourceMap(JSON.parse(want)));
  // And as a program of its own: `tsx hello.mts` prints the IR.
  const mts = join(work, "hello.mts");
  writeFileSync(mts, readFileSync(out, "utf8"));
  const ran = spawnSync("node", ["--import", "tsx/esm", mts], { cwd: repoRoot, encoding: "utf8" });
  assert.is(ran.status, 0, ran.stderr);
  assert.is(withoutSourceMap(JSON.parse(ran.stdout)), withoutSourceMap(JSON.parse(want)));
  const bad = join(work, "bad.vmspec");
  writeFileSync(bad, "FROM scratch\nMACHINE cpus=0\n");
  r = spawnSync("node", [bin, "compile", bad, "--emit=ts"], { encoding: "utf8" });
  assert.is(r.status, 1);
  assert.is(r.stdout, "");
  assert.match(r.stderr, /VS\d{4}/);
});

test("emitted modules type-check against the builder's declarations", () => {
  const dir = join(repoRoot, "local", "tooling-typecheck");
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  return (async () => {
    for (const c of cases.filter((c) => c.name.startsWith("examples/") || /run-|copy-|healthcheck|machine/.test(c.name)).slice(0, 30)) {
      const f = join(dir, `${c.name.replace(/[^\w]/g, "_")}.mts`);
      writeFileSync(f, await emitTypeScript(c.text, { path: c.path, compileOptions: c.options, builderImport: "../../tooling/builder/index.js" }));
      files.push(f);
    }
    // A control file with a type error proves the check is live.
    const control = join(dir, "control.mts");
    writeFileSync(control, `import { spec } from "../../tooling/builder/index.js";\nspec().machine({ cpus: true });\n`);
    files.push(control);
    const project = new Project({
      compilerOptions: {
        strict: true, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, target: ts.ScriptTarget.ES2022,
        noEmit: true, skipLibCheck: true, types: ["node"], typeRoots: [join(repoRoot, "node_modules/@types")],
      },
    });
    for (const f of files) project.addSourceFileAtPath(f);
    project.resolveSourceFileDependencies();
    const diags = project.getPreEmitDiagnostics().filter((d) => files.includes(d.getSourceFile()?.getFilePath() ?? ""));
    assert.is(diags.filter((d) => d.getSourceFile()?.getFilePath() === control).length, 1, "the control file's type error was not found");
    assert.equal(diags.filter((d) => d.getSourceFile()?.getFilePath() !== control).map((d) => `${d.getSourceFile()?.getFilePath()}: ${ts.flattenDiagnosticMessageText(d.getMessageText() as string | import("ts-morph").ts.DiagnosticMessageChain, "\n")}`), []);
    rmSync(dir, { recursive: true, force: true });
  })();
});

test.after(() => rmSync(work, { recursive: true, force: true }));

test.run();
