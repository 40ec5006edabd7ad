// Test kit for builds: write a context, compile a spec with the real compiler, build into a store, unpack results.
import * as fs from "node:fs/promises";
import { join, dirname } from "node:path";
import { compile } from "../../compiler/compile.js";
import { build, type BuildOptions, type BuildResult, type ProgressEvent } from "../../runtime/build/builder.js";
import { defaultExecutors } from "../../runtime/build/executors.js";
import { applyLayer } from "../../runtime/image/extract.js";
import { readImage } from "../../runtime/image/manifest.js";
import type { Store } from "../../runtime/image/store.js";
import type { Descriptor } from "../../runtime/image/ociTypes.js";

/** Writes `files` (path → content; content `null` = directory) under `dir`. */
export async function writeTree(dir: string, files: Record<string, string | Buffer | null>): Promise<void> {
  for (const [p, c] of Object.entries(files)) {
    const abs = join(dir, p);
    if (c === null) await fs.mkdir(abs, { recursive: true });
    else {
      await fs.mkdir(dirname(abs), { recursive: true });
      await fs.writeFile(abs, c);
    }
  }
}

/** Compiles `spec` (throws on spec errors) and builds it; returns the result and the progress events. */
export async function buildSpec(
  store: Store,
  contextDir: string,
  spec: string,
  opts: Partial<BuildOptions> & { target?: string; buildArgs?: Record<string, string> } = {},
): Promise<BuildResult & { events: ProgressEvent[] }> {
  const r = compile(join(contextDir, "Dockerfile"), spec, { ...(opts.target ? { target: opts.target } : {}), ...(opts.buildArgs ? { buildArgs: opts.buildArgs } : {}) });
  if (r.hasErrors || !r.ir) throw new Error(`spec errors: ${JSON.stringify(r.diagnostics)}`);
  const events: ProgressEvent[] = [];
  const res = await build(r.ir, { store, contextDir, executors: defaultExecutors(), sources: [spec], ...opts, progress: (e) => events.push(e) });
  return { ...res, events };
}

/** Applies an image's layers onto a fresh directory `dir`. */
export async function unpackImage(store: Store, desc: Descriptor, dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  const img = await readImage(store, desc);
  for (const l of img.layers) await applyLayer(dir, await store.openBlob(l.digest, l.size));
}

/** Steps that ran (not cached), by their labels. */
export function ranSteps(events: ProgressEvent[]): string[] {
  return events.filter((e) => e.status === "done").map((e) => e.name.replace(/^\[[^\]]*\] /, ""));
}
