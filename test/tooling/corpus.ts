// The tooling tests' corpus: every golden case and every example, with the compile options and
// INCLUDE reader the golden runner uses, and helpers to compare what two compiles mean.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { compile, type CompileOptions, type SourceReader } from "../../compiler/compile.js";
import type { Ir } from "../../compiler/ir/types.js";
import { testOptions } from "../../cli/commands/test.js";

/** The repository root. */
export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

/** One spec of the corpus. `path` is what it is compiled as; INCLUDEs resolve under `root`. */
export interface CorpusCase {
  name: string;
  root: string;
  path: string;
  text: string;
  options: CompileOptions;
  reader: SourceReader;
}

function readerAt(root: string): SourceReader {
  return {
    read(p) {
      try {
        return { ok: true, text: readFileSync(join(root, p), "utf8") };
      } catch {
        return { ok: false, message: "no such file" };
      }
    },
  };
}

/** Every golden case (test/golden/*.vmspec) and example (examples/*.vmspec). */
export function corpus(): CorpusCase[] {
  const out: CorpusCase[] = [];
  const golden = join(repoRoot, "test/golden");
  for (const f of readdirSync(golden).filter((f) => f.endsWith(".vmspec")).sort()) {
    const text = readFileSync(join(golden, f), "utf8");
    out.push({ name: `golden/${f}`, root: golden, path: f, text, options: testOptions(text), reader: readerAt(golden) });
  }
  for (const f of readdirSync(join(repoRoot, "examples")).filter((f) => f.endsWith(".vmspec")).sort()) {
    const path = `examples/${f}`;
    out.push({ name: path, root: repoRoot, path, text: readFileSync(join(repoRoot, path), "utf8"), options: {}, reader: readerAt(repoRoot) });
  }
  return out;
}

/** Compiles a corpus case's path with other text. */
export function compileAs(c: CorpusCase, text: string) {
  return compile(c.path, text, c.options, c.reader);
}

/** Every op id of an IR, stage by stage, plus each stage's output. */
export function opIds(ir: Ir | null): string[][] {
  return ir === null ? [] : ir.stages.map((s) => [...s.ops.map((o) => o.id), `output ${s.output}`]);
}

/**
 * An IR without what depends on layout: the source map (offsets, file digest) is dropped and
 * ONBUILD trigger texts (recorded as written) have their blanks collapsed and keyword upper-cased.
 */
export function meaningOf(ir: Ir | null): unknown {
  if (ir === null) return null;
  const { sourceMap: _s, ...rest } = ir;
  return JSON.parse(JSON.stringify(rest), (k, v) =>
    k === "onBuild" && Array.isArray(v)
      ? v.map((t: string) => {
          const [kw, ...more] = t.split("\n")[0]!.trim().split(/\s+/);
          return [kw!.toUpperCase(), ...more].join(" ") + t.slice(t.split("\n")[0]!.length);
        })
      : v,
  );
}
