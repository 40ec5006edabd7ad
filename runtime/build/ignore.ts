// .dockerignore / .vmspecignore patterns (moby/patternmatcher semantics) and glob → RegExp compilation.
import { readFile } from "node:fs/promises";
import { join, posix } from "node:path";

/** Glob syntax of COPY sources and ignore files: `*`, `?`, `[...]`, `**`, `\` escapes. */
export function hasGlob(s: string): boolean {
  return /[*?[\\]/.test(s);
}

/**
 * Compiles a cleaned, relative glob to an anchored RegExp: `*` and `?` never match `/`, `**`
 * matches any number of path components (`a/**` also matches `a`), `[!…]` negates a class.
 */
export function globToRegExp(pattern: string): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*") {
      if (pattern[i + 1] === "*") {
        i++;
        if (pattern[i + 1] === "/") {
          i++;
          re += "(?:.*/)?";
        } else re += ".*";
      } else re += "[^/]*";
    } else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 2);
      if (end === -1) re += "\\[";
      else {
        let cls = pattern.slice(i + 1, end);
        if (cls.startsWith("!")) cls = "^" + cls.slice(1);
        re += `[${cls.replace(/\\/g, "\\\\")}]`;
        i = end;
      }
    } else if (c === "\\" && i + 1 < pattern.length) {
      i++;
      re += pattern[i]!.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  // `dir/**` also matches `dir` itself.
  re = re.replace(/\/\.\*$/, "(?:/.*)?");
  return new RegExp(`^${re}$`);
}

interface Rule {
  re: RegExp;
  negate: boolean;
}

/**
 * An ignore-file matcher. Patterns are cleaned (`path.Clean`), a leading `/` dropped; `!pattern`
 * re-includes; the last matching rule wins; a rule matching a parent directory matches everything
 * below it (moby/patternmatcher MatchesOrParentMatches).
 */
export class IgnoreMatcher {
  private readonly rules: Rule[];
  /** True if some rule re-includes (a directory excluded as a whole may still hold included files). */
  readonly hasExceptions: boolean;
  constructor(patterns: readonly string[]) {
    this.rules = [];
    for (let raw of patterns) {
      raw = raw.trim();
      if (raw === "" || raw.startsWith("#")) continue;
      const negate = raw.startsWith("!");
      let p = negate ? raw.slice(1).trim() : raw;
      p = posix.normalize(p).replace(/^\/+/, "").replace(/\/+$/, "");
      if (p === "." || p === "") continue;
      this.rules.push({ re: globToRegExp(p), negate });
    }
    this.hasExceptions = this.rules.some((r) => r.negate);
  }

  /** True if the context-relative path `rel` (no leading `/`) is excluded. */
  ignores(rel: string): boolean {
    const parts = rel.split("/");
    let excluded = false;
    for (const r of this.rules) {
      let hit = false;
      for (let i = 1; i <= parts.length && !hit; i++) hit = r.re.test(parts.slice(0, i).join("/"));
      if (hit) excluded = !r.negate;
    }
    return excluded;
  }

  /** True if no rule applies at all. */
  get empty(): boolean {
    return this.rules.length === 0;
  }
}

/**
 * Loads the context's ignore file: `.vmspecignore` if present, else `.dockerignore`, else none.
 * The spec file and the ignore file themselves are never excluded from being read by the builder
 * (only from COPY sources), as in BuildKit.
 */
export async function loadIgnore(contextDir: string): Promise<IgnoreMatcher> {
  for (const name of [".vmspecignore", ".dockerignore"]) {
    try {
      return new IgnoreMatcher((await readFile(join(contextDir, name), "utf8")).split(/\r?\n/));
    } catch {
      /* try the next */
    }
  }
  return new IgnoreMatcher([]);
}
