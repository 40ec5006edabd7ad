#!/usr/bin/env node
// Entry point for the `vmspec` command: runs the compiled CLI from dist/.
const argv = process.argv.slice(2);
if (argv[0] === "run") {
  // Start-up fast path (see docs/containers.md, Performance): `run` skips the command table and
  // imports its bundled module directly, and the process exits as soon as the container has ended
  // and been cleaned up (its output is written synchronously), without tearing down the heap.
  const { run } = await import("../dist/cli/commands/run.js");
  process.exit(await run(argv.slice(1)));
}
const { main } = await import("../dist/cli/main.js");
process.exitCode = await main(argv);
