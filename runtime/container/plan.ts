// Turns a prepared container into the ordered list of start-up operations (through Syscalls).
//
// Order matters and mirrors runc: namespaces → fork (pid 1) → cgroup → private propagation →
// rootfs mount → pivot_root → /proc, /dev, /sys, volumes → masks → read-only → detach old root →
// hostname, lo → rlimits → pty/session → capabilities → user → no_new_privs → chdir → exec.
import { MS, DEFAULT_DEVICES, DEV_SYMLINKS, MASKED_PATHS, READONLY_PATHS, RLIMIT_NUMBERS } from "./defaults.js";
import { ContainerError } from "./errors.js";
import type { Identity } from "./user.js";
import { cloneFlags, containerNamespaces } from "./namespaces.js";
import type { Syscalls } from "./syscalls.js";

/** How the rootfs gets mounted at `target` (a host dir created by the caller). */
export type RootMount =
  | { kind: "overlay"; target: string; lower: readonly string[]; upper: string; work: string }
  | { kind: "bind"; target: string };

/** A volume after host-side checks: whether its source is a directory decides the mountpoint kind. */
export type PreparedMount =
  | { type: "bind"; source: string; target: string; readOnly: boolean; sourceIsDir: boolean }
  | { type: "tmpfs"; target: string; size?: number; mode?: number; readOnly?: boolean };

/** Everything the plan needs, already resolved on the host. */
export interface PreparedContainer {
  root: RootMount;
  args: readonly string[];
  env: readonly string[];
  cwd: string;
  identity: Identity;
  hostname: string;
  network: "none" | "host";
  mounts: readonly PreparedMount[];
  readOnlyRootfs: boolean;
  /** Capability mask to keep (bit n = capability n). */
  capabilityMask: bigint;
  noNewPrivileges: boolean;
  /** Install the seccomp deny list (before capabilities are dropped, so no_new_privs is optional). */
  seccomp: boolean;
  rlimits: readonly { name: string; soft: number; hard: number }[];
  cgroupProcsFiles: readonly string[];
  pty: boolean;
  /**
   * Rootless mode: the caller's host uid/gid, mapped to 0 in a new user namespace. Devices are then
   * bind-mounted from the host (mknod is not allowed), /sys is bound from the host with
   * `network: host`, and devpts gets no gid option (gid 5 is not mapped).
   */
  rootless?: { uid: number; gid: number };
  /** Host dir whose xattrs the supervisor reports after the exit (ContainerSpec.reportXattrs). */
  reportXattrs?: string;
}

/** Overlay's lowerdir lists the TOP layer first (Documentation/filesystems/overlayfs.rst). */
export function overlayOptions(lower: readonly string[], upper: string, work: string): string {
  for (const p of [...lower, upper, work])
    if (/[,:]/.test(p)) throw new ContainerError("CONTAINER_ROOTFS", `overlay paths may not contain ',' or ':': ${p}`, p);
  return `lowerdir=${[...lower].reverse().join(":")},upperdir=${upper},workdir=${work}`;
}

const DEV_FLAGS = MS.NOSUID | MS.NOEXEC | MS.NODEV;

/** Records the start-up of `c` on `sys`. */
export function buildPlan(c: PreparedContainer, sys: Syscalls): void {
  sys.parentDeathSignal(9); // SIGKILL (signal(7)): no container outlives the vmspec process that started it
  if (c.pty) sys.pty();
  if (c.rootless) sys.userNamespace(c.rootless.uid, c.rootless.gid);
  if (c.reportXattrs !== undefined) sys.reportXattrs(c.reportXattrs);
  sys.unshare(cloneFlags(containerNamespaces(c.network)));
  sys.fork();
  for (const f of c.cgroupProcsFiles) sys.cgroupJoin(f);
  sys.mount("", "/", "", MS.REC | MS.PRIVATE, "");
  const r = c.root;
  // Device policy without a devices cgroup: device nodes work only in our /dev, which becomes
  // read-only once populated; the rootfs and volumes are nodev (CAP_MKNOD stays, as in Docker,
  // but a node made elsewhere cannot be opened).
  if (r.kind === "overlay") sys.mount("overlay", r.target, "overlay", MS.NODEV, overlayOptions(r.lower, r.upper, r.work));
  else sys.bind(r.target, r.target, MS.NODEV);
  const binds = c.mounts.filter((m) => m.type === "bind");
  binds.forEach((m, i) => sys.openPath(i, m.source));
  // Rootless: host device nodes and (with the host's network) /sys are bind-mounted from slots.
  const devSlot = binds.length;
  if (c.rootless) DEFAULT_DEVICES.forEach((d, i) => sys.openPath(devSlot + i, d.path));
  const sysSlot = devSlot + DEFAULT_DEVICES.length;
  const bindSys = c.rootless !== undefined && c.network === "host";
  if (bindSys) sys.openPath(sysSlot, "/sys");
  sys.pivotRoot(r.target);

  sys.mkdirp("/proc", 0o555);
  sys.mount("proc", "/proc", "proc", DEV_FLAGS, "");
  sys.mkdirp("/dev", 0o755);
  sys.mount("tmpfs", "/dev", "tmpfs", MS.NOSUID | MS.STRICTATIME, "mode=755,size=65536k");
  DEFAULT_DEVICES.forEach((d, i) => {
    if (c.rootless) {
      sys.touch(d.path);
      sys.bind(`@${devSlot + i}`, d.path, 0);
    } else sys.mknod(d.path, d.mode, d.major, d.minor);
  });
  for (const [target, link] of DEV_SYMLINKS) sys.symlink(target, link);
  sys.mkdirp("/dev/pts", 0o755);
  sys.mount("devpts", "/dev/pts", "devpts", MS.NOSUID | MS.NOEXEC, `newinstance,ptmxmode=0666,mode=0620${c.rootless ? "" : ",gid=5"}`);
  sys.mkdirp("/dev/shm", 0o1777);
  sys.mount("shm", "/dev/shm", "tmpfs", DEV_FLAGS, "mode=1777,size=65536k");
  sys.mkdirp("/dev/mqueue", 0o755);
  sys.mount("mqueue", "/dev/mqueue", "mqueue", DEV_FLAGS, "");
  sys.mkdirp("/sys", 0o555);
  if (bindSys) sys.bind(`@${sysSlot}`, "/sys", MS.RDONLY);
  else sys.mount("sysfs", "/sys", "sysfs", DEV_FLAGS | MS.RDONLY, "");

  let slot = 0;
  for (const m of c.mounts) {
    if (m.type === "bind") {
      if (m.sourceIsDir) sys.mkdirp(m.target, 0o755);
      else {
        sys.mkdirp(parentOf(m.target), 0o755);
        sys.touch(m.target);
      }
      sys.bind(`@${slot++}`, m.target, MS.NODEV | (m.readOnly ? MS.RDONLY : 0));
    } else {
      sys.mkdirp(m.target, 0o755);
      const opts = [`mode=${(m.mode ?? 0o1777).toString(8)}`, ...(m.size !== undefined ? [`size=${m.size}`] : [])];
      sys.mount("tmpfs", m.target, "tmpfs", MS.NOSUID | MS.NODEV | (m.readOnly ? MS.RDONLY : 0), opts.join(","));
    }
  }
  for (const p of MASKED_PATHS) sys.mask(p);
  for (const p of READONLY_PATHS) sys.readOnly(p);
  sys.mkdirp(c.cwd, 0o755);
  sys.mount("", "/dev", "", MS.REMOUNT | MS.BIND | MS.RDONLY | MS.NOSUID, "");
  if (c.readOnlyRootfs) sys.mount("", "/", "", MS.REMOUNT | MS.BIND | MS.RDONLY | MS.NODEV, "");
  sys.detachOldRoot();

  sys.sethostname(c.hostname);
  sys.newSessionKeyring();
  if (c.network === "none") sys.loopbackUp();
  for (const rl of c.rlimits) {
    const n = RLIMIT_NUMBERS[rl.name];
    if (n === undefined) throw new ContainerError("CONTAINER_SPEC", `unknown rlimit '${rl.name}'`, rl.name);
    sys.setrlimit(n, rl.soft, rl.hard);
  }
  if (c.pty) sys.pty();
  else sys.setsid();
  if (c.seccomp) sys.seccomp();
  const mask = c.capabilityMask;
  sys.keepCapabilities(Number(mask >> 32n), Number(mask & 0xffffffffn));
  sys.setUser(c.identity.uid, c.identity.gid, c.identity.groups);
  if (c.noNewPrivileges) sys.noNewPrivileges();
  sys.chdir(c.cwd);
  sys.env(c.env);
  sys.exec(c.args);
}

function parentOf(p: string): string {
  const i = p.lastIndexOf("/");
  return i <= 0 ? "/" : p.slice(0, i);
}
