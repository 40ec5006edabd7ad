// The image value (config + layer descriptors + annotations): immutable mutation, manifest writing, reading, validation.
import { decompress } from "./compression.js";
import { Digester, type Digest } from "./digest.js";
import { InvalidImageError } from "./errors.js";
import { emptyConfig, isoTime, machineLabels } from "./config.js";
import type { Layer } from "./layer.js";
import { MT_OCI_CONFIG, MT_OCI_MANIFEST, MT_DOCKER_CONFIG, isLayerMediaType, isManifestMediaType, isIndexMediaType } from "./mediaTypes.js";
import type { ContainerConfig, Descriptor, HistoryEntry, ImageIndex, Manifest, OciImageConfig } from "./ociTypes.js";
import type { BlobSource, Store } from "./store.js";
import { readTar } from "./tarReader.js";
import type { MachineSpec, Platform } from "../../compiler/ir/types.js";

/** An image as a value. Never mutated in place: every function below returns a new one. */
export interface Image {
  readonly config: OciImageConfig;
  readonly layers: readonly Descriptor[];
  /** Manifest annotations. */
  readonly annotations: Readonly<Record<string, string>>;
}

/** A history line: what produced a step. */
export interface HistoryInfo {
  createdBy: string;
  comment?: string;
  /** Seconds since the epoch; default: the image's own `created`. */
  created?: number;
}

/** A new image with no layers for `platform` (created = `createdSeconds`, default 0). */
export function scratchImage(platform: Platform, createdSeconds = 0): Image {
  return { config: emptyConfig(platform, createdSeconds), layers: [], annotations: {} };
}

function historyEntry(img: Image, h: HistoryInfo, empty: boolean): HistoryEntry {
  return {
    created: h.created !== undefined ? isoTime(h.created) : img.config.created,
    created_by: h.createdBy,
    ...(h.comment ? { comment: h.comment } : {}),
    ...(empty ? { empty_layer: true } : {}),
  };
}

/** `img` plus one layer on top (its diff_id appended to rootfs, a history entry added). */
export function appendLayer(img: Image, layer: Layer, history: HistoryInfo): Image {
  return {
    config: {
      ...img.config,
      rootfs: { type: "layers", diff_ids: [...img.config.rootfs.diff_ids, layer.diffId] },
      history: [...(img.config.history ?? []), historyEntry(img, history, false)],
    },
    layers: [...img.layers, { ...layer.descriptor }],
    annotations: img.annotations,
  };
}

/**
 * `img` with its `config` object replaced by `update(old)`; with `history`, an `empty_layer`
 * history entry records the step (metadata instructions produce no layer).
 */
export function updateConfig(img: Image, update: (c: ContainerConfig) => ContainerConfig, history?: HistoryInfo): Image {
  return {
    config: {
      ...img.config,
      config: update({ ...(img.config.config ?? {}) }),
      ...(history ? { history: [...(img.config.history ?? []), historyEntry(img, history, true)] } : {}),
    },
    layers: img.layers,
    annotations: img.annotations,
  };
}

/** `img` with top-level config fields replaced (created, author, platform fields). */
export function setImageFields(img: Image, fields: Partial<Pick<OciImageConfig, "created" | "author" | "architecture" | "os" | "variant">>): Image {
  return { ...img, config: { ...img.config, ...fields } };
}

/** `img` with manifest annotations merged in. */
export function annotate(img: Image, annotations: Record<string, string>): Image {
  return { ...img, annotations: { ...img.annotations, ...annotations } };
}

/** `img` carrying `machine` as config labels and manifest annotations (see `machineLabels`). */
export function withMachine(img: Image, machine: MachineSpec): Image {
  const labels = machineLabels(machine);
  return annotate(updateConfig(img, (c) => ({ ...c, Labels: { ...(c.Labels ?? {}), ...labels } })), labels);
}

/** The manifest of `img` given its config blob's descriptor. */
export function buildManifest(img: Image, config: Descriptor): Manifest {
  return {
    schemaVersion: 2,
    mediaType: MT_OCI_MANIFEST,
    config,
    layers: img.layers.map((l) => ({ ...l })),
    ...(Object.keys(img.annotations).length > 0 ? { annotations: { ...img.annotations } } : {}),
  };
}

/** Stores the config and manifest of `img` (its layers must already be stored). Returns the manifest descriptor. */
export async function writeImage(store: Store, img: Image): Promise<{ manifest: Descriptor; config: Descriptor }> {
  const c = await store.putJson(img.config);
  const config: Descriptor = { mediaType: MT_OCI_CONFIG, digest: c.digest, size: c.size };
  const m = await store.putJson(buildManifest(img, config));
  const platform = { architecture: img.config.architecture, os: img.config.os, ...(img.config.variant ? { variant: img.config.variant } : {}) };
  return { manifest: { mediaType: MT_OCI_MANIFEST, digest: m.digest, size: m.size, platform }, config };
}

/** A read image: the value plus where it came from. */
export interface LoadedImage extends Image {
  manifestDescriptor: Descriptor;
  manifest: Manifest;
  configDescriptor: Descriptor;
}

/**
 * Reads the image a descriptor names (verified). An index is resolved to the manifest matching
 * `platform` (or its only/first manifest without one). Docker schema 2 manifests are accepted.
 */
export async function readImage(src: BlobSource, desc: Descriptor, platform?: Platform): Promise<LoadedImage> {
  let d = desc;
  for (let depth = 0; isIndexMediaType(d.mediaType); depth++) {
    if (depth > 4) throw new InvalidImageError(`image index nesting too deep at ${d.digest}`, { digest: d.digest });
    const ix = JSON.parse((await src.readBlob(d.digest, d.size)).toString("utf8")) as ImageIndex;
    const pick =
      ix.manifests.find((m) => platform && m.platform?.os === platform.os && m.platform.architecture === platform.architecture && (platform.variant === undefined || m.platform.variant === platform.variant)) ??
      (platform ? undefined : ix.manifests[0]);
    if (!pick) throw new InvalidImageError(`index ${d.digest} has no manifest for ${platform?.os}/${platform?.architecture}`, { digest: d.digest });
    d = pick;
  }
  if (!isManifestMediaType(d.mediaType)) throw new InvalidImageError(`unsupported manifest media type '${d.mediaType}'`, { digest: d.digest });
  let manifest: Manifest;
  let config: OciImageConfig;
  try {
    manifest = JSON.parse((await src.readBlob(d.digest, d.size)).toString("utf8")) as Manifest;
    config = JSON.parse((await src.readBlob(manifest.config.digest, manifest.config.size)).toString("utf8")) as OciImageConfig;
  } catch (e) {
    if (e instanceof SyntaxError) throw new InvalidImageError(`image ${d.digest}: ${e.message}`, { digest: d.digest, cause: e });
    throw e;
  }
  return {
    config,
    layers: manifest.layers,
    annotations: manifest.annotations ?? {},
    manifestDescriptor: d,
    manifest,
    configDescriptor: manifest.config,
  };
}

/**
 * Checks an image's structure and, with `deep`, every layer's content: returns the problems found
 * (empty = valid). Checked: manifest/config media types and schema; config has os/architecture and
 * rootfs of type `layers`; one diff_id per layer; non-empty history entries match the layer count;
 * every blob present with its descriptor's size and digest; with `deep`, each layer decompresses to
 * a well-formed tar whose sha256 is its diff_id.
 */
export async function validateImage(src: BlobSource, desc: Descriptor, opts: { deep?: boolean } = {}): Promise<string[]> {
  const problems: string[] = [];
  let img: LoadedImage;
  try {
    img = await readImage(src, desc);
  } catch (e) {
    return [`cannot read image: ${(e as Error).message}`];
  }
  const m = img.manifest;
  if (m.schemaVersion !== 2) problems.push(`manifest schemaVersion ${m.schemaVersion} != 2`);
  if (m.config.mediaType !== MT_OCI_CONFIG && m.config.mediaType !== MT_DOCKER_CONFIG) problems.push(`config media type ${m.config.mediaType}`);
  const c = img.config;
  if (!c.os || !c.architecture) problems.push("config lacks os/architecture");
  if (c.rootfs?.type !== "layers" || !Array.isArray(c.rootfs.diff_ids)) problems.push("config rootfs is not {type: layers, diff_ids}");
  else if (c.rootfs.diff_ids.length !== m.layers.length) problems.push(`${m.layers.length} layers but ${c.rootfs.diff_ids.length} diff_ids`);
  if (c.history) {
    const nonEmpty = c.history.filter((h) => !h.empty_layer).length;
    if (nonEmpty !== m.layers.length) problems.push(`${m.layers.length} layers but ${nonEmpty} non-empty history entries`);
  }
  for (const [i, l] of m.layers.entries()) {
    if (!isLayerMediaType(l.mediaType)) problems.push(`layer ${i} has media type ${l.mediaType}`);
    try {
      const stream = await src.openBlob(l.digest, l.size);
      if (!opts.deep) {
        for await (const _ of stream) void _;
        continue;
      }
      const d = new Digester();
      const tee = (async function* () {
        for await (const chunk of decompress(stream)) {
          d.update(chunk);
          yield chunk;
        }
      })();
      for await (const e of readTar(tee)) for await (const _ of e.body()) void _;
      for await (const _ of tee) void _;
      const diffId = d.digest();
      if (diffId !== c.rootfs.diff_ids[i]) problems.push(`layer ${i} (${l.digest}) decompresses to ${diffId}, config says ${c.rootfs.diff_ids[i]}`);
    } catch (e) {
      problems.push(`layer ${i} (${l.digest}): ${(e as Error).message}`);
    }
  }
  return problems;
}

/** Digests of the layers of `img`, bottom first. */
export function layerDigests(img: Image): Digest[] {
  return img.layers.map((l) => l.digest);
}
