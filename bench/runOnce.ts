// Benchmark entry: one `run` of the container library in a fresh Node process (what `vmspec run`
// costs minus argument parsing). Usage: node dist/bench/runOnce.js builtin|runc|crun layers|dir ROOTFS CMD…
import { run, type RuntimeName } from "../runtime/container/index.js";

const [runtime, kind, rootfs, ...args] = process.argv.slice(2);
const r = await run(
  { rootfs: kind === "dir" ? { kind: "dir", path: rootfs! } : { kind: "layers", lower: [rootfs!] }, args },
  runtime as RuntimeName,
);
process.exitCode = r.exitCode;
