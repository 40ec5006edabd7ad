// The built-in runtime: namespaces, overlay rootfs, pivot_root, caps and cgroups via our C helper.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, rmSync, statSync } from "node:fs";
import type { Readable } from "node:stream";
import { createCgroup, hasLimits, removeCgroup, type ContainerCgroup } from "./cgroups.js";
import { ContainerError } from "./errors.js";
import { etcFileMounts } from "./etcFiles.js";
import { helperBinary } from "./helper.js";
import {
  ContainerState,
  type ContainerProcess,
  type ContainerSpec,
  type RunResult,
  type Runtime,
  type StartOptions,
} from "./index.js";
import { buildPlan, type PreparedContainer, type PreparedMount } from "./plan.js";
import { capabilityMask, containerEnv, effectiveCapabilities, newContainerId } from "./process.js";
import { prepareRootfs, type PreparedRootfs } from "./rootfs.js";
import { readRootfsText } from "./rootfsFiles.js";
import { createContainerDir, markOwner } from "./stateDir.js";
import { encodePlan, RecordingSyscalls } from "./syscalls.js";
import { resolveUser } from "./user.js";
import { parseStatus } from "./status.js";

/** Host-side checks of mounts: absolute targets, existing sources. */
export function prepareMounts(spec: ContainerSpec): PreparedMount[] {
  return (spec.mounts ?? []).map((m) => {
    if (!m.target.startsWith("/"))
      throw new ContainerError("CONTAINER_SPEC", `mount target must be absolute: ${m.target}`, m.target);
    if (m.type === "tmpfs") return { ...m };
    let isDir: boolean;
    try {
      isDir = statSync(m.source).isDirectory();
    } catch (cause) {
      throw new ContainerError("CONTAINER_SPEC", `bind source ${m.source} does not exist`, m.source, { cause });
    }
    return { type: "bind", source: m.source, target: m.target, readOnly: m.readOnly ?? false, sourceIsDir: isDir };
  });
}

/**
 * Resolves a spec on the host (user, env, caps, mounts) into what the plan needs. Pure apart from
 * reading the image's passwd/group files; used by tests to check plans without root.
 */
export function prepareContainer(
  spec: ContainerSpec,
  rootfs: PreparedRootfs,
  id: string,
  cgroupProcsFiles: readonly string[],
  /** The caller's ids; non-zero uid → rootless mode (a user namespace). */
  caller: { uid: number; gid: number } = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 },
): PreparedContainer {
  if (spec.args.length === 0) throw new ContainerError("CONTAINER_SPEC", "no command given", id);
  const identity = resolveUser(spec.user, readRootfsText(rootfs.readDirs, "/etc/passwd"), readRootfsText(rootfs.readDirs, "/etc/group"));
  const rootless = caller.uid !== 0 ? caller : undefined;
  if (rootless && (identity.uid !== 0 || identity.gid !== 0 || identity.groups.length > 0))
    throw new ContainerError(
      "CONTAINER_USER",
      `rootless mode maps only your own uid to root in the container; running as ${identity.uid}:${identity.gid}` +
        `${identity.groups.length > 0 ? ` with groups ${identity.groups.join(",")}` : ""} needs a uid range ` +
        "(newuidmap/newgidmap and /etc/subuid), which vmspec does not use yet: run as root or with --user 0:0",
      spec.user?.user,
    );
  const hostname = spec.hostname ?? id;
  const pty = spec.stdio === "pty" || spec.stdio === "pty-pipe";
  const cwd = spec.cwd ?? "/";
  if (!cwd.startsWith("/")) throw new ContainerError("CONTAINER_SPEC", `working directory must be absolute: ${cwd}`, cwd);
  return {
    root: rootfs.mount,
    args: spec.args,
    env: containerEnv(spec.env, hostname, identity.home, pty),
    cwd,
    identity,
    hostname,
    network: spec.network ?? "none",
    mounts: prepareMounts(spec),
    readOnlyRootfs: spec.readOnlyRootfs ?? false,
    capabilityMask: capabilityMask(effectiveCapabilities(spec)),
    noNewPrivileges: spec.noNewPrivileges ?? true,
    seccomp: spec.seccomp ?? true,
    rlimits: spec.rlimits ?? [],
    cgroupProcsFiles,
    pty,
    ...(rootless ? { rootless } : {}),
    // Rootless, trusted.* xattrs (overlay's own) are not readable: the caller reads what it can.
    ...(spec.reportXattrs !== undefined && !rootless ? { reportXattrs: spec.reportXattrs } : {}),
  };
}

/** Why unprivileged user namespaces cannot be used here, or undefined when they can. */
export function userNamespacesUnavailable(): string | undefined {
  const read = (p: string): string | undefined => {
    try {
      return readFileSync(p, "utf8").trim();
    } catch {
      return undefined;
    }
  };
  if (read("/proc/sys/kernel/unprivileged_userns_clone") === "0")
    return "unprivileged user namespaces are disabled (sysctl kernel.unprivileged_userns_clone=0)";
  if (read("/proc/sys/user/max_user_namespaces") === "0") return "user namespaces are disabled (sysctl user.max_user_namespaces=0)";
  return undefined;
}

class BuiltinContainer implements ContainerProcess {
  state = ContainerState.Creating;
  private readonly done: Promise<RunResult>;
  constructor(
    readonly id: string,
    private readonly child: ChildProcess,
    cleanup: () => Promise<void>,
  ) {
    // The process may exit without reading its input: a write then fails with EPIPE, which is
    // not an error of the container (Docker ignores it too).
    child.stdin?.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code !== "EPIPE" && e.code !== "ECONNRESET") throw e;
    });
    let status = "";
    (child.stdio[3] as Readable).on("data", (d: Buffer) => (status += d.toString()));
    this.state = ContainerState.Running;
    this.done = new Promise<RunResult>((resolve) => {
      child.on("close", (code, signal) => {
        this.state = ContainerState.Stopped;
        const result = parseStatus(status, code, signal);
        cleanup().then(
          () => resolve(result),
          (e: unknown) => resolve({ ...result, error: `${result.error ?? ""}cleanup failed: ${String(e)}` }),
        );
      });
      child.on("error", (e) => {
        this.state = ContainerState.Stopped;
        cleanup().finally(() => resolve({ exitCode: 125, error: `cannot start the helper: ${e.message}` }));
      });
    });
  }
  get pid(): number | undefined {
    return this.child.pid;
  }
  get stdin() {
    return this.child.stdin ?? undefined;
  }
  get stdout() {
    return this.child.stdout ?? undefined;
  }
  get stderr() {
    return this.child.stderr ?? undefined;
  }
  kill(signal: NodeJS.Signals = "SIGTERM"): void {
    if (this.state === ContainerState.Running) this.child.kill(signal);
  }
  wait(): Promise<RunResult> {
    return this.done;
  }
}

/** Runs containers with the built-in C helper (root required; see docs/containers.md). */
export const builtinRuntime: Runtime = {
  name: "builtin",
  async unavailable() {
    if (process.getuid?.() !== 0) {
      const why = userNamespacesUnavailable();
      if (why !== undefined) return `not root, and rootless mode needs user namespaces: ${why}`;
    }
    try {
      helperBinary();
    } catch (e) {
      return (e as Error).message;
    }
    return undefined;
  },
  async start(spec: ContainerSpec, opts?: StartOptions): Promise<ContainerProcess> {
    const rootless = process.getuid?.() !== 0;
    if (rootless) {
      const why = userNamespacesUnavailable();
      if (why !== undefined) throw new ContainerError("CONTAINER_RUNTIME_UNAVAILABLE", `not root, and rootless mode needs user namespaces: ${why}`, "builtin");
      if (hasLimits(spec.limits))
        throw new ContainerError(
          "CONTAINER_CGROUP",
          "memory/cpu/pids limits need root: rootless mode has no delegated cgroup (systemd --user delegation is not used yet)",
          "builtin",
        );
    }
    const helper = helperBinary();
    const id = spec.id ?? newContainerId();
    const containerDir = createContainerDir(id, opts?.stateDir);
    let cg: ContainerCgroup | undefined;
    let rootfs: PreparedRootfs | undefined;
    const cleanup = async () => {
      if (cg !== undefined) await removeCgroup(cg);
      for (const d of rootfs?.cleanup ?? []) rmSync(d, { recursive: true, force: true });
      rmSync(containerDir, { recursive: true, force: true });
    };
    try {
      rootfs = prepareRootfs(spec.rootfs, containerDir);
      if (hasLimits(spec.limits)) cg = createCgroup(id, spec.limits!);
      const withEtc: ContainerSpec = spec.etcFiles
        ? { ...spec, mounts: [...etcFileMounts(containerDir, spec.hostname ?? id, spec.network ?? "none"), ...(spec.mounts ?? [])] }
        : spec;
      const prepared = prepareContainer(withEtc, rootfs, id, cg?.procsFiles ?? []);
      const sys = new RecordingSyscalls();
      buildPlan(prepared, sys);
      const stdio = spec.stdio ?? "inherit";
      const io = stdio === "pipe" || stdio === "pty-pipe" ? "pipe" : "inherit";
      const child = spawn(helper, encodePlan(sys.ops), {
        stdio: [spec.noStdin ? "ignore" : io, io, io, "pipe"],
        env: {},
        // Own process group: a terminal's ^C reaches only the caller, which forwards it once.
        detached: true,
      });
      markOwner(containerDir, child.pid);
      return new BuiltinContainer(id, child, cleanup);
    } catch (e) {
      await cleanup();
      throw e;
    }
  },
};

