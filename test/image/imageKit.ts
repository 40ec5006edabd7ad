// Test kit: random images built through the public API, checked with validateImage after every mutation.
import * as fs from "node:fs/promises";
import { join } from "node:path";
import * as assert from "uvu/assert";
import { Store } from "../../runtime/image/store.js";
import { createLayerFromDir } from "../../runtime/image/layer.js";
import { appendLayer, scratchImage, updateConfig, validateImage, withMachine, writeImage, type Image } from "../../runtime/image/manifest.js";
import type { Descriptor } from "../../runtime/image/ociTypes.js";
import { randomTree, featureTree } from "./treeKit.js";
import type { MachineSpec } from "../../compiler/ir/types.js";

/** A machine spec for fixtures. */
export const machine: MachineSpec = {
  declared: true,
  cpus: 2,
  memoryBytes: 512 * 1024 * 1024,
  diskBytes: 4 * 1024 * 1024 * 1024,
  arch: "amd64",
  launch: "container",
  kernel: null,
  network: { mode: "user", ports: [{ host: 8080, guest: 80, protocol: "tcp" }] },
};

/** Writes `img` and asserts validateImage finds nothing (deep). */
export async function writeValid(store: Store, img: Image): Promise<Descriptor> {
  const { manifest } = await writeImage(store, img);
  const problems = await validateImage(store, manifest, { deep: true });
  assert.equal(problems, [], problems.join("\n"));
  return manifest;
}

/**
 * Builds an image of `layers` layers from the given tree dirs (created under `work`), with config
 * updates between them, validating after every mutation. Returns the final descriptor and trees.
 */
export async function randomImage(store: Store, work: string, layers: number, seed = 0, opts: { features?: boolean; trees?: string[] } = {}): Promise<{ desc: Descriptor; trees: string[]; image: Image }> {
  let img = scratchImage({ os: "linux", architecture: "amd64" });
  const trees: string[] = [];
  for (let i = 0; i < layers; i++) {
    const t = opts.trees?.[i] ?? join(work, `tree-${seed}-${i}`);
    if (!opts.trees) {
      await fs.mkdir(t, { recursive: true });
      if (opts.features && i === 0) await featureTree(t, seed);
      else await randomTree(join(t, `layer${i}`), 5 + i, 2000);
    }
    trees.push(t);
    img = appendLayer(img, await createLayerFromDir(store, t), { createdBy: `COPY tree${i} /` });
    await writeValid(store, img);
    img = updateConfig(img, (c) => ({ ...c, Env: [...(c.Env ?? []), `STEP${i}=${seed}`] }), { createdBy: `ENV STEP${i}=${seed}` });
    await writeValid(store, img);
  }
  img = updateConfig(img, (c) => ({ ...c, Cmd: ["/bin/sh"], WorkingDir: "/", ExposedPorts: { "80/tcp": {} }, Labels: { "org.example": "x" } }), { createdBy: "CMD [\"/bin/sh\"]" });
  img = withMachine(img, machine);
  const desc = await writeValid(store, img);
  return { desc, trees, image: img };
}
