// Resolves Docker's `--user` syntax against the image's /etc/passwd and /etc/group.
import { ContainerError } from "./errors.js";
import type { UserSpec } from "./index.js";

/** The resolved identity of the container process. */
export interface Identity {
  uid: number;
  gid: number;
  /** Supplementary groups (sorted, unique). */
  groups: number[];
  /** HOME from passwd, `/` if unknown. */
  home: string;
}

interface PasswdEntry { name: string; uid: number; gid: number; home: string }
interface GroupEntry { name: string; gid: number; members: string[] }

function parsePasswd(text: string | undefined): PasswdEntry[] {
  return (text ?? "").split("\n").flatMap((line) => {
    const f = line.split(":");
    if (f.length < 7 || line.startsWith("#")) return [];
    const uid = Number(f[2]);
    const gid = Number(f[3]);
    if (!Number.isInteger(uid) || !Number.isInteger(gid)) return [];
    return [{ name: f[0]!, uid, gid, home: f[5] || "/" }];
  });
}

function parseGroup(text: string | undefined): GroupEntry[] {
  return (text ?? "").split("\n").flatMap((line) => {
    const f = line.split(":");
    if (f.length < 4 || line.startsWith("#")) return [];
    const gid = Number(f[2]);
    if (!Number.isInteger(gid)) return [];
    return [{ name: f[0]!, gid, members: f[3]!.split(",").filter((m) => m !== "") }];
  });
}

const isId = (s: string) => /^\d+$/.test(s);

/**
 * Resolves a user spec like Docker does: a name must exist in passwd; a numeric uid may be absent
 * (then gid 0, HOME `/`); the primary group is passwd's unless `:group` is given; supplementary
 * groups are those of /etc/group listing the user, plus `spec.groups`.
 */
export function resolveUser(spec: UserSpec | undefined, passwd: string | undefined, group: string | undefined): Identity {
  const users = parsePasswd(passwd);
  const groups = parseGroup(group);
  const [u = "0", g] = (spec?.user ?? "0").split(":", 2);
  let entry: PasswdEntry | undefined;
  if (isId(u)) entry = users.find((e) => e.uid === Number(u));
  else {
    entry = users.find((e) => e.name === u);
    if (entry === undefined)
      throw new ContainerError("CONTAINER_USER", `unable to find user ${u}: no matching entries in passwd file`, u);
  }
  const uid = isId(u) ? Number(u) : entry!.uid;
  const findGroup = (name: string): number => {
    if (isId(name)) return Number(name);
    const ge = groups.find((e) => e.name === name);
    if (ge === undefined)
      throw new ContainerError("CONTAINER_USER", `unable to find group ${name}: no matching entries in group file`, name);
    return ge.gid;
  };
  const gid = g !== undefined && g !== "" ? findGroup(g) : (entry?.gid ?? 0);
  const supp = new Set<number>();
  if (entry !== undefined && g === undefined)
    for (const ge of groups) if (ge.members.includes(entry.name)) supp.add(ge.gid);
  for (const extra of spec?.groups ?? []) supp.add(findGroup(extra));
  return { uid, gid, groups: [...supp].sort((a, b) => a - b), home: entry?.home ?? "/" };
}
