// `vmspec check FILE…`: reports diagnostics only (no output), for editors and CI.
import { readFileSync } from "node:fs";
import { compile } from "../../compiler/compile.js";
import { parseArgs } from "../args.js";
import { fsReader, renderDiagnostics, sourcesOf, summary } from "../diagnostics.js";
import type { Diagnostic } from "../../compiler/diagnostics/diagnostic.js";
import { COMPILE_OPTIONS, compileOptionsFrom, formatFrom } from "../compileOptions.js";

const HELP = `Usage: vmspec check FILE... [options]

Check specs for errors and warnings without writing anything.

Options:
  --target STAGE           the stage to build (default: the last one)
  --build-arg K=V          set a build argument (repeatable)
  --platform OS/ARCH       target platform
  --format human|json      diagnostics format (default: human); json prints one array for all files
  -h, --help               show this help

Exit status: 0 no errors (warnings allowed), 1 some spec has errors, 2 usage error.
`;

/** Runs `vmspec check`. */
export async function run(argv: readonly string[]): Promise<number> {
  const p = parseArgs(argv, COMPILE_OPTIONS);
  if (p.flags.has("help")) {
    process.stdout.write(HELP);
    return 0;
  }
  const opts = compileOptionsFrom(p.values);
  const format = formatFrom(p.values);
  const errors = [...p.errors];
  if (typeof opts === "string") errors.push(opts);
  if (typeof format !== "string") errors.push(format.error);
  if (p.positionals.length === 0) errors.push("expected at least one FILE");
  if (errors.length > 0 || typeof opts === "string" || typeof format !== "string") {
    process.stderr.write(`vmspec check: ${errors.join("; ")}\n\n${HELP}`);
    return 2;
  }
  let failed = false;
  let usage = false;
  const all: Diagnostic[] = [];
  const sources = new Map<string, string>();
  for (const file of p.positionals) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (e) {
      process.stderr.write(`vmspec check: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? e}\n`);
      usage = true;
      continue;
    }
    const r = compile(file, text, opts, fsReader);
    for (const [k, v] of sourcesOf(r)) sources.set(k, v);
    all.push(...r.diagnostics);
    failed ||= r.hasErrors;
  }
  if (format === "json") process.stdout.write(renderDiagnostics(all, sources, "json"));
  else {
    process.stdout.write(renderDiagnostics(all, sources, "human"));
    process.stdout.write(summary(all));
  }
  return usage ? 2 : failed ? 1 : 0;
}
