// The content-addressed image store: an OCI image layout directory with atomic writes, verified reads and locking.
import { constants as fsc } from "node:fs";
import * as fs from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { randomBytes } from "node:crypto";
import { Digester, openBlobFile, readBlobFile, digestHex, isDigest, parseDigest, type Digest } from "./digest.js";
import {
  BlobNotFoundError,
  DigestMismatchError,
  ImageError,
  ImageNotFoundError,
  InvalidImageError,
  SizeMismatchError,
  StoreLockError,
  ioError,
} from "./errors.js";
import { canonicalJson } from "./json.js";
import { acquireLock, type LockHandle } from "./lock.js";
import { ANNOTATION_REF_NAME, MT_OCI_INDEX, OCI_LAYOUT_VERSION, isIndexMediaType, isManifestMediaType } from "./mediaTypes.js";
import type { Descriptor, ImageIndex, Manifest } from "./ociTypes.js";

/** Anything blobs can be read from (the store, a foreign OCI layout). Every read verifies the digest. */
export interface BlobSource {
  /** A stream of the blob's bytes that errors (DigestMismatchError/SizeMismatchError) unless they match. */
  openBlob(digest: Digest, size?: number): Promise<Readable>;
  /** The whole blob, verified. For small blobs (manifests, configs). */
  readBlob(digest: Digest, size?: number): Promise<Buffer>;
}

/** Options of `Store.open`. */
export interface StoreOptions {
  /** How long to wait for a lock (ms). Default 5 minutes. */
  lockTimeoutMs?: number;
  /** Take no locks and keep no `.vmspec/` state after close (single writer, e.g. writing an export dir). */
  unlocked?: boolean;
}

/** One tagged (or dangling) image in the store's index. */
export interface StoreImage {
  /** `name:tag`, or null for an untagged image kept by its digest. */
  name: string | null;
  descriptor: Descriptor;
}

/** A problem found by `verify()`. */
export interface VerifyProblem {
  code: "corrupt-blob" | "missing-blob" | "bad-index" | "bad-layout" | "bad-document" | "stray-file";
  message: string;
  digest?: string;
  path?: string;
}

/** The result of `verify()`. `ok` is true when there are no problems. */
export interface VerifyReport {
  ok: boolean;
  blobs: number;
  bytes: number;
  images: number;
  /** Blobs not reachable from index.json (harmless; `prune` removes them). */
  unreferenced: number;
  /** Leftover temp files of interrupted writes (harmless; `prune` removes them). */
  tempFiles: number;
  problems: VerifyProblem[];
}

/** The result of `prune()`. */
export interface PruneReport {
  removedBlobs: Digest[];
  removedBytes: number;
  removedTempFiles: number;
}

/**
 * Resolves the store directory: the `--store` flag, else `$VMSPEC_STORE`, else
 * `$XDG_DATA_HOME/vmspec/store`, else `~/.local/share/vmspec/store`.
 */
export function resolveStoreDir(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (flag) return flag;
  if (env.VMSPEC_STORE) return env.VMSPEC_STORE;
  const data = env.XDG_DATA_HOME || join(homedir(), ".local", "share");
  return join(data, "vmspec", "store");
}

/** Normalizes a tag: `name` → `name:latest`; `name:tag` and `host:5000/name:tag` kept. */
export function normalizeTag(name: string): string {
  const slash = name.lastIndexOf("/");
  return name.slice(slash + 1).includes(":") ? name : `${name}:latest`;
}

/** True if `name` is usable as a tag (`[a-z0-9]` path components, optional `:tag`; Docker's reference grammar, simplified). */
export function isValidTag(name: string): boolean {
  return /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?$/.test(name);
}

const STATE_DIR = ".vmspec";

/**
 * An OCI image layout (`oci-layout`, `index.json`, `blobs/sha256/<hex>`) used as a content store.
 *
 * Contract:
 * - `putBlob` is idempotent and streaming: bytes go to a temp file under `.vmspec/tmp/` in the store
 *   (same file system), are fsynced, then renamed to `blobs/sha256/<hex>` and the directory fsynced.
 *   A blob path therefore only ever holds complete content. If an expected digest is given and the
 *   content differs, nothing is stored and DigestMismatchError is thrown.
 * - Every read verifies: `openBlob` returns a stream that errors at the end unless the bytes hash to
 *   the digest (and size); `readBlob` throws on mismatch.
 * - index.json (tags in `org.opencontainers.image.ref.name`) is rewritten atomically (temp, fsync,
 *   rename, fsync dir) under an exclusive lock, so concurrent taggers never lose updates. `tag`
 *   checks that the manifest and every blob it references are present first: the index is written last.
 * - Locks (see lock.ts: lock directories; a dead process's locks count as released):
 *   `.vmspec/index.lock` exclusive for index read-modify-write; `.vmspec/gc.lock` shared by every
 *   process that writes blobs (from its first write until `close()`), exclusive for `prune`, so
 *   prune never deletes a blob another process has written but not yet tagged.
 * - A process killed at any point leaves the store consistent: temp files are ignored by readers and
 *   removed by `prune`; a blob is visible only after its rename; the index only names complete images.
 */
export class Store implements BlobSource {
  private gcLock: LockHandle | undefined;
  private gcLockPending: Promise<LockHandle> | undefined;

  private constructor(
    /** The layout directory. */
    readonly root: string,
    private readonly opts: Required<StoreOptions>,
  ) {}

  /** Opens (creating if needed) the store at `root`. */
  static async open(root: string, options: StoreOptions = {}): Promise<Store> {
    const s = new Store(root, { lockTimeoutMs: options.lockTimeoutMs ?? 5 * 60_000, unlocked: options.unlocked ?? false });
    await s.init();
    return s;
  }

  private get stateDir(): string {
    return join(this.root, STATE_DIR);
  }
  private get tmpDir(): string {
    return join(this.stateDir, "tmp");
  }
  private get blobDir(): string {
    return join(this.root, "blobs", "sha256");
  }

  private async init(): Promise<void> {
    try {
      await fs.mkdir(this.blobDir, { recursive: true });
      await fs.mkdir(this.tmpDir, { recursive: true });
      const layoutFile = join(this.root, "oci-layout");
      try {
        const text = await fs.readFile(layoutFile, "utf8");
        const v = (JSON.parse(text) as { imageLayoutVersion?: string }).imageLayoutVersion;
        if (typeof v !== "string") throw new InvalidImageError(`${layoutFile} has no imageLayoutVersion`, { path: layoutFile });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e instanceof SyntaxError ? new InvalidImageError(`${layoutFile}: ${e.message}`, { path: layoutFile, cause: e }) : e;
        await this.writeFileAtomic(layoutFile, JSON.stringify({ imageLayoutVersion: OCI_LAYOUT_VERSION }));
      }
      try {
        await fs.access(join(this.root, "index.json"));
      } catch {
        await this.withIndexLock(async () => {
          try {
            await fs.access(join(this.root, "index.json"));
          } catch {
            await this.writeIndex({ schemaVersion: 2, mediaType: MT_OCI_INDEX, manifests: [] });
          }
        });
      }
    } catch (e) {
      throw ioError(e, this.root, "cannot open store");
    }
  }

  /** Releases this process's locks; with `unlocked`, removes the `.vmspec/` state dir. Idempotent. */
  async close(): Promise<void> {
    const pending = this.gcLockPending;
    this.gcLockPending = undefined;
    this.gcLock = undefined;
    if (pending) await (await pending.catch(() => undefined))?.release();
    if (this.opts.unlocked) await fs.rm(this.stateDir, { recursive: true, force: true });
  }

  /** Path of a blob file (whether or not present). */
  blobPath(digest: Digest): string {
    return join(this.blobDir, digestHex(parseDigest(digest)));
  }

  /** True if the blob file exists (content is verified on read, not here). */
  async hasBlob(digest: Digest): Promise<boolean> {
    try {
      await fs.access(this.blobPath(digest));
      return true;
    } catch {
      return false;
    }
  }

  /** Size of a stored blob, or throws BlobNotFoundError. */
  async blobSize(digest: Digest): Promise<number> {
    try {
      return (await fs.stat(this.blobPath(digest))).size;
    } catch (e) {
      throw new BlobNotFoundError(digest, { path: this.blobPath(digest), cause: e });
    }
  }

  /**
   * Takes this process's shared writer lock now (it is otherwise taken at the first write), so a
   * concurrent `prune` waits until `close()`: builds call this before reading state they depend on.
   */
  async hold(): Promise<void> {
    await this.ensureWriter();
  }

  private async ensureWriter(): Promise<void> {
    if (this.opts.unlocked || this.gcLock) return;
    this.gcLockPending ??= acquireLock(join(this.stateDir, "gc.lock"), "shared", this.opts.lockTimeoutMs);
    this.gcLock = await this.gcLockPending;
  }

  /** A fresh temp file path in the store's temp dir. */
  private tmpPath(tag: string): string {
    return join(this.tmpDir, `${tag}-${process.pid}-${randomBytes(6).toString("hex")}`);
  }

  /**
   * Streams `source` into the store and returns its descriptor fields. Idempotent; atomic (see the
   * class contract). With `expected`, throws DigestMismatchError (and stores nothing) on a mismatch;
   * with `size`, throws SizeMismatchError likewise.
   */
  async putBlob(
    source: Readable | AsyncIterable<Uint8Array> | Uint8Array | string,
    expected?: { digest?: Digest; size?: number },
  ): Promise<{ digest: Digest; size: number }> {
    if (typeof source === "string" || source instanceof Uint8Array) {
      // In-memory content: hash first, and skip the write entirely when the blob is already stored.
      const bytes = Buffer.from(source);
      const d = new Digester();
      d.update(bytes);
      const digest = d.digest();
      if (expected?.digest !== undefined && expected.digest !== digest) throw new DigestMismatchError(expected.digest, digest);
      if (expected?.size !== undefined && expected.size !== bytes.length) throw new SizeMismatchError(digest, expected.size, bytes.length);
      if (await this.hasBlob(digest)) return { digest, size: bytes.length };
    }
    await this.ensureWriter();
    const tmp = this.tmpPath("blob");
    const dg = new Digester();
    try {
      const input: AsyncIterable<Uint8Array | string> = typeof source === "string" || source instanceof Uint8Array ? [Buffer.from(source)] as unknown as AsyncIterable<Uint8Array> : source;
      const fh = await fs.open(tmp, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL, 0o644);
      try {
        for await (const chunk of input) {
          const b = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
          dg.update(b);
          let off = 0;
          while (off < b.length) off += (await fh.write(b, off, b.length - off)).bytesWritten;
        }
        await fh.sync();
      } finally {
        await fh.close();
      }
      const digest = dg.digest();
      const size = dg.size;
      if (expected?.digest !== undefined && expected.digest !== digest) throw new DigestMismatchError(expected.digest, digest);
      if (expected?.size !== undefined && expected.size !== size) throw new SizeMismatchError(digest, expected.size, size);
      const dest = this.blobPath(digest);
      if (await this.hasBlob(digest)) {
        await fs.rm(tmp, { force: true });
      } else {
        await fs.rename(tmp, dest);
        await fsyncDir(this.blobDir);
      }
      return { digest, size };
    } catch (e) {
      await fs.rm(tmp, { force: true }).catch(() => undefined);
      throw ioError(e, tmp, "cannot write blob");
    }
  }

  /** Stores a JSON document canonically serialized; returns its descriptor fields. */
  async putJson(value: unknown): Promise<{ digest: Digest; size: number; bytes: Buffer }> {
    const bytes = Buffer.from(canonicalJson(value));
    const r = await this.putBlob(bytes);
    return { ...r, bytes };
  }

  /** See BlobSource.openBlob. Throws BlobNotFoundError if absent. */
  async openBlob(digest: Digest, size?: number): Promise<Readable> {
    return openBlobFile(this.blobPath(digest), digest, size);
  }

  /** See BlobSource.readBlob. */
  async readBlob(digest: Digest, size?: number): Promise<Buffer> {
    return readBlobFile(this.blobPath(digest), digest, size);
  }

  /** Reads and parses a JSON blob (verified). */
  async readJson<T>(digest: Digest, size?: number): Promise<T> {
    const b = await this.readBlob(digest, size);
    try {
      return JSON.parse(b.toString("utf8")) as T;
    } catch (e) {
      throw new InvalidImageError(`blob ${digest} is not JSON`, { digest, path: this.blobPath(digest), cause: e });
    }
  }

  /** The parsed index.json. */
  async readIndex(): Promise<ImageIndex> {
    const p = join(this.root, "index.json");
    let text: string;
    try {
      text = await fs.readFile(p, "utf8");
    } catch (e) {
      throw ioError(e, p, "cannot read");
    }
    let idx: ImageIndex;
    try {
      idx = JSON.parse(text) as ImageIndex;
    } catch (e) {
      throw new InvalidImageError(`${p} is not valid JSON`, { path: p, cause: e });
    }
    if (idx.schemaVersion !== 2 || !Array.isArray(idx.manifests)) throw new InvalidImageError(`${p} is not an OCI image index`, { path: p });
    return idx;
  }

  private async writeIndex(idx: ImageIndex): Promise<void> {
    await this.writeFileAtomic(join(this.root, "index.json"), canonicalJson(idx));
  }

  private async writeFileAtomic(dest: string, content: string): Promise<void> {
    const tmp = this.tmpPath("file");
    const fh = await fs.open(tmp, "wx", 0o644);
    try {
      await fh.writeFile(content);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fs.rename(tmp, dest);
    await fsyncDir(this.root);
  }

  private async withIndexLock<T>(fn: () => Promise<T>): Promise<T> {
    if (this.opts.unlocked) return fn();
    const lock = await acquireLock(join(this.stateDir, "index.lock"), "exclusive", this.opts.lockTimeoutMs);
    try {
      return await fn();
    } finally {
      await lock.release();
    }
  }

  /** Every image in index.json, in index order. */
  async listImages(): Promise<StoreImage[]> {
    const idx = await this.readIndex();
    return idx.manifests.map((d) => ({ name: d.annotations?.[ANNOTATION_REF_NAME] ?? null, descriptor: d }));
  }

  /**
   * Resolves a reference to an index entry: a tag (`name` means `name:latest`), a manifest digest
   * `sha256:…`, or a unique prefix (≥ 4 hex digits) of a manifest digest. Throws ImageNotFoundError.
   */
  async resolve(ref: string): Promise<StoreImage> {
    const images = await this.listImages();
    if (isDigest(ref)) {
      const hit = images.find((i) => i.descriptor.digest === ref);
      if (hit) return hit;
      throw new ImageNotFoundError(ref, { path: this.root });
    }
    const tag = normalizeTag(ref);
    const byName = images.find((i) => i.name === tag);
    if (byName) return byName;
    const hex = ref.startsWith("sha256:") ? ref.slice(7) : ref;
    if (/^[0-9a-f]{4,64}$/.test(hex)) {
      const hits = new Map(images.filter((i) => digestHex(i.descriptor.digest).startsWith(hex)).map((i) => [i.descriptor.digest, i]));
      if (hits.size === 1) return [...hits.values()][0]!;
      if (hits.size > 1) throw new ImageNotFoundError(ref, { path: this.root, cause: new Error(`'${ref}' is ambiguous (${hits.size} images)`) });
    }
    throw new ImageNotFoundError(ref, { path: this.root });
  }

  /**
   * Points `name` (normalized to `name:tag` unless `exact`; null = keep untagged under its digest) at a manifest
   * already in the store. Checks that the manifest and every blob it references exist, then updates
   * index.json atomically under the index lock. Other tags of the same manifest are kept.
   */
  async tag(name: string | null, descriptor: Descriptor, opts: { exact?: boolean } = {}): Promise<void> {
    const ref = name === null ? null : opts.exact ? name : normalizeTag(name);
    // Already exactly so (a cached rebuild): nothing to write, no lock to take.
    const current = await this.readIndex();
    if (current.manifests.some((d) => d.digest === descriptor.digest && (d.annotations?.[ANNOTATION_REF_NAME] ?? null) === ref)) return;
    await this.ensureWriter();
    await this.assertComplete(descriptor);
    await this.withIndexLock(async () => {
      const idx = await this.readIndex();
      const keep = idx.manifests.filter((d) => {
        const n = d.annotations?.[ANNOTATION_REF_NAME];
        if (ref !== null) return n !== ref && !(n === undefined && d.digest === descriptor.digest);
        return !(n === undefined && d.digest === descriptor.digest);
      });
      const entry: Descriptor = {
        mediaType: descriptor.mediaType,
        digest: descriptor.digest,
        size: descriptor.size,
        ...(descriptor.platform ? { platform: descriptor.platform } : {}),
        ...(ref !== null ? { annotations: { ...(descriptor.annotations ?? {}), [ANNOTATION_REF_NAME]: ref } } : descriptor.annotations ? { annotations: descriptor.annotations } : {}),
      };
      if (ref === null && keep.some((d) => d.digest === descriptor.digest)) {
        await this.writeIndex({ ...idx, manifests: keep });
        return;
      }
      keep.push(entry);
      await this.writeIndex({ ...idx, manifests: keep });
    });
  }

  /**
   * Removes index entries: by tag (exactly that tag), or by digest/prefix (every tag of that
   * manifest). Returns the removed entries. Blobs stay until `prune`. Throws ImageNotFoundError.
   */
  async untag(ref: string): Promise<StoreImage[]> {
    const target = await this.resolve(ref);
    return this.withIndexLock(async () => {
      const idx = await this.readIndex();
      const byName = target.name !== null && normalizeTag(ref) === target.name;
      const removed: StoreImage[] = [];
      const keep = idx.manifests.filter((d) => {
        const n = d.annotations?.[ANNOTATION_REF_NAME] ?? null;
        const hit = byName ? n === target.name : d.digest === target.descriptor.digest;
        if (hit) removed.push({ name: n, descriptor: d });
        return !hit;
      });
      await this.writeIndex({ ...idx, manifests: keep });
      return removed;
    });
  }

  /** Throws BlobNotFoundError unless the manifest (or index) and everything it references are stored. */
  async assertComplete(desc: Descriptor): Promise<void> {
    for (const d of await this.referencedBlobs(desc)) {
      if (!(await this.hasBlob(d))) throw new BlobNotFoundError(d, { path: this.blobPath(d) });
    }
  }

  /** Every digest reachable from a descriptor (itself included): manifest → config + layers; index → manifests. */
  async referencedBlobs(desc: Descriptor): Promise<Digest[]> {
    const out = new Set<Digest>();
    const walk = async (d: Descriptor, depth: number): Promise<void> => {
      out.add(d.digest);
      if (depth > 8) throw new InvalidImageError(`image index nesting too deep at ${d.digest}`, { digest: d.digest });
      if (isManifestMediaType(d.mediaType)) {
        const m = await this.readJson<Manifest>(d.digest, d.size);
        out.add(m.config.digest);
        for (const l of m.layers ?? []) out.add(l.digest);
      } else if (isIndexMediaType(d.mediaType)) {
        const ix = await this.readJson<ImageIndex>(d.digest, d.size);
        for (const m of ix.manifests ?? []) await walk(m, depth + 1);
      }
    };
    await walk(desc, 0);
    return [...out];
  }

  /**
   * Checks the whole store: oci-layout and index.json parse; every blob file's content hashes to its
   * name; every blob referenced from the index (transitively) is present and parses. Takes the shared
   * gc lock so a concurrent prune cannot race it. Never modifies the store.
   */
  async verify(): Promise<VerifyReport> {
    const lock = this.opts.unlocked ? undefined : await acquireLock(join(this.stateDir, "gc.lock"), "shared", this.opts.lockTimeoutMs);
    try {
      const problems: VerifyProblem[] = [];
      try {
        const l = JSON.parse(await fs.readFile(join(this.root, "oci-layout"), "utf8")) as { imageLayoutVersion?: unknown };
        if (typeof l.imageLayoutVersion !== "string") problems.push({ code: "bad-layout", message: "oci-layout has no imageLayoutVersion", path: join(this.root, "oci-layout") });
      } catch (e) {
        problems.push({ code: "bad-layout", message: `oci-layout unreadable: ${(e as Error).message}`, path: join(this.root, "oci-layout") });
      }
      let bytes = 0;
      const present = new Set<string>();
      for (const name of (await fs.readdir(this.blobDir)).sort()) {
        const p = join(this.blobDir, name);
        if (!/^[0-9a-f]{64}$/.test(name)) {
          problems.push({ code: "stray-file", message: `unexpected file in blobs/sha256: ${name}`, path: p });
          continue;
        }
        const d = `sha256:${name}` as Digest;
        try {
          const s = await this.openBlob(d);
          for await (const c of s) bytes += (c as Buffer).length;
          present.add(d);
        } catch (e) {
          problems.push({ code: "corrupt-blob", message: (e as Error).message, digest: d, path: p });
        }
      }
      const referenced = new Set<string>();
      let images = 0;
      try {
        const idx = await this.readIndex();
        images = idx.manifests.length;
        for (const m of idx.manifests) {
          try {
            for (const d of await this.referencedBlobs(m)) {
              referenced.add(d);
              if (!present.has(d) && !problems.some((p) => p.digest === d)) {
                problems.push({ code: "missing-blob", message: `blob ${d} referenced from ${m.annotations?.[ANNOTATION_REF_NAME] ?? m.digest} is missing`, digest: d, path: this.blobPath(d) });
              }
            }
          } catch (e) {
            const code = e instanceof BlobNotFoundError ? "missing-blob" : "bad-document";
            const digest = e instanceof ImageError ? e.digest : m.digest;
            if (!problems.some((p) => p.digest === digest)) problems.push({ code, message: (e as Error).message, digest });
          }
        }
      } catch (e) {
        problems.push({ code: "bad-index", message: (e as Error).message, path: join(this.root, "index.json") });
      }
      let tempFiles = 0;
      try {
        tempFiles = (await fs.readdir(this.tmpDir)).length;
      } catch {
        /* no tmp dir: nothing left over */
      }
      const unreferenced = [...present].filter((d) => !referenced.has(d)).length;
      return { ok: problems.length === 0, blobs: present.size, bytes, images, unreferenced, tempFiles, problems };
    } finally {
      await lock?.release();
    }
  }

  /**
   * Removes blobs unreachable from index.json, every temp file, unpacked layer dirs
   * (`.vmspec/unpacked/<diff_id>`, used by RUN steps and `vmspec run`) of layers no indexed image
   * has, and layer header indexes (`.vmspec/cache/headers/`) of removed blobs. Waits (up to the lock timeout)
   * for the exclusive gc lock, i.e. until no other process is writing to the store; throws
   * StoreLockError `IMG_STORE_BUSY` on timeout. Releases this instance's own writer lock first.
   */
  async prune(): Promise<PruneReport> {
    await this.close();
    let lock: LockHandle | undefined;
    if (!this.opts.unlocked) {
      try {
        lock = await acquireLock(join(this.stateDir, "gc.lock"), "exclusive", this.opts.lockTimeoutMs);
      } catch (e) {
        throw new StoreLockError("IMG_STORE_BUSY", `store ${this.root} is in use by another vmspec process (a build?); prune waited ${this.opts.lockTimeoutMs} ms`, { path: this.root, cause: e });
      }
    }
    try {
      const idx = await this.readIndex();
      const keep = new Set<string>();
      for (const m of idx.manifests) {
        // A missing or corrupt blob under a tagged image: keep what we can see, never delete more.
        try {
          for (const d of await this.referencedBlobs(m)) keep.add(d);
        } catch {
          keep.add(m.digest);
        }
      }
      const removed: Digest[] = [];
      let removedBytes = 0;
      for (const name of (await fs.readdir(this.blobDir)).sort()) {
        if (!/^[0-9a-f]{64}$/.test(name)) continue;
        const d = `sha256:${name}` as Digest;
        if (keep.has(d)) continue;
        const p = join(this.blobDir, name);
        removedBytes += (await fs.stat(p)).size;
        await fs.rm(p, { force: true });
        removed.push(d);
      }
      let removedTempFiles = 0;
      for (const name of await fs.readdir(this.tmpDir).catch(() => [] as string[])) {
        await fs.rm(join(this.tmpDir, name), { recursive: true, force: true });
        removedTempFiles++;
      }
      // Layers unpacked as overlay lower dirs (RUN steps, `vmspec run`) are a cache derived from
      // blobs: remove those of layers no image in the index has any more, and leftover temp dirs.
      // Dirs of kept images stay: a running container may have them mounted.
      const keptDiffIds = new Set<string>();
      for (const m of idx.manifests) {
        try {
          const img = await this.readJson<Manifest>(m.digest, m.size);
          if (!isManifestMediaType(m.mediaType)) continue;
          const cfg = await this.readJson<{ rootfs?: { diff_ids?: string[] } }>(img.config.digest, img.config.size);
          for (const d of cfg.rootfs?.diff_ids ?? []) keptDiffIds.add(d.replace(/^sha256:/, ""));
        } catch {
          /* unreadable image: keep nothing extra for it */
        }
      }
      const unpacked = join(this.stateDir, "unpacked");
      for (const name of await fs.readdir(unpacked).catch(() => [] as string[])) {
        if (!keptDiffIds.has(name)) await fs.rm(join(unpacked, name), { recursive: true, force: true });
      }
      // Layer header indexes (derived from layer blobs, see runtime/build/imageFs.ts): those of
      // blobs that are gone, and temp files of interrupted writes.
      const headers = layerHeaderIndexDir(this.root);
      for (const name of await fs.readdir(headers).catch(() => [] as string[])) {
        if (!keep.has(`sha256:${name}`)) await fs.rm(join(headers, name), { force: true });
      }
      if (removed.length > 0) await fsyncDir(this.blobDir);
      return { removedBlobs: removed, removedBytes, removedTempFiles };
    } finally {
      await lock?.release();
    }
  }
}

/**
 * Where a store keeps one header index per layer blob (`<digest hex>`): the layer's tar headers,
 * so a build can see a parent image's file tree without decompressing its layers.
 */
export function layerHeaderIndexDir(storeRoot: string): string {
  return join(storeRoot, STATE_DIR, "cache", "headers");
}

/** fsyncs a directory so a rename in it is durable. */
async function fsyncDir(dir: string): Promise<void> {
  const fh = await fs.open(dir, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
