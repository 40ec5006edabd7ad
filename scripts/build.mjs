// Builds the project: TypeScript → dist/ (tsc), then AssemblyScript → wasm for the emulator core.
// Runs on `npm install` (prepare) and before `npm test`. Fails on any type error.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
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

// AssemblyScript modules: each entry → one .wasm next to the compiled JS that loads it.
const wasmTargets = [
  // [source entry, output .wasm]
];
for (const [src, out] of wasmTargets) {
  if (!existsSync(join(root, src))) continue;
  mkdirSync(dirname(join(root, out)), { recursive: true });
  run(bin("asc"), [src, "-o", out, "-O3", "--runtime", "stub", "--noAssert"]);
}
