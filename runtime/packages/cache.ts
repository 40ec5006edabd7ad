// The content-addressed cache: blobs stored under their sha256 (`<root>/blobs/sha256/<hex>`),
// written through a temp file that is verified while streaming and atomically renamed; reads verify.
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream, existsSync } from "node:fs";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { DigestMismatchError, FetchError } from "./errors.js";
import { deferredCaOptions } from "./extraCa.js";

/** The environment variable overriding the cache directory. */
export const CACHE_ENV = "VMSPEC_CACHE";

/** Cache root: `dir` if given, else $VMSPEC_CACHE, else $XDG_CACHE_HOME/vmspec, else ~/.cache/vmspec. */
export function defaultCacheDir(dir?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (dir !== undefined && dir !== "") return dir;
  if (env[CACHE_ENV]) return env[CACHE_ENV]!;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, "vmspec");
  return join(homedir(), ".cache", "vmspec");
}

/** What a blob must be. */
export interface Expected {
  /** Lowercase hex sha256. */
  sha256: string;
  /** Size in bytes, when known. */
  size?: number;
}

/** The blob store. All methods are safe to call concurrently for the same digest. */
export class BlobCache {
  /** Root directory of the cache. */
  readonly root: string;
  constructor(root: string) {
    this.root = root;
  }

  /** Path where the blob with `sha256` lives (whether or not it exists). */
  blobPath(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new DigestMismatchError(this.root, "a 64-digit lowercase hex sha256", sha256, "malformed digest");
    return join(this.root, "blobs", "sha256", sha256);
  }

  /** True if the blob is present (not verified; `readVerified`/`ensure` verify). */
  has(sha256: string): boolean {
    return existsSync(this.blobPath(sha256));
  }

  /**
   * Stores the bytes of `body` as blob `want.sha256`, hashing while streaming into a temp file in
   * the same directory and renaming it into place only if digest and size match. On mismatch the
   * partial file is deleted and `DigestMismatchError` (with both digests) is thrown. Idempotent.
   */
  async putStream(body: Readable, want: Expected, source: string): Promise<string> {
    const final = this.blobPath(want.sha256);
    await mkdir(dirname(final), { recursive: true });
    const tmp = `${final}.partial-${process.pid}-${randomBytes(4).toString("hex")}`;
    const hash = createHash("sha256");
    let size = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        size += chunk.length;
        if (want.size !== undefined && size > want.size) cb(new DigestMismatchError(source, want.sha256, "(incomplete)", `more than the expected ${want.size} bytes`));
        else cb(null, chunk);
      },
    });
    try {
      await pipeline(body, tap, createWriteStream(tmp, { mode: 0o644 }));
      const actual = hash.digest("hex");
      if (actual !== want.sha256 || (want.size !== undefined && size !== want.size)) {
        throw new DigestMismatchError(source, want.sha256, actual, want.size !== undefined && size !== want.size ? `size ${size}, expected ${want.size}` : "");
      }
      await rename(tmp, final);
      return final;
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  }

  /** Stores an in-memory buffer (verified like `putStream`). */
  async putBuffer(data: Buffer, want: Expected, source: string): Promise<string> {
    const actual = createHash("sha256").update(data).digest("hex");
    if (actual !== want.sha256 || (want.size !== undefined && data.length !== want.size)) throw new DigestMismatchError(source, want.sha256, actual);
    const final = this.blobPath(want.sha256);
    await mkdir(dirname(final), { recursive: true });
    const tmp = `${final}.partial-${process.pid}-${randomBytes(4).toString("hex")}`;
    await writeFile(tmp, data, { mode: 0o644 });
    await rename(tmp, final);
    return final;
  }

  /** Reads a blob and re-verifies its digest; a corrupt blob is deleted and `DigestMismatchError` thrown. */
  async readVerified(sha256: string): Promise<Buffer> {
    const p = this.blobPath(sha256);
    const data = await readFile(p);
    const actual = createHash("sha256").update(data).digest("hex");
    if (actual !== sha256) {
      await rm(p, { force: true });
      throw new DigestMismatchError(p, sha256, actual, "cached blob corrupted; removed");
    }
    return data;
  }

  /** Re-hashes a blob on disk without loading it whole; deletes it and throws on mismatch. */
  async verifyFile(sha256: string): Promise<string> {
    const p = this.blobPath(sha256);
    const hash = createHash("sha256");
    await pipeline(createReadStream(p), hash);
    const actual = hash.digest("hex");
    if (actual !== sha256) {
      await rm(p, { force: true });
      throw new DigestMismatchError(p, sha256, actual, "cached blob corrupted; removed");
    }
    return p;
  }

  /**
   * Returns the path of blob `want`, downloading it from `url` first if absent (verified while
   * streaming). A present blob is re-verified unless `trustPresent` is set.
   */
  async ensure(url: string, want: Expected, opts: { trustPresent?: boolean } = {}): Promise<string> {
    if (this.has(want.sha256)) {
      try {
        if (opts.trustPresent) {
          const st = await stat(this.blobPath(want.sha256));
          if (want.size === undefined || st.size === want.size) return this.blobPath(want.sha256);
        } else return await this.verifyFile(want.sha256);
      } catch {
        // fall through: fetch again
      }
    }
    const body = await httpGet(url);
    return this.putStream(body, want, url);
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 20;
/** No response headers or body bytes for this long: the download fails (as Node's fetch does). */
const IDLE_TIMEOUT_MS = 300_000;

/**
 * GETs `url` (http or https, following up to 20 redirects) and returns the response body as a
 * Node stream; no Accept-Encoding is sent, so the bytes are the file's own. Throws `FetchError`.
 *
 * node:http(s) rather than the global fetch: fetch cannot be given CA certificates in Node 20, and
 * HTTPS must trust NODE_EXTRA_CA_CERTS even when the launcher deferred it (extraCa.ts). When it
 * did, HTTPS requests carry Node's bundled roots plus that file's certificates, loaded on the first
 * HTTPS request; otherwise Node's default store (which then already holds them) is used.
 */
export async function httpGet(url: string): Promise<Readable> {
  let target = url;
  for (let hop = 0; ; hop++) {
    let u: URL;
    try {
      u = new URL(target);
    } catch (e) {
      throw new FetchError(url, undefined, e);
    }
    if (u.protocol !== "http:" && u.protocol !== "https:") throw new FetchError(url, undefined, new Error(`unsupported URL scheme ${u.protocol}`));
    const res = await getOnce(u).catch((e: unknown) => {
      throw new FetchError(url, undefined, e);
    });
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (REDIRECTS.has(status) && location !== undefined) {
      res.resume();
      if (hop >= MAX_REDIRECTS) throw new FetchError(url, undefined, new Error(`more than ${MAX_REDIRECTS} redirects`));
      target = new URL(location, u).href;
      continue;
    }
    if (status < 200 || status > 299) {
      res.resume();
      throw new FetchError(url, status);
    }
    return res;
  }
}

let extraCaAgent: import("node:https").Agent | undefined;

/** One GET without redirects: resolves with the response once its headers arrived. */
async function getOnce(u: URL): Promise<import("node:http").IncomingMessage> {
  let get: typeof import("node:http").get;
  let agent: import("node:http").Agent | undefined;
  if (u.protocol === "https:") {
    const https = await import("node:https");
    const ca = await deferredCaOptions();
    if (ca !== undefined) agent = extraCaAgent ??= new https.Agent({ keepAlive: true, ...ca });
    get = https.get;
  } else get = (await import("node:http")).get;
  return new Promise((ok, fail) => {
    const req = get(u, { ...(agent !== undefined ? { agent } : {}), timeout: IDLE_TIMEOUT_MS }, ok);
    req.on("error", fail);
    // An idle socket (no headers, or later no body bytes) ends the request; a started body errors.
    req.on("timeout", () => req.destroy(new Error(`no data for ${IDLE_TIMEOUT_MS / 1000} s`)));
  });
}

/** GETs `url` into memory. Throws `FetchError`. */
export async function httpGetBuffer(url: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  try {
    for await (const c of await httpGet(url)) chunks.push(c as Buffer);
  } catch (e) {
    if (e instanceof FetchError) throw e;
    throw new FetchError(url, undefined, e);
  }
  return Buffer.concat(chunks);
}
