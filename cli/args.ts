// A small argv parser for the compiler commands: `--name value`, `--name=value`, `-o value`,
// repeatable options, positionals, `--` ending options. Usage errors are returned, never thrown.

/** One accepted option. */
export interface OptionSpec {
  name: string;
  /** Single-letter alias (`o` for `-o`). */
  short?: string;
  /** True if the option takes a value. */
  value: boolean;
  /** True if it may be given several times. */
  repeat?: boolean;
}

/** Parsed arguments. */
export interface ParsedArgs {
  positionals: string[];
  /** Values by option name: the last value, or all values for repeatable options (see `all`). */
  values: Map<string, string[]>;
  /** Present boolean options. */
  flags: Set<string>;
  /** Usage errors (unknown option, missing value). */
  errors: string[];
}

/** Parses argv against `specs`. `--help`/`-h` always parse as the `help` flag. */
export function parseArgs(argv: readonly string[], specs: readonly OptionSpec[]): ParsedArgs {
  const out: ParsedArgs = { positionals: [], values: new Map(), flags: new Set(), errors: [] };
  const byName = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short!, s]));
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (a === "--help" || a === "-h") {
      out.flags.add("help");
      continue;
    }
    let spec: OptionSpec | undefined;
    let inline: string | undefined;
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      inline = eq < 0 ? undefined : a.slice(eq + 1);
      spec = byName.get(name);
      if (spec === undefined) {
        out.errors.push(`unknown option '--${name}'`);
        continue;
      }
    } else if (a.startsWith("-") && a.length > 1) {
      spec = byShort.get(a.slice(1, 2));
      if (spec === undefined) {
        out.errors.push(`unknown option '${a}'`);
        continue;
      }
      if (a.length > 2) inline = a.slice(2);
    } else {
      out.positionals.push(a);
      continue;
    }
    if (!spec.value) {
      if (inline !== undefined) out.errors.push(`option '--${spec.name}' takes no value`);
      out.flags.add(spec.name);
      continue;
    }
    let v = inline;
    if (v === undefined) {
      if (i + 1 >= argv.length) {
        out.errors.push(`option '--${spec.name}' needs a value`);
        continue;
      }
      v = argv[++i]!;
    }
    const list = out.values.get(spec.name) ?? [];
    if (!spec.repeat) list.length = 0;
    list.push(v);
    out.values.set(spec.name, list);
  }
  return out;
}

/** The single value of an option, or undefined. */
export function one(p: ParsedArgs, name: string): string | undefined {
  const l = p.values.get(name);
  return l === undefined ? undefined : l[l.length - 1];
}
