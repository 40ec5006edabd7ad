// Test gating for tests that need a host tool, root, or the network: in CI a missing requirement
// is a failure; elsewhere the test is skipped and the reason is printed.
import { execFileSync } from "node:child_process";
import type { Test } from "uvu";

/** True when running under CI (`CI=true`), where nothing may be skipped. */
export const inCI = process.env.CI === "true" || process.env.CI === "1";

/** What a test needs from the host. */
export interface Requirements {
  /** Executables that must be on PATH (e.g. `runc`, `riscv64-linux-gnu-gcc`). */
  tools?: readonly string[];
  /** The test needs uid 0. */
  root?: boolean;
}

function hasTool(name: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v "$1" >/dev/null`, "sh", name], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Returns why the requirements are not met, or undefined when they are. */
export function missing(req: Requirements): string | undefined {
  const reasons: string[] = [];
  for (const t of req.tools ?? []) if (!hasTool(t)) reasons.push(`tool '${t}' not on PATH`);
  if (req.root && process.getuid?.() !== 0) reasons.push("needs root");
  return reasons.length > 0 ? reasons.join(", ") : undefined;
}

/**
 * Wraps a uvu suite (or the default `test`) so that each test registered through the returned
 * function runs only when `req` is met. Outside CI an unmet requirement skips the test (printing
 * `skip: <name>: <reason>`); in CI it fails with the reason.
 */
export function gated<T extends Test>(t: T, req: Requirements): T {
  const why = missing(req);
  if (why === undefined) return t;
  const wrapped = ((name: string, fn: unknown) => {
    if (inCI) {
      t(name, () => {
        throw new Error(`requirement not met in CI: ${why} (install it in .ci/run)`);
      });
    } else {
      console.log(`skip: ${name}: ${why}`);
      t.skip(name, fn as never);
    }
  }) as unknown as T;
  return Object.assign(wrapped, t);
}
