// Inter-process file locks (shared/exclusive) held by a `flock(1)` helper process, so the kernel frees them when we die.
//
// Node has no flock(2). Each lock is held by a child `flock -s|-x FILE sh -c 'echo locked; exec cat'`:
// the child prints `locked` once the lock is granted, then blocks reading our stdin pipe. Releasing
// closes that pipe; if this process is killed (even SIGKILL) the kernel closes the pipe, `cat` sees
// EOF and exits, and the lock is released: no stale lock files, no pid checks. flock is from
// util-linux (Essential in Debian).
import { spawn, type ChildProcessByStdio } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { StoreLockError } from "./errors.js";

/** A held lock. `release()` is idempotent. */
export interface LockHandle {
  readonly mode: "shared" | "exclusive";
  release(): Promise<void>;
}

/**
 * Takes a shared or exclusive lock on `file` (created if missing), waiting up to `timeoutMs`
 * (0 = fail at once). Rejects with StoreLockError `IMG_STORE_LOCKED` on timeout. Locks taken by
 * two handles of the same process conflict like those of two processes.
 */
export async function acquireLock(
  file: string,
  mode: "shared" | "exclusive",
  timeoutMs: number,
): Promise<LockHandle> {
  const args = [mode === "shared" ? "-s" : "-x", "-w", String(Math.max(0, timeoutMs) / 1000), "-E", "75", file, "sh", "-c", "echo locked; exec cat >/dev/null"];
  const child: ChildProcessByStdio<Writable, Readable, Readable> = spawn("flock", args, { stdio: ["pipe", "pipe", "pipe"] });
  await new Promise<void>((resolve, reject) => {
    let out = "";
    let err = "";
    const onData = (d: Buffer): void => {
      out += d.toString();
      if (out.includes("locked\n")) {
        child.stdout.off("data", onData);
        child.off("exit", onExit);
        resolve();
      }
    };
    const onExit = (code: number | null): void => {
      if (code === 75) reject(new StoreLockError("IMG_STORE_LOCKED", `timed out after ${timeoutMs} ms waiting for the ${mode} lock ${file}`, { path: file }));
      else reject(new StoreLockError("IMG_STORE_LOCKED", `could not lock ${file}: flock exited ${code}: ${err.trim()}`, { path: file }));
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("exit", onExit);
    child.on("error", (e) => reject(new StoreLockError("IMG_STORE_LOCKED", `could not run flock(1) for ${file}: ${e.message}`, { path: file, cause: e })));
  });
  // Do not keep the event loop alive for the helper.
  child.unref();
  child.stdout.destroy();
  child.stderr.destroy();
  (child.stdin as unknown as { unref?: () => void }).unref?.();
  let released: Promise<void> | undefined;
  return {
    mode,
    release(): Promise<void> {
      released ??= new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.ref();
        child.once("exit", () => resolve());
        child.stdin.end();
      });
      return released;
    },
  };
}
