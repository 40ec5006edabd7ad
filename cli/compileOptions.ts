// The compile options every spec-reading command shares (--target, --build-arg, --platform,
// --format). Kept free of compiler imports so commands with a cached fast path stay cheap to load.
import type { CompileOptions } from "../compiler/compile.js";
import type { OptionSpec } from "./args.js";
import type { DiagFormat } from "./diagnostics.js";

/** Options shared by compile, check, build, lock and `compile --emit ts`. */
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
