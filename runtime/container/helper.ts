// Builds (once, cached by source digest) and locates the built-in runtime's C helper.
//
// The helper's source is ours (helper/vmspecInit.c); it is compiled with the host's C compiler
// on first use into the cache dir and reused until the source changes.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ContainerError } from "./errors.js";

/**
 * Where vmspec caches derived files: $VMSPEC_CACHE, else $XDG_CACHE_HOME/vmspec, else
 * ~/.cache/vmspec (the same root and variable as the package cache, runtime/packages/cache.ts).
 */
export function cacheDir(): string {
  if (process.env.VMSPEC_CACHE) return process.env.VMSPEC_CACHE;
  const base = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(base, "vmspec");
}

/** The helper's C source file (in the package, next to the TypeScript sources). */
export function helperSource(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // dist/runtime/container → <pkg>/runtime/container/helper
  const candidates = [
    join(here, "helper", "vmspecInit.c"),
    join(here, "..", "..", "..", "runtime", "container", "helper", "vmspecInit.c"),
  ];
  const found = candidates.find((c) => existsSync(c));
  if (found === undefined)
    throw new ContainerError("CONTAINER_HELPER_BUILD", `helper source not found (looked in ${candidates.join(", ")})`);
  return found;
}

let cached: string | undefined;

/**
 * A cheap 64-bit key (two FNV-1a 32-bit lanes): names the compiled helper after its source's
 * identity, so an edited source is rebuilt. Not a security boundary (the cache dir is the
 * caller's own); avoids loading node:crypto on every container start.
 */
export function sourceKey(data: Uint8Array): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ data.length;
  for (let i = 0; i < data.length; i++) {
    a = Math.imul(a ^ data[i]!, 0x01000193) >>> 0; // FNV-1a prime (32-bit)
    b = Math.imul(b ^ data[i]!, 0x01000193) ^ (b >>> 13);
  }
  return (a >>> 0).toString(16).padStart(8, "0") + (b >>> 0).toString(16).padStart(8, "0");
}

/** The C compiler used: $CC, else the first of cc, gcc, clang on PATH. */
function compiler(): string | undefined {
  const names = process.env.CC ? [process.env.CC] : ["cc", "gcc", "clang"];
  for (const dir of (process.env.PATH ?? "").split(":"))
    for (const n of names) if (n.includes("/") ? existsSync(n) : existsSync(join(dir, n))) return n;
  return undefined;
}

/**
 * Returns the path of the compiled helper, compiling it if needed (statically when the C library
 * allows, else dynamically). Throws CONTAINER_HELPER_BUILD with the compiler's output on failure,
 * or when no C compiler exists.
 */
export function helperBinary(): string {
  // Re-checked on every call (one stat): a cache cleaned under a long-running process must lead
  // to a rebuild, not to a spawn failure reported as exit 125.
  if (cached !== undefined && existsSync(cached)) return cached;
  const src = helperSource();
  // Keyed by the source's size and mtime (cheap at every start); sourceKey hashes them.
  const st = statSync(src);
  const digest = sourceKey(Buffer.from(`${st.size}:${Math.floor(st.mtimeMs)}`));
  const out = join(cacheDir(), "helpers", `vmspec-init-${process.arch}-${digest}`);
  if (existsSync(out)) return (cached = out);
  const cc = compiler();
  if (cc === undefined)
    throw new ContainerError(
      "CONTAINER_HELPER_BUILD",
      "the built-in runtime compiles a small C helper once (runtime/container/helper/vmspecInit.c) and no C compiler " +
        "was found (set CC or install gcc); alternatively use --runtime runc",
      src,
    );
  mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  let lastErr: unknown;
  for (const extra of [["-static"], []]) {
    try {
      execFileSync(cc, ["-O2", "-Wall", ...extra, "-o", tmp, src], { stdio: ["ignore", "pipe", "pipe"] });
      // Helpers of other sources are never deleted here: another vmspec checkout or version on
      // this machine may be about to spawn its own (they are ~1 MB; clean ~/.cache/vmspec/helpers by hand).
      renameSync(tmp, out);
      return (cached = out);
    } catch (e) {
      lastErr = e;
      rmSync(tmp, { force: true });
    }
  }
  const stderr = (lastErr as { stderr?: Buffer }).stderr?.toString() ?? String(lastErr);
  throw new ContainerError("CONTAINER_HELPER_BUILD", `compiling the helper failed:\n${stderr}`, src, { cause: lastErr });
}
