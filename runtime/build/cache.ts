// The build cache: op cache key → the layer (or no layer) it produced, as small JSON records in the store's state dir.
import * as fs from "node:fs/promises";
import { join } from "node:path";
import { randomBytes, createHash } from "node:crypto";
import type { Digest } from "../image/digest.js";
import type { Layer } from "../image/layer.js";
import type { Store } from "../image/store.js";

/** One cache record: what an op produced. `layer` null = the op changed nothing (no layer). */
export interface CacheRecord {
  key: string;
  layer: Layer | null;
  createdBy: string;
}

/**
 * The cache key of an op: sha256 over the op id (which covers the op's whole definition and, via
 * its input ids, its history in the spec) plus the content digests of every input — the parent
 * filesystem's layer chain (unless `--link`), context file contents, other stages' layers, locked
 * package sets. Equal keys ⇒ equal results.
 */
export function cacheKey(opId: string, inputs: readonly string[]): string {
  const h = createHash("sha256").update(`op ${opId}\n`);
  for (const i of inputs) h.update(`in ${i}\n`);
  return h.digest("hex");
}

/** The chain id of a layer stack (OCI image-spec config.md "ChainID"): stable over the diff_ids. */
export function chainId(diffIds: readonly Digest[]): string {
  let c = "";
  for (const d of diffIds) c = c === "" ? d : `sha256:${createHash("sha256").update(`${c} ${d}`).digest("hex")}`;
  return c || "empty";
}

/**
 * Records live in `STORE/.vmspec/cache/ops/<key>.json`, written atomically. A record whose layer
 * blob is gone (pruned) is a miss. Blobs are not kept alive by the cache: `vmspec prune` removes
 * untagged layers, and with them those cache entries' usefulness.
 */
export class BuildCache {
  private readonly dir: string;
  constructor(store: Store) {
    this.dir = join(store.root, ".vmspec", "cache", "ops");
    this.store = store;
  }
  private readonly store: Store;

  /** The record for `key` if present and its layer blob still exists. */
  async get(key: string): Promise<CacheRecord | undefined> {
    let rec: CacheRecord;
    try {
      rec = JSON.parse(await fs.readFile(join(this.dir, `${key}.json`), "utf8")) as CacheRecord;
    } catch {
      return undefined;
    }
    if (rec.layer && !(await this.store.hasBlob(rec.layer.descriptor.digest))) return undefined;
    return rec;
  }

  /** Removes records whose layer blob is no longer stored (after `prune`); returns how many. */
  async prune(): Promise<number> {
    let removed = 0;
    for (const name of await fs.readdir(this.dir).catch(() => [] as string[])) {
      if (!name.endsWith(".json")) continue;
      const key = name.slice(0, -5);
      if (!(await this.get(key))) {
        await fs.rm(join(this.dir, name), { force: true });
        removed++;
      }
    }
    return removed;
  }

  /** Stores a record (atomic rename; concurrent writers of the same key write the same content). */
  async put(rec: CacheRecord): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    const tmp = join(this.dir, `.${rec.key}.${process.pid}.${randomBytes(4).toString("hex")}`);
    await fs.writeFile(tmp, JSON.stringify(rec));
    await fs.rename(tmp, join(this.dir, `${rec.key}.json`));
  }
}
