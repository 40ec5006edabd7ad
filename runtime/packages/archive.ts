// The Debian archive client: signed InRelease → verified Packages indices → PackagesIndex, with
// every downloaded byte checked against signed digests before it is decompressed or parsed.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Mirror } from "./aptSources.js";
import { BlobCache, httpGetBuffer } from "./cache.js";
import { compressionOf, decompressBuffer } from "./decompress.js";
import { DigestMismatchError, FetchError, ReleaseError } from "./errors.js";
import { verifyClearsigned } from "./gpg.js";
import { PackagesIndex } from "./packagesIndex.js";
import { checkRelease, parseRelease, type Release } from "./release.js";

/** How to reach and trust an archive. */
export interface ArchiveOptions {
  mirror: Mirror;
  cache: BlobCache;
  /** Clock for Valid-Until/Date checks (ms since epoch); default `Date.now`. */
  now?: () => number;
  /** Use the cached InRelease (still signature- and date-checked) instead of fetching it. */
  offline?: boolean;
  /** gpgv executable (default `gpgv` on PATH). */
  gpgv?: string;
}

/** Index compressions in order of preference (smallest download first). */
const INDEX_SUFFIXES = [".xz", ".gz", ".zst", ""] as const;

/** A verified view of one mirror. Releases and indices are memoised per instance. */
export class DebianArchive {
  readonly mirror: Mirror;
  readonly cache: BlobCache;
  private readonly now: () => number;
  private readonly offline: boolean;
  private readonly gpgv: string | undefined;
  private readonly releases = new Map<string, Promise<Release>>();
  private readonly indices = new Map<string, Promise<PackagesIndex>>();

  constructor(opts: ArchiveOptions) {
    this.mirror = opts.mirror;
    this.cache = opts.cache;
    this.now = opts.now ?? Date.now;
    this.offline = opts.offline ?? false;
    this.gpgv = opts.gpgv;
  }

  /** URL of a pool file (`Filename` of a Packages stanza). */
  poolUrl(filename: string): string {
    return `${this.mirror.uri}/${filename.replace(/^\/+/, "")}`;
  }

  /** The suite's Release, from a signature-verified InRelease (fetched, or cached when offline). */
  release(suite: string): Promise<Release> {
    let p = this.releases.get(suite);
    if (p === undefined) {
      p = this.loadRelease(suite);
      p.catch(() => this.releases.delete(suite));
      this.releases.set(suite, p);
    }
    return p;
  }

  private inReleaseCachePath(suite: string): string {
    const key = createHash("sha256").update(this.mirror.uri).digest("hex").slice(0, 16);
    return join(this.cache.root, "inrelease", key, suite.replace(/[^A-Za-z0-9._-]/g, "_"), "InRelease");
  }

  private async loadRelease(suite: string): Promise<Release> {
    const url = `${this.mirror.uri}/dists/${suite}/InRelease`;
    const cached = this.inReleaseCachePath(suite);
    let raw: Buffer;
    if (this.offline) {
      if (!existsSync(cached)) throw new FetchError(url, undefined, new Error("offline and no cached InRelease"));
      raw = await readFile(cached);
    } else {
      raw = await httpGetBuffer(url);
    }
    const doc = await verifyClearsigned(url, raw, this.mirror.keyrings, this.gpgv);
    const rel = parseRelease(url, doc.content.toString("utf8"));
    checkRelease(url, rel, suite, this.now());
    if (!this.offline) {
      await mkdir(join(cached, ".."), { recursive: true });
      const tmp = `${cached}.tmp-${process.pid}`;
      await writeFile(tmp, raw);
      await rename(tmp, cached);
    }
    return rel;
  }

  /**
   * The verified Packages index of `suite`/`component`/`binary-<arch>` (which in Debian also lists
   * the `Architecture: all` packages). The compressed file is checked against InRelease before it
   * is decompressed, and the decompressed bytes against InRelease's entry for the plain file
   * before parsing; the plain index is cached under its digest.
   */
  packagesIndex(suite: string, component: string, arch: string): Promise<PackagesIndex> {
    const key = `${suite}/${component}/${arch}`;
    let p = this.indices.get(key);
    if (p === undefined) {
      p = this.loadIndex(suite, component, arch);
      p.catch(() => this.indices.delete(key));
      this.indices.set(key, p);
    }
    return p;
  }

  private async loadIndex(suite: string, component: string, arch: string): Promise<PackagesIndex> {
    const rel = await this.release(suite);
    const base = `${component}/binary-${arch}/Packages`;
    const label = `${suite}/${component}/binary-${arch}`;
    const plain = rel.files.get(base);
    if (plain !== undefined && this.cache.has(plain.sha256)) {
      try {
        return new PackagesIndex(await this.cache.readVerified(plain.sha256), label, arch);
      } catch (e) {
        if (!(e instanceof DigestMismatchError)) throw e;
      }
    }
    const source = `${this.mirror.uri}/dists/${suite}/${base}`;
    for (const suffix of INDEX_SUFFIXES) {
      const entry = rel.files.get(base + suffix);
      if (entry === undefined) continue;
      const compressed = await this.fetchListed(rel, suite, base + suffix, entry);
      const data = await decompressBuffer(compressed, compressionOf(base + suffix) ?? "none");
      if (plain !== undefined) {
        const actual = createHash("sha256").update(data).digest("hex");
        if (actual !== plain.sha256) throw new DigestMismatchError(`${source}${suffix} (decompressed)`, plain.sha256, actual);
        await this.cache.putBuffer(data, plain, source);
      }
      return new PackagesIndex(data, label, arch);
    }
    throw new ReleaseError("PKG_RELEASE_NO_INDEX", `${this.mirror.uri}/dists/${suite}/InRelease`, `lists no ${base}{.xz,.gz,.zst,} (architectures: ${rel.architectures.join(" ")}; components: ${rel.components.join(" ")})`);
  }

  /** Downloads one file listed in the Release into the cache (by-hash URL first when offered). */
  private async fetchListed(rel: Release, suite: string, path: string, entry: { sha256: string; size: number }): Promise<Buffer> {
    const plainUrl = `${this.mirror.uri}/dists/${suite}/${path}`;
    if (!this.cache.has(entry.sha256)) {
      if (this.offline) throw new FetchError(plainUrl, undefined, new Error("offline and not cached"));
      const byHash = `${this.mirror.uri}/dists/${suite}/${path.replace(/[^/]+$/, "")}by-hash/SHA256/${entry.sha256}`;
      try {
        await this.cache.ensure(rel.acquireByHash ? byHash : plainUrl, entry);
      } catch (e) {
        if (!(rel.acquireByHash && e instanceof FetchError && e.status === 404)) throw e;
        await this.cache.ensure(plainUrl, entry);
      }
    }
    return this.cache.readVerified(entry.sha256);
  }
}
