// The system-call interface of the built-in runtime's start-up, and its recording implementation.
//
// Container set-up (plan.ts) calls these methods in order; nothing is executed in Node. The
// recorded plan is encoded as argv for the C helper (helper/vmspecInit.c), which performs each
// operation with the real system call. Tests read the same recording, so most need no root.

/** One recorded operation: the helper's operation name and its string arguments. */
export interface PlanOp {
  op: string;
  args: string[];
}

/** The operations the helper can perform (each maps to one or a few system calls). */
export interface Syscalls {
  /** The helper gets this signal when its caller dies (PR_SET_PDEATHSIG). */
  parentDeathSignal(signal: number): void;
  /** Enters a new user namespace mapping only `uid`/`gid` (the caller's) to 0 (rootless mode). */
  userNamespace(uid: number, gid: number): void;
  /** Allocate a pty inside the container (call once before `fork` to announce it, once after). */
  pty(): void;
  /** Write "0" to a cgroup's procs file: moves the calling process into it. */
  cgroupJoin(procsFile: string): void;
  /**
   * Before `fork`: once the process has exited, the supervisor reports the xattrs of every entry
   * under this host dir on the status fd (opened now; the container never gets the fd).
   */
  reportXattrs(dir: string): void;
  /** unshare(2) with these CLONE_NEW* flags. */
  unshare(flags: number): void;
  /** fork(2): the parent supervises (waits, forwards signals, relays the pty); the child goes on. */
  fork(): void;
  /** Opens a host path O_PATH into slot `slot`; later sources `@slot` refer to it. */
  openPath(slot: number, path: string): void;
  /** mount(2); empty strings stand for NULL. */
  mount(source: string, target: string, fstype: string, flags: number, data: string): void;
  /** Recursive bind mount, then a remount with `flags` (e.g. MS_RDONLY) when non-zero. */
  bind(source: string, target: string, flags: number): void;
  mkdirp(path: string, mode: number): void;
  /** Creates an empty file if missing (a bind-mount target). */
  touch(path: string): void;
  mknod(path: string, mode: number, major: number, minor: number): void;
  symlink(target: string, linkPath: string): void;
  /** pivot_root into `root` (old root stacked on top until `detach`). */
  pivotRoot(root: string): void;
  /** Detaches the old root (after this, host paths are unreachable). */
  detachOldRoot(): void;
  /** Hides a path: /dev/null over files, an empty read-only tmpfs over dirs; missing → nothing. */
  mask(path: string): void;
  /** Bind-mounts a path onto itself read-only; missing → nothing. */
  readOnly(path: string): void;
  sethostname(name: string): void;
  /** Joins a new anonymous session keyring. */
  newSessionKeyring(): void;
  /** Brings the loopback interface up (in a new network namespace). */
  loopbackUp(): void;
  setrlimit(resource: number, soft: number, hard: number): void;
  /** Keeps exactly these capabilities (a 64-bit mask as [high, low] 32-bit words) in the bounding set. */
  keepCapabilities(maskHigh: number, maskLow: number): void;
  /** setgroups, setresgid, setresuid, then the permitted/effective caps for the new uid. */
  setUser(uid: number, gid: number, groups: readonly number[]): void;
  noNewPrivileges(): void;
  /** Installs the seccomp deny list (runtime/container/seccomp.ts) for this process and its children. */
  seccomp(): void;
  chdir(path: string): void;
  /** New session (no controlling terminal): signals reach the process only when forwarded. */
  setsid(): void;
  /** Sets the environment for `exec`. */
  env(entries: readonly string[]): void;
  /** Searches argv[0] in the environment's PATH and execs (126/127 on failure). */
  exec(argv: readonly string[]): void;
}

/** Records every call as a PlanOp; the only implementation (the helper executes the plan). */
export class RecordingSyscalls implements Syscalls {
  readonly ops: PlanOp[] = [];
  private add(op: string, ...args: (string | number)[]): void {
    this.ops.push({ op, args: args.map(String) });
  }
  parentDeathSignal(signal: number): void { this.add("pdeathsig", signal); }
  userNamespace(uid: number, gid: number): void { this.add("userns", uid, gid); }
  pty(): void { this.add("pty"); }
  cgroupJoin(procsFile: string): void { this.add("cgjoin", procsFile); }
  reportXattrs(dir: string): void { this.add("xattrs", dir); }
  unshare(flags: number): void { this.add("unshare", `0x${flags.toString(16)}`); }
  fork(): void { this.add("fork"); }
  openPath(slot: number, path: string): void { this.add("open", slot, path); }
  mount(source: string, target: string, fstype: string, flags: number, data: string): void {
    this.add("mount", source, target, fstype, `0x${flags.toString(16)}`, data);
  }
  bind(source: string, target: string, flags: number): void {
    this.add("bind", source, target, `0x${flags.toString(16)}`);
  }
  mkdirp(path: string, mode: number): void { this.add("mkdirp", path, `0${mode.toString(8)}`); }
  touch(path: string): void { this.add("touch", path); }
  mknod(path: string, mode: number, major: number, minor: number): void {
    this.add("mknod", path, `0${mode.toString(8)}`, major, minor);
  }
  symlink(target: string, linkPath: string): void { this.add("symlink", target, linkPath); }
  pivotRoot(root: string): void { this.add("pivot", root); }
  detachOldRoot(): void { this.add("detach"); }
  mask(path: string): void { this.add("mask", path); }
  readOnly(path: string): void { this.add("readonly", path); }
  sethostname(name: string): void { this.add("hostname", name); }
  newSessionKeyring(): void { this.add("keyring"); }
  loopbackUp(): void { this.add("lo"); }
  setrlimit(resource: number, soft: number, hard: number): void { this.add("rlimit", resource, soft, hard); }
  keepCapabilities(maskHigh: number, maskLow: number): void {
    this.add("caps", `0x${maskHigh.toString(16)}`, `0x${maskLow.toString(16)}`);
  }
  setUser(uid: number, gid: number, groups: readonly number[]): void {
    this.add("user", uid, gid, groups.length, ...groups);
  }
  noNewPrivileges(): void { this.add("nnp"); }
  seccomp(): void { this.add("seccomp"); }
  chdir(path: string): void { this.add("chdir", path); }
  setsid(): void { this.add("setsid"); }
  env(entries: readonly string[]): void { this.add("env", entries.length, ...entries); }
  exec(argv: readonly string[]): void { this.add("exec", argv.length, ...argv); }
}

/** The helper's argv (after the program name) for a recorded plan. */
export function encodePlan(ops: readonly PlanOp[]): string[] {
  return ops.flatMap((o) => [o.op, ...o.args]);
}
