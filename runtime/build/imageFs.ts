// A read-only metadata view of an image's merged filesystem, from its layers' tar headers (contents read on demand).
import { decompress } from "../image/compression.js";
import type { Digest } from "../image/digest.js";
import { WHITEOUT_OPAQUE, WHITEOUT_PREFIX } from "../image/layerEntries.js";
import type { Descriptor } from "../image/ociTypes.js";
import type { BlobSource } from "../image/store.js";
import type { TarHeader } from "../image/tarFormat.js";
import { readTar } from "../image/tarReader.js";

const headerCache = new Map<Digest, TarHeader[]>();

function clean(p: string): string {
  return p.split("/").filter((c) => c !== "" && c !== ".").join("/");
}

/** The headers of one layer (cached per process by layer digest; bodies are skipped). */
export async function layerHeaders(src: BlobSource, layer: Descriptor): Promise<TarHeader[]> {
  const hit = headerCache.get(layer.digest);
  if (hit) return hit;
  const out: TarHeader[] = [];
  for await (const e of readTar(decompress(await src.openBlob(layer.digest, layer.size)))) out.push({ ...e.header, path: clean(e.header.path) });
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

  /** Builds the view of `layers` (bottom first) read from `src`. */
  static async load(src: BlobSource, layers: readonly Descriptor[]): Promise<ImageFs> {
    const nodes = new Map<string, Node>();
    const removeTree = (p: string, belowLayer: number): void => {
      for (const k of [...nodes.keys()]) if ((k === p || k.startsWith(`${p}/`) || p === "") && nodes.get(k)!.layer < belowLayer) nodes.delete(k);
    };
    for (const [i, l] of layers.entries()) {
      for (const h of await layerHeaders(src, l)) {
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

  /** The content of the regular file at `path` (symlinks followed), or undefined. */
  async readFile(path: string): Promise<Buffer | undefined> {
    const r = this.resolve(path);
    if (r.header?.type !== "file") return undefined;
    const n = this.nodes.get(r.path);
    if (!n) return undefined;
    const l = this.layers[n.layer]!;
    for await (const e of readTar(decompress(await this.src.openBlob(l.digest, l.size)))) {
      if (clean(e.header.path) === r.path && e.header.type === "file") {
        const chunks: Buffer[] = [];
        for await (const c of e.body()) chunks.push(c);
        return Buffer.concat(chunks);
      }
    }
    return undefined;
  }
}
