// Test kit: a busybox rootfs assembled from the host's busybox-static, and a run helper capturing output.
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { start, type ContainerSpec, type RunResult, type RuntimeName } from "../../runtime/container/index.js";

/** Creates a temp dir holding `rootfs/` with busybox and its applets, passwd/group with root, app(1000), nobody. */
export function busyboxRootfs(): { dir: string; rootfs: string } {
  const dir = mkdtempSync(join(tmpdir(), "vmspec-ctr-"));
  const rootfs = join(dir, "rootfs");
  for (const d of ["bin", "etc", "tmp", "home/app", "root"]) mkdirSync(join(rootfs, d), { recursive: true });
  chmodSync(join(rootfs, "tmp"), 0o1777);
  copyFileSync("/bin/busybox", join(rootfs, "bin/busybox"));
  chmodSync(join(rootfs, "bin/busybox"), 0o755);
  const applets = execFileSync("/bin/busybox", ["--list"], { encoding: "utf8" }).split("\n");
  for (const a of applets) if (a !== "" && a !== "busybox") symlinkSync("busybox", join(rootfs, "bin", a));
  writeFileSync(
    join(rootfs, "etc/passwd"),
    "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n",
  );
  writeFileSync(join(rootfs, "etc/group"), "root:x:0:\napp:x:1000:\nextra:x:2000:app\nnogroup:x:65534:\n");
  writeFileSync(join(rootfs, "etc/notexec"), "just text\n");
  chmodSync(join(rootfs, "etc/notexec"), 0o644);
  return { dir, rootfs };
}

/** Output and result of one container run with piped stdio. */
export interface Captured extends RunResult {
  stdout: string;
  stderr: string;
}

/** Runs a container with stdio `pipe`, feeding `input` to stdin, and collects its output. */
export async function runCaptured(spec: ContainerSpec, runtime: RuntimeName = "builtin", input = ""): Promise<Captured> {
  const p = await start({ ...spec, stdio: "pipe" }, runtime);
  let stdout = "";
  let stderr = "";
  p.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
  p.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  p.stdin?.end(input);
  const r = await p.wait();
  return { ...r, stdout, stderr };
}
