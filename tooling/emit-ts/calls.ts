// AST instruction → one typed builder call ({ method, args }). Each call is checked by running it
// through the builder and re-parsing: if the written instruction does not mean the same as the
// original, the caller falls back to `raw(keyword, text, heredocs)`.
import type { Flag, HeredocNode, Instruction } from "../../compiler/ast/types.js";

/** A spec word that is a plain double-quoted string: emitted as `literal(text)`. */
export class Lit {
  constructor(readonly text: string) {}
}

/** `"text"` (no `\`, `"` or `$` inside) as a Lit, anything else as the word itself. */
function lit(word: string): string | Lit {
  const m = /^"([^"\\$`]*)"$/.exec(word);
  return m === null ? word : new Lit(m[1]!);
}

/** The argument with every Lit replaced by the spec word it stands for. */
export function plain(v: unknown): unknown {
  if (v instanceof Lit) return `"${v.text}"`;
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

/** A builder method call with plain-data arguments (and Lit words). */
export interface BuilderCall {
  method: string;
  args: unknown[];
}

function flagMap(flags: readonly Flag[]): Map<string, (string | true)[]> {
  const m = new Map<string, (string | true)[]>();
  for (const f of flags) m.set(f.name, [...(m.get(f.name) ?? []), f.value ?? true]);
  return m;
}

function one(m: Map<string, (string | true)[]>, name: string): string | true | undefined {
  const v = m.get(name);
  return v === undefined ? undefined : v[v.length - 1];
}

function str(m: Map<string, (string | true)[]>, name: string): string | undefined {
  const v = one(m, name);
  return v === undefined ? undefined : v === true ? "" : v;
}

/** Drops undefined properties (so the emitted object literal stays small). */
function clean(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)));
}

function heredocs(hs: readonly HeredocNode[]): { name: string; content: string }[] | undefined {
  return hs.length === 0 ? undefined : hs.map((h) => ({ name: h.name, content: h.content }));
}

/** Pairs as an object when that keeps them (unique keys, none integer-like), else as an array of pairs. */
function pairsArg(pairs: readonly (readonly [string, string | Lit | null])[]): unknown {
  const keys = pairs.map((p) => p[0]);
  const objectSafe = new Set(keys).size === keys.length && keys.every((k) => !/^(0|[1-9]\d*)$/.test(k) && k !== "__proto__");
  return objectSafe ? Object.fromEntries(pairs) : pairs.map((p) => [...p]);
}

/** The typed builder call for an instruction, or null when only `raw` can write it. */
export function callFor(n: Instruction): BuilderCall | null {
  const f = flagMap(n.flags);
  const opts = (o: Record<string, unknown>) => clean(o);
  const withOpts = (method: string, args: unknown[], o: Record<string, unknown>): BuilderCall => {
    const c = opts(o);
    return { method, args: Object.keys(c).length > 0 ? [...args, c] : args };
  };
  switch (n.kind) {
    case "from":
      if (n.image === null) return null;
      return withOpts("from", [n.image.text], { as: n.stageName?.text, platform: str(f, "platform") });
    case "arg":
      return { method: "arg", args: [pairsArg(n.pairs.map((p) => [p.key.text, p.value?.text ?? null] as const))] };
    case "env":
    case "label":
      if (n.pairs.length === 0 || n.pairs.some((p) => p.value === null)) return null;
      return { method: n.kind, args: [pairsArg(n.pairs.map((p) => [p.key.text, lit(p.value!.text)] as const))] };
    case "run":
      if (n.command === null) return null;
      return withOpts("run", [n.command.form === "exec" ? n.command.args : n.command.text], {
        mount: (f.get("mount") ?? []).map(String),
        network: str(f, "network"),
        security: str(f, "security"),
        device: (f.get("device") ?? []).map(String),
        heredocs: heredocs(n.heredocs),
      });
    case "cmd":
    case "entrypoint":
      if (n.command === null) return null;
      return { method: n.kind, args: [n.command.form === "exec" ? n.command.args : n.command.text] };
    case "shell":
      return n.args === null ? null : { method: "shell", args: [n.args] };
    case "healthcheck":
      if (n.none) return { method: "healthcheck", args: ["none"] };
      if (n.command === null) return null;
      return withOpts("healthcheck", [n.command.form === "exec" ? n.command.args : n.command.text], {
        interval: str(f, "interval"),
        timeout: str(f, "timeout"),
        startPeriod: str(f, "start-period"),
        startInterval: str(f, "start-interval"),
        retries: str(f, "retries"),
      });
    case "copy":
    case "add":
      if (n.dest === null) return null;
      return withOpts(n.kind, [n.sources.map((w) => w.text), n.dest.text], {
        from: str(f, "from"),
        chown: str(f, "chown"),
        chmod: str(f, "chmod"),
        link: one(f, "link"),
        parents: one(f, "parents"),
        keepGitDir: one(f, "keep-git-dir"),
        checksum: str(f, "checksum"),
        unpack: one(f, "unpack"),
        exclude: (f.get("exclude") ?? []).map(String),
        heredocs: heredocs(n.heredocs),
      });
    case "expose":
    case "volume":
    case "publish":
      return { method: n.kind, args: n.items.map((w) => w.text) };
    case "packages":
      return withOpts("packages", [n.items.map((w) => w.text)], { distro: str(f, "distro"), arch: str(f, "arch") });
    case "machine": {
      const pairs = n.items.map((w) => {
        const eq = w.text.indexOf("=");
        return eq < 0 ? null : ([w.text.slice(0, eq), w.text.slice(eq + 1)] as const);
      });
      if (pairs.some((p) => p === null)) return null;
      const keys = pairs.map((p) => p![0]);
      const known = ["cpus", "memory", "disk", "arch", "launch"];
      if (new Set(keys).size !== keys.length || !keys.every((k) => known.includes(k))) return { method: "machine", args: [pairs.map((p) => [...p!])] };
      return { method: "machine", args: [Object.fromEntries(pairs.map((p) => [p![0], p![0] === "cpus" && /^[1-9]\d{0,5}$/.test(p![1]) ? Number(p![1]) : p![1]]))] };
    }
    case "kernel":
      return { method: "kernel", args: [clean({ distro: str(f, "distro"), package: str(f, "package"), file: str(f, "file"), cmdline: n.value?.text })] };
    case "user":
    case "workdir":
    case "stopsignal":
    case "maintainer":
    case "network":
    case "include":
      return n.value === null ? null : { method: n.kind, args: [n.value.text] };
    default:
      return null;
  }
}
