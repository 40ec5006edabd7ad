// Where runtimes keep per-container state (upper/work dirs, bundles), and the sweep of dirs left
// behind by a vmspec process that was killed before it could clean up.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ContainerError } from "./errors.js";
import { cacheDir } from "./helper.js";

/**
 * $VMSPEC_STATE_DIR, else /var/lib/vmspec/run as root (on disk: a container's writes land in its
 * upper dir here, and /run is often a small tmpfs), else <cache>/run.
 */
export function defaultStateDir(): string {
  if (process.env.VMSPEC_STATE_DIR) return process.env.VMSPEC_STATE_DIR;
  return process.getuid?.() === 0 ? "/var/lib/vmspec/run" : join(cacheDir(), "run");
}

/** Name of the file holding the host pid of the process that owns a container dir. */
const PID_FILE = "owner.pid";

/** Records which host process owns a container dir (for `sweepStale`). */
export function markOwner(containerDir: string, pid: number | undefined): void {
  if (pid !== undefined) writeFileSync(join(containerDir, PID_FILE), String(pid));
}

/** True while process `pid` exists (signal 0; EPERM means it exists but is not ours). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Creates the state dir of container `id` under `stateDir` (default: defaultStateDir()), after
 * sweeping dirs left by killed owners. The dir is created exclusively: an id already in use is a
 * CONTAINER_START error. Returns the new dir.
 */
export function createContainerDir(id: string, stateDir = defaultStateDir()): string {
  sweepStale(stateDir);
  const containerDir = join(stateDir, id);
  mkdirSync(stateDir, { recursive: true });
  try {
    mkdirSync(containerDir);
  } catch (cause) {
    throw new ContainerError("CONTAINER_START", `container dir ${containerDir} exists: is id ${id} in use?`, containerDir, { cause });
  }
  return containerDir;
}

/**
 * Removes container dirs under `stateDir` whose owner process is gone (its mount namespace, and
 * with it the overlay mount, died with it). Dirs without an owner file are left alone: they may
 * be in the middle of being set up.
 */
export function sweepStale(stateDir: string): void {
  if (!existsSync(stateDir)) return;
  for (const name of readdirSync(stateDir)) {
    const pidFile = join(stateDir, name, PID_FILE);
    let pid: number;
    try {
      pid = Number(readFileSync(pidFile, "utf8"));
    } catch {
      continue;
    }
    if (Number.isInteger(pid) && pid > 0 && !processAlive(pid)) rmSync(join(stateDir, name), { recursive: true, force: true });
  }
}
