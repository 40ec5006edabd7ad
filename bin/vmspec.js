#!/usr/bin/env node
// The `vmspec` command's Node entry point (the bin/vmspec launcher starts it; `node bin/vmspec.js`
// works too). It runs the bundled CLI (dist/bundle/, built by scripts/build.mjs: a few ES modules
// instead of hundreds; see docs/images.md, "Start-up and exit"), which exits as soon as a command
// is done.
const argv = process.argv.slice(2);
if (argv[0] === "run") {
  // Start-up fast path (see docs/containers.md, Performance): `run` skips the command table and
  // imports its own bundle directly, and the process exits as soon as the container has ended
  // and been cleaned up (its output is written synchronously), without tearing down the heap.
  const { run } = await import("../dist/cli/commands/run.js");
  process.exit(await run(argv.slice(1)));
}
const { runCli } = await import("../dist/bundle/main.js");
await runCli(argv);
