// Adapter between lowering and the value parsers (sizes, durations, mounts, platforms, image refs,
// chmod/chown, ports, signals): every call site goes through here, returning IR-shaped values.
// INTERIM: compiler/values/ (owned by the words/values engineer) had not landed when this was
// written; these are minimal stand-ins to be replaced by delegation to compiler/values/*.
import type { ImageRef, Platform, PublishedPort, RunMount } from "../ir/types.js";

/** A parse result: a value, or a message (and optional hint) for a diagnostic. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string; hint?: string };

const SIZE_UNITS: Record<string, number> = {
  "": 1, b: 1,
  k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4,
  kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, tib: 1024 ** 4,
  kb: 1000, mb: 1000 ** 2, gb: 1000 ** 3, tb: 1000 ** 4,
};

/** MACHINE sizes: `512M`, `2G`, `1.5GiB`, `8GB` (K/M/G/T and KiB… binary; KB/MB/GB/TB decimal). */
export function parseSizeText(text: string): Parsed<number> {
  const m = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(text);
  if (m === null) return { ok: false, message: "expected a number with an optional unit", hint: "Examples: 512M, 2G, 1GiB, 8GB." };
  const unit = SIZE_UNITS[m[2]!.toLowerCase()];
  if (unit === undefined) return { ok: false, message: `unknown unit '${m[2]}'`, hint: "Units: K, M, G, T (binary), KiB, MiB, GiB, TiB, KB, MB, GB, TB." };
  const v = Math.round(Number(m[1]) * unit);
  if (!Number.isSafeInteger(v)) return { ok: false, message: "too large" };
  return { ok: true, value: v };
}

const DURATION_UNITS: Record<string, number> = { ns: 1, us: 1e3, "µs": 1e3, "μs": 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Go `time.ParseDuration` → nanoseconds (`30s`, `1m30s`, `1.5h`, `0`). */
export function parseDurationText(text: string): Parsed<number> {
  if (text === "0") return { ok: true, value: 0 };
  let s = text;
  let sign = 1;
  if (s.startsWith("-") || s.startsWith("+")) {
    if (s[0] === "-") sign = -1;
    s = s.slice(1);
  }
  if (s === "") return { ok: false, message: `invalid duration '${text}'` };
  let total = 0;
  const re = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/;
  while (s.length > 0) {
    const m = re.exec(s);
    if (m === null) return { ok: false, message: `invalid duration '${text}'` };
    total += Number(m[1]) * DURATION_UNITS[m[2]!]!;
    s = s.slice(m[0].length);
  }
  return { ok: true, value: sign * Math.round(total) };
}

/** `RUN --mount` CSV → a mount (its `from=` returned separately for stage resolution). */
export function parseMountText(text: string): Parsed<RunMount> & { from?: string } {
  const fields: [string, string | null][] = [];
  for (const part of text.split(",")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    fields.push(eq < 0 ? [part.toLowerCase(), null] : [part.slice(0, eq).toLowerCase(), part.slice(eq + 1)]);
  }
  let type: RunMount["type"] = "bind";
  for (const [k, v] of fields) {
    if (k === "type") {
      if (v === "bind" || v === "cache" || v === "tmpfs" || v === "secret" || v === "ssh") type = v;
      else return { ok: false, message: `unsupported mount type '${v ?? ""}'` };
    }
  }
  const m: RunMount = { type, target: "", readonly: type === "bind" || type === "secret" || type === "ssh" };
  let from: string | undefined;
  const bool = (v: string | null) => v === null || /^(true|1|t)$/i.test(v);
  for (const [k, v] of fields) {
    const val = v ?? "";
    switch (k) {
      case "type": break;
      case "target": case "dst": case "destination": m.target = val; break;
      case "source": case "src": m.source = val; break;
      case "from": from = val; break;
      case "ro": case "readonly": m.readonly = bool(v); break;
      case "rw": case "readwrite": m.readonly = !bool(v); break;
      case "id": m.id = val; break;
      case "sharing":
        if (val !== "shared" && val !== "private" && val !== "locked") return { ok: false, message: `unsupported sharing value '${val}'` };
        m.sharing = val;
        break;
      case "required": m.required = bool(v); break;
      case "size": {
        const r = parseSizeText(val);
        if (!r.ok) return { ok: false, message: `invalid size '${val}'` };
        m.size = r.value;
        break;
      }
      case "mode":
        if (!/^[0-7]+$/.test(val)) return { ok: false, message: `invalid mode '${val}'` };
        m.mode = parseInt(val, 8);
        break;
      case "uid": case "gid":
        if (!/^\d+$/.test(val)) return { ok: false, message: `invalid ${k} '${val}'` };
        m[k] = Number(val);
        break;
      case "env": m.env = val; break;
      default: return { ok: false, message: `unexpected key '${k}'` };
    }
  }
  if (m.target === "" && type !== "secret" && type !== "ssh") return { ok: false, message: "mount target must be set" };
  if (type === "secret" && m.target === "" && m.env === undefined) m.target = `/run/secrets/${m.id ?? m.source ?? ""}`;
  if (type === "ssh" && m.target === "") m.target = "/run/buildkit/ssh_agent.0";
  const r: Parsed<RunMount> & { from?: string } = { ok: true, value: m };
  if (from !== undefined) r.from = from;
  return r;
}

/** `os/arch[/variant]` (or `arch`), normalised (`x86_64` → amd64, `aarch64` → arm64). */
export function parsePlatformText(text: string): Parsed<Platform> {
  const parts = text.toLowerCase().split("/");
  if (parts.length > 3 || parts.some((p) => !/^[a-z0-9_.-]+$/.test(p))) return { ok: false, message: "expected os/arch[/variant]" };
  const alias: Record<string, string> = { x86_64: "amd64", "x86-64": "amd64", aarch64: "arm64" };
  if (parts.length === 1) return { ok: true, value: { os: "linux", architecture: alias[parts[0]!] ?? parts[0]! } };
  const p: Platform = { os: parts[0]!, architecture: alias[parts[1]!] ?? parts[1]! };
  if (parts[2] !== undefined) p.variant = parts[2];
  return { ok: true, value: p };
}

/** An image reference `name[:tag][@sha256:…]`; no registry host is inserted. */
export function parseImageRefText(text: string): Parsed<ImageRef> {
  const m = /^([a-z0-9]+(?:[._-][a-z0-9]+|__)*(?::\d+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*|[a-zA-Z0-9.-]+(?::\d+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)+)(?::([\w][\w.-]{0,127}))?(?:@(sha256:[0-9a-f]{64}))?$/.exec(text);
  if (m === null) return { ok: false, message: "expected name[:tag][@sha256:digest]" };
  const ref: ImageRef = { raw: text, name: m[1]! };
  if (m[2] !== undefined) ref.tag = m[2];
  if (m[3] !== undefined) ref.digest = m[3] as ImageRef["digest"];
  return { ok: true, value: ref };
}

/** `--chmod`: octal (`755`, `0644`) → number; symbolic (`u+x,g-w`) → string. */
export function parseChmodText(text: string): Parsed<number | string> {
  if (/^[0-7]{3,4}$/.test(text)) return { ok: true, value: parseInt(text, 8) };
  if (/^([ugoa]*[-+=]([rwxXst]*|[ugo]))+(,([ugoa]*[-+=]([rwxXst]*|[ugo]))+)*$/.test(text)) return { ok: true, value: text };
  return { ok: false, message: "expected an octal mode (e.g. 755) or a symbolic mode (e.g. u+x)" };
}

/** `--chown=user[:group]`. */
export function parseChownText(text: string): Parsed<{ user: string; group?: string }> {
  const parts = text.split(":");
  if (parts.length > 2 || parts[0] === "" || parts[1] === "") return { ok: false, message: "expected USER[:GROUP]" };
  return { ok: true, value: parts.length === 2 ? { user: parts[0]!, group: parts[1]! } : { user: parts[0]! } };
}

/** EXPOSE `port[/proto]` or `from-to[/proto]` → `port/proto` entries. */
export function parseExposeText(text: string): Parsed<string[]> {
  const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(text);
  if (m === null) return { ok: false, message: "expected PORT[-PORT][/tcp|udp|sctp]" };
  const a = Number(m[1]);
  const b = m[2] !== undefined ? Number(m[2]) : a;
  if (a < 1 || b > 65535 || b < a) return { ok: false, message: "ports must be 1–65535 and ranges ascending" };
  const proto = (m[3] ?? "tcp").toLowerCase();
  const out: string[] = [];
  for (let p = a; p <= b; p++) out.push(`${p}/${proto}`);
  return { ok: true, value: out };
}

/** PUBLISH `[ip:]host:guest[/tcp|udp]`. */
export function parsePublishText(text: string): Parsed<PublishedPort> {
  const m = /^(?:(\d{1,3}(?:\.\d{1,3}){3}):)?(\d+):(\d+)(?:\/(tcp|udp))?$/i.exec(text);
  if (m === null) return { ok: false, message: "expected [IP:]HOST:GUEST[/tcp|udp]" };
  const host = Number(m[2]);
  const guest = Number(m[3]);
  if (host > 65535 || guest < 1 || guest > 65535) return { ok: false, message: "ports must be 1–65535 (host 0 = any free port)" };
  const p: PublishedPort = { host, guest, protocol: (m[4]?.toLowerCase() ?? "tcp") as "tcp" | "udp" };
  if (m[1] !== undefined) p.hostIp = m[1];
  return { ok: true, value: p };
}

const SIGNALS = new Set(
  "ABRT ALRM BUS CHLD CONT FPE HUP ILL INT IO IOT KILL PIPE PROF PWR QUIT SEGV STKFLT STOP SYS TERM TRAP TSTP TTIN TTOU URG USR1 USR2 VTALRM WINCH XCPU XFSZ".split(" "),
);

/** STOPSIGNAL: a signal name (`SIGTERM`, `TERM`, `SIGRTMIN+3`) or number 1–64. */
export function parseSignalText(text: string): Parsed<string> {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n >= 1 && n <= 64 ? { ok: true, value: text } : { ok: false, message: "signal numbers are 1–64" };
  }
  const name = text.toUpperCase().replace(/^SIG/, "");
  if (SIGNALS.has(name) || /^RTM(IN|AX)([+-]\d+)?$/.test(name)) return { ok: true, value: text.toUpperCase().startsWith("SIG") ? text.toUpperCase() : `SIG${name}` };
  return { ok: false, message: "unknown signal" };
}
