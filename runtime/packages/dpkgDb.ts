// dpkg's database inside a root (dpkg(1) "FILES"; deb-control(5); dpkg-query(1)): the status file,
// info/<pkg>.list, .md5sums, .conffiles and maintainer scripts, so dpkg and apt see what we unpacked.
import { readFile } from "node:fs/promises";
import { parseDeb822, formatStanza, type Stanza } from "./deb822.js";
import { SafeRoot } from "./safeRoot.js";
import { parseRelations } from "./relations.js";
import type { InstalledPackage } from "./resolver.js";
import type { UnpackedDeb } from "./unpack.js";

/** dpkg's admin directory relative to a root. */
export const ADMINDIR = "var/lib/dpkg";

/** Mode of maintainer scripts (and other executable control members) written to info/. */
const SCRIPT_MODE = 0o755;

/** The info/ file stem: `pkg`, or `pkg:arch` for Multi-Arch: same (dpkg ≥ 1.16.2 layout). */
export function infoStem(p: { name: string; arch: string; multiArch: string }): string {
  return p.multiArch.toLowerCase() === "same" ? `${p.name}:${p.arch}` : p.name;
}

/**
 * dpkg's `Status` for a package we unpacked without running scripts: `install ok unpacked` when it
 * has a postinst or config script (so `dpkg --configure -a` runs them later), else
 * `install ok installed`.
 */
export function statusOf(p: Pick<UnpackedDeb, "maintainerScripts">): string {
  return p.maintainerScripts.includes("postinst") || p.maintainerScripts.includes("config") ? "install ok unpacked" : "install ok installed";
}

/** Builds the status stanza: control fields with `Status` after `Package`, plus `Conffiles`. */
export function statusStanza(p: UnpackedDeb, conffileMd5: Map<string, string>): string {
  const ctl = parseDeb822(p.controlText).stanzas[0]!;
  const fields: [string, string][] = [];
  for (const [k, v] of ctl.entries()) {
    fields.push([k, v]);
    if (k.toLowerCase() === "package") fields.push(["Status", statusOf(p)]);
  }
  if (p.conffiles.length > 0) {
    fields.push(["Conffiles", ["", ...p.conffiles.map((c) => `${c} ${conffileMd5.get(c) ?? "newconffile"}`)].join("\n")]);
  }
  return formatStanza(fields);
}

function sortKey(s: Stanza): string {
  return `${s.get("Package") ?? ""}\u0000${s.get("Architecture") ?? ""}`;
}

/** Reads a dpkg status file into stanzas (empty when absent). */
export async function readStatus(path: string): Promise<Stanza[]> {
  try {
    return parseDeb822(await readFile(path, "utf8")).stanzas;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
}

/** Installed packages (for `ResolveOptions.installed`) from a dpkg status file; `not-installed`/config-files entries are ignored. */
export async function installedFromStatus(path: string): Promise<InstalledPackage[]> {
  const out: InstalledPackage[] = [];
  for (const s of await readStatus(path)) {
    const st = (s.get("Status") ?? "").split(/\s+/);
    if (!["installed", "unpacked", "half-configured", "triggers-awaited", "triggers-pending"].includes(st[2] ?? "")) continue;
    const ma = (s.get("Multi-Arch") ?? "no").toLowerCase();
    out.push({
      name: s.get("Package") ?? "",
      version: s.get("Version") ?? "",
      arch: s.get("Architecture") ?? "",
      multiArch: ma === "same" || ma === "foreign" || ma === "allowed" ? ma : "no",
      provides: parseRelations(s.get("Provides")).clauses.flat(),
    });
  }
  return out;
}

/** Options for `writeDpkgDatabase`. */
export interface DpkgDbOptions {
  /** A status file to start from (e.g. the lower layer's); default: the root's own, if any. */
  baseStatus?: string;
}

/**
 * Records `pkgs` in `<root>/var/lib/dpkg`: merges their stanzas into `status` (replacing earlier
 * entries of the same package/arch; sorted by name, arch), and writes `info/<stem>.list`,
 * `.md5sums`, `.conffiles` and every other control member (maintainer scripts 0755, not run).
 * Also makes sure `updates/` exists and, when there is no `baseStatus`, `available`, as dpkg expects.
 */
export async function writeDpkgDatabase(root: string | SafeRoot, pkgs: readonly UnpackedDeb[], opts: DpkgDbOptions = {}): Promise<void> {
  const safe = typeof root === "string" ? new SafeRoot(root) : root;
  safe.createdLinks.clear();
  safe.forget();
  await safe.ensure();
  await safe.mkdirAll(`${ADMINDIR}/info`);
  await safe.mkdirAll(`${ADMINDIR}/updates`);
  const statusPath = `${ADMINDIR}/status`;
  const base = await readStatus(opts.baseStatus ?? `${safe.root}/${statusPath}`);
  const byKey = new Map<string, string>();
  for (const s of base) byKey.set(sortKey(s), formatStanza(s.entries()));
  for (const p of pkgs) {
    const md5 = new Map<string, string>();
    for (const line of (p.control.get("md5sums")?.data.toString("utf8") ?? "").split("\n")) {
      const m = /^([0-9a-f]{32})\s+(.+)$/.exec(line.trim());
      if (m !== null) md5.set(`/${m[2]!.replace(/^\.?\//, "")}`, m[1]!);
    }
    const stanza = statusStanza(p, md5);
    const parsed = parseDeb822(stanza).stanzas[0]!;
    byKey.set(sortKey(parsed), stanza);
    const stem = infoStem(p);
    await safe.writeFile(`${ADMINDIR}/info/${stem}.list`, p.paths.join("\n") + "\n");
    for (const [member, f] of p.control) {
      if (member === "control" || member.includes("/")) continue;
      const scripty = (f.mode & 0o111) !== 0 || (["preinst", "postinst", "prerm", "postrm", "config"] as string[]).includes(member);
      await safe.writeFile(`${ADMINDIR}/info/${stem}.${member}`, f.data, scripty ? SCRIPT_MODE : 0o644);
    }
  }
  const keys = [...byKey.keys()].sort();
  await safe.writeFile(statusPath, keys.map((k) => byKey.get(k)!).join("\n"));
  // dpkg wants an `available` file; a base layer has its own, which an empty one must not shadow.
  if (opts.baseStatus === undefined) {
    try {
      await readFile(`${safe.root}/${ADMINDIR}/available`);
    } catch {
      await safe.writeFile(`${ADMINDIR}/available`, "");
    }
  }
}
