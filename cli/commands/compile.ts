// `vmspec compile FILE`: compiles a spec to IR JSON (or its AST), printing diagnostics to stderr.
import { writeFileSync } from "node:fs";
import { one, parseArgs } from "../args.js";
import { compileFile } from "../compileFile.js";
import { COMPILE_OPTIONS, compileOptionsFrom, formatFrom } from "../compileOptions.js";

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
  const compiled = compileFile("compile", p.positionals[0]!, opts, format);
  if (!compiled.ok) return 2;
  const r = compiled.result;
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
