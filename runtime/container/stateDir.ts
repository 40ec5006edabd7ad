// Where runtimes keep per-container state (upper/work dirs, bundles).
import { join } from "node:path";
import { cacheDir } from "./helper.js";

/** $VMSPEC_STATE_DIR, else /run/vmspec (root: tmpfs, fast, cleared at boot), else <cache>/run. */
export function defaultStateDir(): string {
  if (process.env.VMSPEC_STATE_DIR) return process.env.VMSPEC_STATE_DIR;
  return process.getuid?.() === 0 ? "/run/vmspec" : join(cacheDir(), "run");
}
