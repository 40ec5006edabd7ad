// A read-only metadata view of an image's merged filesystem, from its layers' tar headers (contents read on demand).
import { createHash } from "node:crypto";
import * as fs from "node:fs/promises";
import { join } from "node:path";
import { decompress } from "../image/compression.js";
import { digestHex, type Digest } from "../image/digest.js";
import { WHITEOUT_OPAQUE, WHITEOUT_PREFIX } from "../image/layerEntries.js";
import type { Descriptor } from "../image/ociTypes.js";
import type { BlobSource } from "../image/store.js";
import type { TarHeader } from "../image/tarFormat.js";
import { readTar } from "../image/tarReader.js";

const headerCache = new Map<Digest, TarHeader[]>();

function clean(p: string): string {
  return p.split("/").filter((c) => c !== "" && c !== ".").join("/");
}

/** Header index file format: `vmspec-headers 1 <sha256 hex of the JSON>\n<JSON>`. */
const INDEX_MAGIC = "vmspec-headers 1 ";

type StoredHeader = Omit<TarHeader, "xattrs"> & { xattrs?: Record<string, string> };

function encodeIndex(headers: readonly TarHeader[]): string {
  const json = JSON.stringify(
    headers.map((h): StoredHeader => (h.xattrs ? { ...h, xattrs: Object.fromEntries(Object.entries(h.xattrs).map(([k, v]) => [k, v.toString("base64")])) } : (h as StoredHeader))),
  );
  return `${INDEX_MAGIC}${createHash("sha256").update(json).digest("hex")}\n${json}`;
}

/** The headers of an index file's text, or undefined unless it is complete and its checksum matches. */
export function decodeHeaderIndex(text: string): TarHeader[] | undefined {
  const nl = text.indexOf("\n");
  if (!text.startsWith(INDEX_MAGIC) || nl !== INDEX_MAGIC.length + 64) return undefined;
  const json = text.slice(nl + 1);
  if (createHash("sha256").update(json).digest("hex") !== text.slice(INDEX_MAGIC.length, nl)) return undefined;
  try {
    const stored = JSON.parse(json) as StoredHeader[];
    if (!Array.isArray(stored)) return undefined;
    return stored.map((h): TarHeader => (h.xattrs ? { ...h, xattrs: Object.fromEntries(Object.entries(h.xattrs).map(([k, v]) => [k, Buffer.from(v, "base64")])) } : (h as TarHeader)));
  } catch {
    return undefined;
  }
}

/**
 * Reads every header of a layer blob. readTar reads the blob to its end, so its digest has been
 * checked before anything is returned (and cached).
 */
async function readLayerHeaders(src: BlobSource, layer: Descriptor): Promise<TarHeader[]> {
  const out: TarHeader[] = [];
  for await (const e of readTar(decompress(await src.openBlob(layer.digest, layer.size)))) out.push({ ...e.header, path: clean(e.header.path) });
  return out;
}

/**
 * The headers of one layer (bodies skipped), cached per process by layer digest and, with
 * `indexDir` (a store's layerHeaderIndexDir), in a file per layer that later processes read instead of decompressing the blob.
 * An index file is written atomically (temp + rename) only after the whole blob verified, and is
 * used only if its checksum matches: a torn, truncated or altered index is ignored and rewritten.
 * It needs no fsync (a crash can only lose it, and the checksum catches a torn one).
 */
export async function layerHeaders(src: BlobSource, layer: Descriptor, indexDir?: string): Promise<TarHeader[]> {
  const hit = headerCache.get(layer.digest);
  if (hit) return hit;
  const file = indexDir === undefined ? undefined : join(indexDir, digestHex(layer.digest));
  let out = file === undefined ? undefined : decodeHeaderIndex(await fs.readFile(file, "utf8").catch(() => ""));
  if (out === undefined) {
    out = await readLayerHeaders(src, layer);
    if (file !== undefined) {
      const tmp = `${file}.${process.pid}.${Math.random().toString(16).slice(2)}.tmp`;
      try {
        await fs.mkdir(indexDir!, { recursive: true });
        await fs.writeFile(tmp, encodeIndex(out), { flag: "wx" });
        await fs.rename(tmp, file);
      } catch {
        // Only a cache: a read-only or full store still builds (and decompresses again next time).
        await fs.rm(tmp, { force: true }).catch(() => undefined);
      }
    }
  }
  headerCache.set(layer.digest, out);
  return out;
}

interface Node {
  header: TarHeader;
  layer: number;
}

const MAX_HOPS = 40; // Linux MAXSYMLINKS

/** The merged view: whiteouts applied, later layers replacing earlier entries. */
export class ImageFs {
  private constructor(
    private readonly nodes: Map<string, Node>,
    private readonly src: BlobSource,
    private readonly layers: readonly Descriptor[],
  ) {}

  /** Builds the view of `layers` (bottom first) read from `src` (header indexes kept in `indexDir`, see layerHeaders). */
  static async load(src: BlobSource, layers: readonly Descriptor[], indexDir?: string): Promise<ImageFs> {
    const nodes = new Map<string, Node>();
    const removeTree = (p: string, belowLayer: number): void => {
      for (const k of [...nodes.keys()]) if ((k === p || k.startsWith(`${p}/`) || p === "") && nodes.get(k)!.layer < belowLayer) nodes.delete(k);
    };
    for (const [i, l] of layers.entries()) {
      for (const h of await layerHeaders(src, l, indexDir)) {
        if (h.path === "") continue;
        const slash = h.path.lastIndexOf("/");
        const dir = slash === -1 ? "" : h.path.slice(0, slash);
        const base = h.path.slice(slash + 1);
        if (base === WHITEOUT_OPAQUE) {
          for (const k of [...nodes.keys()]) if ((dir === "" || k.startsWith(`${dir}/`)) && nodes.get(k)!.layer < i) nodes.delete(k);
        } else if (base.startsWith(WHITEOUT_PREFIX)) {
          removeTree(dir === "" ? base.slice(WHITEOUT_PREFIX.length) : `${dir}/${base.slice(WHITEOUT_PREFIX.length)}`, i + 1);
        } else {
          const old = nodes.get(h.path);
          if (old && old.header.type === "dir" && h.type !== "dir") removeTree(h.path, i + 1);
          nodes.set(h.path, { header: h, layer: i });
        }
      }
    }
    return new ImageFs(nodes, src, layers);
  }

  /** The entry at `path` (no symlinks followed); a directory implied by deeper entries reads as 0755 root dir. */
  lookup(path: string): TarHeader | undefined {
    const p = clean(path);
    if (p === "") return { path: "", type: "dir", mode: 0o755, uid: 0, gid: 0, size: 0, mtime: 0 };
    const n = this.nodes.get(p);
    if (n) return n.header;
    for (const k of this.nodes.keys()) if (k.startsWith(`${p}/`)) return { path: p, type: "dir", mode: 0o755, uid: 0, gid: 0, size: 0, mtime: 0 };
    return undefined;
  }

  /**
   * Resolves `path` following symlinks in every component with chroot semantics (absolute targets
   * are relative to the image root; `..` stops at the root). Returns the resolved path (relative,
   * '' = root) and its entry, undefined when it does not exist. With `followLast` false the final
   * component is not followed.
   */
  resolve(path: string, followLast = true): { path: string; header: TarHeader | undefined } {
    const todo = clean(path).split("/").filter(Boolean);
    const done: string[] = [];
    let hops = 0;
    while (todo.length > 0) {
      const c = todo.shift()!;
      if (c === "..") {
        done.pop();
        continue;
      }
      const p = [...done, c].join("/");
      const h = this.lookup(p);
      if (h?.type === "symlink" && (todo.length > 0 || followLast) && hops++ < MAX_HOPS) {
        const t = h.linkname ?? "";
        if (t.startsWith("/")) done.length = 0;
        todo.unshift(...t.split("/").filter((x) => x !== "" && x !== "."));
        continue;
      }
      done.push(c);
      if (h === undefined) {
        // Missing: the rest cannot exist either.
        return { path: [...done, ...todo].join("/"), header: undefined };
      }
    }
    const p = done.join("/");
    return { path: p, header: this.lookup(p) };
  }

  /** The content of the regular file at `path` (symlinks followed), or undefined. The layer blob is verified first. */
  async readFile(path: string): Promise<Buffer | undefined> {
    const r = this.resolve(path);
    if (r.header?.type !== "file") return undefined;
    const n = this.nodes.get(r.path);
    if (!n) return undefined;
    const l = this.layers[n.layer]!;
    // Every entry is read (a later entry of the same path wins, as when applying the layer), and
    // readTar reads the blob to its end: its digest is checked before the content is returned.
    let found: Buffer | undefined;
    for await (const e of readTar(decompress(await this.src.openBlob(l.digest, l.size)))) {
      if (clean(e.header.path) === r.path && e.header.type === "file") {
        const chunks: Buffer[] = [];
        for await (const c of e.body()) chunks.push(c);
        found = Buffer.concat(chunks);
      }
    }
    return found;
  }
}
