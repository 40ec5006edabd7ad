// The built-in runtime against the shared runtime suite (real namespaces; needs root and a C compiler),
// plus its copy fallback for hosts without overlayfs.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { gated } from "../support/env.js";
import { busyboxRootfs, runCaptured } from "./rootfsKit.js";
import { runtimeSuite } from "./scenarios.js";

runtimeSuite("builtin", ["cc"]);

const copy = suite("builtin: copy fallback without overlayfs");
const t = gated(copy, { root: true, tools: ["busybox", "cc", "mknod"] });

t("layers are merged by copying (whiteouts applied), writes stay in the private copy", async () => {
  const { dir, rootfs } = busyboxRootfs();
  const top = join(dir, "top");
  mkdirSync(join(top, "etc"), { recursive: true });
  writeFileSync(join(top, "etc/added"), "from top\n");
  execFileSync("mknod", [join(top, "etc/notexec"), "c", "0", "0"]);
  const state = join(dir, "state");
  process.env.VMSPEC_NO_OVERLAY = "1";
  process.env.VMSPEC_STATE_DIR = state;
  try {
    const r = await runCaptured({
      rootfs: { kind: "layers", lower: [rootfs, top] },
      args: ["sh", "-c", "cat /etc/added; test -e /etc/notexec && echo whiteout-ignored; echo new > /etc/new; grep -c overlay /proc/mounts"],
    });
    assert.is(r.exitCode, 1, `${r.stderr} ${r.error ?? ""}`); // grep -c finds no overlay mount
    assert.is(r.stdout, "from top\n0\n");
    assert.not.ok(existsSync(join(rootfs, "etc/new")));
    assert.not.ok(existsSync(join(top, "etc/new")));
    assert.equal(readdirSync(state), []);
  } finally {
    delete process.env.VMSPEC_NO_OVERLAY;
    delete process.env.VMSPEC_STATE_DIR;
    rmSync(dir, { recursive: true, force: true });
  }
});

copy.run();

const report = suite("builtin: xattrs of a dir reported after the exit");
const r = gated(report, { root: true, tools: ["busybox", "cc", "getfattr"] });

r("the upper dir's xattrs come back with the status; the container never holds the dir's fd", async () => {
  const { dir, rootfs } = busyboxRootfs();
  const upper = join(dir, "upper");
  const work = join(dir, "work");
  mkdirSync(upper);
  mkdirSync(work);
  try {
    // Every fd the container process has, resolved: none may point into the host's upper dir path.
    const res = await runCaptured({
      rootfs: { kind: "layers", lower: [rootfs], upper, work },
      args: ["sh", "-c", "for f in /proc/self/fd/*; do readlink $f; done; mkdir -p /etc/sub && echo x > /etc/sub/f && ln -s /etc/sub/f /etc/sub/l && rm -r /home && mkdir /home"],
      reportXattrs: upper,
    });
    assert.is(res.exitCode, 0, `${res.stderr} ${res.error ?? ""}`);
    assert.not.match(res.stdout, upper);
    assert.not.match(res.stdout, dir);
    // A lower dir removed and made again is opaque in the upper dir; the map holds exactly the
    // entries getfattr sees.
    assert.is(res.xattrs?.get("home")?.["trusted.overlay.opaque"]?.toString(), "y");
    const seen = execFileSync("getfattr", ["-R", "-P", "-h", "-d", "-m", "-", "--absolute-names", upper], { encoding: "utf8" });
    const files = [...seen.matchAll(/^# file: (.*)$/gm)].map((m) => m[1]!.slice(upper.length + 1)).sort();
    assert.equal([...res.xattrs!.keys()].sort(), files);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

report.run();
