// A start-up fast path for `vmspec run IMAGE`: what a run needs from an image (process config,
// architecture, machine labels, overlay lower dirs), cached per manifest digest, so a repeated
// run reads the store's index.json and one small JSON file instead of loading the image module.
//
// The cache is derived from digest-verified blobs by the full path (cli/commands/run.ts) and keyed
// by the store and the manifest digest its index names, so a re-tag or new image misses and goes
// the full way again, and a store never runs on another store's unpacked layers (images are
// deterministic, so two stores often hold the same manifest digest).
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve, sep } from "node:path";
import { cacheDir } from "./helper.js";

/** What `vmspec run` keeps about an image. */
export interface CachedImage {
  /** The store the entry was derived from (absolute). */
  store: string;
  digest: string;
  architecture?: string;
  config: {
    Entrypoint?: string[] | null;
    Cmd?: string[] | null;
    Env?: string[];
    WorkingDir?: string;
    User?: string;
    StopSignal?: string;
    Labels?: Record<string, string>;
  };
  /** Overlay lower dirs, base first. */
  lower: string[];
}

/** OCI image-spec annotations.md: the tag annotation in index.json. */
const REF_NAME = "org.opencontainers.image.ref.name";

/**
 * The store dir, by the same rules as runtime/image/store.ts `resolveStoreDir` (kept equal by a
 * test; duplicated so the fast path does not load the store module).
 */
export function storeDirFor(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (flag) return flag;
  if (env.VMSPEC_STORE) return env.VMSPEC_STORE;
  return join(env.XDG_DATA_HOME || join(homedir(), ".local", "share"), "vmspec", "store");
}

/** FNV-1a of the store path: separates stores in file names (the entry itself names its store). */
function storeKey(storeDir: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < storeDir.length; i++) h = Math.imul(h ^ storeDir.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, "0");
}

function cacheFile(storeDir: string, digest: string): string {
  return join(cacheDir(), "run-images", `${digest.replace(/^sha256:/, "")}-${storeKey(storeDir)}.json`);
}

/**
 * The manifest digest `ref` names in the store's index.json — an exact tag (`name` → `name:latest`)
 * or a full `sha256:` digest — or undefined (unknown, a digest prefix, no index: the full path
 * decides and reports).
 */
export function digestFromIndex(storeDir: string, ref: string): string | undefined {
  let index: { manifests?: { digest?: string; annotations?: Record<string, string> }[] };
  try {
    index = JSON.parse(readFileSync(join(storeDir, "index.json"), "utf8"));
  } catch {
    return undefined;
  }
  const manifests = index.manifests ?? [];
  if (/^sha256:[0-9a-f]{64}$/.test(ref)) return manifests.some((m) => m.digest === ref) ? ref : undefined;
  const slash = ref.lastIndexOf("/");
  const tag = ref.slice(slash + 1).includes(":") ? ref : `${ref}:latest`;
  const hits = manifests.filter((m) => m.annotations?.[REF_NAME] === tag);
  return hits.length === 1 ? hits[0]!.digest : undefined;
}

/** The cached entry for `ref`, when the index names a digest we have a complete entry for. */
export function cachedImage(storeDir: string, ref: string): CachedImage | undefined {
  const digest = digestFromIndex(storeDir, ref);
  if (digest === undefined) return undefined;
  const store = resolve(storeDir);
  try {
    const c = JSON.parse(readFileSync(cacheFile(store, digest), "utf8")) as CachedImage;
    if (c.store !== store || c.digest !== digest || !Array.isArray(c.lower)) return undefined;
    if (!c.lower.every((d) => typeof d === "string" && d.startsWith(store + sep) && existsSync(d))) return undefined;
    return c;
  } catch {
    return undefined;
  }
}

/** Records an entry (atomically; best effort: a failure only costs the fast path). */
export function rememberImage(entry: CachedImage): void {
  try {
    const file = cacheFile(entry.store, entry.digest);
    mkdirSync(join(file, ".."), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(entry));
    renameSync(tmp, file);
  } catch {
    // read-only cache dir: every run takes the full path
  }
}
