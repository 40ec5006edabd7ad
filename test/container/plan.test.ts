// The built-in runtime's start-up plan, user resolution and rootfs file reading, without root.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { markOwner, sweepStale } from "../../runtime/container/stateDir.js";
import { CLONE_NAMESPACE_FLAGS, SECCOMP_DENIED, ociSeccomp } from "../../runtime/container/seccomp.js";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { prepareContainer } from "../../runtime/container/builtin.js";
import { buildPlan, overlayOptions } from "../../runtime/container/plan.js";
import { capabilityMask, containerEnv, effectiveCapabilities } from "../../runtime/container/process.js";
import { readRootfsText } from "../../runtime/container/rootfsFiles.js";
import { parseStatus } from "../../runtime/container/status.js";
import { RecordingSyscalls, encodePlan } from "../../runtime/container/syscalls.js";
import { resolveUser } from "../../runtime/container/user.js";
import { ContainerError } from "../../runtime/container/index.js";

const passwd = "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n";
const group = "root:x:0:\napp:x:1000:\nextra:x:2000:app,other\naudio:x:29:\n";

function planFor(more: Record<string, unknown> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "vmspec-plan-"));
  mkdirSync(join(dir, "etc"));
  writeFileSync(join(dir, "etc/passwd"), passwd);
  writeFileSync(join(dir, "etc/group"), group);
  const prepared = prepareContainer(
    { rootfs: { kind: "dir", path: dir }, args: ["echo", "hi"], ...more },
    { mount: { kind: "overlay", target: "/run/x/rootfs", lower: ["/l/base", "/l/top"], upper: "/run/x/upper", work: "/run/x/work" }, readDirs: [dir], cleanup: [] },
    "abc123",
    ["/sys/fs/cgroup/pids/vmspec/abc123/cgroup.procs"],
  );
  const sys = new RecordingSyscalls();
  buildPlan(prepared, sys);
  rmSync(dir, { recursive: true });
  return sys.ops;
}

const names = (ops: { op: string }[]) => ops.map((o) => o.op);

test("plan order: namespaces, fork, cgroup, rootfs, pivot, mounts, detach, then identity and exec", () => {
  const ops = names(planFor());
  const idx = (op: string) => ops.indexOf(op);
  assert.is(ops[0], "pdeathsig");
  assert.is(ops[1], "unshare");
  assert.ok(idx("fork") < idx("cgjoin") && idx("cgjoin") < idx("pivot"));
  assert.ok(idx("pivot") < idx("mask") && idx("mask") < idx("detach"));
  assert.ok(idx("detach") < idx("caps") && idx("caps") < idx("user") && idx("user") < idx("nnp"));
  assert.is(ops[ops.length - 1], "exec");
});

test("network none unshares a net namespace and brings lo up; host does neither", () => {
  const none = planFor();
  const host = planFor({ network: "host" });
  const flags = (ops: typeof none) => Number(ops.find((o) => o.op === "unshare")!.args[0]);
  assert.ok((flags(none) & 0x40000000) !== 0);
  assert.is(flags(host) & 0x40000000, 0);
  assert.ok(names(none).includes("lo"));
  assert.not.ok(names(host).includes("lo"));
});

test("overlay lowerdir lists the top layer first", () => {
  const ops = planFor();
  const m = ops.find((o) => o.op === "mount" && o.args[2] === "overlay")!;
  assert.is(m.args[4], "lowerdir=/l/top:/l/base,upperdir=/run/x/upper,workdir=/run/x/work");
  assert.throws(() => overlayOptions(["/a,b"], "/u", "/w"), (e: unknown) => e instanceof ContainerError);
});

test("user by name: uid, gid, supplementary groups from /etc/group, HOME in env", () => {
  const ops = planFor({ user: { user: "app" } });
  assert.equal(ops.find((o) => o.op === "user")!.args, ["1000", "1000", "1", "2000"]);
  const env = ops.find((o) => o.op === "env")!.args;
  assert.ok(env.includes("HOME=/home/app"));
  assert.ok(env.includes("HOSTNAME=abc123"));
});

test("resolveUser follows docker: unknown names fail, unknown uids are allowed, :group wins", () => {
  assert.throws(() => resolveUser({ user: "ghost" }, passwd, group), /unable to find user ghost/);
  assert.equal(resolveUser({ user: "4000" }, passwd, group), { uid: 4000, gid: 0, groups: [], home: "/" });
  assert.equal(resolveUser({ user: "app:audio" }, passwd, group), { uid: 1000, gid: 29, groups: [], home: "/home/app" });
  assert.equal(resolveUser({ user: "app", groups: ["audio"] }, passwd, group).groups, [29, 2000]);
});

test("capabilities: docker default mask, add and drop", () => {
  assert.is(capabilityMask(effectiveCapabilities({})).toString(16), "a80425fb");
  const withAdmin = effectiveCapabilities({ capAdd: ["sys_admin"], capDrop: ["CAP_NET_RAW"] });
  assert.ok(withAdmin.includes("CAP_SYS_ADMIN"));
  assert.not.ok(withAdmin.includes("CAP_NET_RAW"));
  assert.equal(effectiveCapabilities({ capDrop: ["ALL"] }), []);
  assert.throws(() => effectiveCapabilities({ capAdd: ["bogus"] }), /unknown capability/);
});

test("env: PATH default, spec entries override, bad entries are errors", () => {
  const env = containerEnv(["A=1", "HOME=/h", "A=2"], "h1", "/root", true);
  assert.ok(env.includes("A=2") && !env.includes("A=1"));
  assert.ok(env.includes("HOME=/h") && env.includes("TERM=xterm"));
  assert.ok(env.some((e) => e.startsWith("PATH=/usr/local/sbin")));
  assert.throws(() => containerEnv(["NOEQUALS"], "h", "/", false), /KEY=value/);
});

test("encoded plan is flat argv with counted lists", () => {
  const sys = new RecordingSyscalls();
  sys.env(["A=1"]);
  sys.exec(["sh", "-c", "x y"]);
  assert.equal(encodePlan(sys.ops), ["env", "1", "A=1", "exec", "3", "sh", "-c", "x y"]);
});

test("rootfs reads never leave the rootfs: absolute symlinks resolve inside, whiteouts hide", () => {
  const base = mkdtempSync(join(tmpdir(), "vmspec-rfs-"));
  const lower = join(base, "lower");
  const upper = join(base, "upper");
  mkdirSync(join(lower, "etc"), { recursive: true });
  mkdirSync(join(upper, "etc"), { recursive: true });
  writeFileSync(join(lower, "etc/real"), "inside\n");
  symlinkSync("/etc/real", join(lower, "etc/passwd"));
  symlinkSync("../../../../../../etc/hostname", join(lower, "etc/group"));
  assert.is(readRootfsText([upper, lower], "/etc/passwd"), "inside\n");
  assert.is(readRootfsText([upper, lower], "/etc/group"), undefined, "a .. chain must stop at the rootfs");
  writeFileSync(join(upper, "etc/real"), "upper wins\n");
  assert.is(readRootfsText([upper, lower], "/etc/passwd"), "upper wins\n");
  rmSync(base, { recursive: true });
});

test("status lines map to docker exit codes", () => {
  assert.equal(parseStatus("exit 3\n", 3, null), { exitCode: 3 });
  assert.equal(parseStatus("signal 9\n", 137, null), { exitCode: 137, signal: "SIGKILL" });
  assert.equal(parseStatus("error 127 exec x: not found\n", 127, null), { exitCode: 127, error: "exec x: not found" });
  assert.is(parseStatus("", null, "SIGKILL").exitCode, 137);
});

test("reported xattrs: parsed from hex lines only once the walk finished, and only with an exit status", () => {
  const hex = (s: string) => Buffer.from(s).toString("hex");
  const text = `xattr ${hex("d/with space")} ${hex("user.note")} ${hex("a b")}\nxattr  ${hex("user.root")} \nxattr ${hex("d")} ${hex("trusted.overlay.opaque")} ${hex("y")}\nxattrs-done\nexit 0\n`;
  const r = parseStatus(text, 0, null);
  assert.is(r.exitCode, 0);
  assert.equal([...r.xattrs!.keys()].sort(), ["", "d", "d/with space"]);
  assert.is(r.xattrs!.get("d/with space")!["user.note"]!.toString(), "a b");
  assert.is(r.xattrs!.get("")!["user.root"]!.length, 0);
  assert.is(r.xattrs!.get("d")!["trusted.overlay.opaque"]!.toString(), "y");
  assert.is(parseStatus("xattrs-done\nsignal 9\n", 137, null).xattrs?.size, 0);
  // An unfinished walk (helper killed, or it failed) reports nothing: the caller reads them itself.
  assert.is(parseStatus(`xattr ${hex("f")} ${hex("user.a")} 00\nexit 0\n`, 0, null).xattrs, undefined);
  assert.is(parseStatus("xattrs-error Permission denied\nexit 0\n", 0, null).xattrs, undefined);
  assert.is(parseStatus("xattrs-done\nerror 125 mount: EPERM\n", 125, null).xattrs, undefined);
});

test("reportXattrs opens the dir before the fork (the supervisor keeps it); never in rootless mode", () => {
  const root = { mount: { kind: "bind" as const, target: "/r" }, readDirs: [], cleanup: [] };
  const plan = (caller: { uid: number; gid: number }) => {
    const sys = new RecordingSyscalls();
    buildPlan(prepareContainer({ rootfs: { kind: "dir", path: "/r" }, args: ["true"], user: { user: "0:0" }, reportXattrs: "/up" }, root, "id1", [], caller), sys);
    return sys.ops;
  };
  const ops = plan({ uid: 0, gid: 0 });
  const i = ops.findIndex((o) => o.op === "xattrs");
  assert.ok(i >= 0 && i < ops.findIndex((o) => o.op === "fork"));
  assert.equal(ops[i]!.args, ["/up"]);
  assert.not.ok(names(plan({ uid: 1000, gid: 1000 })).includes("xattrs"));
  assert.not.ok(names(planFor()).includes("xattrs"));
});

test("sweepStale removes only container dirs whose owner process is gone", () => {
  const state = mkdtempSync(join(tmpdir(), "vmspec-state-"));
  const dead = spawnSync("true").pid!;
  for (const [name, pid] of [["gone", dead], ["mine", process.pid]] as const) {
    mkdirSync(join(state, name));
    markOwner(join(state, name), pid);
  }
  mkdirSync(join(state, "settingup"));
  mkdirSync(join(state, "containers"));
  sweepStale(state);
  assert.equal(readdirSync(state).sort(), ["containers", "mine", "settingup"]);
  rmSync(state, { recursive: true });
});

test("the helper's seccomp filter denies exactly SECCOMP_DENIED (C source and TS data agree)", () => {
  const src = readFileSync(new URL("../../../runtime/container/helper/vmspecInit.c", import.meta.url), "utf8");
  const block = /static const int denied\[\] = \{([\s\S]*?)\};/.exec(src)?.[1] ?? "";
  const code = block.split("\n").filter((l) => !l.trim().startsWith("#")).join("\n");
  const inC = [...code.matchAll(/SYS_(\w+)/g)].map((m) => m[1]!).sort();
  assert.equal(inC, [...SECCOMP_DENIED].sort());
  const oci = ociSeccomp("x64");
  assert.equal(oci.architectures, ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"]);
  assert.equal(oci.syscalls[0]!.names, [...SECCOMP_DENIED]);
  const mask = CLONE_NAMESPACE_FLAGS.reduce((a, b) => a | b, 0);
  assert.ok(src.includes(`0x${mask.toString(16).toUpperCase()}UL`), "CLONE_NS_FLAGS matches");
});

test.run();
