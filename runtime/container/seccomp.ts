// The seccomp deny list shared by the built-in runtime (compiled into the helper's BPF filter) and
// OCI bundles (linux.seccomp, runtime-spec config-linux.md#seccomp), as data.

/** System calls refused with EPERM: namespaces, keyrings, bpf, perf, userfaultfd, io_uring, handles, kexec. */
export const SECCOMP_DENIED: readonly string[] = [
  "unshare",
  "setns",
  "keyctl",
  "add_key",
  "request_key",
  "bpf",
  "perf_event_open",
  "userfaultfd",
  "open_by_handle_at",
  "kexec_load",
  "kexec_file_load",
  "io_uring_setup",
  "io_uring_enter",
  "io_uring_register",
];

/** CLONE_NEW* flags refused in clone(2)'s flags (linux/sched.h). */
export const CLONE_NAMESPACE_FLAGS: readonly number[] = [
  0x00020000, // CLONE_NEWNS
  0x02000000, // CLONE_NEWCGROUP
  0x04000000, // CLONE_NEWUTS
  0x08000000, // CLONE_NEWIPC
  0x10000000, // CLONE_NEWUSER
  0x20000000, // CLONE_NEWPID
  0x40000000, // CLONE_NEWNET
];

/** errno values (asm-generic/errno-base.h, errno.h). */
const EPERM = 1;
const ENOSYS = 38;

/** The OCI `linux.seccomp` section (libseccomp names; runc and crun accept it). */
export interface OciSeccomp {
  defaultAction: "SCMP_ACT_ALLOW";
  architectures: string[];
  syscalls: {
    names: string[];
    action: "SCMP_ACT_ERRNO";
    errnoRet: number;
    args?: { index: number; value: number; valueTwo: number; op: "SCMP_CMP_MASKED_EQ" }[];
  }[];
}

/** libseccomp architecture names for the host (native plus its compat ABIs). */
export function seccompArchitectures(arch: string = process.arch): string[] {
  if (arch === "x64") return ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"];
  if (arch === "arm64") return ["SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"];
  if (arch === "riscv64") return ["SCMP_ARCH_RISCV64"];
  return [];
}

/** The deny list as an OCI seccomp section: allow by default, refuse the listed calls. */
export function ociSeccomp(arch: string = process.arch): OciSeccomp {
  return {
    defaultAction: "SCMP_ACT_ALLOW",
    architectures: seccompArchitectures(arch),
    syscalls: [
      { names: [...SECCOMP_DENIED], action: "SCMP_ACT_ERRNO", errnoRet: EPERM },
      { names: ["clone3"], action: "SCMP_ACT_ERRNO", errnoRet: ENOSYS },
      ...CLONE_NAMESPACE_FLAGS.map((flag) => ({
        names: ["clone"],
        action: "SCMP_ACT_ERRNO" as const,
        errnoRet: EPERM,
        args: [{ index: 0, value: flag, valueTwo: flag, op: "SCMP_CMP_MASKED_EQ" as const }],
      })),
    ],
  };
}
