// Builds the project: TypeScript → dist/ (tsc), the CLI start-up bundle dist/bundle/ (esbuild), then
// AssemblyScript → wasm for the emulator core.
// Runs on `npm install` (prepare) and before `npm test`. Fails on any type error.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => join(root, "node_modules", ".bin", name);

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit" });
  if (r.status !== 0) {
    console.error(`build: ${[cmd, ...args].join(" ")} failed (status ${r.status ?? r.signal})`);
    process.exit(1);
  }
}

run(bin("tsc"), ["-p", "tsconfig.json"]);
await bundleCli();
await bundleRunCommand();

/**
 * sha256 over the compiled compiler and grammar (dist/compiler, dist/grammar: paths and contents)
 * and the installed chevrotain version: any change to what the bundle's compiler does changes it.
 */
async function compilerDigest() {
  const { createHash } = await import("node:crypto");
  const { readFileSync, readdirSync } = await import("node:fs");
  const h = createHash("sha256");
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".js")) h.update(`${relative(root, p)}\0`).update(readFileSync(p)).update("\0");
    }
  };
  for (const top of ["compiler", "grammar"]) walk(join(root, "dist", top));
  h.update(readFileSync(join(root, "node_modules", "chevrotain", "package.json")));
  return h.digest("hex");
}

/**
 * CLI start-up: tsc leaves the CLI as hundreds of ES modules (the compiler alone pulls in ~700
 * through chevrotain's lodash-es), and Node resolves, stats, reads, compiles and links each one
 * separately: about 0.3 s before a `vmspec build --no-cache` does any work. esbuild folds the CLI
 * into dist/bundle/: main.js (the command table) and one chunk per command, with code shared by
 * commands in shared chunks; every dynamic import() stays a lazy chunk (the compiler for a build
 * whose IR is cached, the emulator, the LSP, `--emit ts`), and the heavy or CommonJS packages
 * (typescript, ts-morph, prettier, tar-stream, xz-decompress) stay external, loaded on demand.
 * The tsc output in dist/ stays as it is (tests import it; the bundle does not).
 *
 * `vmspec run` keeps its own bundle (bundleRunCommand), which the command table imports.
 *
 * A bundled module's `import.meta.url` is rewritten to its original file's URL in dist/, so the
 * paths it computes from it (package.json, the C helper's source, cpu.wasm) stay what they are in
 * the unbundled build. The IR cache's compiler fingerprint is defined as compilerDigest().
 */
async function bundleCli() {
  const esbuild = await import("esbuild");
  const { readFile } = await import("node:fs/promises");
  const outdir = join(root, "dist", "bundle");
  rmSync(outdir, { recursive: true, force: true });
  const distJs = new RegExp(`^${join(root, "dist").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/.*\\.js$`);
  await esbuild.build({
    entryPoints: { main: join(root, "dist", "cli", "main.js") },
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    chunkNames: "chunk-[hash]",
    // The IR cache's compiler identity (runtime/build/irCache.ts): what the bundle's compiler is made of.
    define: { VMSPEC_BUNDLED_COMPILER_FINGERPRINT: JSON.stringify(await compilerDigest()) },
    // Loaded on demand by the few commands that need them; CommonJS packages are not bundled into
    // ES modules (their require() calls would not survive).
    external: ["typescript", "ts-morph", "prettier", "prettier/*", "tar-stream", "xz-decompress", "esbuild"],
    sourcemap: false,
    logLevel: "warning",
    plugins: [
      {
        name: "vmspec-module-url",
        setup(b) {
          // `vmspec run` has its own bundle (bundleRunCommand, replacing dist/cli/commands/run.js):
          // the command table imports that one rather than a second copy.
          b.onResolve({ filter: /^\.\/run\.js$/ }, (args) => {
            if (args.kind !== "dynamic-import" || !args.importer.endsWith(join("cli", "commands", "index.js"))) return undefined;
            return { path: relative(outdir, join(args.resolveDir, args.path)), external: true };
          });
          b.onLoad({ filter: distJs }, async (args) => {
            const contents = await readFile(args.path, "utf8");
            if (!contents.includes("import.meta")) return { contents, loader: "js" };
            // A real parse (not a text replacement): `import.meta.url` inside strings is left alone.
            const r = await esbuild.transform(contents, {
              loader: "js",
              format: "esm",
              define: { "import.meta.url": "__vmspecModuleUrl" },
            });
            const rel = relative(outdir, args.path);
            const decl = `const __vmspecModuleUrl = new URL(${JSON.stringify(rel)}, import.meta.url).href;\n`;
            return { contents: decl + r.code, loader: "js" };
          });
        },
      },
    ],
  });
}

/**
 * `vmspec run` start-up: tsc leaves its hot path as ~20 ES modules, and Node resolves, reads,
 * compiles and links each one separately (about a third of the Node side of a run, measured with
 * bench/run.ts). esbuild folds the command and everything it reaches on that path into one ES
 * module that replaces dist/cli/commands/run.js in place (same directory, so its import.meta.url
 * based paths still resolve). The slow paths (building a spec, resolving an image in the store,
 * detached records) stay separate modules, imported on demand as before; the runc/crun runtime
 * shares most of the container library, so it is bundled too (initialised only when chosen).
 */
async function bundleRunCommand() {
  const out = join(root, "dist", "cli", "commands", "run.js");
  const { build } = await import("esbuild");
  const outDir = dirname(out);
  const lazy = /\/(cli\/commands\/store|runtime\/image\/manifest|runtime\/container\/(imageRootfs|records))\.js$/;
  await build({
    entryPoints: [out],
    outfile: out,
    allowOverwrite: true,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    sourcemap: false,
    logLevel: "warning",
    plugins: [
      {
        name: "vmspec-lazy",
        setup(b) {
          b.onResolve({ filter: /^\./ }, (args) => {
            if (args.kind !== "dynamic-import") return undefined;
            const abs = join(args.resolveDir, args.path);
            if (!lazy.test(abs)) return undefined;
            let rel = relative(outDir, abs);
            if (!rel.startsWith(".")) rel = `./${rel}`;
            return { path: rel, external: true };
          });
        },
      },
    ],
  });
  rmSync(`${out}.map`, { force: true }); // tsc's map no longer matches the bundle
}

// AssemblyScript modules: each entry → one .wasm next to the compiled JS that loads it.
// A missing entry is a build error (no silent skip).
const wasmTargets = [
  // [source entry, output .wasm] — the RV64GC hart (runtime/vm/cpu/hart.ts loads it).
  ["runtime/vm/cpu/as/index.ts", "dist/runtime/vm/cpu/cpu.wasm"],
];
for (const [src, out] of wasmTargets) {
  if (!existsSync(join(root, src))) {
    console.error(`build: AssemblyScript entry ${src} is missing`);
    process.exit(1);
  }
  mkdirSync(dirname(join(root, out)), { recursive: true });
  run(bin("asc"), [join(root, src), "-o", join(root, out), "-O3", "--runtime", "stub", "--noAssert", "--importMemory"]);
}
