// `vmspec compile FILE --emit ts`: the CLI side of the TypeScript emitter (dispatched from
// cli/commands/compile.ts). Prints diagnostics like `vmspec compile`; writes the module only when
// the spec compiles without errors.
import { writeFileSync } from "node:fs";
import { one, parseArgs } from "../../cli/args.js";
import { compileFile } from "../../cli/compileFile.js";
import { COMPILE_OPTIONS, compileOptionsFrom, formatFrom } from "../../cli/compileOptions.js";
import { emitTypeScript } from "./emit.js";

/** Runs `vmspec compile … --emit ts` with the full compile argv. */
export async function runCompileTs(argv: readonly string[]): Promise<number> {
  const p = parseArgs(argv, [...COMPILE_OPTIONS, { name: "output", short: "o", value: true }, { name: "emit", value: true }, { name: "builder-import", value: true }]);
  const opts = compileOptionsFrom(p.values);
  const format = formatFrom(p.values);
  const errors = [...p.errors];
  if (typeof opts === "string") errors.push(opts);
  if (typeof format !== "string") errors.push(format.error);
  if (p.positionals.length !== 1) errors.push("expected exactly one FILE");
  if (errors.length > 0 || typeof opts === "string" || typeof format !== "string") {
    process.stderr.write(`vmspec compile: ${errors.join("; ")}\n(see vmspec compile --help)\n`);
    return 2;
  }
  const file = p.positionals[0]!;
  const compiled = compileFile("compile", file, opts, format);
  if (!compiled.ok) return 2;
  if (compiled.result.hasErrors) return 1;
  const text = compiled.text;
  const bi = one(p, "builder-import");
  const out = await emitTypeScript(text, { path: file, compileOptions: opts, ...(bi !== undefined && { builderImport: bi }) });
  const o = one(p, "output");
  if (o === undefined) process.stdout.write(out);
  else writeFileSync(o, out);
  return 0;
}
