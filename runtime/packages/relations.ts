// Dependency relation fields (Depends, Pre-Depends, Provides, …; Debian Policy §7.1): parsing into
// AND-of-OR clauses with architecture qualifiers, version relations, arch restrictions and profiles.
import type { Relation } from "./version.js";

/** One alternative: `name[:archqual] [(rel version)]`. */
export interface Dependency {
  name: string;
  /** `any`, `native` or an architecture name after `:`; undefined when absent. */
  archQual?: string;
  relation?: Relation;
  version?: string;
}

/** A clause: alternatives separated by `|`; satisfied when any one is. */
export type Clause = Dependency[];

const REL_RE = /^\s*([^\s(:[<]+)(?::([A-Za-z0-9-]+))?\s*(?:\(\s*(<<|<=|>=|>>|=|<|>)\s*([0-9A-Za-z][^\s)]*)\s*\))?\s*(?:\[([^\]]*)\])?\s*(?:<[^>]*>\s*)*$/;

/** Thrown-free parse result: clauses plus the text of any alternative that did not parse. */
export interface RelationsResult {
  clauses: Clause[];
  invalid: string[];
}

/**
 * Parses a relation field (`a (>= 1) | b:any, c`). `hostArch`, when given, evaluates
 * architecture restrictions (`[amd64 !i386]`, Policy §7.1) and drops alternatives that do not
 * apply; build profiles (`<!nocheck>`) are ignored (they only occur in source packages).
 */
export function parseRelations(field: string | undefined, hostArch?: string): RelationsResult {
  const clauses: Clause[] = [];
  const invalid: string[] = [];
  if (field === undefined) return { clauses, invalid };
  for (const part of field.split(",")) {
    if (part.trim() === "") continue;
    const clause: Clause = [];
    for (const alt of part.split("|")) {
      const m = REL_RE.exec(alt.replace(/\n/g, " "));
      if (m === null) {
        invalid.push(alt.trim());
        continue;
      }
      if (m[5] !== undefined && hostArch !== undefined && !archRestrictionMatches(m[5], hostArch)) continue;
      const dep: Dependency = { name: m[1]! };
      if (m[2] !== undefined) dep.archQual = m[2];
      if (m[3] !== undefined) {
        dep.relation = m[3] === "<" ? "<=" : m[3] === ">" ? ">=" : (m[3] as Relation);
        dep.version = m[4]!;
      }
      clause.push(dep);
    }
    if (clause.length > 0) clauses.push(clause);
  }
  return { clauses, invalid };
}

function archRestrictionMatches(list: string, arch: string): boolean {
  const items = list.trim().split(/\s+/).filter((s) => s !== "");
  const neg = items.filter((i) => i.startsWith("!")).map((i) => i.slice(1));
  const pos = items.filter((i) => !i.startsWith("!"));
  if (pos.length > 0) return pos.includes(arch) || pos.includes("any") || pos.includes(`linux-${arch}`);
  return !neg.includes(arch);
}

/** Formats a dependency back to Policy syntax (`name:qual (rel ver)`). */
export function formatDependency(d: Dependency): string {
  let s = d.name;
  if (d.archQual !== undefined) s += `:${d.archQual}`;
  if (d.relation !== undefined) s += ` (${d.relation} ${d.version})`;
  return s;
}

/** Formats a clause (`a | b (>= 1)`). */
export function formatClause(c: Clause): string {
  return c.map(formatDependency).join(" | ");
}
