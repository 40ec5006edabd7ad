// Docker-compatible defaults as plain data: capabilities, masked and read-only paths, devices, rlimits.

/**
 * Docker's default capability set (moby `oci/caps/defaults.go`, also the OCI default of
 * `runc spec`'s containerd profile). Everything else is dropped.
 */
export const DEFAULT_CAPABILITIES: readonly string[] = [
  "CAP_CHOWN",
  "CAP_DAC_OVERRIDE",
  "CAP_FSETID",
  "CAP_FOWNER",
  "CAP_MKNOD",
  "CAP_NET_RAW",
  "CAP_SETGID",
  "CAP_SETUID",
  "CAP_SETFCAP",
  "CAP_SETPCAP",
  "CAP_NET_BIND_SERVICE",
  "CAP_SYS_CHROOT",
  "CAP_KILL",
  "CAP_AUDIT_WRITE",
];

/** Capability numbers (linux/capability.h). */
export const CAPABILITY_NUMBERS: Readonly<Record<string, number>> = {
  CAP_CHOWN: 0,
  CAP_DAC_OVERRIDE: 1,
  CAP_DAC_READ_SEARCH: 2,
  CAP_FOWNER: 3,
  CAP_FSETID: 4,
  CAP_KILL: 5,
  CAP_SETGID: 6,
  CAP_SETUID: 7,
  CAP_SETPCAP: 8,
  CAP_LINUX_IMMUTABLE: 9,
  CAP_NET_BIND_SERVICE: 10,
  CAP_NET_BROADCAST: 11,
  CAP_NET_ADMIN: 12,
  CAP_NET_RAW: 13,
  CAP_IPC_LOCK: 14,
  CAP_IPC_OWNER: 15,
  CAP_SYS_MODULE: 16,
  CAP_SYS_RAWIO: 17,
  CAP_SYS_CHROOT: 18,
  CAP_SYS_PTRACE: 19,
  CAP_SYS_PACCT: 20,
  CAP_SYS_ADMIN: 21,
  CAP_SYS_BOOT: 22,
  CAP_SYS_NICE: 23,
  CAP_SYS_RESOURCE: 24,
  CAP_SYS_TIME: 25,
  CAP_SYS_TTY_CONFIG: 26,
  CAP_MKNOD: 27,
  CAP_LEASE: 28,
  CAP_AUDIT_WRITE: 29,
  CAP_AUDIT_CONTROL: 30,
  CAP_SETFCAP: 31,
  CAP_MAC_OVERRIDE: 32,
  CAP_MAC_ADMIN: 33,
  CAP_SYSLOG: 34,
  CAP_WAKE_ALARM: 35,
  CAP_BLOCK_SUSPEND: 36,
  CAP_AUDIT_READ: 37,
  CAP_PERFMON: 38,
  CAP_BPF: 39,
  CAP_CHECKPOINT_RESTORE: 40,
};

/** Paths hidden from the container (moby `oci/defaults.go` MaskedPaths). */
export const MASKED_PATHS: readonly string[] = [
  "/proc/asound",
  "/proc/acpi",
  "/proc/kcore",
  "/proc/keys",
  "/proc/latency_stats",
  "/proc/timer_list",
  "/proc/timer_stats",
  "/proc/sched_debug",
  "/proc/scsi",
  "/sys/firmware",
  "/sys/devices/virtual/powercap",
];

/** Paths made read-only (moby `oci/defaults.go` ReadonlyPaths). */
export const READONLY_PATHS: readonly string[] = [
  "/proc/bus",
  "/proc/fs",
  "/proc/irq",
  "/proc/sys",
  "/proc/sysrq-trigger",
];

/** The default PATH (moby `oci.DefaultPathEnv` for Linux). */
export const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** The minimal device set: OCI runtime spec "Default Devices" (config-linux.md#default-devices). */
export const DEFAULT_DEVICES: readonly { path: string; major: number; minor: number; mode: number }[] = [
  { path: "/dev/null", major: 1, minor: 3, mode: 0o666 },
  { path: "/dev/zero", major: 1, minor: 5, mode: 0o666 },
  { path: "/dev/full", major: 1, minor: 7, mode: 0o666 },
  { path: "/dev/random", major: 1, minor: 8, mode: 0o666 },
  { path: "/dev/urandom", major: 1, minor: 9, mode: 0o666 },
  { path: "/dev/tty", major: 5, minor: 0, mode: 0o666 },
];

/** Symlinks in /dev (OCI config-linux.md#default-devices and runc's defaults). */
export const DEV_SYMLINKS: readonly [target: string, link: string][] = [
  ["/proc/self/fd", "/dev/fd"],
  ["/proc/self/fd/0", "/dev/stdin"],
  ["/proc/self/fd/1", "/dev/stdout"],
  ["/proc/self/fd/2", "/dev/stderr"],
  ["pts/ptmx", "/dev/ptmx"],
  ["/proc/kcore", "/dev/core"],
];

/** RLIMIT_* numbers (asm-generic/resource.h) by Docker's `--ulimit` names. */
export const RLIMIT_NUMBERS: Readonly<Record<string, number>> = {
  cpu: 0,
  fsize: 1,
  data: 2,
  stack: 3,
  core: 4,
  rss: 5,
  nproc: 6,
  nofile: 7,
  memlock: 8,
  as: 9,
  locks: 10,
  sigpending: 11,
  msgqueue: 12,
  nice: 13,
  rtprio: 14,
  rttime: 15,
};

/** mount(2) flags (linux/mount.h). */
export const MS = {
  RDONLY: 0x1,
  NOSUID: 0x2,
  NODEV: 0x4,
  NOEXEC: 0x8,
  REMOUNT: 0x20,
  BIND: 0x1000,
  REC: 0x4000,
  PRIVATE: 0x40000,
  SLAVE: 0x80000,
  STRICTATIME: 0x1000000,
} as const;

/** Normalises `chown`/`CAP_CHOWN`/`cap_chown` to `CAP_CHOWN`; undefined when unknown. */
export function capabilityName(name: string): string | undefined {
  const up = name.toUpperCase();
  const full = up.startsWith("CAP_") ? up : `CAP_${up}`;
  return full in CAPABILITY_NUMBERS ? full : undefined;
}
