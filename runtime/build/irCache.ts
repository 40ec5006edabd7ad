// A cache of compiled IR keyed by spec text, options and compiler build, so a cached rebuild need not load the compiler.
import * as fs from "node:fs/promises";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { createHash, randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import type { Ir } from "../../compiler/ir/types.js";
import { digestOf } from "../image/digest.js";
import type { Store } from "../image/store.js";

let fingerprint: string | undefined;
declare const VMSPEC_BUNDLED_COMPILER_FINGERPRINT: string | undefined;

/**
 * A fingerprint of the compiler as installed: name, size and mtime of every file of the compiled
 * `compiler/` and `grammar/` directories (any rebuild of the compiler changes it); in the bundled
 * CLI, the digest of the compiler it was bundled from.
 */
export function compilerFingerprint(): string {
  if (fingerprint) return fingerprint;
  // The bundled CLI (dist/bundle/) carries the compiler it was bundled from: scripts/build.mjs
  // defines this as the sha256 of those files' contents (no directory walk at every build).
  if (typeof VMSPEC_BUNDLED_COMPILER_FINGERPRINT === "string") return (fingerprint = VMSPEC_BUNDLED_COMPILER_FINGERPRINT);
  const h = createHash("sha256");
  const here = fileURLToPath(new URL(".", import.meta.url));
  for (const top of ["compiler", "grammar"]) {
    const walk = (d: string): void => {
      let names: string[];
      try {
        names = readdirSync(d).sort();
      } catch {
        return;
      }
      for (const n of names) {
        const p = join(d, n);
        const st = statSync(p);
        if (st.isDirectory()) walk(p);
        else h.update(`${p} ${st.size} ${st.mtimeMs}\n`);
      }
    };
    walk(join(here, "..", "..", top));
  }
  fingerprint = h.digest("hex");
  return fingerprint;
}

/** The cache key of a compile: spec path and text, options (canonical JSON), compiler fingerprint. */
export function irCacheKey(specPath: string, text: string, options: unknown): string {
  return createHash("sha256").update(JSON.stringify([specPath, text, options, compilerFingerprint()])).digest("hex");
}

function dir(store: Store): string {
  return join(store.root, ".vmspec", "cache", "ir");
}

/**
 * The cached IR for `key`, if present and every source file it was compiled from (the root spec
 * and INCLUDEd files, `sourceMap.files`) still has the recorded digest; with the texts of those
 * files (as read for the check, in `sourceMap.files` order). Synchronous reads: a handful of small
 * files, each an async thread-pool round trip otherwise.
 */
export async function loadCachedIr(store: Store, key: string): Promise<{ ir: Ir; texts: string[] } | undefined> {
  let ir: Ir;
  try {
    ir = JSON.parse(readFileSync(join(dir(store), `${key}.json`), "utf8")) as Ir;
  } catch {
    return undefined;
  }
  const texts: string[] = [];
  for (const f of ir.sourceMap?.files ?? []) {
    try {
      const text = readFileSync(f.path, "utf8");
      if (digestOf(text) !== f.digest) return undefined;
      texts.push(text);
    } catch {
      return undefined;
    }
  }
  return { ir, texts };
}

/** Stores an IR (only IRs compiled without diagnostics should be cached). Atomic. */
export async function saveCachedIr(store: Store, key: string, ir: Ir): Promise<void> {
  await fs.mkdir(dir(store), { recursive: true });
  const tmp = join(dir(store), `.${key}.${process.pid}.${randomBytes(4).toString("hex")}`);
  await fs.writeFile(tmp, JSON.stringify(ir));
  await fs.rename(tmp, join(dir(store), `${key}.json`));
}
