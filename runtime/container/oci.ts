// Image/spec → OCI runtime bundle config (config.json per the OCI runtime spec v1.0.2): one
// explicit function, like umoci's UnpackRuntimeJSON.
import { CAPABILITY_NUMBERS, DEFAULT_PATH, MASKED_PATHS, READONLY_PATHS, RLIMIT_NUMBERS } from "./defaults.js";
import { ContainerError } from "./errors.js";
import type { ContainerSpec } from "./index.js";
import { containerNamespaces } from "./namespaces.js";
import type { Identity } from "./user.js";
import { ociSeccomp, type OciSeccomp } from "./seccomp.js";

/** The OCI runtime spec version we write (runtime-spec v1.0.2, what runc 1.1 and crun 1.8 accept). */
export const OCI_VERSION = "1.0.2";

/** The subset of the OCI runtime config we generate (runtime-spec config.md, config-linux.md). */
export interface OciConfig {
  ociVersion: string;
  process: {
    terminal: boolean;
    user: { uid: number; gid: number; additionalGids?: number[] };
    args: string[];
    env: string[];
    cwd: string;
    capabilities: Record<"bounding" | "effective" | "permitted" | "inheritable" | "ambient", string[]>;
    rlimits: { type: string; hard: number; soft: number }[];
    noNewPrivileges: boolean;
  };
  root: { path: string; readonly: boolean };
  hostname: string;
  mounts: { destination: string; type?: string; source: string; options: string[] }[];
  linux: {
    namespaces: { type: string }[];
    maskedPaths: string[];
    readonlyPaths: string[];
    resources: {
      devices: { allow: boolean; access: string }[];
      memory?: { limit: number; swap: number };
      cpu?: { quota: number; period: number };
      pids?: { limit: number };
    };
    cgroupsPath?: string;
    seccomp?: OciSeccomp;
  };
}

/** CFS period for `cpus` (Docker's default, 100 ms). */
const CPU_PERIOD_US = 100_000;
/** RLIM_INFINITY as the OCI spec's uint64. */
const RLIM_INFINITY = 18446744073709551615;

/** Everything the config needs besides the spec, already resolved by the caller. */
export interface OciInputs {
  env: readonly string[];
  identity: Identity;
  capabilities: readonly string[];
  hostname: string;
  /** Root path as written in config.json (relative to the bundle, usually `rootfs`). */
  rootPath: string;
  /** `<parent>/<id>` cgroup path handed to the runtime; omit for the runtime's default. */
  cgroupsPath?: string;
}

/**
 * The OCI runtime config for `spec`. A non-root user gets no effective/permitted capabilities (as
 * Docker does); the bounding set always holds the chosen capabilities.
 */
export function ociConfig(spec: ContainerSpec, inp: OciInputs): OciConfig {
  const caps = [...inp.capabilities];
  const isRoot = inp.identity.uid === 0;
  const network = spec.network ?? "none";
  const mounts: OciConfig["mounts"] = [
    { destination: "/proc", type: "proc", source: "proc", options: ["nosuid", "noexec", "nodev"] },
    { destination: "/dev", type: "tmpfs", source: "tmpfs", options: ["nosuid", "strictatime", "mode=755", "size=65536k"] },
    { destination: "/dev/pts", type: "devpts", source: "devpts", options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"] },
    { destination: "/dev/shm", type: "tmpfs", source: "shm", options: ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"] },
    { destination: "/dev/mqueue", type: "mqueue", source: "mqueue", options: ["nosuid", "noexec", "nodev"] },
    { destination: "/sys", type: "sysfs", source: "sysfs", options: ["nosuid", "noexec", "nodev", "ro"] },
  ];
  for (const m of spec.mounts ?? []) {
    if (m.type === "bind")
      mounts.push({ destination: m.target, type: "bind", source: m.source, options: ["rbind", m.readOnly ? "ro" : "rw"] });
    else
      mounts.push({
        destination: m.target,
        type: "tmpfs",
        source: "tmpfs",
        options: ["nosuid", "nodev", `mode=${(m.mode ?? 0o1777).toString(8)}`, ...(m.size !== undefined ? [`size=${m.size}`] : []), ...(m.readOnly ? ["ro"] : [])],
      });
  }
  const rlimits = (spec.rlimits ?? []).map((r) => {
    if (!(r.name in RLIMIT_NUMBERS)) throw new ContainerError("CONTAINER_SPEC", `unknown rlimit '${r.name}'`, r.name);
    const v = (n: number) => (n < 0 ? RLIM_INFINITY : n);
    return { type: `RLIMIT_${r.name.toUpperCase()}`, hard: v(r.hard), soft: v(r.soft) };
  });
  const resources: OciConfig["linux"]["resources"] = { devices: [{ allow: false, access: "rwm" }] };
  const l = spec.limits;
  if (l?.memoryBytes !== undefined) resources.memory = { limit: l.memoryBytes, swap: l.memoryBytes };
  if (l?.cpus !== undefined) resources.cpu = { quota: Math.max(1000, Math.round(l.cpus * CPU_PERIOD_US)), period: CPU_PERIOD_US };
  if (l?.pids !== undefined) resources.pids = { limit: l.pids };
  for (const c of caps) if (!(c in CAPABILITY_NUMBERS)) throw new ContainerError("CONTAINER_SPEC", `unknown capability '${c}'`, c);
  const env = inp.env.some((e) => e.startsWith("PATH=")) ? [...inp.env] : [`PATH=${DEFAULT_PATH}`, ...inp.env];
  return {
    ociVersion: OCI_VERSION,
    process: {
      terminal: spec.stdio === "pty" || spec.stdio === "pty-pipe",
      user: {
        uid: inp.identity.uid,
        gid: inp.identity.gid,
        ...(inp.identity.groups.length > 0 ? { additionalGids: inp.identity.groups } : {}),
      },
      args: [...spec.args],
      env,
      cwd: spec.cwd ?? "/",
      capabilities: {
        bounding: caps,
        effective: isRoot ? caps : [],
        permitted: isRoot ? caps : [],
        inheritable: [],
        ambient: [],
      },
      rlimits,
      noNewPrivileges: spec.noNewPrivileges ?? true,
    },
    root: { path: inp.rootPath, readonly: spec.readOnlyRootfs ?? false },
    hostname: inp.hostname,
    mounts,
    linux: {
      namespaces: containerNamespaces(network).map((n) => ({ type: n.oci })),
      maskedPaths: [...MASKED_PATHS],
      readonlyPaths: [...READONLY_PATHS],
      resources,
      ...(inp.cgroupsPath !== undefined ? { cgroupsPath: inp.cgroupsPath } : {}),
      ...(spec.seccomp ?? true ? { seccomp: ociSeccomp() } : {}),
    },
  };
}
