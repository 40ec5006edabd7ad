// Benchmark: layer creation throughput (MB/s of tree data) of createLayer vs `tar -c | gzip` on the same generated tree.
//
// Usage: node dist/bench/layers.js [SIZE_MB=500] [--keep]
// The tree is half incompressible (random) and half compressible (repetitive text) files of
// 4 KiB–1 MiB, in nested directories. Each variant runs twice; the best time is printed.
import * as fs from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { spawnSync } from "node:child_process";
import { Store } from "../runtime/image/store.js";
import { createLayerFromDir } from "../runtime/image/layer.js";

const args = process.argv.slice(2);
const sizeMb = Number(args.find((a) => /^\d+$/.test(a)) ?? 500);
const work = await fs.mkdtemp(join(tmpdir(), "vmspec-bench-layers-"));
const tree = join(work, "tree");

async function generate(): Promise<{ bytes: number; files: number }> {
  let bytes = 0;
  let files = 0;
  const target = sizeMb * 1e6;
  const text = Buffer.from("the quick brown fox jumps over the lazy dog 0123456789\n".repeat(20000));
  while (bytes < target) {
    const dir = join(tree, `d${files % 13}`, `e${files % 5}`);
    await fs.mkdir(dir, { recursive: true });
    const size = Math.min(target - bytes, 4096 + Math.floor(Math.random() * (1 << 20)));
    const data = files % 2 === 0 ? randomBytes(size) : text.subarray(files % 1000, (files % 1000) + size);
    await fs.writeFile(join(dir, `f${files}`), data);
    bytes += data.length;
    files++;
  }
  return { bytes, files };
}

async function time(fn: () => Promise<void> | void): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < 2; i++) {
    const t = process.hrtime.bigint();
    await fn();
    best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e9);
  }
  return best;
}

const { bytes, files } = await generate();
spawnSync("sync");
console.log(`tree: ${files} files, ${(bytes / 1e6).toFixed(0)} MB (half random, half text), ${tmpdir()}`);
const mb = bytes / 1e6;
const rows: [string, number, string][] = [];

for (const level of [6, 1]) {
  let size = 0;
  const t = await time(async () => {
    const storeDir = join(work, `store-${level}`);
    await fs.rm(storeDir, { recursive: true, force: true });
    const store = await Store.open(storeDir);
    const l = await createLayerFromDir(store, tree, { gzipLevel: level });
    size = l.descriptor.size;
    await store.close();
  });
  rows.push([`vmspec createLayer (gzip -${level}, fsync'd into the store)`, t, `${(size / 1e6).toFixed(0)} MB`]);
}
{
  let size = 0;
  const storeDir = join(work, "store-none");
  const t = await time(async () => {
    await fs.rm(storeDir, { recursive: true, force: true });
    const store = await Store.open(storeDir);
    size = (await createLayerFromDir(store, tree, { compression: "none" })).descriptor.size;
    await store.close();
  });
  rows.push(["vmspec createLayer (uncompressed)", t, `${(size / 1e6).toFixed(0)} MB`]);
}
for (const level of [6, 1]) {
  const out = join(work, `tar-${level}.tgz`);
  const t = await time(() => {
    const r = spawnSync("sh", ["-c", `tar -C "$1" --sort=name --numeric-owner --mtime=@0 -cf - . | gzip -${level} > "$2"`, "sh", tree, out]);
    if (r.status !== 0) throw new Error(`tar|gzip failed: ${r.stderr}`);
  });
  rows.push([`tar -c | gzip -${level}`, t, `${((await fs.stat(out)).size / 1e6).toFixed(0)} MB`]);
}
{
  const out = join(work, "tar.tar");
  const t = await time(() => {
    spawnSync("sh", ["-c", `tar -C "$1" --sort=name -cf "$2" .`, "sh", tree, out]);
  });
  rows.push(["tar -c (uncompressed)", t, `${((await fs.stat(out)).size / 1e6).toFixed(0)} MB`]);
}

const w = Math.max(...rows.map((r) => r[0].length));
for (const [name, t, size] of rows) console.log(`${name.padEnd(w)}  ${t.toFixed(2).padStart(6)} s  ${(mb / t).toFixed(0).padStart(5)} MB/s  -> ${size}`);
if (!args.includes("--keep")) await fs.rm(work, { recursive: true, force: true });
