// Cgroup limits for the built-in runtime: detects v1 or v2, creates one cgroup per container,
// writes memory/cpu/pids limits, and removes it afterwards.
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ContainerError } from "./errors.js";
import type { LimitSpec } from "./index.js";

/** The host's cgroup layout. `v1` includes the hybrid layout (v1 controllers + an empty cgroup2). */
export type CgroupVersion = "v1" | "v2";

/** CFS period used for `cpus` (Docker's default: 100 ms). */
const CPU_PERIOD_US = 100_000;

/** Detects the layout: v2 when /sys/fs/cgroup itself is cgroup2 (has cgroup.controllers). */
export function cgroupVersion(root = "/sys/fs/cgroup"): CgroupVersion {
  return existsSync(join(root, "cgroup.controllers")) ? "v2" : "v1";
}

/** Mount points of v1 controllers from /proc/self/mountinfo (controller → mount dir). */
export function v1Controllers(mountinfo = readFileSync("/proc/self/mountinfo", "utf8")): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of mountinfo.split("\n")) {
    const [pre, post] = line.split(" - ");
    if (pre === undefined || post === undefined) continue;
    const [fstype, , superOpts] = post.split(" ");
    if (fstype !== "cgroup") continue;
    const mountPoint = pre.split(" ")[4]!;
    for (const opt of (superOpts ?? "").split(",")) out.set(opt, mountPoint);
  }
  return out;
}

/** A created cgroup: the files the container joins and the dirs to remove. */
export interface ContainerCgroup {
  version: CgroupVersion;
  /** `cgroup.procs` files the container process writes itself into. */
  procsFiles: string[];
  dirs: string[];
}

function write(path: string, value: string): void {
  try {
    writeFileSync(path, value);
  } catch (cause) {
    throw new ContainerError("CONTAINER_CGROUP", `cannot write ${value} to ${path}`, path, { cause });
  }
}

/** True when a limit is set (only then is a cgroup created). */
export function hasLimits(l: LimitSpec | undefined): boolean {
  return l !== undefined && (l.memoryBytes !== undefined || l.cpus !== undefined || l.pids !== undefined);
}

/** Creates the container's cgroup(s) under `<controller>/vmspec/<id>` and writes the limits. */
export function createCgroup(id: string, limits: LimitSpec, root = "/sys/fs/cgroup"): ContainerCgroup {
  const version = cgroupVersion(root);
  const cg: ContainerCgroup = { version, procsFiles: [], dirs: [] };
  try {
    if (version === "v2") {
      const parent = join(root, "vmspec");
      mkdirSync(parent, { recursive: true });
      for (const dir of [root, parent])
        for (const c of ["memory", "pids", "cpu"]) {
          try {
            writeFileSync(join(dir, "cgroup.subtree_control"), `+${c}`);
          } catch {
            // not delegated here; the limit write below reports the failure
          }
        }
      const dir = join(parent, id);
      mkdirSync(dir);
      cg.dirs.push(dir);
      cg.procsFiles.push(join(dir, "cgroup.procs"));
      if (limits.memoryBytes !== undefined) {
        write(join(dir, "memory.max"), String(limits.memoryBytes));
        if (existsSync(join(dir, "memory.swap.max"))) write(join(dir, "memory.swap.max"), "0");
      }
      if (limits.pids !== undefined) write(join(dir, "pids.max"), String(limits.pids));
      if (limits.cpus !== undefined)
        write(join(dir, "cpu.max"), `${Math.max(1000, Math.round(limits.cpus * CPU_PERIOD_US))} ${CPU_PERIOD_US}`);
      return cg;
    }
    const ctl = v1Controllers();
    const make = (controller: string): string => {
      const mount = ctl.get(controller);
      if (mount === undefined)
        throw new ContainerError("CONTAINER_CGROUP", `cgroup v1 controller '${controller}' is not mounted`, controller);
      const dir = join(mount, "vmspec", id);
      mkdirSync(dir, { recursive: true });
      if (!cg.dirs.includes(dir)) {
        cg.dirs.push(dir);
        cg.procsFiles.push(join(dir, "cgroup.procs"));
      }
      return dir;
    };
    if (limits.memoryBytes !== undefined) {
      const dir = make("memory");
      write(join(dir, "memory.limit_in_bytes"), String(limits.memoryBytes));
      if (existsSync(join(dir, "memory.memsw.limit_in_bytes")))
        write(join(dir, "memory.memsw.limit_in_bytes"), String(limits.memoryBytes));
    }
    if (limits.pids !== undefined) write(join(make("pids"), "pids.max"), String(limits.pids));
    if (limits.cpus !== undefined) {
      const dir = make("cpu");
      write(join(dir, "cpu.cfs_period_us"), String(CPU_PERIOD_US));
      write(join(dir, "cpu.cfs_quota_us"), String(Math.max(1000, Math.round(limits.cpus * CPU_PERIOD_US))));
    }
    return cg;
  } catch (e) {
    removeCgroup(cg);
    throw e instanceof ContainerError
      ? e
      : new ContainerError("CONTAINER_CGROUP", `cannot create cgroup for ${id}: ${String(e)}`, id, { cause: e });
  }
}

/** Removes the container's cgroup dirs, waiting briefly for exiting tasks (EBUSY). */
export async function removeCgroup(cg: ContainerCgroup): Promise<void> {
  for (const dir of cg.dirs) {
    for (let attempt = 0; ; attempt++) {
      try {
        rmdirSync(dir);
        break;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === "ENOENT") break;
        if (code !== "EBUSY" || attempt > 200)
          throw new ContainerError("CONTAINER_CGROUP", `cannot remove cgroup ${dir}`, dir, { cause: e });
        await new Promise((r) => setTimeout(r, 5));
      }
    }
  }
}
