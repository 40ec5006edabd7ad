// Human-readable rendering of store contents for the CLI: sizes, ages, tables, image summaries.
import type { Store, StoreImage } from "./store.js";
import { readImage, type LoadedImage } from "./manifest.js";
import { digestHex } from "./digest.js";

/** Bytes as `1.5MB`-style decimal units (as `docker images` prints). */
export function humanSize(n: number): string {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let v = n;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return i === 0 ? `${n}B` : `${v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0)}${units[i]}`;
}

/** Left-aligned columns separated by three spaces. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("   ").trimEnd()).join("\n");
}

/** A row of `vmspec images`. */
export interface ImageSummary {
  name: string | null;
  digest: string;
  created: string | null;
  platform: string;
  /** Config + manifest + compressed layers, in bytes. */
  size: number;
  layers: number;
}

/** Summarizes one index entry (reads its manifest and config, verified). */
export async function summarize(store: Store, entry: StoreImage): Promise<{ summary: ImageSummary; image: LoadedImage }> {
  const image = await readImage(store, entry.descriptor);
  const size = image.manifestDescriptor.size + image.configDescriptor.size + image.layers.reduce((a, l) => a + l.size, 0);
  const c = image.config;
  return {
    image,
    summary: {
      name: entry.name,
      digest: entry.descriptor.digest,
      created: c.created ?? null,
      platform: `${c.os}/${c.architecture}${c.variant ? `/${c.variant}` : ""}`,
      size,
      layers: image.layers.length,
    },
  };
}

/** The short id shown in tables: the first 12 hex digits of the manifest digest. */
export function shortId(digest: string): string {
  return digestHex(digest as `sha256:${string}`).slice(0, 12);
}
