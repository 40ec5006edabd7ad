// The typed builder API: a chain of instruction methods that writes a vmspec and compiles it with
// the vmspec compiler, so a built IR means exactly what the same spec file would.
import { readFileSync } from "node:fs";
import { compile, type CompileOptions, type CompileResult, type SourceReader } from "../../compiler/compile.js";
import type { Ir } from "../../compiler/ir/types.js";
import { BuilderError } from "./errors.js";

/** A string or several. */
export type OneOrMany<T> = T | readonly T[];

/** Options of a new spec. */
export interface SpecOptions {
  /** The path the spec is compiled as (INCLUDE paths resolve against its directory). Default `builder.vmspec`. */
  path?: string;
  /** The escape character (`# escape=` directive). Default `\`. */
  escape?: "\\" | "`";
  /** `# syntax=` directive. */
  syntax?: string;
  /** `# check=` directive. */
  check?: string;
}

/** Options of `toIR` / `compile`: the compiler's options plus the reader for INCLUDEd files. */
export interface BuildOptions extends CompileOptions {
  /** Reads INCLUDEd files; default: the file system, relative to the current directory. */
  reader?: SourceReader;
}

/** A heredoc body for a RUN/COPY/ADD whose text names it (`<<EOF`). */
export interface HeredocBody {
  /** The delimiter (without quotes). */
  name: string;
  /** The body; each line ends with `\n`. */
  content: string;
}

/** `RUN --mount` as an object (written as `type=…,target=…` in key order), or its text. */
export interface Mount {
  type: "bind" | "cache" | "tmpfs" | "secret" | "ssh";
  target?: string;
  source?: string;
  from?: string;
  readonly?: boolean;
  id?: string;
  sharing?: "shared" | "private" | "locked";
  required?: boolean;
  size?: string | number;
  mode?: string | number;
  uid?: number;
  gid?: number;
  env?: string;
}

/** RUN options. */
export interface RunOptions {
  mount?: OneOrMany<Mount | string>;
  network?: "default" | "none" | "host" | (string & {});
  security?: "sandbox" | "insecure" | (string & {});
  device?: OneOrMany<string>;
  heredocs?: readonly HeredocBody[];
}

/** COPY/ADD options. Bool flags take `true`/`false` (or a spec bool word). */
export interface CopyOptions {
  from?: string;
  chown?: string;
  chmod?: string | number;
  link?: boolean | string;
  parents?: boolean | string;
  exclude?: OneOrMany<string>;
  /** ADD only. */
  checksum?: string;
  keepGitDir?: boolean | string;
  unpack?: boolean | string;
  heredocs?: readonly HeredocBody[];
}

/** HEALTHCHECK options (durations as spec words, e.g. `30s`). */
export interface HealthcheckOptions {
  interval?: string;
  timeout?: string;
  startPeriod?: string;
  startInterval?: string;
  retries?: number | string;
}

/** MACHINE settings (docs/language.md, MACHINE). Sizes take `K/M/G/T` or `KiB/MiB/GiB/TiB`. */
export interface MachineOptions {
  cpus?: number | string;
  memory?: string | number;
  disk?: string | number;
  arch?: string;
  launch?: "container" | "vm" | (string & {});
}

/** KERNEL: a distribution kernel package or a file, and the kernel command line. */
export interface KernelOptions {
  distro?: string;
  package?: string;
  file?: string;
  cmdline?: string;
}

/** PACKAGES options. */
export interface PackagesOptions {
  /** `debian:SUITE`. */
  distro?: string;
  arch?: string;
}

/** Key/value pairs (ENV, LABEL, ARG) in order: an object, or pairs when keys look like integers. */
export type Pairs = Readonly<Record<string, string>> | readonly (readonly [string, string])[];

/** A flag value needing no quotes. */
const PLAIN = /^[^\s'"\\]*$/;

function flag(name: string, value: string | number | boolean | undefined): string[] {
  if (value === undefined) return [];
  if (value === true) return [`--${name}`];
  const v = String(value);
  return [PLAIN.test(v) ? `--${name}=${v}` : `--${name}="${v.replace(/[\\"]/g, (c) => "\\" + c)}"`];
}

function many<T>(v: OneOrMany<T> | undefined): readonly T[] {
  return v === undefined ? [] : Array.isArray(v) ? (v as readonly T[]) : [v as T];
}

function jsonArray(args: readonly string[]): string {
  return `[${args.map((a) => JSON.stringify(a)).join(", ")}]`;
}

function mountText(m: Mount | string): string {
  if (typeof m === "string") return m;
  return Object.entries(m)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => (v === true ? k : `${k}=${v}`))
    .join(",");
}

function pairsOf(p: Pairs): (readonly [string, string])[] {
  return Array.isArray(p) ? [...(p as readonly (readonly [string, string])[])] : Object.entries(p as Record<string, string>);
}

const HAS_BLANK = /\s/;

/** Arguments after the flags: a `--` first when the first one would read as a flag. */
function endFlags(words: readonly string[]): string[] {
  return words.length > 0 && words[0]!.startsWith("--") ? ["--", ...words] : [...words];
}

/**
 * A spec under construction. Every method appends one instruction and returns the builder.
 * String arguments are spec words, written as given: `${VAR}` and quotes mean what they mean in a
 * spec (use {@link literal} for text that must stay literal). Commands given as arrays are exec
 * form, strings shell form.
 */
export class SpecBuilder {
  private readonly lines: string[] = [];

  constructor(readonly options: SpecOptions = {}) {
    if (options.syntax !== undefined) this.lines.push(`# syntax=${options.syntax}`);
    if (options.escape !== undefined && options.escape !== "\\") this.lines.push(`# escape=${options.escape}`);
    if (options.check !== undefined) this.lines.push(`# check=${options.check}`);
  }

  /** Appends an instruction as text (keyword, then its arguments as written), with heredoc bodies. */
  raw(keyword: string, args = "", heredocs: readonly HeredocBody[] = []): this {
    this.lines.push(args.length > 0 ? `${keyword} ${args}` : keyword);
    for (const h of heredocs) this.lines.push(h.content + h.name);
    return this;
  }

  private instr(keyword: string, parts: readonly string[], heredocs?: readonly HeredocBody[]): this {
    return this.raw(keyword, parts.filter((p) => p.length > 0).join(" "), heredocs);
  }

  /** `FROM [--platform=P] image [AS name]`. */
  from(image: string, options: { as?: string; platform?: string } = {}): this {
    return this.instr("FROM", [...flag("platform", options.platform), image, ...(options.as !== undefined ? ["AS", options.as] : [])]);
  }

  /** `ARG name[=default]`; with an object or pairs, several names in one instruction (`undefined`/null: no default). */
  arg(name: string | Readonly<Record<string, string | null | undefined>> | readonly (readonly [string, string | null | undefined])[], value?: string): this {
    const entries = typeof name === "string" ? [[name, value] as const] : Array.isArray(name) ? name : Object.entries(name);
    return this.instr("ARG", entries.map(([k, v]) => (v === undefined || v === null ? k : `${k}=${v}`)));
  }

  /** `RUN`: a string is shell form, an array exec form. */
  run(command: string | readonly string[], options: RunOptions = {}): this {
    return this.instr(
      "RUN",
      [
        ...many(options.mount).flatMap((m) => flag("mount", mountText(m))),
        ...flag("network", options.network),
        ...flag("security", options.security),
        ...many(options.device).flatMap((d) => flag("device", d)),
        ...(typeof command === "string" ? endFlags([command]) : [jsonArray(command)]),
      ],
      options.heredocs,
    );
  }

  /** `CMD`. */
  cmd(command: string | readonly string[]): this {
    return this.instr("CMD", typeof command === "string" ? endFlags([command]) : [jsonArray(command)]);
  }

  /** `ENTRYPOINT`. */
  entrypoint(command: string | readonly string[]): this {
    return this.instr("ENTRYPOINT", typeof command === "string" ? endFlags([command]) : [jsonArray(command)]);
  }

  /** `SHELL ["exe", "arg"…]`. */
  shell(argv: readonly string[]): this {
    return this.instr("SHELL", [jsonArray(argv)]);
  }

  private copyLike(keyword: "COPY" | "ADD", sources: OneOrMany<string>, dest: string, o: CopyOptions): this {
    const words = [...many(sources), dest];
    // Shell form splits on every blank (quotes do not group), so words with blanks need JSON form.
    const args = words.some((w) => HAS_BLANK.test(w)) ? [jsonArray(words)] : endFlags(words);
    return this.instr(
      keyword,
      [
        ...flag("from", o.from),
        ...flag("chown", o.chown),
        ...flag("chmod", typeof o.chmod === "number" ? o.chmod.toString(8) : o.chmod),
        ...flag("link", o.link),
        ...flag("parents", o.parents),
        ...flag("keep-git-dir", o.keepGitDir),
        ...flag("checksum", o.checksum),
        ...flag("unpack", o.unpack),
        ...many(o.exclude).flatMap((e) => flag("exclude", e)),
        ...args,
      ],
      o.heredocs,
    );
  }

  /** `COPY [flags] src… dest` (a `<<NAME` source takes its body from `options.heredocs`). */
  copy(sources: OneOrMany<string>, dest: string, options: CopyOptions = {}): this {
    return this.copyLike("COPY", sources, dest, options);
  }

  /** `ADD [flags] src… dest`. */
  add(sources: OneOrMany<string>, dest: string, options: CopyOptions = {}): this {
    return this.copyLike("ADD", sources, dest, options);
  }

  private pairs(keyword: "ENV" | "LABEL", p: Pairs): this {
    const list = pairsOf(p);
    if (list.length === 1 && HAS_BLANK.test(list[0]![1]) && !/^["']/.test(list[0]![1])) {
      // One pair whose value has blanks: the `KEY value…` form keeps the value as written.
      return this.instr(keyword, [list[0]![0], list[0]![1]]);
    }
    return this.instr(keyword, list.map(([k, v]) => `${k}=${v}`));
  }

  /** `ENV k=v…` (one instruction: every value sees the environment before it). */
  env(pairs: Pairs): this {
    return this.pairs("ENV", pairs);
  }

  /** `LABEL k=v…`. */
  label(pairs: Pairs): this {
    return this.pairs("LABEL", pairs);
  }

  /** `EXPOSE port[/proto]…`. */
  expose(...ports: (string | number)[]): this {
    return this.instr("EXPOSE", ports.map(String));
  }

  /** `VOLUME path…` (JSON form when a path has blanks). */
  volume(...paths: string[]): this {
    return this.instr("VOLUME", paths.some((p) => HAS_BLANK.test(p)) ? [jsonArray(paths)] : paths);
  }

  /** `USER user[:group]`. */
  user(user: string): this {
    return this.instr("USER", [user]);
  }

  /** `WORKDIR path`. */
  workdir(path: string): this {
    return this.instr("WORKDIR", [path]);
  }

  /** `STOPSIGNAL signal`. */
  stopsignal(signal: string | number): this {
    return this.instr("STOPSIGNAL", [String(signal)]);
  }

  /** `MAINTAINER name` (deprecated: prefer a label). */
  maintainer(name: string): this {
    return this.instr("MAINTAINER", [name]);
  }

  /** `HEALTHCHECK NONE` (`"none"`), or `HEALTHCHECK [options] CMD command`. */
  healthcheck(command: "none" | string | readonly string[], options: HealthcheckOptions = {}): this {
    if (command === "none") return this.instr("HEALTHCHECK", ["NONE"]);
    return this.instr("HEALTHCHECK", [
      ...flag("interval", options.interval),
      ...flag("timeout", options.timeout),
      ...flag("start-period", options.startPeriod),
      ...flag("start-interval", options.startInterval),
      ...flag("retries", options.retries),
      "CMD",
      typeof command === "string" ? command : jsonArray(command),
    ]);
  }

  /** `ONBUILD trigger`: the trigger as text (`"RUN make"`) or built with a nested builder. */
  onbuild(trigger: string | ((b: SpecBuilder) => SpecBuilder)): this {
    if (typeof trigger === "string") return this.raw("ONBUILD", trigger);
    const lines = trigger(new SpecBuilder()).lines;
    this.lines.push(`ONBUILD ${lines[0] ?? ""}`, ...lines.slice(1));
    return this;
  }

  /** `MACHINE key=value…` (written in the order given). */
  machine(settings: MachineOptions | readonly (readonly [string, string | number])[]): this {
    const entries = Array.isArray(settings) ? settings : Object.entries(settings).filter(([, v]) => v !== undefined);
    return this.instr("MACHINE", entries.map(([k, v]) => `${k}=${v}`));
  }

  /** `KERNEL [--distro=…] [--package=…] [--file=…] [cmdline]`. */
  kernel(options: KernelOptions): this {
    return this.instr("KERNEL", [...flag("distro", options.distro), ...flag("package", options.package), ...flag("file", options.file), options.cmdline ?? ""]);
  }

  /** `NETWORK none|user`. */
  network(mode: "none" | "user" | string): this {
    return this.instr("NETWORK", [mode]);
  }

  /** `PUBLISH [ip:]host:guest[/proto]…`. */
  publish(...ports: string[]): this {
    return this.instr("PUBLISH", ports);
  }

  /** `PACKAGES [--distro=debian:SUITE] [--arch=A] name[=version]…`. */
  packages(names: OneOrMany<string>, options: PackagesOptions = {}): this {
    return this.instr("PACKAGES", [...flag("distro", options.distro), ...flag("arch", options.arch), ...many(names)]);
  }

  /** `INCLUDE path` (relative to the spec's path). */
  include(path: string): this {
    return this.instr("INCLUDE", [path]);
  }

  /** The spec text built so far. */
  toSpec(): string {
    return this.lines.length > 0 ? this.lines.join("\n") + "\n" : "";
  }

  /** Compiles the spec (never throws; see the compiler's `CompileResult`). */
  compile(options: BuildOptions = {}): CompileResult {
    const { reader = fsReader, ...opts } = options;
    return compile(this.options.path ?? "builder.vmspec", this.toSpec(), opts, reader);
  }

  /** The IR. Throws BuilderError (VMSPEC_BUILDER_SPEC_ERRORS, with the diagnostics) if the spec has errors. */
  toIR(options: BuildOptions = {}): Ir {
    const r = this.compile(options);
    if (r.ir === null) {
      const path = this.options.path ?? "builder.vmspec";
      const first = r.diagnostics.find((d) => d.severity === "error");
      throw new BuilderError("VMSPEC_BUILDER_SPEC_ERRORS", `the built spec has errors${first ? `: ${first.code} ${first.message}` : ""}`, path, r.diagnostics);
    }
    return r.ir;
  }
}

/** Reads INCLUDEd files from the file system (relative to the current directory). */
export const fsReader: SourceReader = {
  read(path) {
    try {
      return { ok: true, text: readFileSync(path, "utf8") };
    } catch (e) {
      return { ok: false, message: (e as NodeJS.ErrnoException).code ?? String(e) };
    }
  },
};

/** Starts a spec. */
export function spec(options: SpecOptions = {}): SpecBuilder {
  return new SpecBuilder(options);
}

/** A spec word that means `text` literally: double-quoted, with `\`, `"` and `$` escaped. */
export function literal(text: string): string {
  return `"${text.replace(/[\\"$]/g, (c) => "\\" + c)}"`;
}
