// `docker save` archives: import (manifest.json + config + layer tars, all verified) and export (`docker load` compatible).
import * as fs from "node:fs/promises";
import { createReadStream, createWriteStream } from "node:fs";
import { join, posix } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { randomBytes } from "node:crypto";
import { decompress, sniffCompression } from "./compression.js";
import { DigestStream, Digester, digestHex, digestOf, isDigest, type Digest } from "./digest.js";
import { DigestMismatchError, ImageError, InvalidImageError, UnsafeArchiveEntryError, ioError } from "./errors.js";
import { readImage, type LoadedImage } from "./manifest.js";
import { MT_OCI_CONFIG, MT_OCI_LAYER_GZIP, MT_OCI_MANIFEST } from "./mediaTypes.js";
import type { Descriptor, OciImageConfig } from "./ociTypes.js";
import type { Store } from "./store.js";
import { readTar } from "./tarReader.js";
import { tarStream } from "./layer.js";
import type { LayerEntry } from "./layerEntries.js";

/** One element of a docker archive's `manifest.json`. */
export interface DockerArchiveManifestEntry {
  Config: string;
  RepoTags: string[] | null;
  Layers: string[];
}

/** An image imported from a docker archive, with the tags the archive gave it. */
export interface ImportedDockerImage {
  image: LoadedImage;
  repoTags: string[];
}

function normalName(name: string): string {
  const n = posix.normalize(name.replace(/^\.?\//, ""));
  if (n.startsWith("..") || n.startsWith("/")) throw new UnsafeArchiveEntryError(name, "path escapes the archive");
  return n;
}

/**
 * Imports every image of a `docker save` archive at `file` into the store (nothing is tagged: the
 * caller tags `repoTags`). The archive's files are spooled to a scratch dir inside the store's temp
 * area. Verified: a config named by its digest (`<hex>.json`, `blobs/sha256/<hex>`) must hash to it,
 * and each layer's uncompressed sha256 must equal the config's diff_id, else DigestMismatchError.
 * Uncompressed layers are gzipped on the way in.
 */
export async function importDockerArchive(store: Store, file: string): Promise<ImportedDockerImage[]> {
  const scratch = join(store.root, ".vmspec", "tmp", `docker-archive-${process.pid}-${randomBytes(6).toString("hex")}`);
  await fs.mkdir(scratch, { recursive: true });
  try {
    const files = new Map<string, string>();
    const links = new Map<string, string>();
    let i = 0;
    let input;
    try {
      input = createReadStream(file);
    } catch (e) {
      throw ioError(e, file, "cannot read");
    }
    for await (const e of readTar(decompress(input))) {
      const name = normalName(e.header.path);
      if (e.header.type === "file") {
        const p = join(scratch, String(i++));
        await pipeline(Readable.from(e.body()), createWriteStream(p));
        files.set(name, p);
      } else if (e.header.type === "symlink" && e.header.linkname) {
        links.set(name, normalName(posix.join(posix.dirname(name), e.header.linkname)));
      } else if (e.header.type === "hardlink" && e.header.linkname) {
        links.set(name, normalName(e.header.linkname));
      }
    }
    const fileOf = (name: string): string => {
      let n = normalName(name);
      for (let hops = 0; links.has(n) && hops < 16; hops++) n = links.get(n)!;
      const p = files.get(n);
      if (!p) throw new InvalidImageError(`docker archive ${file} lacks '${name}'`, { path: file });
      return p;
    };
    let entries: DockerArchiveManifestEntry[];
    try {
      entries = JSON.parse(await fs.readFile(fileOf("manifest.json"), "utf8")) as DockerArchiveManifestEntry[];
      if (!Array.isArray(entries)) throw new Error("manifest.json is not an array");
    } catch (e) {
      if (e instanceof ImageError) throw e;
      throw new InvalidImageError(`docker archive ${file}: bad manifest.json: ${(e as Error).message}`, { path: file, cause: e });
    }
    const out: ImportedDockerImage[] = [];
    for (const ent of entries) {
      const configBytes = await fs.readFile(fileOf(ent.Config));
      const configDigest = digestOf(configBytes);
      const named = /([0-9a-f]{64})(\.json)?$/.exec(ent.Config);
      if (named && `sha256:${named[1]}` !== configDigest) throw new DigestMismatchError(`sha256:${named[1]}`, configDigest, { path: `${file}:${ent.Config}` });
      const config = JSON.parse(configBytes.toString("utf8")) as OciImageConfig;
      const diffIds = config.rootfs?.diff_ids ?? [];
      if (diffIds.length !== ent.Layers.length) throw new InvalidImageError(`docker archive ${file}: ${ent.Layers.length} layers but ${diffIds.length} diff_ids`, { path: file });
      const layers: Descriptor[] = [];
      for (const [k, lname] of ent.Layers.entries()) {
        const lp = fileOf(lname);
        const head = Buffer.alloc(4);
        const fh = await fs.open(lp, "r");
        await fh.read(head, 0, 4, 0);
        await fh.close();
        const diff = new Digester();
        const tee = async function* (): AsyncGenerator<Buffer> {
          for await (const c of decompress(createReadStream(lp))) {
            diff.update(c);
            yield c;
          }
        };
        let blob: { digest: Digest; size: number };
        if (sniffCompression(head) === "gzip") {
          // Keep the compressed bytes; still hash the uncompressed stream for the diff_id check.
          for await (const _ of tee()) void _;
          blob = await store.putBlob(createReadStream(lp));
        } else {
          const gz = createGzip({ level: 6 });
          [, blob] = await Promise.all([pipeline(Readable.from(tee()), gz), store.putBlob(gz)]);
        }
        const actual = diff.digest();
        if (actual !== diffIds[k]) throw new DigestMismatchError(String(diffIds[k]), actual, { path: `${file}:${lname}` });
        layers.push({ mediaType: MT_OCI_LAYER_GZIP, digest: blob.digest, size: blob.size });
      }
      const c = await store.putBlob(configBytes);
      const m = await store.putJson({ schemaVersion: 2, mediaType: MT_OCI_MANIFEST, config: { mediaType: MT_OCI_CONFIG, digest: c.digest, size: c.size }, layers });
      const desc: Descriptor = { mediaType: MT_OCI_MANIFEST, digest: m.digest, size: m.size, platform: { architecture: config.architecture, os: config.os, ...(config.variant ? { variant: config.variant } : {}) } };
      out.push({ image: await readImage(store, desc), repoTags: ent.RepoTags ?? [] });
    }
    return out;
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
}

/**
 * Writes image `desc` as a `docker load`-compatible archive to `dest` (a path, written atomically
 * via a temp file, or a stream): `manifest.json`, `<config hex>.json`, `<diff_id hex>/layer.tar`
 * (uncompressed, each layer verified against its diff_id while being sized), and `repositories`.
 * Entries have mtime 0 and uid/gid 0, so the archive is a pure function of the image and tags.
 */
export async function exportDockerArchive(store: Store, desc: Descriptor, repoTags: string[], dest: string | NodeJS.WritableStream): Promise<void> {
  const img = await readImage(store, desc);
  const cfgHex = digestHex(img.configDescriptor.digest);
  const configBytes = await store.readBlob(img.configDescriptor.digest, img.configDescriptor.size);
  const diffIds = img.config.rootfs.diff_ids;
  const sizes = new Map<string, number>();
  // First pass: verify each layer against its diff_id and learn its uncompressed size.
  for (const [i, l] of img.layers.entries()) {
    const d = diffIds[i]!;
    if (!isDigest(d)) throw new InvalidImageError(`bad diff_id '${d}'`, { digest: desc.digest });
    if (sizes.has(d)) continue;
    const ds = new DigestStream();
    await pipeline(Readable.from(decompress(await store.openBlob(l.digest, l.size))), ds, async function* (src) {
      for await (const _ of src) void _;
    });
    const r = ds.result();
    if (r.digest !== d) throw new DigestMismatchError(d, r.digest, { path: store.blobPath(l.digest) });
    sizes.set(d, r.size);
  }
  const file = (path: string, data: Buffer): LayerEntry => ({ path, type: "file", mode: 0o644, uid: 0, gid: 0, mtime: 0, size: data.length, content: () => [data] as unknown as AsyncIterable<Uint8Array> });
  const layerNames = diffIds.map((d) => `${digestHex(d)}/layer.tar`);
  const manifest: DockerArchiveManifestEntry[] = [{ Config: `${cfgHex}.json`, RepoTags: repoTags.length > 0 ? repoTags : null, Layers: layerNames }];
  const repos: Record<string, Record<string, string>> = {};
  const top = diffIds.length > 0 ? digestHex(diffIds[diffIds.length - 1]!) : undefined;
  for (const t of repoTags) {
    const colon = t.lastIndexOf(":");
    const slash = t.lastIndexOf("/");
    const [repo, tag] = colon > slash ? [t.slice(0, colon), t.slice(colon + 1)] : [t, "latest"];
    if (top) (repos[repo] ??= {})[tag] = top;
  }
  async function* entries(): AsyncGenerator<LayerEntry> {
    yield file(`${cfgHex}.json`, configBytes);
    const done = new Set<string>();
    for (const [i, l] of img.layers.entries()) {
      const d = diffIds[i]!;
      if (done.has(d)) continue;
      done.add(d);
      yield { path: digestHex(d), type: "dir", mode: 0o755, uid: 0, gid: 0, mtime: 0, size: 0 };
      const blob = l;
      yield {
        path: `${digestHex(d)}/layer.tar`,
        type: "file",
        mode: 0o644,
        uid: 0,
        gid: 0,
        mtime: 0,
        size: sizes.get(d)!,
        content: async function* () {
          yield* decompress(await store.openBlob(blob.digest, blob.size));
        },
      };
    }
    yield file("manifest.json", Buffer.from(JSON.stringify(manifest)));
    if (Object.keys(repos).length > 0) yield file("repositories", Buffer.from(JSON.stringify(repos)));
  }
  if (typeof dest === "string") {
    const tmp = `${dest}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
    try {
      await pipeline(Readable.from(tarStream(entries())), createWriteStream(tmp));
      await fs.rename(tmp, dest);
    } catch (e) {
      await fs.rm(tmp, { force: true });
      throw ioError(e, dest, "cannot write docker archive");
    }
  } else {
    await pipeline(Readable.from(tarStream(entries())), dest);
  }
}
