// The run fast path's image cache: entries are per store, so two stores holding the same manifest
// digest (images are deterministic) never run on each other's unpacked layers.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { cachedImage, rememberImage } from "../../runtime/container/imageRunCache.js";

const work = mkdtempSync(join(tmpdir(), "vmspec-runcache-"));
const saved = process.env.VMSPEC_CACHE;
process.env.VMSPEC_CACHE = join(work, "cache");
const digest = `sha256:${"a".repeat(64)}`;

/** A store dir whose index.json tags `digest` as app:latest, with one unpacked layer dir. */
function store(name: string): { root: string; lower: string } {
  const root = join(work, name);
  const lower = join(root, ".vmspec", "unpacked", "sha256:" + "b".repeat(64));
  mkdirSync(lower, { recursive: true });
  writeFileSync(join(root, "index.json"), JSON.stringify({ schemaVersion: 2, manifests: [{ digest, annotations: { "org.opencontainers.image.ref.name": "app:latest" } }] }));
  return { root, lower };
}

test("an entry is found for its own store only", () => {
  const a = store("a");
  const b = store("b");
  rememberImage({ store: a.root, digest, config: { Cmd: ["true"] }, lower: [a.lower] });
  assert.equal(cachedImage(a.root, "app")?.lower, [a.lower]);
  assert.is(cachedImage(b.root, "app"), undefined, "store b must take the full path, not use a's layers");
  rememberImage({ store: b.root, digest, config: { Cmd: ["true"] }, lower: [b.lower] });
  assert.equal(cachedImage(b.root, "app")?.lower, [b.lower]);
  assert.equal(cachedImage(a.root, "app")?.lower, [a.lower], "b's entry does not replace a's");
});

test("an entry whose lower dirs lie outside its store, or are gone, is ignored", () => {
  const c = store("c");
  const other = store("d");
  rememberImage({ store: c.root, digest, config: {}, lower: [other.lower] });
  assert.is(cachedImage(c.root, "app"), undefined);
  rememberImage({ store: c.root, digest, config: {}, lower: [c.lower] });
  rmSync(c.lower, { recursive: true });
  assert.is(cachedImage(c.root, "app"), undefined);
});

test.after(() => {
  if (saved === undefined) delete process.env.VMSPEC_CACHE;
  else process.env.VMSPEC_CACHE = saved;
  rmSync(work, { recursive: true, force: true });
});
test.run();
