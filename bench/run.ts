// Benchmark: wall time of running `true` in a container — vmspec's built-in runtime (fresh Node
// process each time, so Node's start-up is included), vs `runc run` and `crun run` on an
// equivalent bundle, vs podman when installed. Prints mean / median / min over N runs.
// Usage: node dist/bench/run.js [N]   (root; needs /bin/busybox for the rootfs)
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ociConfig } from "../runtime/container/oci.js";
import { DEFAULT_CAPABILITIES } from "../runtime/container/defaults.js";
import { hybridCgroups, which } from "../runtime/container/ociRuntime.js";
import { Store } from "../runtime/image/store.js";
import { prepareContainer } from "../runtime/container/builtin.js";
import { helperBinary } from "../runtime/container/helper.js";
import { buildPlan } from "../runtime/container/plan.js";
import { encodePlan, RecordingSyscalls } from "../runtime/container/syscalls.js";
import { createLayerFromDir } from "../runtime/image/layer.js";
import { appendLayer, scratchImage, updateConfig, writeImage } from "../runtime/image/manifest.js";

const N = Number(process.argv[2] ?? 20);
const here = fileURLToPath(new URL(".", import.meta.url));
const repo = join(here, "..", "..");

function rootfs(dir: string): string {
  const r = join(dir, "rootfs");
  mkdirSync(join(r, "bin"), { recursive: true });
  copyFileSync("/bin/busybox", join(r, "bin/busybox"));
  chmodSync(join(r, "bin/busybox"), 0o755);
  symlinkSync("busybox", join(r, "bin/true"));
  symlinkSync("busybox", join(r, "bin/sh"));
  return r;
}

/** Stores the rootfs as a one-layer image `bench:latest` (Cmd true) in a store under `dir`. */
async function storeImage(dir: string, rfs: string): Promise<string> {
  const root = join(dir, "store");
  const store = await Store.open(root);
  try {
    let img = scratchImage({ os: "linux", architecture: process.arch === "x64" ? "amd64" : process.arch });
    img = appendLayer(img, await createLayerFromDir(store, rfs), { createdBy: "COPY busybox /" });
    img = updateConfig(img, (c) => ({ ...c, Cmd: ["true"] }));
    await store.tag("bench:latest", (await writeImage(store, img)).manifest);
  } finally {
    await store.close();
  }
  return root;
}

const gnuTime = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;

/**
 * Runs argv N+1 times (the first is a warm-up) and prints wall-clock mean/median/min; with GNU
 * time also the mean CPU time (user+sys of the whole process tree), which a loaded machine
 * distorts far less than wall time.
 */
function time(label: string, argv: string[], env?: NodeJS.ProcessEnv): void {
  const ms: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < N + 1; i++) {
    const full = gnuTime ? [gnuTime, "-f", "vmspec-bench-cpu %U %S", ...argv] : argv;
    const t0 = process.hrtime.bigint();
    const r = spawnSync(full[0]!, full.slice(1), { stdio: ["ignore", "ignore", "pipe"], env: env ?? process.env });
    const dt = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) {
      console.log(`${label.padEnd(48)} FAILED (status ${r.status}): ${r.stderr.toString().trim().slice(0, 200)}`);
      return;
    }
    const m = /vmspec-bench-cpu ([\d.]+) ([\d.]+)/.exec(r.stderr.toString());
    if (i > 0) {
      ms.push(dt); // the first run warms caches (and builds the helper)
      if (m) cpu.push((Number(m[1]) + Number(m[2])) * 1000);
    }
  }
  ms.sort((a, b) => a - b);
  const mean = ms.reduce((a, b) => a + b, 0) / ms.length;
  const cpuText = cpu.length > 0 ? `  cpu ${(cpu.reduce((a, b) => a + b, 0) / cpu.length).toFixed(0).padStart(4)} ms` : "";
  console.log(`${label.padEnd(48)} mean ${mean.toFixed(1).padStart(6)} ms  median ${ms[ms.length >> 1]!.toFixed(1).padStart(6)} ms  min ${ms[0]!.toFixed(1).padStart(6)} ms${cpuText}`);
}

/**
 * The design measurement behind the C helper: the built-in runtime's full start-up plan executed
 * by the helper, vs a util-linux script doing only part of the same work (overlay, /proc, /dev
 * with nodes, devpts, shm, sysfs, 3 masks, 1 read-only path, then chroot — which is not even
 * safe, see docs/containers.md). Both run `true`; no Node involved.
 */
function setupComparison(dir: string, rfs: string): void {
  const w = join(dir, "setup");
  const root = join(w, "root");
  const fresh = () => {
    rmSync(w, { recursive: true, force: true });
    for (const d of ["u", "wk", "root"]) mkdirSync(join(w, d), { recursive: true });
  };
  const script = join(dir, "setup.sh");
  writeFileSync(
    script,
    [
      "set -e",
      `R=${root}`,
      "mount --make-rprivate /",
      `mount -t overlay overlay -o lowerdir=${rfs},upperdir=${w}/u,workdir=${w}/wk $R`,
      "mkdir -p $R/proc $R/dev $R/sys",
      "mount -t proc proc $R/proc",
      "mount -t tmpfs -o mode=755 tmpfs $R/dev",
      ...[["null", 1, 3], ["zero", 1, 5], ["full", 1, 7], ["random", 1, 8], ["urandom", 1, 9], ["tty", 5, 0]].map(([n, a, b]) => `mknod -m 666 $R/dev/${n} c ${a} ${b}`),
      "mkdir -p $R/dev/pts $R/dev/shm",
      "mount -t devpts -o newinstance,ptmxmode=0666 devpts $R/dev/pts",
      "mount -t tmpfs shm $R/dev/shm",
      "mount -t sysfs -o ro sysfs $R/sys",
      "for p in /proc/keys /proc/timer_list /proc/keys; do mount --bind /dev/null $R$p; done",
      "mount -o bind,ro $R/proc/sys $R/proc/sys",
      "exec unshare --root=$R /bin/true",
    ].join("\n") + "\n",
  );
  const plan = new RecordingSyscalls();
  buildPlan(
    prepareContainer(
      { rootfs: { kind: "dir", path: rfs }, args: ["/bin/true"] },
      { mount: { kind: "overlay", target: root, lower: [rfs], upper: join(w, "u"), work: join(w, "wk") }, readDirs: [rfs], cleanup: [] },
      "bench",
      [],
    ),
    plan,
  );
  const helper = helperBinary();
  const measure = (label: string, argv: string[]): void => {
    const ms: number[] = [];
    for (let i = 0; i < N; i++) {
      fresh();
      const t0 = process.hrtime.bigint();
      const r = spawnSync(argv[0]!, argv.slice(1), { stdio: ["ignore", "ignore", "pipe"] });
      ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (r.status !== 0) {
        console.log(`${label.padEnd(48)} FAILED: ${r.stderr.toString().trim().slice(0, 200)}`);
        return;
      }
    }
    ms.sort((a, b) => a - b);
    console.log(`${label.padEnd(48)} mean ${(ms.reduce((a, b) => a + b, 0) / ms.length).toFixed(1).padStart(6)} ms  median ${ms[ms.length >> 1]!.toFixed(1).padStart(6)} ms  min ${ms[0]!.toFixed(1).padStart(6)} ms`);
  };
  measure("setup: C helper, full plan (no Node)", [helper, ...encodePlan(plan.ops)]);
  measure("setup: util-linux script, partial (no Node)", ["unshare", "--mount", "--uts", "--ipc", "--net", "--pid", "--fork", "sh", script]);
  rmSync(w, { recursive: true, force: true });
}

const dir = mkdtempSync(join(tmpdir(), "vmspec-bench-run-"));
try {
  const rfs = rootfs(dir);
  const bundle = join(dir, "bundle");
  mkdirSync(bundle);
  const config = ociConfig(
    { rootfs: { kind: "dir", path: rfs }, args: ["true"] },
    { env: [], identity: { uid: 0, gid: 0, groups: [], home: "/" }, capabilities: DEFAULT_CAPABILITIES, hostname: "bench", rootPath: rfs },
  );
  writeFileSync(join(bundle, "config.json"), JSON.stringify(config));
  console.log(`container start-up, running \`true\`, ${N} runs each (after 1 warm-up)`);
  const once = join(repo, "dist", "bench", "runOnce.js");
  const vmspec = join(repo, "bin", "vmspec.js");
  const storeEnv = { ...process.env, VMSPEC_STORE: await storeImage(dir, rfs) };
  time("node -e '' (Node start-up alone)", [process.execPath, "-e", ""]);
  time("vmspec run IMAGE true (builtin)", [process.execPath, vmspec, "run", "bench", "true"], storeEnv);
  if (process.env.NODE_EXTRA_CA_CERTS) {
    // Node parses every extra CA certificate at start-up, before any script runs (tens of ms for a
    // full bundle): show the figures without it too, as on a machine that does not set it.
    const noCa: NodeJS.ProcessEnv = { ...storeEnv };
    delete noCa.NODE_EXTRA_CA_CERTS;
    time("  same without NODE_EXTRA_CA_CERTS: node -e ''", [process.execPath, "-e", ""], noCa);
    time("  same without NODE_EXTRA_CA_CERTS: vmspec run", [process.execPath, vmspec, "run", "bench", "true"], noCa);
    // The `vmspec` command itself (bin/vmspec) defers the file to the first HTTPS request.
    time("  vmspec run IMAGE true via the bin/vmspec launcher", [join(repo, "bin", "vmspec"), "run", "bench", "true"], storeEnv);
  }
  time("vmspec run --rootfs DIR true (builtin)", [process.execPath, vmspec, "run", "--rootfs", rfs, "true"]);
  time("library run(), fresh node (builtin, layers)", [process.execPath, once, "builtin", "layers", rfs, "true"]);
  time("vmspec run --runtime runc IMAGE true", [process.execPath, vmspec, "run", "--runtime", "runc", "bench", "true"], storeEnv);
  if (which("runc")) time("runc run (bare, same bundle)", ["runc", "run", "--bundle", bundle, `bench-${process.pid}`]);
  if (which("crun")) {
    const crun = ["crun", "run", "--bundle", bundle, `bench-c-${process.pid}`];
    time(
      hybridCgroups() ? "crun run (bare, in unshare -m w/o cgroup2)" : "crun run (bare, same bundle)",
      hybridCgroups() ? ["unshare", "-m", "sh", "-c", 'umount -l /sys/fs/cgroup/unified && exec "$@"', "sh", ...crun] : crun,
    );
  }
  setupComparison(dir, rfs);
  if (which("podman")) {
    // podman needs cgroupfs, no network and the lower ulimits on this host (see the issue).
    // bash: dash's ulimit has no -u.
    time("podman run --rm (runc, cgroupfs, net none)", [
      "bash", "-c",
      `ulimit -n 1024; ulimit -u 1024; exec podman run --rm --cgroup-manager=cgroupfs --network none --runtime runc --rootfs ${rfs} true`,
    ]);
  } else console.log("podman: not installed, skipped");
} finally {
  rmSync(dir, { recursive: true, force: true });
}
