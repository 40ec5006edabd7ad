// `vmspec run` / ps / stop / logs / export-bundle through the real bin, on a busybox image in a temp store.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { execa } from "execa";
import { gated, missing } from "../support/env.js";
import { Store } from "../../runtime/image/store.js";
import { createLayer, createLayerFromDir } from "../../runtime/image/layer.js";
import { walkOverlayUpper } from "../../runtime/image/layerEntries.js";
import { appendLayer, scratchImage, updateConfig, writeImage, withMachine } from "../../runtime/image/manifest.js";
import { parseMemory, parseMounts, parseRunArgs, resolveTarget } from "../../cli/commands/run.js";
import { processFromImage, chainId } from "../../runtime/container/imageRootfs.js";
import { digestFromIndex, storeDirFor } from "../../runtime/container/imageRunCache.js";
import { resolveStoreDir } from "../../runtime/image/store.js";
import { busyboxRootfs } from "./rootfsKit.js";

const bin = new URL("../../../bin/vmspec.js", import.meta.url).pathname;
const rt = gated(test, { root: true, tools: ["busybox", "cc", "runc", "setfattr", "script"] });

let work = "";
let env: NodeJS.ProcessEnv = {};
const arch = process.arch === "x64" ? "amd64" : process.arch;

test.before(async () => {
  if (process.getuid?.() !== 0 || !existsSync("/bin/busybox") || missing({ tools: ["setfattr"] }) !== undefined) return;
  const { dir, rootfs } = busyboxRootfs();
  work = dir;
  env = {
    ...process.env,
    VMSPEC_STORE: join(dir, "store"),
    VMSPEC_STATE_DIR: join(dir, "state"),
  };
  // VMSPEC_CACHE stays unset: the compiled helper is shared with the other container tests
  // (compiling takes a while).
  delete env.VMSPEC_CACHE;
  const store = await Store.open(join(dir, "store"));
  try {
    let img = scratchImage({ os: "linux", architecture: arch });
    img = appendLayer(img, await createLayerFromDir(store, rootfs), { createdBy: "COPY busybox /" });
    // Layer 2 as an overlay upper dir: a new file, a whiteout (0:0 device) and an opaque dir.
    const extra = join(dir, "layer2");
    mkdirSync(join(extra, "etc"), { recursive: true });
    mkdirSync(join(extra, "home"), { recursive: true });
    writeFileSync(join(extra, "etc/motd"), "second layer\n");
    writeFileSync(join(extra, "home/fresh"), "");
    execFileSync("mknod", [join(extra, "etc/notexec"), "c", "0", "0"]);
    execFileSync("setfattr", ["-n", "trusted.overlay.opaque", "-v", "y", join(extra, "home")]);
    img = appendLayer(img, await createLayer(store, walkOverlayUpper(extra)), { createdBy: "COPY motd" });
    img = updateConfig(img, (c) => ({ ...c, Cmd: ["cat", "/etc/motd"], Env: ["PATH=/bin", "GREETING=hello"], WorkingDir: "/home/app", User: "app" }));
    const { manifest } = await writeImage(store, img);
    await store.tag("bb:latest", manifest);
    let limited = updateConfig(img, (c) => ({ ...c, Cmd: ["sh", "-c", "cat /sys/fs/cgroup/memory/vmspec/*/memory.limit_in_bytes 2>/dev/null; echo ok"] }));
    limited = withMachine(limited, { declared: true, cpus: 1, memoryBytes: 256 << 20, diskBytes: 1 << 30, arch, launch: "container", kernel: null, network: { mode: "none", ports: [] } });
    await store.tag("bb:machine", (await writeImage(store, limited)).manifest);
    const vm = withMachine(limited, { declared: true, cpus: 1, memoryBytes: 256 << 20, diskBytes: 1 << 30, arch, launch: "vm", kernel: null, network: { mode: "none", ports: [] } });
    await store.tag("bb:vm", (await writeImage(store, vm)).manifest);
    const foreign = updateConfig(scratchImage({ os: "linux", architecture: arch === "riscv64" ? "arm64" : "riscv64" }), (c) => ({ ...c, Cmd: ["true"] }));
    await store.tag("bb:foreign", (await writeImage(store, foreign)).manifest);
  } finally {
    await store.close();
  }
});

test.after(() => {
  if (work !== "") rmSync(work, { recursive: true, force: true });
});

const vmspec = (args: string[], input?: string) => execa("node", [bin, ...args], { env, reject: false, ...(input !== undefined ? { input } : {}) });

test("option parsing: clustered flags, values, stop at IMAGE", () => {
  const o = parseRunArgs(["-it", "-e", "A=1", "-eB=2", "--memory=1g", "--pids-limit", "5", "img", "-x", "--rm"]);
  assert.type(o, "object");
  if (typeof o === "string") return;
  assert.ok(o.interactive && o.tty);
  assert.equal(o.env, ["A=1", "B=2"]);
  assert.is(o.memory, 1 << 30);
  assert.is(o.pids, 5);
  assert.equal(o.positionals, ["img", "-x", "--rm"]);
  assert.not.ok(o.rm);
  assert.type(parseRunArgs(["--network", "bridge", "img"]), "string");
  assert.type(parseRunArgs(["--bogus", "img"]), "string");
  assert.is(parseMemory("512m"), 512 << 20);
  assert.is(parseMemory("12x"), undefined);
  assert.equal(parseMounts(["/a:/b:ro"], ["/t:size=1m,mode=700"]), [
    { type: "bind", source: "/a", target: "/b", readOnly: true },
    { type: "tmpfs", target: "/t", size: 1 << 20, mode: 0o700 },
  ]);
  assert.type(parseMounts(["named:/b"], []), "string");
});

test("image config → process: entrypoint/cmd/env/workdir/user rules", () => {
  const c = { Entrypoint: ["/ep"], Cmd: ["a"], Env: ["X=1"], WorkingDir: "/w", User: "app" };
  assert.equal(processFromImage(c, {}).args, ["/ep", "a"]);
  assert.equal(processFromImage(c, { cmd: ["b"] }).args, ["/ep", "b"]);
  assert.equal(processFromImage(c, { entrypoint: "/other" }).args, ["/other"]);
  assert.equal(processFromImage(c, { entrypoint: "", cmd: ["ls"] }).args, ["ls"]);
  assert.equal(processFromImage(c, { env: ["Y=2"] }).env, ["X=1", "Y=2"]);
  assert.equal(processFromImage(c, { user: "0" }).user, { user: "0" });
  assert.throws(() => processFromImage({}, {}), /no command/);
  assert.is(chainId(["sha256:aa"]), "sha256:aa");
  assert.match(chainId(["sha256:aa", "sha256:bb"]), /^sha256:[0-9a-f]{64}$/);
});

rt("run IMAGE uses the image's Cmd, Env, WorkingDir and User, across layers", async () => {
  const r = await vmspec(["run", "bb"]);
  assert.is(r.exitCode, 0, r.stderr);
  assert.is(r.stdout, "second layer");
  const r2 = await vmspec(["run", "bb", "sh", "-c", 'echo "$GREETING $(id -u) $(pwd)"; exit 3']);
  assert.is(r2.exitCode, 3);
  assert.is(r2.stdout, "hello 1000 /home/app");
});

rt("layers are overlay lower dirs shared with the builder: whiteouts and opaque dirs hide lower files", async () => {
  // -w /: the image's WorkingDir (/home/app) would be re-created, as Docker does.
  const r = await vmspec(["run", "-u", "0", "-w", "/", "bb", "sh", "-c", "ls /home; test -e /etc/notexec && echo still-there; cat /etc/motd"]);
  assert.is(r.exitCode, 0, r.stderr);
  assert.is(r.stdout, "fresh\nsecond layer");
  const unpacked = readdirSync(join(env.VMSPEC_STORE!, ".vmspec", "unpacked"));
  assert.is(unpacked.length, 2);
});

rt("run: -e, -w, -u, -v, --read-only, --hostname, -i, 127 for a missing command", async () => {
  const vol = join(work, "vol");
  mkdirSync(vol, { recursive: true });
  const r = await vmspec(
    ["run", "-i", "-e", "A=b c", "-w", "/tmp/w", "-u", "0:0", "-v", `${vol}:/data`, "--read-only", "--tmpfs", "/tmp", "--hostname", "h1", "bb", "sh", "-c", 'read x; echo "$A|$(pwd)|$(id -u)|$(hostname)|$x" > /data/out; touch /etc/nope 2>/dev/null || echo ro'],
    "from-stdin\n",
  );
  assert.is(r.exitCode, 0, r.stderr);
  assert.is(r.stdout, "ro");
  assert.is(readFileSync(join(vol, "out"), "utf8"), "b c|/tmp/w|0|h1|from-stdin\n");
  const missing = await vmspec(["run", "bb", "nonexistent-cmd"]);
  assert.is(missing.exitCode, 127);
  const runc = await vmspec(["run", "--runtime", "runc", "bb", "sh", "-c", "echo via-runc; exit 4"]);
  assert.is(runc.exitCode, 4, runc.stderr);
  assert.is(runc.stdout, "via-runc");
});

rt("machine spec memory and cpus become the default limits; flags override", async () => {
  process.env.VMSPEC_STORE = env.VMSPEC_STORE;
  const parse = (args: string[]) => {
    const o = parseRunArgs(args);
    if (typeof o === "string") throw new Error(o);
    return o;
  };
  const a = await resolveTarget(parse(["bb:machine"]), []);
  assert.equal(a.spec.limits, { memoryBytes: 256 << 20, cpus: 1 });
  const b = await resolveTarget(parse(["-m", "128m", "bb:machine"]), []);
  assert.equal(b.spec.limits, { memoryBytes: 128 << 20, cpus: 1 });
  const c = await resolveTarget(parse(["bb"]), []);
  assert.equal(c.spec.limits, {});
  const r = await vmspec(["run", "bb:machine"]);
  assert.is(r.exitCode, 0, r.stderr);
});

test("run's fast path resolves the store dir and tags exactly like the store", () => {
  for (const e of [{ VMSPEC_STORE: "/s" }, { XDG_DATA_HOME: "/x" }, { HOME: "/h" }, {}])
    assert.is(storeDirFor(undefined, e), resolveStoreDir(undefined, e));
  assert.is(storeDirFor("/flag", { VMSPEC_STORE: "/s" }), resolveStoreDir("/flag", { VMSPEC_STORE: "/s" }));
  const dir = mkdtempSync(join(tmpdir(), "vmspec-index-"));
  const d1 = `sha256:${"1".repeat(64)}`;
  const d2 = `sha256:${"2".repeat(64)}`;
  writeFileSync(join(dir, "index.json"), JSON.stringify({ schemaVersion: 2, manifests: [
    { digest: d1, annotations: { "org.opencontainers.image.ref.name": "app:latest" } },
    { digest: d2, annotations: { "org.opencontainers.image.ref.name": "host:5000/app:v2" } },
  ] }));
  assert.is(digestFromIndex(dir, "app"), d1);
  assert.is(digestFromIndex(dir, "app:latest"), d1);
  assert.is(digestFromIndex(dir, "host:5000/app:v2"), d2);
  assert.is(digestFromIndex(dir, d2), d2);
  assert.is(digestFromIndex(dir, "222222"), undefined, "prefixes go the full way");
  assert.is(digestFromIndex(dir, "other"), undefined);
  rmSync(dir, { recursive: true });
});

rt("re-tagging an image is seen by the next run (the run cache is keyed by digest)", async () => {
  for (const word of ["first", "second"]) {
    const store = await Store.open(env.VMSPEC_STORE!);
    try {
      const base = appendLayer(scratchImage({ os: "linux", architecture: arch }), await createLayerFromDir(store, join(work, "rootfs")), { createdBy: "COPY" });
      const img = updateConfig(base, (c) => ({ ...c, Cmd: ["echo", word] }));
      await store.tag("bb:retag", (await writeImage(store, img)).manifest);
    } finally {
      await store.close();
    }
    const r = await vmspec(["run", "bb:retag"]);
    assert.is(r.stdout, word, r.stderr);
    const again = await vmspec(["run", "bb:retag"]);
    assert.is(again.stdout, word, "cached run");
  }
});

rt("an image of another architecture, or one that asks for a VM, is refused with a clear message", async () => {
  const r = await vmspec(["run", "bb:foreign"]);
  assert.is(r.exitCode, 125);
  assert.match(r.stderr, /host-architecture images only/);
  const vm = await vmspec(["run", "bb:vm"]);
  assert.is(vm.exitCode, 125);
  assert.match(vm.stderr, /launch=vm/);
});

rt("run -d, ps, logs, stop", async () => {
  const d = await vmspec(["run", "-d", "--name", "svc", "bb", "sh", "-c", 'echo started; trap "echo stopping; exit 3" TERM; while true; do sleep 0.1; done']);
  assert.is(d.exitCode, 0, d.stderr);
  const id = d.stdout.trim();
  assert.match(id, /^[0-9a-f]{12}$/);
  let logs = "";
  for (let i = 0; i < 100 && !logs.includes("started"); i++) {
    await new Promise((r) => setTimeout(r, 50));
    logs = (await vmspec(["logs", "svc"])).stdout;
  }
  assert.match(logs, /started/);
  const ps = await vmspec(["ps"]);
  assert.match(ps.stdout, new RegExp(`${id}.*Up.*svc`));
  const stop = await vmspec(["stop", "svc"]);
  assert.is(stop.exitCode, 0, stop.stderr);
  const psa = await vmspec(["ps", "-a"]);
  assert.match(psa.stdout, new RegExp(`${id}.*Exited \\(3\\).*svc`));
  assert.match((await vmspec(["logs", id.slice(0, 6)])).stdout, /started\nstopping/);
  assert.not.match((await vmspec(["ps"])).stdout, /svc/);
  await vmspec(["ps", "--prune"]);
  assert.not.match((await vmspec(["ps", "-a"])).stdout, /svc/);
});

rt("SIGINT to vmspec run reaches the container once; -t gives it a terminal", async () => {
  const child = execa("node", [bin, "run", "bb", "sh", "-c", 'n=0; trap "n=$((n+1))" INT; echo ready; while [ $n -eq 0 ]; do sleep 0.05; done; sleep 0.3; echo "ints=$n"; exit 9'], { env, reject: false });
  await new Promise<void>((resolve) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("ready")) resolve();
    });
  });
  child.kill("SIGINT");
  const r = await child;
  assert.is(r.exitCode, 9, r.stderr);
  assert.match(r.stdout, /ints=1$/);
  for (const runtime of ["builtin", "runc"]) {
    const cmd = [bin, "run", "-t", "--runtime", runtime, "bb", "sh", "-c", "tty; test -t 1 && echo is-a-tty"].join(" ");
    const t = await execa("script", ["-qec", `node ${cmd}`, "/dev/null"], { env, reject: false });
    assert.is(t.exitCode, 0, t.stderr);
    assert.match(t.stdout, /\/dev\/pts\/0\r*\n/, `${runtime}: ${JSON.stringify(t.stdout)} ${t.stderr}`);
    assert.match(t.stdout, /is-a-tty/, runtime);
  }
});

rt("export-bundle writes a bundle runc runs", async () => {
  const dir = join(work, "bundle");
  const r = await vmspec(["export-bundle", "-e", "X=exported", "bb", dir, "sh", "-c", "echo $X $(cat /etc/motd)"]);
  assert.is(r.exitCode, 0, r.stderr);
  const config = JSON.parse(readFileSync(join(dir, "config.json"), "utf8"));
  assert.is(config.root.path, "rootfs");
  assert.ok(existsSync(join(dir, "rootfs/bin/busybox")));
  const out = execFileSync("runc", ["run", "--bundle", dir, `export-${process.pid}`], { encoding: "utf8" });
  assert.is(out, "exported second layer\n");
});

rt("a spec is built first (steps cached), then run with its MACHINE limits", async () => {
  const spec = join(work, "app.vmspec");
  writeFileSync(spec, 'FROM scratch\nCOPY rootfs/ /\nMACHINE cpus=1 memory=128M\nENV WHO=spec\nCMD ["sh", "-c", "echo built by $WHO"]\n');
  const r = await vmspec(["run", spec]);
  assert.is(r.exitCode, 0, r.stderr);
  assert.is(r.stdout, "built by spec");
  const again = await vmspec(["run", spec, "sh", "-c", "echo again"]);
  assert.is(again.stdout, "again");
  const broken = join(work, "broken.vmspec");
  writeFileSync(broken, "FROM scratch\nRUN\n");
  const b = await vmspec(["run", broken]);
  assert.is(b.exitCode, 125);
  assert.match(b.stderr, /broken\.vmspec/);
});

test.run();
