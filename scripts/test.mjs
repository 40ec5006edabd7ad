// Test runner: runs every compiled uvu test file (dist/test/**/*.test.js) in its own Node process,
// two at a time, and ends with the plain summary line `N passed, N failed, N skipped`.
//
// Usage: node scripts/test.mjs [--exclude SUBSTR]… [--jobs N] [FILTER…]
//   FILTER   only files whose path contains one of these substrings (e.g. `packages/`, `golden`)
//   --exclude  drop files whose path contains SUBSTR (`npm run test:fast` drops the slowest)
// A file that exits non-zero without a uvu summary (a crash, a timeout) counts as one failure.
import { spawn } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const testRoot = join(root, "dist", "test");

const args = process.argv.slice(2);
const filters = [];
const excludes = [];
let jobs = 2;
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--exclude") excludes.push(args[++i]);
  else if (args[i] === "--jobs") jobs = Number(args[++i]);
  else filters.push(args[i]);
}

function walk(dir) {
  let out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(walk(p));
    else if (name.endsWith(".test.js")) out.push(p);
  }
  return out;
}

const files = walk(testRoot).filter((f) => {
  const rel = relative(testRoot, f);
  if (excludes.some((e) => rel.includes(e))) return false;
  return filters.length === 0 || filters.some((flt) => rel.includes(flt));
});

// Per-file time limit: generous, so only a hang trips it.
const FILE_TIMEOUT_MS = Number(process.env.VMSPEC_TEST_FILE_TIMEOUT_MS ?? 20 * 60 * 1000);
const ANSI = /\x1b\[[0-9;]*m/g;

let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];

function runFile(file) {
  return new Promise((resolve) => {
    const rel = relative(root, file);
    const started = Date.now();
    const child = spawn(process.execPath, ["--enable-source-maps", file], {
      cwd: root,
      env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const timer = setTimeout(() => {
      out += `\n[test runner] killed after ${FILE_TIMEOUT_MS} ms\n`;
      child.kill("SIGKILL");
    }, FILE_TIMEOUT_MS);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const text = out.replace(ANSI, "");
      const total = /Total:\s+(\d+)/.exec(text);
      const pass = /Passed:\s+(\d+)/.exec(text);
      const skip = /Skipped:\s+(\d+)/.exec(text);
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      let p = 0, f = 0, s = 0;
      if (total && pass) {
        p = Number(pass[1]);
        s = skip ? Number(skip[1]) : 0;
        f = Number(total[1]) - p;
        if (f === 0 && code !== 0) f = 1; // summary said fine but the process failed
      } else {
        f = 1;
      }
      passed += p;
      failed += f;
      skipped += s;
      const status = f > 0 ? "FAIL" : "ok  ";
      console.log(`${status} ${rel}  (${p} passed, ${f} failed, ${s} skipped, ${secs}s)`);
      if (f > 0) failures.push({ rel, text, code, signal });
      else if (s > 0 || process.env.VMSPEC_TEST_VERBOSE) {
        // Skips must say why; show the reasons the test printed.
        for (const line of text.split("\n")) if (/skip/i.test(line)) console.log(`     ${line.trim()}`);
      }
      resolve();
    });
  });
}

const queue = [...files];
await Promise.all(
  Array.from({ length: Math.max(1, jobs) }, async () => {
    while (queue.length > 0) await runFile(queue.shift());
  }),
);

for (const f of failures) {
  console.log(`\n──── ${f.rel} (exit ${f.code ?? f.signal}) ────`);
  console.log(f.text.trimEnd());
}
if (files.length === 0) {
  console.log("no test files matched");
  failed += 1;
}
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exitCode = failed > 0 ? 1 : 0;
