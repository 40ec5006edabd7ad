// Rootless mode of the built-in runtime: `vmspec run` as an unprivileged user (uid 65534, via
// setpriv) in a user namespace that maps only that uid to root.
import { chownSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { execa } from "execa";
import { gated } from "../support/env.js";
import { busyboxRootfs } from "./rootfsKit.js";
import { prepareContainer } from "../../runtime/container/builtin.js";
import { buildPlan } from "../../runtime/container/plan.js";
import { RecordingSyscalls } from "../../runtime/container/syscalls.js";

const checkout = new URL("../../../", import.meta.url).pathname;
/** The CLI uid 65534 runs: a world-readable copy staged in before() (the checkout may sit under /root). */
let bin = "";
const NOBODY = 65534;
const rt = gated(test, { root: true, tools: ["busybox", "cc", "setpriv"] });

let work = "";
let home = "";
let rootfs = "";

function chownTree(p: string): void {
  chownSync(p, NOBODY, NOBODY);
  for (const e of readdirSync(p, { withFileTypes: true })) {
    const q = join(p, e.name);
    if (e.isDirectory()) chownTree(q);
    else {
      try {
        chownSync(q, NOBODY, NOBODY);
      } catch {
        // dangling symlink targets: lchown is enough below
      }
    }
  }
}

test.before(() => {
  if (process.getuid?.() !== 0 || !existsSync("/bin/busybox")) return;
  const kit = busyboxRootfs();
  work = kit.dir;
  home = join(work, "home");
  mkdirSync(home);
  rootfs = join(home, "rootfs");
  // A rootless user runs images it owns (files of unmapped owners are read-only to it).
  cpSync(kit.rootfs, rootfs, { recursive: true, verbatimSymlinks: true });
  chownTree(home);
  chownSync(work, NOBODY, NOBODY);
  // What `vmspec version` and `vmspec run` load: the bundled run command needs only Node's
  // built-ins plus the helper's C source, so no node_modules are copied.
  const pkg = join(work, "pkg");
  for (const part of ["bin", "dist", "package.json", "runtime/container/helper"])
    cpSync(join(checkout, part), join(pkg, part), { recursive: true });
  bin = join(pkg, "bin", "vmspec.js");
});

test.after(() => {
  if (work !== "") rmSync(work, { recursive: true, force: true });
});

/** Why uid 65534 cannot run the staged vmspec, if it cannot. */
async function unreachable(): Promise<string | undefined> {
  const r = await execa("setpriv", ["--reuid", String(NOBODY), "--regid", String(NOBODY), "--clear-groups", "node", bin, "version"], { reject: false });
  return r.exitCode === 0 ? undefined : `uid ${NOBODY} cannot run ${bin}: ${r.stderr.split("\n")[0]}`;
}

const asNobody = (args: string[]) =>
  execa("setpriv", ["--reuid", String(NOBODY), "--regid", String(NOBODY), "--clear-groups", "node", bin, "run", ...args], {
    reject: false,
    cwd: home,
    env: { PATH: process.env.PATH!, HOME: home, VMSPEC_CACHE: join(home, "cache"), VMSPEC_STATE_DIR: join(home, "state") },
  });

test("rootless plan: a user namespace first, devices bound from the host, no devpts gid", () => {
  const sys = new RecordingSyscalls();
  const prepared = prepareContainer(
    { rootfs: { kind: "dir", path: "/nonexistent" }, args: ["true"] },
    { mount: { kind: "bind", target: "/r" }, readDirs: [], cleanup: [] },
    "id1",
    [],
    { uid: 1000, gid: 1000 },
  );
  buildPlan(prepared, sys);
  const ops = sys.ops.map((o) => o.op);
  assert.ok(ops.indexOf("userns") < ops.indexOf("unshare"));
  assert.equal(sys.ops.find((o) => o.op === "userns")!.args, ["1000", "1000"]);
  assert.not.ok(ops.includes("mknod"));
  assert.ok(sys.ops.some((o) => o.op === "open" && o.args[1] === "/dev/null"));
  assert.not.match(sys.ops.find((o) => o.op === "mount" && o.args[2] === "devpts")!.args[4]!, /gid=/);
  assert.throws(
    () => prepareContainer({ rootfs: { kind: "dir", path: "/x" }, args: ["true"], user: { user: "5:5" } }, { mount: { kind: "bind", target: "/r" }, readDirs: [], cleanup: [] }, "id2", [], { uid: 1000, gid: 1000 }),
    /uid range/,
  );
});

rt("an unprivileged user runs a container: root inside, mapped to its own uid, isolated", async () => {
  assert.is(await unreachable(), undefined);
  const r = await asNobody([
    "--rootfs", rootfs, "--hostname", "rl", "sh", "-c",
    'echo "$(id -u) $(hostname)"; cat /proc/self/uid_map; grep CapBnd /proc/self/status; echo "pids:$(ls /proc | grep -cE "^[0-9]+$")"; echo x > /etc/written && echo wrote; echo y > /dev/null && echo null-ok; exit 3',
  ]);
  assert.is(r.exitCode, 3, r.stderr);
  const lines = r.stdout.split("\n");
  assert.is(lines[0], "0 rl");
  assert.match(lines[1]!, new RegExp(`^\\s*0\\s+${NOBODY}\\s+1$`));
  assert.match(lines[2]!, /CapBnd:\s+00000000a80425fb/);
  assert.ok(Number(/pids:(\d+)/.exec(r.stdout)?.[1]) < 10, r.stdout);
  assert.match(r.stdout, /wrote\nnull-ok/);
  assert.not.ok(existsSync(join(rootfs, "etc/written")), "writes go to the container's upper dir");
  const state = join(home, "state");
  assert.equal(existsSync(state) ? readdirSync(state) : [], []);
});

rt("rootless: 127 for a missing command; clear errors for image users and limits", async () => {
  assert.is(await unreachable(), undefined);
  assert.is((await asNobody(["--rootfs", rootfs, "no-such-cmd"])).exitCode, 127);
  const user = await asNobody(["--rootfs", rootfs, "-u", "app", "true"]);
  assert.is(user.exitCode, 125, user.stderr);
  assert.match(user.stderr, /uid range/);
  const limits = await asNobody(["--rootfs", rootfs, "--memory", "64m", "true"]);
  assert.is(limits.exitCode, 125, limits.stderr);
  assert.match(limits.stderr, /limits need root/);
  const runc = await asNobody(["--runtime", "runc", "--rootfs", rootfs, "true"]);
  assert.is(runc.exitCode, 125, runc.stderr);
  assert.match(runc.stderr, /as root only/);
});

test.run();
