// The dependency resolver: from requested names to an exact, deterministic package set (Depends and
// Pre-Depends closure with alternatives, version relations, Provides, arch qualifiers, Multi-Arch),
// with a chain-of-blame explanation when something cannot be satisfied.
import type { PackageEntry, PackagesIndex } from "./packagesIndex.js";
import { formatClause, formatDependency, parseRelations, type Clause, type Dependency } from "./relations.js";
import { ResolveError } from "./errors.js";
import { suggestNames } from "./suggest.js";
import { compareVersions, satisfiesRelation } from "./version.js";

/** One requested package: `name` (optionally `name:arch`), optionally pinned to an exact version. */
export interface PackageRequest {
  name: string;
  version?: string;
}

/** A package already present (e.g. in the base image's dpkg status); it satisfies dependencies. */
export interface InstalledPackage {
  name: string;
  version: string;
  arch: string;
  multiArch?: PackageEntry["multiArch"];
  provides?: Dependency[];
}

/**
 * What to do about `Essential: yes` packages. Debian packages do not declare dependencies on
 * essential packages, so a closure without them is only complete on top of a base that has them.
 * - `exclude` (default): add nothing implicitly; essential packages appear only when requested or
 *   depended on. Right for a layer on top of a Debian base image.
 * - `include`: also install every `Essential: yes` package (newest version, host arch or all).
 * - `required`: also install every `Essential: yes` and `Priority: required` package (what
 *   debootstrap's minbase variant installs) — right for a root filesystem from scratch.
 */
export type EssentialPolicy = "exclude" | "include" | "required";

/** Inputs beyond the request list. */
export interface ResolveOptions {
  /** Host ("native") Debian architecture. */
  arch: string;
  essential?: EssentialPolicy;
  /** Packages already installed; dependencies they satisfy pull in nothing. */
  installed?: readonly InstalledPackage[];
}

/** One package of the result, with everything needed to fetch and verify it. */
export interface ResolvedPackage {
  name: string;
  version: string;
  arch: string;
  filename: string;
  sha256: string;
  size: number;
  multiArch: PackageEntry["multiArch"];
  essential: boolean;
  /** Why it is in the set: `requested`, `essential`, or `<pkg> <version>` that depends on it. */
  requiredBy: string;
}

/** The set of indices the resolver chooses from (e.g. main + contrib of one suite/arch). */
export class Universe {
  readonly indices: readonly PackagesIndex[];
  constructor(indices: readonly PackagesIndex[]) {
    this.indices = indices;
  }

  /** Every version of `name` (all indices), newest first; ties keep index order. */
  versionsOf(name: string): PackageEntry[] {
    const out: PackageEntry[] = [];
    for (const idx of this.indices) for (const i of idx.stanzasOf(name)) out.push(idx.entry(i));
    return out.sort((a, b) => compareVersions(b.version, a.version));
  }

  /** Every package providing `name`, by name then newest version. */
  providersOf(name: string): PackageEntry[] {
    const out: PackageEntry[] = [];
    for (const idx of this.indices) for (const i of idx.providersOf(name)) out.push(idx.entry(i));
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : compareVersions(b.version, a.version)));
  }

  /** All distinct package names. */
  names(): Set<string> {
    const s = new Set<string>();
    for (const idx of this.indices) for (const n of idx.packageNames()) s.add(n);
    return s;
  }

  /** Entries of every index whose stanza has the exact line `line` (e.g. `Essential: yes`). */
  withLine(line: string): PackageEntry[] {
    const out: PackageEntry[] = [];
    for (const idx of this.indices) for (const i of idx.stanzasWithLine(line)) out.push(idx.entry(i));
    return out;
  }
}

interface Node {
  entry: PackageEntry;
  parent: Node | null;
  /** The clause of the parent that selected this node (undefined for roots). */
  via: string | undefined;
  root: string;
}

type Candidate = { entry: PackageEntry; viaProvides: boolean };

const PRIORITY_RANK: Record<string, number> = { required: 0, important: 1, standard: 2, optional: 3, extra: 4 };

/** True if a package of `arch`/`multiArch` may satisfy `dep` written by a package of `fromArch`. */
export function archSatisfies(arch: string, multiArch: PackageEntry["multiArch"], dep: Dependency, fromArch: string, native: string): boolean {
  const eff = arch === "all" ? native : arch;
  const from = fromArch === "all" ? native : fromArch;
  const q = dep.archQual;
  if (q === undefined) return eff === from || multiArch === "foreign";
  if (q === "any") return eff === from || multiArch === "foreign" || multiArch === "allowed";
  if (q === "native") return eff === native;
  return eff === q;
}

function versionOk(version: string, dep: Dependency): boolean {
  return dep.relation === undefined || satisfiesRelation(version, dep.relation, dep.version!);
}

/** True if `p` (real package or via one of its Provides) satisfies `dep`. */
function satisfiesDep(p: { name: string; version: string; arch: string; multiArch?: PackageEntry["multiArch"]; provides?: readonly Dependency[] }, dep: Dependency, fromArch: string, native: string): boolean {
  const ma = p.multiArch ?? "no";
  if (!archSatisfies(p.arch, ma, dep, fromArch, native)) return false;
  if (p.name === dep.name && versionOk(p.version, dep)) return true;
  for (const pr of p.provides ?? []) {
    if (pr.name !== dep.name) continue;
    if (dep.relation === undefined) return true;
    // Only a versioned Provides satisfies a versioned dependency (Policy §7.5).
    if (pr.version !== undefined && satisfiesRelation(pr.version, dep.relation, dep.version!)) return true;
  }
  return false;
}

function chainOf(n: Node | null): string {
  const parts: string[] = [];
  for (let c = n; c !== null; c = c.parent) parts.unshift(`${c.entry.name} ${c.entry.version}`);
  return parts.join(" → ");
}

function keyOf(e: { name: string; arch: string; multiArch?: string }, native: string): string {
  return e.multiArch === "same" ? `${e.name}:${e.arch === "all" ? native : e.arch}` : e.name;
}

/**
 * Resolves `requests` against `universe`. Greedy and deterministic (like apt's default solver, no
 * backtracking): roots are taken in name order, clauses in breadth-first order, Pre-Depends before
 * Depends; for a clause already satisfied by a selected or installed package nothing is added;
 * otherwise the first alternative with a usable candidate wins, real packages (newest version
 * first) before providers (by Priority, then name). Only one version per package name (per arch
 * for `Multi-Arch: same`). Conflicts/Breaks are not evaluated. Throws `ResolveError` with
 * `PKG_UNKNOWN` (with close names) or `PKG_UNSATISFIABLE` (with the blame chain of every failure).
 */
export function resolve(universe: Universe, requests: readonly PackageRequest[], opts: ResolveOptions): ResolvedPackage[] {
  const native = opts.arch;
  const installed = opts.installed ?? [];
  const selected = new Map<string, Node>();
  const selectedByName = new Map<string, Node[]>();
  const providedBySelected = new Map<string, Node[]>();
  const queue: { clause: Clause; from: Node }[] = [];
  const failures: string[] = [];
  const unknown: string[] = [];

  const select = (entry: PackageEntry, parent: Node | null, via: string | undefined, root: string): Node => {
    const node: Node = { entry, parent, via, root };
    selected.set(keyOf(entry, native), node);
    const list = selectedByName.get(entry.name);
    if (list === undefined) selectedByName.set(entry.name, [node]);
    else list.push(node);
    for (const p of entry.provides) {
      const l = providedBySelected.get(p.name);
      if (l === undefined) providedBySelected.set(p.name, [node]);
      else l.push(node);
    }
    for (const c of entry.preDepends) queue.push({ clause: c, from: node });
    for (const c of entry.depends) queue.push({ clause: c, from: node });
    return node;
  };

  const alreadySatisfied = (dep: Dependency, fromArch: string): boolean => {
    for (const n of selectedByName.get(dep.name) ?? []) if (satisfiesDep(n.entry, dep, fromArch, native)) return true;
    for (const n of providedBySelected.get(dep.name) ?? []) if (satisfiesDep(n.entry, dep, fromArch, native)) return true;
    for (const p of installed) if ((p.name === dep.name || p.provides?.some((x) => x.name === dep.name)) && satisfiesDep(p, dep, fromArch, native)) return true;
    return false;
  };

  /** Candidates for one alternative, best first (real packages, else providers), excluding ones blocked by an already selected version. */
  const candidates = (dep: Dependency, fromArch: string): Candidate[] => {
    const out: Candidate[] = [];
    for (const e of universe.versionsOf(dep.name)) {
      if (!satisfiesDep({ ...e, provides: [] }, dep, fromArch, native)) continue;
      const taken = selected.get(keyOf(e, native));
      if (taken !== undefined && taken.entry !== e) continue;
      out.push({ entry: e, viaProvides: false });
    }
    // Real packages always rank first and only the best candidate is used: look at providers only
    // when no real package fits (this also keeps the Provides table unbuilt for most requests).
    if (out.length > 0) return out;
    const provs = universe
      .providersOf(dep.name)
      .filter((e) => satisfiesDep({ ...e, name: "\u0000" }, dep, fromArch, native))
      .filter((e) => {
        const taken = selected.get(keyOf(e, native));
        return taken === undefined || taken.entry === e;
      })
      .sort((a, b) => (PRIORITY_RANK[a.priority] ?? 5) - (PRIORITY_RANK[b.priority] ?? 5) || (a.name < b.name ? -1 : a.name > b.name ? 1 : compareVersions(b.version, a.version)));
    for (const e of provs) out.push({ entry: e, viaProvides: true });
    return out;
  };

  const whyNot = (dep: Dependency, fromArch: string): string => {
    const all = universe.versionsOf(dep.name);
    const provs = universe.providersOf(dep.name);
    if (all.length === 0 && provs.length === 0) return `no package named or providing ${dep.name} exists`;
    const sel = selectedByName.get(dep.name)?.[0];
    if (sel !== undefined && !versionOk(sel.entry.version, dep)) {
      return `${sel.entry.name} ${sel.entry.version} is already selected (${sel.parent === null ? "requested" : `required by ${chainOf(sel.parent)}`})`;
    }
    if (all.length > 0) {
      const archFit = all.filter((e) => archSatisfies(e.arch, e.multiArch, dep, fromArch, native));
      if (archFit.length === 0) return `${dep.name} exists only for ${[...new Set(all.map((e) => e.arch))].join(", ")}`;
      if (dep.relation !== undefined) {
        const newest = archFit[0]!;
        const versions = archFit.map((e) => e.version);
        return versions.length === 1 ? `${newest.version} is the newest` : `available versions are ${versions.join(", ")}`;
      }
    }
    if (dep.relation !== undefined && provs.length > 0) return `it is only provided without a matching version (by ${provs.map((p) => p.name).slice(0, 5).join(", ")})`;
    return `no installable candidate`;
  };

  // Roots: essential set (if asked), then requests in name order (pinned versions are exact).
  const roots: { dep: Dependency; label: string }[] = [];
  for (const r of [...requests].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const [name, qual] = r.name.split(":") as [string, string | undefined];
    const dep: Dependency = { name };
    if (qual !== undefined) dep.archQual = qual;
    if (r.version !== undefined) {
      dep.relation = "=";
      dep.version = r.version;
    }
    if (universe.versionsOf(name).length === 0 && universe.providersOf(name).length === 0) {
      const close = suggestNames(name, universe.names());
      unknown.push(`unknown package '${name}'${close.length > 0 ? `; did you mean ${close.map((c) => `'${c}'`).join(", ")}?` : ""}`);
      continue;
    }
    roots.push({ dep, label: "requested" });
  }
  if (unknown.length > 0) throw new ResolveError("PKG_UNKNOWN", unknown);
  const policy = opts.essential ?? "exclude";
  if (policy !== "exclude") {
    const extra = new Map<string, PackageEntry>();
    const pool = [...universe.withLine("Essential: yes"), ...(policy === "required" ? universe.withLine("Priority: required") : [])];
    for (const e of pool) {
      if (e.arch !== "all" && e.arch !== native) continue;
      const prev = extra.get(e.name);
      if (prev === undefined || compareVersions(e.version, prev.version) > 0) extra.set(e.name, e);
    }
    for (const name of [...extra.keys()].sort()) roots.push({ dep: { name }, label: "essential" });
  }

  for (const { dep, label } of roots) {
    if (alreadySatisfied(dep, native)) continue;
    const c = candidates(dep, native)[0];
    if (c === undefined) {
      failures.push(`${formatDependency(dep)} (${label}) but ${whyNot(dep, native)}`);
      continue;
    }
    select(c.entry, null, undefined, label);
  }

  for (let qi = 0; qi < queue.length; qi++) {
    const { clause, from } = queue[qi]!;
    const fromArch = from.entry.arch;
    if (clause.some((d) => alreadySatisfied(d, fromArch))) continue;
    let chosen: Candidate | undefined;
    for (const d of clause) {
      chosen = candidates(d, fromArch)[0];
      if (chosen !== undefined) break;
    }
    if (chosen === undefined) {
      const why = clause.map((d) => whyNot(d, fromArch)).join("; and ");
      failures.push(`${chainOf(from)} → ${formatClause(clause)} but ${why}`);
      continue;
    }
    select(chosen.entry, from, formatClause(clause), from.root);
  }
  if (failures.length > 0) throw new ResolveError("PKG_UNSATISFIABLE", failures);

  const out: ResolvedPackage[] = [...selected.values()].map((n) => ({
    name: n.entry.name,
    version: n.entry.version,
    arch: n.entry.arch,
    filename: n.entry.filename,
    sha256: n.entry.sha256,
    size: n.entry.size,
    multiArch: n.entry.multiArch,
    essential: n.entry.essential,
    requiredBy: n.parent === null ? n.root : `${n.parent.entry.name} ${n.parent.entry.version}`,
  }));
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.arch < b.arch ? -1 : a.arch > b.arch ? 1 : 0));
}

/**
 * Conflicts and Breaks (Policy §7.4) among a resolved set, as human-readable lines; the resolver
 * does not act on them, callers show them as warnings. A package never conflicts with itself
 * (e.g. `Conflicts: mail-transport-agent` next to `Provides: mail-transport-agent`).
 */
export function findConflicts(universe: Universe, set: readonly ResolvedPackage[], arch: string): string[] {
  const entries = set.map((p) => universe.versionsOf(p.name).find((e) => e.version === p.version && e.arch === p.arch)).filter((e): e is PackageEntry => e !== undefined);
  const out: string[] = [];
  for (const p of entries) {
    const idx = universe.indices.find((i) => i.origin === p.origin)!;
    for (const field of ["Conflicts", "Breaks"] as const) {
      const deps = parseRelations(idx.field(p.stanza, field), arch).clauses.flat();
      for (const d of deps) {
        for (const q of entries) {
          if (q === p) continue;
          // Conflicts apply to every architecture unless qualified (Policy §7.4, dpkg's Multi-Arch rules).
          const target = d.archQual === undefined ? { ...d, archQual: "any" } : d;
          if (satisfiesDep({ ...q, multiArch: "allowed" }, target, p.arch, arch)) out.push(`${p.name} ${p.version} ${field.toLowerCase() === "breaks" ? "breaks" : "conflicts with"} ${q.name} ${q.version} (${field}: ${formatDependency(d)})`);
        }
      }
    }
  }
  return [...new Set(out)].sort();
}
