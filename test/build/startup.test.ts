// Start-up cost of a fully cached `vmspec build`: which of our modules it loads (recorded by an ESM
// resolve hook; for the bundled CLI, the modules inside the chunks it loads).
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as fs from "node:fs/promises";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { writeTree } from "./buildKit.js";

const root = new URL("../../../", import.meta.url).pathname;
const bin = join(root, "bin", "vmspec.js");
const work = await fs.mkdtemp(join(tmpdir(), "vmspec-build-startup-"));

/**
 * The dist/ modules a loaded file holds: itself, or for a chunk of the CLI bundle (dist/bundle/)
 * the modules esbuild folded into it (it heads each one with a `// dist/<path>.js` comment).
 */
function sourcesOf(url: string): string[] {
  const rel = url.replace(/^.*\/dist\//, "");
  if (!rel.startsWith("bundle/")) return [rel];
  const text = readFileSync(new URL(url), "utf8");
  return [...text.matchAll(/^\/\/ dist\/(\S+\.js)$/gm)].map((m) => m[1]!);
}

/** Runs `vmspec build` with a resolve hook that appends every resolved dist/ module URL to `log`. */
async function tracedBuild(args: string[], log: string): Promise<{ exitCode: number; stderr: string; modules: string[]; files: number }> {
  const hooks = join(work, "hooks.mjs");
  const register = join(work, "register.mjs");
  await fs.writeFile(
    hooks,
    `import { appendFileSync } from "node:fs";\nexport async function resolve(s, c, next) { const r = await next(s, c); if (r.url.includes("/dist/") || r.url === "node:child_process") appendFileSync(${JSON.stringify(log)}, r.url + "\\n"); return r; }\n`,
  );
  await fs.writeFile(register, `import { register } from "node:module";\nregister(${JSON.stringify("file://" + hooks)});\n`);
  await fs.rm(log, { force: true });
  const r = await execa("node", ["--import", register, bin, "build", ...args], { reject: false, cwd: root });
  const text = await fs.readFile(log, "utf8").catch(() => "");
  return { exitCode: r.exitCode ?? -1, stderr: r.stderr, modules: [...new Set(text.split("\n").filter(Boolean).flatMap(sourcesOf))], files: new Set(text.split("\n").filter(Boolean)).size };
}

test("a fully cached build loads neither the compiler nor the layer writer, extractor, image view or import/export modules", async () => {
  const ctx = join(work, "ctx");
  await writeTree(ctx, { "Dockerfile": 'FROM scratch\nCOPY f /f\nWORKDIR /w\nENV A=1\nCMD ["/f"]\n', f: "x" });
  const store = join(work, "store");
  const args = ["--store", store, "--progress", "quiet", ctx];
  const first = await tracedBuild(args, join(work, "first.log"));
  assert.is(first.exitCode, 0, first.stderr);
  // The cold build did load them (so the hook sees what it should).
  for (const m of ["compiler/compile.js", "runtime/image/layer.js"]) assert.ok(first.modules.includes(m), `${m} in ${first.modules.join(" ")}`);
  const again = await tracedBuild(args, join(work, "again.log"));
  assert.is(again.exitCode, 0, again.stderr);
  const heavy = ["compiler/compile.js", "grammar/parser.js", "runtime/image/layer.js", "runtime/image/extract.js", "runtime/build/imageFs.js", "runtime/image/layout.js", "runtime/image/dockerArchive.js", "runtime/packages/index.js", "runtime/container/index.js"];
  assert.equal(again.modules.filter((m) => heavy.includes(m)), [], again.modules.join(" "));
  assert.ok(again.modules.includes("runtime/build/builder.js"));
  // Nothing to spawn (no lock helper, no xattr probe): child_process is not even loaded.
  assert.not.ok(again.modules.includes("node:child_process"), again.modules.join(" "));
  // The CLI runs from its bundle (scripts/build.mjs): a few files, not one per module.
  assert.ok(again.files < 30 && again.files < again.modules.length, `${again.files} files for ${again.modules.length} modules`);
});

test.after(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

test.run();
