// Stored image → container: unpacks an image's layers once into a cached rootfs dir (keyed by the
// layer chain id) and maps the image config plus run options to a ContainerSpec.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { applyLayer } from "../image/extract.js";
import type { LoadedImage } from "../image/manifest.js";
import type { BlobSource, Store } from "../image/store.js";
import { xattrToolsAvailable } from "../image/xattrs.js";
import { overlayAvailable } from "./rootfs.js";
import type { Digest } from "../image/digest.js";
import { ContainerError } from "./errors.js";
import { cacheDir } from "./helper.js";

/** OCI chain id of a layer stack (image-spec config.md#layer-chainid): sha256 over "parent diffid". */
export function chainId(diffIds: readonly string[]): string {
  let chain = "";
  for (const d of diffIds) chain = chain === "" ? d : `sha256:${createHash("sha256").update(`${chain} ${d}`).digest("hex")}`;
  return chain;
}

/**
 * Returns a directory holding the image's merged layers (all whiteouts applied), unpacking them
 * on first use under `<cache>/rootfs/<chain id>`. The dir is shared read-only by every container
 * of the image (containers write to their own overlay upper dir). Concurrent callers are safe:
 * each unpacks to a private temp dir and the first rename wins.
 */
export async function imageRootfs(store: BlobSource, image: LoadedImage, root = join(cacheDir(), "rootfs")): Promise<string> {
  const diffIds = image.config.rootfs?.diff_ids ?? [];
  const id = diffIds.length === 0 ? "empty" : chainId(diffIds).replace(/^sha256:/, "");
  const dir = join(root, id);
  if (existsSync(dir)) return dir;
  mkdirSync(root, { recursive: true });
  const tmp = join(root, `.tmp-${id.slice(0, 12)}-${process.pid}-${Date.now()}`);
  mkdirSync(tmp);
  try {
    for (const layer of image.layers) await applyLayer(tmp, await store.openBlob(layer.digest as Digest, layer.size));
    try {
      renameSync(tmp, dir);
    } catch (e) {
      if (!existsSync(dir)) throw e; // else: another process won the race
      rmSync(tmp, { recursive: true, force: true });
    }
    return dir;
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw new ContainerError("CONTAINER_ROOTFS", `unpacking the image's layers failed: ${(e as Error).message}`, dir, { cause: e });
  }
}

/** Overlay's mount data is one page (4096 bytes); beyond this many lower dirs use a merged dir. */
const MAX_OVERLAY_LAYERS = 32;

/** Where a layer unpacked as an overlay lower dir lives: shared with the builder's RUN steps. */
export function unpackedLayerDir(storeRoot: string, diffId: string): string {
  return join(storeRoot, ".vmspec", "unpacked", diffId.replace(/^sha256:/, ""));
}

/**
 * The overlay lower dirs (base first) for an image: one dir per layer, unpacked once with
 * overlayfs-style whiteouts under `<store>/.vmspec/unpacked/<diff_id>` (the same dirs the builder
 * uses for RUN). Falls back to one merged dir (`imageRootfs`) when overlayfs is unavailable, when
 * not root (whiteout devices need mknod), without setfattr (opaque dirs), or past
 * MAX_OVERLAY_LAYERS layers.
 */
export async function imageLowerDirs(store: Store, image: LoadedImage): Promise<string[]> {
  const diffIds = image.config.rootfs?.diff_ids ?? [];
  const dirs = diffIds.map((d) => unpackedLayerDir(store.root, d));
  if (diffIds.length > 0 && diffIds.length === image.layers.length && dirs.every((d) => existsSync(d))) return dirs;
  const perLayer =
    diffIds.length > 0 &&
    diffIds.length === image.layers.length &&
    diffIds.length <= MAX_OVERLAY_LAYERS &&
    process.getuid?.() === 0 &&
    overlayAvailable() &&
    xattrToolsAvailable();
  if (!perLayer) return [await imageRootfs(store, image)];
  mkdirSync(join(store.root, ".vmspec", "unpacked"), { recursive: true });
  for (let i = 0; i < dirs.length; i++) {
    const dir = dirs[i]!;
    if (existsSync(dir)) continue;
    const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
    mkdirSync(tmp);
    try {
      const l = image.layers[i]!;
      await applyLayer(tmp, await store.openBlob(l.digest as Digest, l.size), { whiteouts: "overlay" });
      try {
        renameSync(tmp, dir);
      } catch (e) {
        if (!existsSync(dir)) throw e; // else: a concurrent run or build won the race
        rmSync(tmp, { recursive: true, force: true });
      }
    } catch (e) {
      rmSync(tmp, { recursive: true, force: true });
      throw new ContainerError("CONTAINER_ROOTFS", `unpacking layer ${diffIds[i]} failed: ${(e as Error).message}`, dir, { cause: e });
    }
  }
  return dirs;
}

export { processFromImage, type RunOverrides } from "./imageProcess.js";
