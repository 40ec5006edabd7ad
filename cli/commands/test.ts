// `vmspec test [DIR] [--update]`: golden tests for specs. Each `NAME.vmspec` is compiled and its
// results compared with the snapshots beside it: `NAME.ir.json` (when it compiles) and
// `NAME.errors.txt` (when it has diagnostics). Actual results go to the git-ignored `local/`.
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { compile, type CompileOptions, type SourceReader } from "../../compiler/compile.js";
import { formatHuman } from "../../compiler/diagnostics/format.js";
import { parseArgs } from "../args.js";
import { sourcesOf } from "../diagnostics.js";

const HELP = `Usage: vmspec test [DIR] [--update]

Golden tests for specs: every NAME.vmspec under DIR (default: .) is compiled and compared with
NAME.ir.json (the IR, when it compiles) and NAME.errors.txt (diagnostics, when there are any).
A line "# test: --target=STAGE --build-arg=K=V --platform=P" among the spec's leading comment lines
(first, or after its parser directives) sets compile options.
Actual outputs are written under local/vmspec-test/; differences are printed as diffs.

Options:
  --update      accept: write the actual outputs as the new snapshots (review with git diff)
  -h, --help    show this help

Exit status: 0 all match, 1 some differ, 2 usage error.
`;

/** Outcome of one golden case. */
export interface GoldenCase {
  /** Path of the spec relative to the test directory. */
  name: string;
  ok: boolean;
  /** Unified-style diffs for each differing snapshot (empty when ok). */
  diffs: string[];
}

/** Snapshot contents for one spec, keyed by file suffix. */
export type Snapshots = Map<".ir.json" | ".errors.txt", string>;

/** Finds `*.vmspec` files under `dir`, sorted, skipping `local/` and `node_modules/`. */
export function findSpecs(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      if (name === "local" || name === "node_modules" || name.startsWith(".")) continue;
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith(".vmspec")) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/**
 * Parses the optional `# test: …` line into compile options. It is the first of the spec's leading
 * `#` lines that starts `# test:`, so it may follow parser directives (`# check=…`) it cannot precede.
 */
export function testOptions(text: string): CompileOptions {
  const opts: CompileOptions = {};
  let first: RegExpExecArray | null = null;
  for (const line of text.replace(/^\ufeff/, "").split("\n", 8)) {
    if (!line.startsWith("#")) break;
    if ((first = /^#\s*test:(.*)$/m.exec(line)) !== null) break;
  }
  if (first === null) return opts;
  for (const w of first[1]!.trim().split(/\s+/)) {
    const m = /^--([a-z-]+)=(.*)$/.exec(w);
    if (m === null) continue;
    if (m[1] === "target") opts.target = m[2]!;
    else if (m[1] === "platform") opts.platform = m[2]!;
    else if (m[1] === "build-arg") {
      const eq = m[2]!.indexOf("=");
      (opts.buildArgs ??= {})[m[2]!.slice(0, eq)] = m[2]!.slice(eq + 1);
    }
  }
  return opts;
}

/**
 * Compiles one spec (path relative to `root`, INCLUDEs read relative to `root` too, so snapshots do
 * not depend on where the tree lives) and returns its snapshot contents.
 */
export function snapshotsFor(root: string, rel: string): Snapshots {
  const text = readFileSync(join(root, rel), "utf8");
  const reader: SourceReader = {
    read(path) {
      try {
        return { ok: true, text: readFileSync(join(root, path), "utf8") };
      } catch (e) {
        return { ok: false, message: (e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : String(e) };
      }
    },
  };
  const r = compile(rel, text, testOptions(text), reader);
  const snaps: Snapshots = new Map();
  if (r.ir !== null) snaps.set(".ir.json", JSON.stringify(r.ir, null, 2) + "\n");
  if (r.diagnostics.length > 0) snaps.set(".errors.txt", formatHuman(r.diagnostics, sourcesOf(r)));
  return snaps;
}

/** A line diff of `want` → `have` (LCS; `-` lines only in want, `+` only in have), with context. */
export function lineDiff(want: string, have: string, context = 2): string {
  const a = want.split("\n");
  const b = have.split("\n");
  // Trim common prefix/suffix first so the quadratic LCS runs on the changed middle only.
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const am = a.slice(pre, a.length - suf);
  const bm = b.slice(pre, b.length - suf);
  const lines: string[] = [];
  if (am.length * bm.length > 4_000_000) {
    for (const l of am) lines.push(`-${l}`);
    for (const l of bm) lines.push(`+${l}`);
  } else {
    const n = am.length;
    const m = bm.length;
    const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i--)
      for (let j = m - 1; j >= 0; j--)
        lcs[i]![j] = am[i] === bm[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && am[i] === bm[j]) {
        lines.push(` ${am[i]}`);
        i++;
        j++;
      } else if (j < m && (i >= n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) lines.push(`+${bm[j++]}`);
      else lines.push(`-${am[i++]}`);
    }
  }
  const head = a.slice(Math.max(0, pre - context), pre).map((l) => ` ${l}`);
  const tail = a.slice(a.length - suf, a.length - suf + context).map((l) => ` ${l}`);
  return [`@@ line ${pre + 1} @@`, ...head, ...lines, ...tail].join("\n") + "\n";
}

/**
 * Runs the golden cases under `dir`. With `update`, writes actual outputs as snapshots (and removes
 * snapshots that no longer apply). Actual outputs always go to `localDir` (mirroring the tree).
 */
export function runGolden(dir: string, options: { update?: boolean; localDir?: string } = {}): GoldenCase[] {
  const localDir = options.localDir ?? join("local", "vmspec-test");
  const cases: GoldenCase[] = [];
  for (const spec of findSpecs(dir)) {
    const rel = relative(dir, spec);
    const base = spec.slice(0, -".vmspec".length);
    const have = snapshotsFor(dir, rel);
    const diffs: string[] = [];
    for (const suffix of [".ir.json", ".errors.txt"] as const) {
      const file = base + suffix;
      const h = have.get(suffix);
      const local = join(localDir, rel.slice(0, -".vmspec".length) + suffix);
      if (h !== undefined) {
        mkdirSync(dirname(local), { recursive: true });
        writeFileSync(local, h);
      } else if (existsSync(local)) rmSync(local);
      const w = existsSync(file) ? readFileSync(file, "utf8") : undefined;
      if (options.update) {
        if (h !== undefined) writeFileSync(file, h);
        else if (w !== undefined) rmSync(file);
        continue;
      }
      if (w === h) continue;
      if (w === undefined) diffs.push(`${rel}: unexpected ${suffix} (no snapshot ${relative(dir, file)}):\n${lineDiff("", h!)}`);
      else if (h === undefined) diffs.push(`${rel}: expected ${suffix} but none was produced:\n${lineDiff(w, "")}`);
      else diffs.push(`${rel}: ${suffix} differs:\n${lineDiff(w, h)}`);
    }
    cases.push({ name: rel, ok: diffs.length === 0, diffs });
  }
  return cases;
}

/** Runs `vmspec test`. */
export async function run(argv: readonly string[]): Promise<number> {
  const p = parseArgs(argv, [{ name: "update", value: false }]);
  if (p.flags.has("help")) {
    process.stdout.write(HELP);
    return 0;
  }
  if (p.errors.length > 0 || p.positionals.length > 1) {
    process.stderr.write(`vmspec test: ${[...p.errors, ...(p.positionals.length > 1 ? ["at most one DIR"] : [])].join("; ")}\n\n${HELP}`);
    return 2;
  }
  const dir = p.positionals[0] ?? ".";
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    process.stderr.write(`vmspec test: not a directory: ${dir}\n`);
    return 2;
  }
  const cases = runGolden(dir, { update: p.flags.has("update") });
  let failed = 0;
  for (const c of cases) {
    if (c.ok) continue;
    failed++;
    process.stdout.write(`FAIL ${c.name}\n${c.diffs.join("\n")}\n`);
  }
  const verb = p.flags.has("update") ? "updated" : "passed";
  process.stdout.write(`${cases.length - failed} ${verb}, ${failed} failed (${cases.length} specs under ${dir})\n`);
  return failed > 0 ? 1 : 0;
}
