// The Debian mirror to use: `--mirror`, else $VMSPEC_DEBIAN_MIRROR, else the machine's apt
// configuration (one-line `sources.list` files and deb822 `.sources` files, incl. `Signed-By`).
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import { parseDeb822 } from "./deb822.js";
import { MirrorConfigError } from "./errors.js";

/** The environment variable naming a mirror base URL (e.g. `http://host/debian`). */
export const MIRROR_ENV = "VMSPEC_DEBIAN_MIRROR";

/** The keyring Debian ships with the archive signing keys (package `debian-archive-keyring`). */
export const DEFAULT_KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg";

/** One `deb` source entry of the apt configuration. */
export interface AptSource {
  /** Base URI without a trailing slash. */
  uri: string;
  suites: string[];
  components: string[];
  /** Keyring files from `Signed-By` / `[signed-by=…]` (paths only; inline keys are not supported). */
  signedBy: string[];
  /** The file it came from. */
  file: string;
}

/** A chosen mirror and the keyrings its InRelease must be signed with. */
export interface Mirror {
  uri: string;
  keyrings: string[];
  /** Where the choice came from: `flag`, `env` or a sources file path. */
  from: string;
}

function stripSlash(u: string): string {
  return u.replace(/\/+$/, "");
}

/** Parses a one-line-format sources.list text; `deb-src` lines and comments are skipped. */
export function parseSourcesList(text: string, file: string): AptSource[] {
  const out: AptSource[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.replace(/#.*$/, "").trim();
    if (line === "") continue;
    const m = /^(deb|deb-src)\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)(?:\s+(.*))?$/.exec(line);
    if (m === null) throw new MirrorConfigError(`malformed sources line '${line}'`, file);
    if (m[1] !== "deb") continue;
    const signedBy: string[] = [];
    for (const opt of (m[2] ?? "").trim().split(/\s+/)) {
      const [k, v] = opt.split("=");
      if (k?.toLowerCase() === "signed-by" && v !== undefined) signedBy.push(...v.split(",").filter((p) => p.startsWith("/")));
    }
    out.push({ uri: stripSlash(m[3]!), suites: [m[4]!], components: (m[5] ?? "").split(/\s+/).filter((s) => s !== ""), signedBy, file });
  }
  return out;
}

/** Parses a deb822 `.sources` text; entries with `Enabled: no` or without type `deb` are skipped. */
export function parseSourcesDeb822(text: string, file: string): AptSource[] {
  const { stanzas, problems } = parseDeb822(text, { comments: true });
  if (problems.length > 0) throw new MirrorConfigError(`line ${problems[0]!.line}: ${problems[0]!.message}`, file);
  const out: AptSource[] = [];
  for (const s of stanzas) {
    const words = (f: string) => (s.get(f) ?? "").split(/\s+/).filter((w) => w !== "");
    if (!words("Types").includes("deb")) continue;
    if ((s.get("Enabled") ?? "yes").toLowerCase() === "no") continue;
    const signed = s.get("Signed-By") ?? "";
    const signedBy = signed.includes("BEGIN PGP") ? [] : signed.split(/[\s,]+/).filter((p) => p.startsWith("/"));
    for (const uri of words("URIs")) {
      out.push({ uri: stripSlash(uri), suites: words("Suites"), components: words("Components"), signedBy, file });
    }
  }
  return out;
}

/** Reads every apt source under `etcApt` (`sources.list`, `sources.list.d/*.list|*.sources`), in apt's order. */
export function readAptSources(etcApt = "/etc/apt"): AptSource[] {
  const out: AptSource[] = [];
  const main = join(etcApt, "sources.list");
  if (existsSync(main)) out.push(...parseSourcesList(readFileSync(main, "utf8"), main));
  const dir = join(etcApt, "sources.list.d");
  if (existsSync(dir)) {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (name.endsWith(".list")) out.push(...parseSourcesList(readFileSync(p, "utf8"), p));
      else if (name.endsWith(".sources")) out.push(...parseSourcesDeb822(readFileSync(p, "utf8"), p));
    }
  }
  return out;
}

/** Options for `findMirror`. */
export interface FindMirrorOptions {
  /** `--mirror`: wins over everything. */
  mirror?: string;
  /** Environment to read `VMSPEC_DEBIAN_MIRROR` from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** apt configuration directory (default `/etc/apt`). */
  etcApt?: string;
  /** Keyring override (`--keyring`); else the source's Signed-By, else `DEFAULT_KEYRING`. */
  keyrings?: string[];
  /** Suite wanted: a source listing it is preferred. */
  suite?: string;
}

/**
 * Chooses the mirror: `mirror` option, then `$VMSPEC_DEBIAN_MIRROR`, then the apt source that
 * lists `suite` (else the first source whose suites include a plain codename, i.e. the main
 * archive rather than `-security`/`-updates`). Throws `MirrorConfigError` when none is found.
 */
export function findMirror(opts: FindMirrorOptions = {}): Mirror {
  const env = opts.env ?? process.env;
  const keyrings = opts.keyrings;
  if (opts.mirror !== undefined && opts.mirror !== "") return { uri: stripSlash(opts.mirror), keyrings: keyrings ?? [DEFAULT_KEYRING], from: "flag" };
  const e = env[MIRROR_ENV];
  if (e !== undefined && e !== "") return { uri: stripSlash(e), keyrings: keyrings ?? [DEFAULT_KEYRING], from: "env" };
  const sources = readAptSources(opts.etcApt).filter((s) => /^https?:\/\//.test(s.uri));
  const pick =
    (opts.suite !== undefined ? sources.find((s) => s.suites.includes(opts.suite!)) : undefined) ??
    sources.find((s) => s.suites.some((x) => !x.includes("-") && !x.includes("/")));
  if (pick === undefined) {
    throw new MirrorConfigError(`no http(s) Debian source in ${opts.etcApt ?? "/etc/apt"}; pass --mirror or set ${MIRROR_ENV}`);
  }
  return { uri: pick.uri, keyrings: keyrings ?? (pick.signedBy.length > 0 ? pick.signedBy : [DEFAULT_KEYRING]), from: pick.file };
}
