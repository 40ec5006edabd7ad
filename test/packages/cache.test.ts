// The content-addressed cache: verified writes (no partial file left on mismatch), verified reads
// (a corrupted blob is removed), re-download of a corrupted blob, and malformed .deb containers.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createHash } from "node:crypto";
import { createServer } from "node:http";
import { readdirSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { BlobCache } from "../../runtime/packages/cache.js";
import { debLayout } from "../../runtime/packages/debFile.js";
import { DebFormatError, DigestMismatchError, FetchError } from "../../runtime/packages/errors.js";
import { removeTempDirs, tempDir } from "./support/debs.js";

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const data = Buffer.from("hello, cache\n".repeat(1000));

async function error(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => undefined,
    (e: unknown) => e,
  );
}

test("putStream stores only verified bytes; a mismatch leaves nothing behind and names both digests", async () => {
  const c = new BlobCache(tempDir());
  const p = await c.putStream(Readable.from([data.subarray(0, 100), data.subarray(100)]), { sha256: sha(data), size: data.length }, "src");
  assert.ok(c.has(sha(data)));
  assert.is(p, c.blobPath(sha(data)));
  const wrong = "0".repeat(64);
  const e = await error(c.putStream(Readable.from([data]), { sha256: wrong }, "http://src.invalid/x.deb"));
  assert.instance(e, DigestMismatchError);
  assert.is((e as DigestMismatchError).expected, wrong);
  assert.is((e as DigestMismatchError).actual, sha(data));
  assert.match((e as DigestMismatchError).message, "http://src.invalid/x.deb");
  const tooBig = await error(c.putStream(Readable.from([data]), { sha256: sha(data.subarray(1)), size: data.length - 1 }, "src"));
  assert.instance(tooBig, DigestMismatchError);
  assert.equal(readdirSync(join(c.root, "blobs", "sha256")), [sha(data)]);
  assert.throws(() => c.blobPath("../../etc/passwd"), (x: unknown) => x instanceof DigestMismatchError);
});

test("a corrupted blob is detected on read, removed, and fetched again by ensure()", async () => {
  let hits = 0;
  const server = createServer((req, res) => {
    hits++;
    if (req.url === "/blob") res.end(data);
    else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  try {
    const c = new BlobCache(tempDir());
    const want = { sha256: sha(data), size: data.length };
    const p = await c.ensure(`${url}/blob`, want);
    assert.is(hits, 1);
    await c.ensure(`${url}/blob`, want);
    assert.is(hits, 1, "a good cached blob is not downloaded again");
    writeFileSync(p, "tampered");
    const e = await error(c.readVerified(want.sha256));
    assert.instance(e, DigestMismatchError);
    assert.not.ok(existsSync(p), "corrupted blob removed");
    writeFileSync(p, "tampered again");
    await c.ensure(`${url}/blob`, want);
    assert.is(hits, 2);
    assert.ok((await c.readVerified(want.sha256)).equals(data));
    const missing = await error(c.ensure(`${url}/nope`, { sha256: "1".repeat(64) }));
    assert.instance(missing, FetchError);
    assert.is((missing as FetchError).status, 404);
  } finally {
    await new Promise<void>((ok) => server.close(() => ok()));
  }
});

test("malformed .deb containers are DebFormatErrors", async () => {
  const dir = tempDir();
  const cases: [string, Buffer][] = [
    ["not-ar", Buffer.from("PK\x03\x04 zip, not ar")],
    ["truncated", Buffer.concat([Buffer.from("!<arch>\ndebian-binary/  0           0     0     100644  4         `\n2.0\n"), Buffer.from("control.tar.gz/ 0           0     0     100644  999       `\nxx")])],
    ["no-data", Buffer.from("!<arch>\ndebian-binary/  0           0     0     100644  4         `\n2.0\n")],
    ["bad-version", Buffer.from("!<arch>\ndebian-binary/  0           0     0     100644  4         `\n3.0\n")],
  ];
  for (const [name, bytes] of cases) {
    const p = join(dir, `${name}.deb`);
    writeFileSync(p, bytes);
    const e = await error(debLayout(p));
    assert.instance(e, DebFormatError, name);
  }
});

test.after(removeTempDirs);
test.run();
