// Builds the project: TypeScript → dist/ (tsc), the `vmspec run` start-up bundle (esbuild), then
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
await bundleRunCommand();

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
