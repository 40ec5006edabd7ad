// The container library's public API: what a container is (ContainerSpec), how to start and wait
// for one (start / run), and the table of interchangeable runtimes (builtin, runc, crun).
//
// Shared by the image builder (RUN steps) and `vmspec run`. Everything here is host-side: the
// caller supplies an already unpacked rootfs (layer dirs or a plain dir).
import type { Readable, Writable } from "node:stream";

export { ContainerError, type ContainerErrorCode } from "./errors.js";
export { DEFAULT_CAPABILITIES, MASKED_PATHS, READONLY_PATHS, DEFAULT_PATH } from "./defaults.js";

/**
 * The container's root filesystem.
 * - `layers`: read-only lower dirs, LOWEST FIRST (base layer first, like an image manifest), plus
 *   an optional writable `upper` dir. Without `upper` a private one is created and removed after
 *   the run. Lower dirs use overlayfs whiteouts (0:0 char devices, `trusted.overlay.opaque`).
 *   When overlayfs is unavailable the layers are copied (whiteouts applied) into a private dir;
 *   then `upper` receives nothing (callers that need the diff must diff themselves).
 * - `dir`: a plain directory used as is (writes land in it unless `readOnly`).
 */
export type RootfsSpec =
  | { kind: "layers"; lower: readonly string[]; upper?: string; work?: string }
  | { kind: "dir"; path: string };

/** A mount inside the container. Targets are absolute container paths. */
export type MountSpec =
  | { type: "bind"; source: string; target: string; readOnly?: boolean }
  | { type: "tmpfs"; target: string; size?: number; mode?: number; readOnly?: boolean };

/** User and groups: numeric ids, or a name resolved from the image's /etc/passwd and /etc/group. */
export interface UserSpec {
  /** `name`, `uid`, `name:group`, `uid:gid` (Docker's `--user` syntax). */
  user: string;
  /** Extra supplementary groups (names or gids), added to those from /etc/group. */
  groups?: readonly string[];
}

/** Resource limits applied through cgroups (v1 or v2, detected). */
export interface LimitSpec {
  /** Memory limit in bytes (no swap beyond it where the host allows setting that). */
  memoryBytes?: number;
  /** CPU quota in CPUs (e.g. 0.5); period 100 ms. */
  cpus?: number;
  /** Maximum number of tasks. */
  pids?: number;
}

/** One POSIX rlimit, by Docker's `--ulimit` name (nofile, nproc, core, …). -1 = unlimited. */
export interface RlimitSpec {
  name: string;
  soft: number;
  hard: number;
}

/**
 * How the container's stdio is connected.
 * - `inherit`: the caller's own fds 0/1/2 (the CLI's case).
 * - `pipe`: separate stdin/stdout/stderr streams on the returned ContainerProcess.
 * - `pty`: a real pseudo-terminal created inside the container (`/dev/pts/0` there); the caller's
 *   stdin/stdout are relayed to it (raw mode when stdin is a terminal). stdout and stderr merge,
 *   as with `docker run -t`.
 * - `pty-pipe`: a pty as above, relayed to `stdin`/`stdout` streams of the ContainerProcess
 *   (for programs that drive a terminal session, e.g. tests).
 */
export type StdioMode = "inherit" | "pipe" | "pty" | "pty-pipe";

/** Everything needed to run one container. Defaults follow `docker run`. */
export interface ContainerSpec {
  rootfs: RootfsSpec;
  /** argv; args[0] is searched in the container's PATH unless it contains a slash. */
  args: readonly string[];
  /** `KEY=value` entries; PATH defaults to DEFAULT_PATH, HOSTNAME and HOME are added like Docker. */
  env?: readonly string[];
  /** Working directory (created if missing, like Docker). Default `/`. */
  cwd?: string;
  /** Default `0:0` (root). */
  user?: UserSpec;
  /** Default: a short random id. */
  hostname?: string;
  /** `none`: a private network namespace with only `lo` up (default); `host`: the host's network. */
  network?: "none" | "host";
  mounts?: readonly MountSpec[];
  /** Mount the rootfs read-only (mounts and /dev, /proc… stay as they are). */
  readOnlyRootfs?: boolean;
  limits?: LimitSpec;
  rlimits?: readonly RlimitSpec[];
  /**
   * Capabilities to keep (names like `CAP_CHOWN` or `chown`); default Docker's set
   * (DEFAULT_CAPABILITIES). Everything else is dropped from every set, the bounding set included.
   */
  capabilities?: readonly string[];
  /** Extra capabilities added to the default set (`--cap-add`). */
  capAdd?: readonly string[];
  /** Capabilities removed from the set (`--cap-drop`), `ALL` for all. */
  capDrop?: readonly string[];
  /** Default true (no_new_privs). */
  noNewPrivileges?: boolean;
  /**
   * Default true: refuse new namespaces, keyrings, bpf, perf events, userfaultfd, io_uring,
   * open_by_handle_at and kexec with a seccomp filter (SECCOMP_DENIED in seccomp.ts).
   */
  seccomp?: boolean;
  stdio?: StdioMode;
  /**
   * Provide Docker's /etc/hostname, /etc/hosts and /etc/resolv.conf (the host's for network
   * `host`) as bind mounts. Default false in the library (a builder must not find them in its
   * layer diff); `vmspec run` turns it on.
   */
  etcFiles?: boolean;
  /** Connect no input: stdin is /dev/null (`docker run` without `-i`). Default false. */
  noStdin?: boolean;
  /** Container id (names per-container dirs and cgroups); default random. */
  id?: string;
  /**
   * A host directory (e.g. the overlay upper dir) whose extended attributes are reported in
   * `RunResult.xattrs` once the process has exited: read by the built-in runtime's supervisor
   * (no extra process). Other runtimes, a rootless run or a failed walk leave `xattrs` unset.
   */
  reportXattrs?: string;
}

/** How a container ended. `exitCode` follows Docker: a signal N gives 128+N, runtime failure 125,
 * command not executable 126, not found 127. */
export interface RunResult {
  exitCode: number;
  /** The signal that killed the process (e.g. `SIGKILL` after an OOM kill), if any. */
  signal?: NodeJS.Signals;
  /** Set when the runtime itself failed (exitCode 125/126/127): the reason. */
  error?: string;
  /**
   * With `ContainerSpec.reportXattrs`: every extended attribute under that dir after the exit,
   * keyed by dir-relative path ('' = the dir), all namespaces (as `readTreeXattrs` returns them).
   */
  xattrs?: Map<string, Record<string, Buffer>>;
}

/** Lifecycle of a started container (explicit state, youki-style). */
export enum ContainerState {
  Creating = "creating",
  Running = "running",
  Stopped = "stopped",
}

/** A started container. */
export interface ContainerProcess {
  readonly id: string;
  /** Host pid of the runtime's supervising process. */
  readonly pid: number | undefined;
  readonly state: ContainerState;
  /** Present with stdio `pipe`. */
  readonly stdin?: Writable;
  readonly stdout?: Readable;
  readonly stderr?: Readable;
  /** Sends a signal to the container's main process (forwarded by the runtime). */
  kill(signal?: NodeJS.Signals): void;
  /** Resolves when the container has ended and its resources (mounts, cgroups, dirs) are gone. */
  wait(): Promise<RunResult>;
}

/** Options common to every runtime. */
export interface StartOptions {
  /** Where per-container dirs (upper/work/bundle) live; default under the vmspec state dir. */
  stateDir?: string;
}

/**
 * A container runtime: crun's handler-table shape. `builtin`, `runc` and `crun` implement it;
 * the VM runner will be another implementation of the same interface.
 */
export interface Runtime {
  readonly name: RuntimeName;
  /** Why this runtime cannot run on this host, or undefined when it can. Cheap; no side effects. */
  unavailable(): Promise<string | undefined>;
  start(spec: ContainerSpec, opts?: StartOptions): Promise<ContainerProcess>;
}

/** The runtimes `--runtime` accepts. */
export type RuntimeName = "builtin" | "runc" | "crun";

/** Returns the runtime implementation for a name (loaded lazily to keep CLI start-up small). */
export async function getRuntime(name: RuntimeName = "builtin"): Promise<Runtime> {
  switch (name) {
    case "builtin":
      return (await import("./builtin.js")).builtinRuntime;
    case "runc":
    case "crun":
      return (await import("./ociRuntime.js")).ociRuntime(name);
  }
}

/** Starts a container with the given runtime (default builtin). */
export async function start(
  spec: ContainerSpec,
  runtime: RuntimeName = "builtin",
  opts?: StartOptions,
): Promise<ContainerProcess> {
  return (await getRuntime(runtime)).start(spec, opts);
}

/** Runs a container to completion: `start` then `wait`. */
export async function run(
  spec: ContainerSpec,
  runtime: RuntimeName = "builtin",
  opts?: StartOptions,
): Promise<RunResult> {
  return (await start(spec, runtime, opts)).wait();
}
