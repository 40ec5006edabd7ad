// The behaviour every container runtime must show, as one suite run against builtin, runc and crun.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { gated } from "../support/env.js";
import { start, type ContainerSpec, type RuntimeName } from "../../runtime/container/index.js";
import { busyboxRootfs, runCaptured } from "./rootfsKit.js";
import { v1Controllers } from "../../runtime/container/cgroups.js";

/** Docker's default capability set as /proc/self/status prints it (moby oci/caps/defaults.go). */
const DOCKER_DEFAULT_CAPS_HEX = "00000000a80425fb";

function cgroupChildren(): string[] {
  const out: string[] = [];
  for (const base of ["/sys/fs/cgroup/memory/vmspec", "/sys/fs/cgroup/pids/vmspec", "/sys/fs/cgroup/cpu/vmspec", "/sys/fs/cgroup/vmspec"])
    if (existsSync(base)) for (const e of readdirSync(base, { withFileTypes: true })) if (e.isDirectory()) out.push(join(base, e.name));
  return out;
}

/** Registers and runs the shared suite for `runtime`; `tools` are the host tools it needs. */
export function runtimeSuite(runtime: RuntimeName, tools: string[]): void {
  const s = suite(`container runtime: ${runtime}`);
  const t = gated(s, { root: true, tools: ["busybox", ...tools] });
  let dir = "";
  let rootfs = "";
  s.before(() => {
    if (process.getuid?.() !== 0 || !existsSync("/bin/busybox")) return;
    ({ dir, rootfs } = busyboxRootfs());
  });
  s.after(() => {
    if (dir !== "") rmSync(dir, { recursive: true, force: true });
  });
  const spec = (args: string[], more: Partial<ContainerSpec> = {}): ContainerSpec => ({
    rootfs: { kind: "layers", lower: [rootfs] },
    args,
    ...more,
  });
  const sh = (script: string, more: Partial<ContainerSpec> = {}) => runCaptured(spec(["sh", "-c", script], more), runtime);

  t("stdout and stderr are separate streams; exit code 0", async () => {
    const r = await sh("echo out; echo err >&2");
    assert.is(r.exitCode, 0);
    assert.is(r.stdout, "out\n");
    assert.is(r.stderr, "err\n");
  });

  t("stdin reaches the process", async () => {
    const r = await runCaptured(spec(["cat"]), runtime, "piped input\n");
    assert.is(r.stdout, "piped input\n");
  });

  t("the process's exit code is returned (3)", async () => {
    const r = await sh("exit 3");
    assert.is(r.exitCode, 3);
    assert.is(r.error, undefined);
  });

  t("a non-executable command gives 126", async () => {
    const r = await runCaptured(spec(["/etc/notexec"]), runtime);
    assert.is(r.exitCode, 126);
  });

  t("a missing command gives 127", async () => {
    const r = await runCaptured(spec(["no-such-command"]), runtime);
    assert.is(r.exitCode, 127);
    assert.match(r.stderr + (r.error ?? ""), /no-such-command/);
  });

  t("env, working directory (created) and HOME", async () => {
    const r = await sh('echo "$FOO|$(pwd)|$HOME|$PATH"', { env: ["FOO=bar baz"], cwd: "/work/dir" });
    assert.is(r.stdout, "bar baz|/work/dir|/root|/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n");
  });

  t("user by name from /etc/passwd with groups from /etc/group", async () => {
    const r = await sh('echo "$(id -u):$(id -g):$(id -G):$HOME"', { user: { user: "app" } });
    assert.is(r.stdout.trim().split(":").slice(0, 2).join(":"), "1000:1000");
    assert.ok(r.stdout.includes("2000"), r.stdout);
    assert.ok(r.stdout.trim().endsWith(":/home/app"), r.stdout);
  });

  t("numeric uid:gid", async () => {
    const r = await sh('echo "$(id -u):$(id -g)"', { user: { user: "4321:99" } });
    assert.is(r.stdout, "4321:99\n");
  });

  t("volumes: rw writes reach the host, ro refuses writes", async () => {
    const rw = join(dir, "vol-rw");
    const ro = join(dir, "vol-ro");
    mkdirSync(rw, { recursive: true });
    mkdirSync(ro, { recursive: true });
    writeFileSync(join(ro, "given"), "from host\n");
    const r = await sh("echo written > /data/out && cat /config/given && ! touch /config/new 2>/dev/null && echo ro-ok", {
      mounts: [
        { type: "bind", source: rw, target: "/data" },
        { type: "bind", source: ro, target: "/config", readOnly: true },
      ],
    });
    assert.is(r.stdout, "from host\nro-ok\n");
    assert.is(readFileSync(join(rw, "out"), "utf8"), "written\n");
    assert.not.ok(existsSync(join(ro, "new")));
  });

  t("read-only rootfs refuses writes; tmpfs mounts stay writable", async () => {
    const r = await sh("touch /etc/x 2>/dev/null && echo wrote; touch /scratch/y && echo tmpfs-ok", {
      readOnlyRootfs: true,
      mounts: [{ type: "tmpfs", target: "/scratch" }],
    });
    assert.is(r.stdout, "tmpfs-ok\n");
  });

  t("writes land in the container's upper dir, never in the image's lower dir", async () => {
    const r = await sh("echo changed > /etc/passwd && echo new > /newfile && cat /etc/passwd");
    assert.is(r.stdout, "changed\n");
    assert.match(readFileSync(join(rootfs, "etc/passwd"), "utf8"), /^root:/);
    assert.not.ok(existsSync(join(rootfs, "newfile")));
  });

  t("isolation: own pid namespace, hostname, no mount, no host root", async () => {
    const r = await sh(
      'echo "pids:$(ls /proc | grep -E "^[0-9]+$" | sort -n | tail -1)"; hostname; mount -t tmpfs t /mnt 2>/dev/null && echo MOUNTED; echo pid1:$(cat /proc/1/cmdline | tr "\\0" " "); echo x > /proc/1/root/../../escape 2>/dev/null; echo done',
      { hostname: "boxy" },
    );
    const lines = r.stdout.trim().split("\n");
    const maxPid = Number(/pids:(\d+)/.exec(r.stdout)?.[1]);
    assert.ok(maxPid >= 1 && maxPid < 20, `highest visible pid ${maxPid}: ${r.stdout}`);
    assert.is(lines[1], "boxy");
    assert.not.ok(lines.includes("MOUNTED"), r.stdout);
    assert.match(r.stdout, /pid1:sh -c/);
    assert.not.ok(existsSync("/escape"));
  });

  t("capabilities: Docker's default set in CapEff and CapBnd; nothing for a non-root user; no_new_privs", async () => {
    const root = await sh("grep -E '^(CapEff|CapBnd|CapInh|NoNewPrivs)' /proc/self/status");
    assert.match(root.stdout, new RegExp(`CapEff:\\s+${DOCKER_DEFAULT_CAPS_HEX}`));
    assert.match(root.stdout, new RegExp(`CapBnd:\\s+${DOCKER_DEFAULT_CAPS_HEX}`));
    assert.match(root.stdout, /CapInh:\s+0000000000000000/);
    assert.match(root.stdout, /NoNewPrivs:\s+1/);
    const app = await sh("grep -E '^CapEff' /proc/self/status", { user: { user: "app" } });
    assert.match(app.stdout, /CapEff:\s+0000000000000000/);
  });

  t("devices: a node made with CAP_MKNOD cannot be opened (devices cgroup for runc/crun; nodev + read-only /dev for builtin)", async () => {
    const r = await sh("mknod /tmp/disk b 8 0 && head -c1 /tmp/disk >/dev/null && echo OPENED; mknod /dev/extra c 1 3 2>/dev/null && echo MADE; echo ok > /dev/null && echo null-ok");
    assert.not.ok(r.stdout.includes("OPENED"), r.stdout + r.stderr);
    assert.match(r.stderr, /denied|not permitted/i);
    if (runtime === "builtin") assert.not.ok(r.stdout.includes("MADE"), "builtin: /dev is read-only once populated");
    assert.match(r.stdout, /null-ok/);
  });

  t("seccomp: no new user namespace (allowed with seccomp off), no keyctl; threads still work", async () => {
    const r = await sh("unshare -U true && echo UNSHARED; echo ok");
    assert.not.ok(r.stdout.includes("UNSHARED"), r.stdout + r.stderr);
    const off = await sh("unshare -U true && echo UNSHARED", { seccomp: false });
    assert.match(off.stdout, /UNSHARED/, off.stderr);
    const bg = await sh("sleep 0.1 & wait $!; echo forked");
    assert.is(bg.stdout, "forked\n");
  });

  t("masked /proc paths and read-only /proc/sys, /sys", async () => {
    const r = await sh("wc -c < /proc/keys; echo 1 > /proc/sys/kernel/domainname 2>/dev/null && echo W1; touch /sys/x 2>/dev/null && echo W2; echo done");
    assert.is(r.stdout.trim().split("\n")[0], "0");
    assert.not.ok(r.stdout.includes("W1"));
    assert.not.ok(r.stdout.includes("W2"));
  });

  t("network none: only lo, and it is up", async () => {
    const r = await sh("ls /sys/class/net; cat /sys/class/net/lo/operstate /sys/class/net/lo/flags");
    const lines = r.stdout.trim().split("\n");
    assert.is(lines[0], "lo");
    assert.is(Number(lines[2]) & 1, 1, "IFF_UP");
  });

  t("network host: the host's interfaces", async () => {
    const r = await sh("ls /sys/class/net", { network: "host" });
    assert.equal(r.stdout.trim().split(/\s+/).sort(), readdirSync("/sys/class/net").sort());
  });

  t("memory limit: exceeding it is an OOM kill, exit 137", async () => {
    const r = await sh('x=$(head -c 80000000 /dev/zero | tr "\\0" a); echo survived', { limits: { memoryBytes: 24 * 1024 * 1024 } });
    assert.is(r.exitCode, 137);
    assert.not.ok(r.stdout.includes("survived"));
  });

  t("pids limit: forks beyond it fail", async () => {
    const script = "for i in 1 2 3 4 5 6 7 8 9 10 11 12; do sleep 1 & done; echo all-started";
    const free = await sh(script);
    assert.is(free.stdout, "all-started\n");
    const r = await sh(script, { limits: { pids: 8 } });
    assert.not.ok(r.stdout.includes("all-started"));
    assert.match(r.stderr, /fork/i);
  });

  t("cpus limit: the container's cgroup gets a CFS quota of cpus × 100 ms", async () => {
    const id = `cpu-${runtime}-${process.pid}`;
    const p = await start(spec(["sh", "-c", "echo ready; sleep 5"], { id, limits: { cpus: 0.5 }, stdio: "pipe" }), runtime);
    await new Promise<void>((resolve) => p.stdout!.on("data", (d: Buffer) => d.toString().includes("ready") && resolve()));
    const v1 = v1Controllers().get("cpu");
    const candidates = [
      ...(v1 ? [join(v1, "vmspec", id, "cpu.cfs_quota_us")] : []),
      join("/sys/fs/cgroup", "vmspec", id, "cpu.max"),
    ];
    const file = candidates.find((f) => existsSync(f));
    const value = file ? readFileSync(file, "utf8").trim() : "";
    p.kill("SIGKILL");
    await p.wait();
    assert.ok(file !== undefined, `no cpu cgroup file among ${candidates.join(", ")}`);
    assert.match(value, /^50000( 100000)?$/);
  });

  t("rlimits are applied", async () => {
    const r = await sh("ulimit -n", { rlimits: [{ name: "nofile", soft: 321, hard: 400 }] });
    assert.is(r.stdout, "321\n");
  });

  t("tty: the process gets a real terminal inside the container", async () => {
    const p = await start(spec(["sh", "-c", "tty; test -t 0 && test -t 1 && echo both-tty; read line; echo got:$line"], { stdio: "pty-pipe" }), runtime);
    let out = "";
    // Type only once the shell has reported its terminal, as a user would: input typed earlier is
    // echoed by the terminal and may interleave with the output being checked.
    let typed = false;
    p.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      if (!typed && out.includes("both-tty")) {
        typed = true;
        p.stdin!.write("typed\n");
      }
    });
    const r = await p.wait();
    assert.is(r.exitCode, 0, out);
    assert.match(out, /\/dev\/pts\/0\r\n/, JSON.stringify(out));
    assert.match(out, /both-tty\r\n/, JSON.stringify(out));
    assert.match(out, /got:typed\r\n/, JSON.stringify(out));
  });

  t("SIGTERM is forwarded to the container process", async () => {
    const p = await start(spec(["sh", "-c", 'trap "echo got-term; exit 7" TERM; echo ready; while true; do sleep 0.05; done'], { stdio: "pipe" }), runtime);
    let out = "";
    await new Promise<void>((resolve) => {
      p.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes("ready")) resolve();
      });
    });
    p.kill("SIGTERM");
    const r = await p.wait();
    assert.is(r.exitCode, 7);
    assert.match(out, /got-term/);
  });

  t("cleanup: no leftover mounts, cgroups or dirs after 100 runs", async () => {
    const stateDir = join(dir, "state");
    const vol = join(dir, "vol-cleanup");
    mkdirSync(vol, { recursive: true });
    const prefix = `cleanup-${runtime}-${process.pid}-`;
    for (let i = 0; i < 100; i++) {
      const p = await start(
        spec(["true"], { id: `${prefix}${i}`, limits: { pids: 50, memoryBytes: 64 << 20 }, mounts: [{ type: "bind", source: vol, target: "/v" }] }),
        runtime,
        { stateDir },
      );
      const r = await p.wait();
      assert.is(r.exitCode, 0, `run ${i}: ${r.error ?? ""}`);
    }
    const mounts = readFileSync("/proc/self/mountinfo", "utf8").split("\n").filter((l) => l.includes(dir) || l.includes(prefix));
    assert.equal(mounts, []);
    assert.equal(cgroupChildren().filter((c) => c.includes(prefix)), []);
    assert.equal(existsSync(stateDir) ? readdirSync(stateDir) : [], []);
    if (runtime !== "builtin") assert.not.ok(readdirSync(`/run/${runtime}`).some((n) => n.startsWith(prefix)), "runtime state left behind");
  });

  s.run();
}
