// Child process used by store.test.ts: writes blobs and tags images into a store (killed mid-way, or run concurrently).
import { Readable } from "node:stream";
import { randomBytes } from "node:crypto";
import { Store } from "../../runtime/image/store.js";
import { MT_OCI_CONFIG, MT_OCI_LAYER_TAR, MT_OCI_MANIFEST } from "../../runtime/image/mediaTypes.js";

const [root, mode, prefix, countText] = process.argv.slice(2) as [string, string, string, string];
const store = await Store.open(root);
const count = Number(countText);

async function writeImage(name: string): Promise<void> {
  const layer = await store.putBlob(randomBytes(4096));
  const config = await store.putJson({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [layer.digest] }, name });
  const manifest = await store.putJson({
    schemaVersion: 2,
    mediaType: MT_OCI_MANIFEST,
    config: { mediaType: MT_OCI_CONFIG, digest: config.digest, size: config.size },
    layers: [{ mediaType: MT_OCI_LAYER_TAR, digest: layer.digest, size: layer.size }],
  });
  await store.tag(name, { mediaType: MT_OCI_MANIFEST, digest: manifest.digest, size: manifest.size });
}

if (mode === "tags") {
  for (let i = 0; i < count; i++) await writeImage(`${prefix}:t${i}`);
  await store.close();
} else if (mode === "forever") {
  // Interleave tagging with a slow endless blob so a SIGKILL lands anywhere.
  let i = 0;
  process.stdout.write("started\n");
  for (;;) {
    await writeImage(`${prefix}:t${i++}`);
    if (i % 3 === 0) {
      const endless = new Readable({
        read() {
          setTimeout(() => this.push(randomBytes(65536)), 1);
        },
      });
      await store.putBlob(endless);
    }
  }
}
