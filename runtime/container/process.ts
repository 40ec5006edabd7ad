// Process-level settings shared by all runtimes: capability set, environment, ids.
import { CAPABILITY_NUMBERS, DEFAULT_CAPABILITIES, DEFAULT_PATH, capabilityName } from "./defaults.js";
import { ContainerError } from "./errors.js";
import type { ContainerSpec } from "./index.js";

/**
 * A fresh container id: 12 hex digits, like Docker's short ids. Ids only name per-container dirs
 * and cgroups (created exclusively, so a collision fails loudly), so V8's per-process randomly
 * seeded Math.random suffices and start-up avoids loading the crypto module.
 */
export function newContainerId(): string {
  let id = "";
  for (let i = 0; i < 3; i++) id += Math.floor(Math.random() * 0x10000).toString(16).padStart(4, "0");
  return id;
}

/** The capability names the container keeps: (capabilities ?? default) + capAdd − capDrop. */
export function effectiveCapabilities(spec: Pick<ContainerSpec, "capabilities" | "capAdd" | "capDrop">): string[] {
  const norm = (n: string): string => {
    const c = capabilityName(n);
    if (c === undefined) throw new ContainerError("CONTAINER_SPEC", `unknown capability '${n}'`, n);
    return c;
  };
  const set = new Set((spec.capabilities ?? DEFAULT_CAPABILITIES).map(norm));
  for (const a of spec.capAdd ?? []) {
    if (a.toUpperCase() === "ALL") Object.keys(CAPABILITY_NUMBERS).forEach((c) => set.add(c));
    else set.add(norm(a));
  }
  for (const d of spec.capDrop ?? []) {
    if (d.toUpperCase() === "ALL") set.clear();
    else set.delete(norm(d));
  }
  return [...set].sort((a, b) => CAPABILITY_NUMBERS[a]! - CAPABILITY_NUMBERS[b]!);
}

/** Bit mask of capability names (bit n = capability number n). */
export function capabilityMask(names: readonly string[]): bigint {
  return names.reduce((m, n) => m | (1n << BigInt(CAPABILITY_NUMBERS[n]!)), 0n);
}

/**
 * The process environment as Docker builds it: the spec's entries (later wins), PATH defaulted,
 * HOSTNAME set, HOME from the user's passwd entry unless given, TERM=xterm with a tty.
 */
export function containerEnv(env: readonly string[] | undefined, hostname: string, home: string, tty: boolean): string[] {
  const map = new Map<string, string>();
  const set = (k: string, v: string) => map.set(k, `${k}=${v}`);
  if (!(env ?? []).some((e) => e.startsWith("PATH="))) set("PATH", DEFAULT_PATH);
  set("HOSTNAME", hostname);
  if (tty) set("TERM", "xterm");
  for (const e of env ?? []) {
    const i = e.indexOf("=");
    if (i <= 0) throw new ContainerError("CONTAINER_SPEC", `environment entry '${e}' is not KEY=value`, e);
    map.set(e.slice(0, i), e);
  }
  if (!map.has("HOME")) set("HOME", home);
  return [...map.values()];
}
