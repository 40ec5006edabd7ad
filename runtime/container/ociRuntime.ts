// placeholder
import type { Runtime } from "./index.js";
/** Placeholder. */
export function ociRuntime(name: "runc" | "crun"): Runtime {
  throw new Error(name);
}
