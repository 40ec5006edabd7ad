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
