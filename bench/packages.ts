// Benchmark of the Debian package source: Packages parse time (trixie main amd64), resolve time for
// python3-minimal, and download + unpack times for busybox-static and the riscv64 kernel package.
// Needs the configured mirror (apt sources or $VMSPEC_DEBIAN_MIRROR). Wall-clock milliseconds.
// Run: npm run build && node dist/bench/packages.js
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BlobCache, DebianArchive, PackagesIndex, Universe, defaultCacheDir, fetchPackages, findMirror, loadUniverse, resolve, unpackDeb, writeDpkgDatabase, fetchPackageFile } from "../runtime/packages/index.js";

let cpu0 = process.cpuUsage();

/** Wall ms since `t0`; also remembers the CPU time (user+system) since the last `t = performance.now()` mark via `mark()`. */
function ms(t0: number): number {
  return performance.now() - t0;
}

/** Starts a measurement: returns the wall start and resets the CPU baseline. */
function mark(): number {
  cpu0 = process.cpuUsage();
  return performance.now();
}

/** CPU ms (user+system of this process, including GC and WASM) since the last `mark()`. */
function cpu(): number {
  const c = process.cpuUsage(cpu0);
  return (c.user + c.system) / 1000;
}

function fmt(n: number): string {
  return `${n.toFixed(1)} ms`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

const cacheDir = process.env.BENCH_CACHE ?? defaultCacheDir();
const row = (k: string, v: string) => console.log(`${k.padEnd(66)} ${v}`);

// 1. Parse: the trixie main amd64 Packages index (uncompressed bytes from the verified cache).
const archive = new DebianArchive({ mirror: findMirror({ suite: "trixie" }), cache: new BlobCache(cacheDir) });
let t = mark();
await archive.packagesIndex("trixie", "main", "amd64");
row("warm-up: InRelease + index (download if not cached)", `${fmt(ms(t))} (cpu ${fmt(cpu())})`);
const rel = await archive.release("trixie");
const plain = rel.files.get("main/binary-amd64/Packages")!;
const buf = readFileSync(archive.cache.blobPath(plain.sha256));
row("trixie main amd64 Packages size", `${(buf.length / 1e6).toFixed(1)} MB`);
const parse: number[] = [];
const parseCpu: number[] = [];
let idx!: PackagesIndex;
for (let i = 0; i < 7; i++) {
  t = mark();
  idx = new PackagesIndex(buf, "trixie/main/amd64", "amd64");
  parse.push(ms(t));
  parseCpu.push(cpu());
}
row(`parse (stanza scan + name table), ${idx.size} stanzas: first / median of 7`, `${fmt(parse[0]!)} / ${fmt(median(parse))} (cpu ${fmt(parseCpu[0]!)} / ${fmt(median(parseCpu))})`);
t = mark();
idx.providersOf("x");
row("Provides table (first virtual lookup)", `${fmt(ms(t))} (cpu ${fmt(cpu())})`);
t = mark();
let fields = 0;
for (let i = 0; i < idx.size; i++) fields += idx.allFields(i).length;
row(`full materialisation of all ${fields} fields`, `${fmt(ms(t))} (cpu ${fmt(cpu())})`);
t = mark();
const fresh = new DebianArchive({ mirror: findMirror({ suite: "trixie" }), cache: new BlobCache(cacheDir) });
await fresh.packagesIndex("trixie", "main", "amd64");
row("load from cache: InRelease fetch+gpgv, read, sha256 verify, parse", `${fmt(ms(t))} (cpu ${fmt(cpu())})`);

// 2. Resolve python3-minimal on a freshly parsed index (cold: builds the Provides table) and warm.
const cold = new Universe([new PackagesIndex(buf, "trixie/main/amd64", "amd64")]);
t = mark();
const set = resolve(cold, [{ name: "python3-minimal" }], { arch: "amd64" });
row(`resolve python3-minimal (${set.length} pkgs), cold index`, `${fmt(ms(t))} (cpu ${fmt(cpu())})`);
const warm: number[] = [];
const warmCpu: number[] = [];
for (let i = 0; i < 20; i++) {
  t = mark();
  resolve(cold, [{ name: "python3-minimal" }], { arch: "amd64" });
  warm.push(ms(t));
  warmCpu.push(cpu());
}
row("resolve python3-minimal, warm (median of 20)", `${fmt(median(warm))} (cpu ${fmt(median(warmCpu))})`);

// 3. Download + unpack into an empty cache and root.
async function downloadAndUnpack(label: string, suite: string, arch: string, name: string): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), "vmspec-bench-"));
  const opts = { cacheDir: join(tmp, "cache") };
  try {
    const u = await loadUniverse(suite, arch, { cacheDir });
    const e = u.versionsOf(name)[0]!;
    const ref = { name: e.name, version: e.version, arch: e.arch, filename: e.filename, sha256: e.sha256, size: e.size };
    t = mark();
    const [deb] = await fetchPackages(suite, [ref], opts);
    const dl = ms(t);
    const dlCpu = cpu();
    t = mark();
    const root = join(tmp, "root");
    const up = await unpackDeb(deb!, root);
    await writeDpkgDatabase(root, [up]);
    const un = ms(t);
    const unCpu = cpu();
    row(`${label}: ${e.name} ${e.version} (${(e.size / 1e6).toFixed(1)} MB) download / unpack`, `${fmt(dl)} / ${fmt(un)} (cpu ${fmt(dlCpu)} / ${fmt(unCpu)}; ${up.paths.length} paths)`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
await downloadAndUnpack("bookworm amd64", "bookworm", "amd64", "busybox-static");
await downloadAndUnpack("trixie riscv64", "trixie", "riscv64", "busybox-static");
const rv = await loadUniverse("trixie", "riscv64", { cacheDir });
const kernel = rv.versionsOf("linux-image-riscv64")[0]!.depends[0]![0]!.name;
await downloadAndUnpack("trixie riscv64 kernel", "trixie", "riscv64", kernel);
const tmp = mkdtempSync(join(tmpdir(), "vmspec-bench-"));
t = mark();
const f = await fetchPackageFile({ suite: "trixie", arch: "riscv64", package: "linux-image-riscv64", path: /^\/boot\/vmlinu[xz]-/ }, { cacheDir: join(tmp, "cache") });
row(`fetchPackageFile kernel ${f.member} (empty cache: download + extract)`, `${fmt(ms(t))} (cpu ${fmt(cpu())})`);
t = mark();
await fetchPackageFile({ suite: "trixie", arch: "riscv64", package: "linux-image-riscv64", path: /^\/boot\/vmlinu[xz]-/ }, { cacheDir: join(tmp, "cache") });
row("fetchPackageFile kernel again (cached, re-hashed)", `${fmt(ms(t))} (cpu ${fmt(cpu())})`);
rmSync(tmp, { recursive: true, force: true });
