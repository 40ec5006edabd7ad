// `vmspec compile FILE`: compiles a spec to IR JSON (or its AST), printing diagnostics to stderr.
import { readFileSync, writeFileSync } from "node:fs";
import { compile, type CompileOptions } from "../../compiler/compile.js";
import { one, parseArgs, type OptionSpec } from "../args.js";
import { fsReader, renderDiagnostics, sourcesOf, summary, type DiagFormat } from "../diagnostics.js";

const HELP = `Usage: vmspec compile FILE [options]

Compile a vmspec (or Dockerfile) to the vmspec IR (JSON).

Options:
  -o, --output FILE        write the output here instead of stdout
  --emit ir|ast|ts         what to print: the IR (default), the parsed instructions, or a
                           TypeScript module that builds the same IR (docs/tooling.md)
  --target STAGE           the stage to build (default: the last one)
  --build-arg K=V          set a build argument (repeatable)
  --platform OS/ARCH       target platform (default: MACHINE arch, else linux/amd64)
  --format human|json      diagnostics format on stderr (default: human)
  -h, --help               show this help

Exit status: 0 compiled, 1 the spec has errors, 2 usage error.
`;

/** Options shared by compile and check. */
export const COMPILE_OPTIONS: OptionSpec[] = [
  { name: "target", value: true },
  { name: "build-arg", value: true, repeat: true },
  { name: "platform", value: true },
  { name: "format", value: true },
];

/** Builds CompileOptions from parsed args; returns a usage error message on bad input. */
export function compileOptionsFrom(values: Map<string, string[]>): CompileOptions | string {
  const opts: CompileOptions = {};
  const target = values.get("target")?.at(-1);
  if (target !== undefined) opts.target = target;
  const platform = values.get("platform")?.at(-1);
  if (platform !== undefined) opts.platform = platform;
  const buildArgs: Record<string, string> = {};
  for (const kv of values.get("build-arg") ?? []) {
    const eq = kv.indexOf("=");
    if (eq <= 0) return `--build-arg needs KEY=VALUE, not '${kv}'`;
    buildArgs[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  if (Object.keys(buildArgs).length > 0) opts.buildArgs = buildArgs;
  return opts;
}

/** Reads the diagnostics format option; returns a usage error message on a bad value. */
export function formatFrom(values: Map<string, string[]>): DiagFormat | { error: string } {
  const f = values.get("format")?.at(-1) ?? "human";
  return f === "human" || f === "json" ? f : { error: `--format must be human or json, not '${f}'` };
}

/** Runs `vmspec compile`. */
export async function run(argv: readonly string[]): Promise<number> {
  // `--emit ts` lives in tooling/ (the TypeScript emitter); load it only when asked for.
  const wantsTs = argv.some((a, i) => a === "--emit=ts" || (a === "--emit" && argv[i + 1] === "ts"));
  if (wantsTs) return (await import("../../tooling/emit-ts/compileTs.js")).runCompileTs(argv);
  const p = parseArgs(argv, [...COMPILE_OPTIONS, { name: "output", short: "o", value: true }, { name: "emit", value: true }]);
  if (p.flags.has("help")) {
    process.stdout.write(HELP);
    return 0;
  }
  const opts = compileOptionsFrom(p.values);
  const format = formatFrom(p.values);
  const emit = one(p, "emit") ?? "ir";
  const errors = [...p.errors];
  if (typeof opts === "string") errors.push(opts);
  if (typeof format !== "string") errors.push(format.error);
  if (emit !== "ir" && emit !== "ast") errors.push(`--emit must be ir, ast or ts, not '${emit}'`);
  if (p.positionals.length !== 1) errors.push("expected exactly one FILE");
  if (errors.length > 0 || typeof opts === "string" || typeof format !== "string") {
    process.stderr.write(`vmspec compile: ${errors.join("; ")}\n\n${HELP}`);
    return 2;
  }
  const file = p.positionals[0]!;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    process.stderr.write(`vmspec compile: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? e}\n`);
    return 2;
  }
  const r = compile(file, text, opts, fsReader);
  if (r.diagnostics.length > 0) {
    process.stderr.write(renderDiagnostics(r.diagnostics, sourcesOf(r), format));
    if (format === "human") process.stderr.write(summary(r.diagnostics));
  }
  let out: string | null = null;
  if (emit === "ast") out = JSON.stringify(r.asts.map((a, i) => ({ path: r.files[i]!.path, ...a })), null, 2) + "\n";
  else if (r.ir !== null) out = JSON.stringify(r.ir, null, 2) + "\n";
  if (out !== null) {
    const o = one(p, "output");
    if (o === undefined) process.stdout.write(out);
    else writeFileSync(o, out);
  }
  return r.hasErrors ? 1 : 0;
}
