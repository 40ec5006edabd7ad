// Linux namespaces as data, in the order they are created (youki's ORDERED_NAMESPACES shape).

/** One namespace kind: its OCI `type`, clone(2) flag and unshare(1) flag. */
export interface NamespaceKind {
  oci: "user" | "mount" | "pid" | "uts" | "ipc" | "network" | "cgroup";
  /** CLONE_NEW* (linux/sched.h). */
  cloneFlag: number;
  unshareFlag: string;
}

/** All kinds in creation order: user first (it owns the others), then mount … cgroup. */
export const ORDERED_NAMESPACES: readonly NamespaceKind[] = [
  { oci: "user", cloneFlag: 0x10000000, unshareFlag: "--user" },
  { oci: "mount", cloneFlag: 0x00020000, unshareFlag: "--mount" },
  { oci: "pid", cloneFlag: 0x20000000, unshareFlag: "--pid" },
  { oci: "uts", cloneFlag: 0x04000000, unshareFlag: "--uts" },
  { oci: "ipc", cloneFlag: 0x08000000, unshareFlag: "--ipc" },
  { oci: "network", cloneFlag: 0x40000000, unshareFlag: "--net" },
  { oci: "cgroup", cloneFlag: 0x02000000, unshareFlag: "--cgroup" },
];

/** The namespaces a container gets for a network mode (user namespaces are not used as root). */
export function containerNamespaces(network: "none" | "host"): NamespaceKind[] {
  return ORDERED_NAMESPACES.filter(
    (n) => n.oci !== "user" && n.oci !== "cgroup" && (n.oci !== "network" || network === "none"),
  );
}

/** OR of the clone flags. */
export function cloneFlags(kinds: readonly NamespaceKind[]): number {
  return kinds.reduce((acc, k) => (acc | k.cloneFlag) >>> 0, 0);
}
