// OCI image layout directories as sources and sinks: read a local layout (a build base), copy images in, export `type=oci`.
import * as fs from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { openBlobFile, readBlobFile, digestHex, parseDigest, type Digest } from "./digest.js";
import { ImageNotFoundError, InvalidImageError } from "./errors.js";
import { readImage, type LoadedImage } from "./manifest.js";
import {
  ANNOTATION_REF_NAME,
  MT_DOCKER_CONFIG,
  MT_DOCKER_LAYER_GZIP,
  MT_OCI_CONFIG,
  MT_OCI_LAYER_GZIP,
  MT_OCI_LAYER_TAR,
  MT_OCI_MANIFEST,
} from "./mediaTypes.js";
import type { Descriptor, ImageIndex, Manifest } from "./ociTypes.js";
import { Store, normalizeTag, type BlobSource } from "./store.js";
import type { Platform } from "../../compiler/ir/types.js";

/** A read-only OCI image layout directory (someone else's: nothing is written to it). Reads verify. */
export class OciLayout implements BlobSource {
  private constructor(readonly dir: string) {}

  /** Opens `dir`; throws InvalidImageError unless it has an `oci-layout` file and `index.json`. */
  static async open(dir: string): Promise<OciLayout> {
    const f = join(dir, "oci-layout");
    try {
      const v = (JSON.parse(await fs.readFile(f, "utf8")) as { imageLayoutVersion?: unknown }).imageLayoutVersion;
      if (typeof v !== "string") throw new Error("no imageLayoutVersion");
    } catch (e) {
      throw new InvalidImageError(`${dir} is not an OCI image layout (${f}: ${(e as Error).message})`, { path: f, cause: e });
    }
    return new OciLayout(dir);
  }

  /** The parsed index.json. */
  async index(): Promise<ImageIndex> {
    const p = join(this.dir, "index.json");
    try {
      const ix = JSON.parse(await fs.readFile(p, "utf8")) as ImageIndex;
      if (!Array.isArray(ix.manifests)) throw new Error("no manifests array");
      return ix;
    } catch (e) {
      throw new InvalidImageError(`${p}: ${(e as Error).message}`, { path: p, cause: e });
    }
  }

  /**
   * The index entry for `ref`: an exact `org.opencontainers.image.ref.name`, else a normalized
   * `name:tag` match, else a bare tag matching the part after the last `:`, else a manifest digest.
   * Without `ref`, the only entry (an error if there are several).
   */
  async find(ref?: string): Promise<Descriptor> {
    const ms = (await this.index()).manifests;
    if (ref === undefined || ref === "") {
      if (ms.length === 1) return ms[0]!;
      throw new ImageNotFoundError(`(no tag given; the layout has ${ms.length} images)`, { path: this.dir });
    }
    const name = (d: Descriptor): string | undefined => d.annotations?.[ANNOTATION_REF_NAME];
    const hit =
      ms.find((d) => name(d) === ref) ??
      ms.find((d) => name(d) !== undefined && normalizeTag(name(d)!) === normalizeTag(ref)) ??
      ms.find((d) => name(d) === ref.slice(ref.lastIndexOf(":") + 1) && ref.includes(":")) ??
      ms.find((d) => d.digest === ref);
    if (!hit) throw new ImageNotFoundError(ref, { path: this.dir });
    return hit;
  }

  private path(d: Digest): string {
    return join(this.dir, "blobs", "sha256", digestHex(parseDigest(d)));
  }

  /** See BlobSource. */
  async openBlob(digest: Digest, size?: number): Promise<Readable> {
    return openBlobFile(this.path(digest), digest, size);
  }

  /** See BlobSource. */
  async readBlob(digest: Digest, size?: number): Promise<Buffer> {
    return readBlobFile(this.path(digest), digest, size);
  }
}

/** Docker layer/config media types → OCI ones (same bytes). */
function ociMediaType(mt: string): string {
  if (mt === MT_DOCKER_LAYER_GZIP) return MT_OCI_LAYER_GZIP;
  if (mt === "application/vnd.docker.image.rootfs.diff.tar") return MT_OCI_LAYER_TAR;
  if (mt === MT_DOCKER_CONFIG) return MT_OCI_CONFIG;
  return mt;
}

async function copyBlob(dst: Store, src: BlobSource, d: Descriptor): Promise<void> {
  if (await dst.hasBlob(d.digest)) return;
  await dst.putBlob(await src.openBlob(d.digest, d.size), { digest: d.digest, size: d.size });
}

/**
 * Copies the image `desc` names from `src` into `dst` (every blob verified on the way), resolving an
 * index to `platform`. Docker schema 2 manifests are rewritten as OCI manifests (same config and
 * layer bytes, OCI media types). Returns the stored image; tags nothing.
 */
export async function importImage(dst: Store, src: BlobSource, desc: Descriptor, platform?: Platform): Promise<LoadedImage> {
  const img = await readImage(src, desc, platform);
  await copyBlob(dst, src, img.configDescriptor);
  for (const l of img.layers) await copyBlob(dst, src, l);
  const manifest: Manifest = {
    schemaVersion: 2,
    mediaType: MT_OCI_MANIFEST,
    config: { ...img.configDescriptor, mediaType: ociMediaType(img.configDescriptor.mediaType) },
    layers: img.layers.map((l) => ({ ...l, mediaType: ociMediaType(l.mediaType) })),
    ...(img.manifest.annotations ? { annotations: img.manifest.annotations } : {}),
  };
  const same = img.manifestDescriptor.mediaType === MT_OCI_MANIFEST && img.manifest.mediaType === MT_OCI_MANIFEST;
  let md: Descriptor;
  if (same) {
    await copyBlob(dst, src, img.manifestDescriptor);
    md = { mediaType: MT_OCI_MANIFEST, digest: img.manifestDescriptor.digest, size: img.manifestDescriptor.size };
  } else {
    const m = await dst.putJson(manifest);
    md = { mediaType: MT_OCI_MANIFEST, digest: m.digest, size: m.size };
  }
  md.platform = { architecture: img.config.architecture, os: img.config.os, ...(img.config.variant ? { variant: img.config.variant } : {}) };
  return readImage(dst, md);
}

/** Reads image `ref` of the OCI layout at `dir` into the store (verified). See OciLayout.find and importImage. */
export async function importLayout(dst: Store, dir: string, ref?: string, platform?: Platform): Promise<LoadedImage> {
  const layout = await OciLayout.open(dir);
  return importImage(dst, layout, await layout.find(ref), platform);
}

/**
 * Writes the image `desc` from `src` into the OCI layout at `dest` (created if missing; existing
 * images there are kept), tagged `refName` exactly as given (`org.opencontainers.image.ref.name`,
 * e.g. `latest` or `app:1`; none if undefined). Blobs are written atomically and the index last.
 */
export async function exportLayout(src: Store, desc: Descriptor, dest: string, refName?: string): Promise<void> {
  await fs.mkdir(dest, { recursive: true });
  const out = await Store.open(dest, { unlocked: true });
  try {
    for (const d of await src.referencedBlobs(desc)) {
      if (await out.hasBlob(d)) continue;
      await out.putBlob(await src.openBlob(d), { digest: d });
    }
    await out.tag(refName ?? null, desc, { exact: true });
  } finally {
    await out.close();
  }
}
