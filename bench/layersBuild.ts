// Benchmark: `vmspec build` of a 4-step spec on a busybox base — cold (--no-cache) and fully cached — vs buildah when installed.
//
// Usage: node dist/bench/layersBuild.js [RUNS=5]
// The busybox base is built first from the host's static busybox (FROM scratch, COPY, RUN --install).
// Times are wall clock of the whole CLI process (Node start-up included), median of RUNS; the
// in-process build time (from --progress json) is shown beside it.
import * as fs from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync, spawnSync } from "node:child_process";

const runs = Number(process.argv[2] ?? 5);
const bin = new URL("../../bin/vmspec.js", import.meta.url).pathname;
const work = await fs.mkdtemp(join(tmpdir(), "vmspec-bench-build-"));
const store = join(work, "store");
const busybox = execFileSync("sh", ["-c", "command -v busybox"], { encoding: "utf8" }).trim();

const baseCtx = join(work, "base");
await fs.mkdir(baseCtx);
await fs.copyFile(busybox, join(baseCtx, "busybox"));
await fs.chmod(join(baseCtx, "busybox"), 0o755);
await fs.writeFile(join(baseCtx, "Dockerfile"), 'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox", "--install", "-s", "/bin"]\n');
execFileSync("node", [bin, "build", "--store", store, "-t", "busybox", "--progress", "quiet", baseCtx]);

const ctx = join(work, "app");
await fs.mkdir(join(ctx, "small"), { recursive: true });
for (let i = 0; i < 10; i++) await fs.writeFile(join(ctx, "small", `f${i}`), `file ${i}\n`.repeat(100));
const spec = 'FROM busybox\nRUN echo hello > /hello.txt\nCOPY small /small/\nENV APP=bench\nCMD ["cat", "/hello.txt"]\n';
await fs.writeFile(join(ctx, "Dockerfile"), spec);

function once(extra: string[]): { wall: number; inproc: number } {
  const t = process.hrtime.bigint();
  const r = spawnSync("node", [bin, "build", "--store", store, "--progress", "json", ...extra, ctx], { encoding: "utf8" });
  const wall = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`build failed: ${r.stderr}`);
  const built = r.stderr.split("\n").filter(Boolean).map((l) => JSON.parse(l) as { status: string; durationMs?: number }).find((e) => e.status === "built");
  return { wall, inproc: built?.durationMs ?? NaN };
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const cold: { wall: number; inproc: number }[] = [];
const cached: { wall: number; inproc: number }[] = [];
for (let i = 0; i < runs; i++) {
  cold.push(once(["--no-cache"]));
  cached.push(once([]));
}
const row = (name: string, xs: { wall: number; inproc: number }[]): string =>
  `${name.padEnd(34)} ${(median(xs.map((x) => x.wall)) / 1000).toFixed(3)} s wall   (build itself ${(median(xs.map((x) => x.inproc)) / 1000).toFixed(3)} s)`;
console.log(`4-step spec on a busybox base, median of ${runs} runs, load average ${(await fs.readFile("/proc/loadavg", "utf8")).split(" ")[0]}`);
console.log(row("vmspec build --no-cache (cold)", cold));
console.log(row("vmspec build (fully cached)", cached));

if (spawnSync("sh", ["-c", "command -v buildah"]).status === 0) {
  const cf = join(work, "buildah");
  await fs.mkdir(join(cf, "small"), { recursive: true });
  await fs.cp(join(ctx, "small"), join(cf, "small"), { recursive: true });
  // The same busybox base, imported once into buildah's storage (not timed).
  const imported = spawnSync("skopeo", ["copy", "--quiet", `oci:${store}:busybox:latest`, "containers-storage:localhost/vmspec-bench-busybox:latest"], { encoding: "utf8" });
  if (imported.status !== 0) throw new Error(`importing the base into buildah's storage failed: ${imported.stderr}`);
  await fs.writeFile(join(cf, "Containerfile"), spec.replace("FROM busybox", "FROM localhost/vmspec-bench-busybox:latest"));
  const b = (extra: string[]): number => {
    const t = process.hrtime.bigint();
    // runc: buildah's default (crun) refuses this host's hybrid cgroup layout.
    const r = spawnSync("buildah", ["bud", "--layers", "--network", "none", "--storage-driver", "overlay", "--runtime", "runc", ...extra, "-f", join(cf, "Containerfile"), cf], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`buildah failed: ${r.stderr}`);
    return Number(process.hrtime.bigint() - t) / 1e6;
  };
  const bc: number[] = [];
  const bk: number[] = [];
  for (let i = 0; i < runs; i++) {
    bc.push(b(["--no-cache"]));
    bk.push(b([]));
  }
  console.log(`${"buildah bud --layers (cold)".padEnd(34)} ${(median(bc) / 1000).toFixed(3)} s wall`);
  console.log(`${"buildah bud --layers (cached)".padEnd(34)} ${(median(bk) / 1000).toFixed(3)} s wall`);
} else {
  console.log("buildah: not installed here (the issue measured 0.77 s cold, 0.25 s cached on this machine)");
}
await fs.rm(work, { recursive: true, force: true });
