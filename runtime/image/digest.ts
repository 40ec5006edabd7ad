// sha256 content digests (OCI image-spec descriptor.md#digests): parsing, hashing, and verifying streams.
import { createHash, type Hash } from "node:crypto";
import { open, type FileHandle } from "node:fs/promises";
import { Readable, Transform, type TransformCallback } from "node:stream";
import { BlobNotFoundError, DigestMismatchError, InvalidDigestError, SizeMismatchError, ioError } from "./errors.js";

/** A lowercase hex sha256 with its algorithm prefix (same shape as the IR's `Digest`). */
export type Digest = `sha256:${string}`;

const DIGEST_RE = /^sha256:[0-9a-f]{64}$/;

/** True if `s` is a well-formed `sha256:<64 lowercase hex>` digest. Other algorithms are not supported. */
export function isDigest(s: string): s is Digest {
  return DIGEST_RE.test(s);
}

/** Returns `s` as a Digest or throws InvalidDigestError. */
export function parseDigest(s: string): Digest {
  if (!isDigest(s)) throw new InvalidDigestError(s);
  return s;
}

/** The 64 hex characters of a digest. */
export function digestHex(d: Digest): string {
  return d.slice("sha256:".length);
}

/** The digest of an in-memory byte string (strings are hashed as UTF-8). */
export function digestOf(data: Uint8Array | string): Digest {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}

/** An incremental sha256 that also counts bytes. */
export class Digester {
  private readonly hash: Hash = createHash("sha256");
  /** Bytes seen so far. */
  size = 0;
  /** Feeds bytes. */
  update(chunk: Uint8Array): void {
    this.hash.update(chunk);
    this.size += chunk.length;
  }
  /** Finishes; call once. */
  digest(): Digest {
    return `sha256:${this.hash.digest("hex")}`;
  }
}

/**
 * A pass-through stream that hashes what flows through it. After 'finish'/'end', `result()` gives the
 * digest and byte count of everything that passed.
 */
export class DigestStream extends Transform {
  private readonly d = new Digester();
  private final: { digest: Digest; size: number } | undefined;
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.d.update(chunk);
    cb(null, chunk);
  }
  override _flush(cb: TransformCallback): void {
    this.final = { digest: this.d.digest(), size: this.d.size };
    cb();
  }
  /** Digest and size of the bytes that passed; throws if the stream has not ended. */
  result(): { digest: Digest; size: number } {
    if (this.final === undefined) throw new Error("DigestStream.result() called before the stream ended");
    return this.final;
  }
}

/**
 * A pass-through stream that fails with DigestMismatchError (or SizeMismatchError) at the end of the
 * data, or as soon as more than `size` bytes arrive, unless the content hashes to `expected`.
 * Consumers must treat data as untrusted until the stream ends without error.
 */
export class VerifyingStream extends Transform {
  private readonly d = new Digester();
  constructor(
    private readonly expected: Digest,
    private readonly size?: number,
    private readonly path?: string,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.d.update(chunk);
    if (this.size !== undefined && this.d.size > this.size) {
      cb(new SizeMismatchError(this.expected, this.size, this.d.size, { path: this.path }));
      return;
    }
    cb(null, chunk);
  }
  override _flush(cb: TransformCallback): void {
    if (this.size !== undefined && this.d.size !== this.size) {
      cb(new SizeMismatchError(this.expected, this.size, this.d.size, { path: this.path }));
      return;
    }
    const actual = this.d.digest();
    if (actual !== this.expected) cb(new DigestMismatchError(this.expected, actual, { path: this.path }));
    else cb();
  }
}

/**
 * A stream of the open file `fh` (at `path`) that must hash to `expected` (and be `size` bytes):
 * a mismatch errors the stream at its end, a read failure errors it with the path. Nothing is read
 * until the stream is consumed, so an error can never fire before the consumer is listening (a
 * small blob read eagerly used to fail verification with no listener attached: an uncaught
 * 'error' event instead of a DigestMismatchError for the caller). The file is closed at the end.
 */
export function verifiedFileStream(fh: FileHandle, expected: Digest, size: number | undefined, path: string): Readable {
  async function* chunks(): AsyncGenerator<Buffer> {
    const rs = fh.createReadStream();
    const v = new VerifyingStream(expected, size, path);
    rs.on("error", (e) => v.destroy(ioError(e, path, "cannot read blob")));
    yield* rs.pipe(v) as AsyncIterable<Buffer>;
  }
  return Readable.from(chunks(), { objectMode: false });
}

/**
 * Opens the blob file `path` for a verified read (see verifiedFileStream); a file that cannot be
 * opened is a BlobNotFoundError naming the digest and path. Shared by the store and OCI layouts.
 */
export async function openBlobFile(path: string, digest: Digest, size?: number): Promise<Readable> {
  return verifiedFileStream(await openBlobHandle(path, digest), digest, size, path);
}

/** Opens blob file `path` for reading; a file that cannot be opened is a BlobNotFoundError. */
async function openBlobHandle(path: string, digest: Digest): Promise<FileHandle> {
  try {
    return await open(path, "r");
  } catch (e) {
    throw new BlobNotFoundError(digest, { path, cause: e });
  }
}

/**
 * Reads the blob file `path` whole and verifies it, with the same errors as `openBlobFile` and its
 * stream: for the small documents (indexes, manifests, configs) every build reads, one read and one
 * hash instead of a stream pipeline. Shared by the store and OCI layouts.
 */
export async function readBlobFile(path: string, digest: Digest, size?: number): Promise<Buffer> {
  const fh = await openBlobHandle(path, digest);
  let bytes: Buffer;
  try {
    bytes = await fh.readFile();
  } catch (e) {
    throw ioError(e, path, "cannot read blob");
  } finally {
    await fh.close();
  }
  if (size !== undefined && bytes.length !== size) throw new SizeMismatchError(digest, size, bytes.length, { path });
  const actual = digestOf(bytes);
  if (actual !== digest) throw new DigestMismatchError(digest, actual, { path });
  return bytes;
}
