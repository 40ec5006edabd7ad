// `vmspec export-bundle IMAGE DIR`: writes an OCI runtime bundle (config.json + rootfs/) for an image.
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { ContainerError } from "../../runtime/container/index.js";
import { processFromImage } from "../../runtime/container/imageRootfs.js";
import { writeBundle } from "../../runtime/container/ociRuntime.js";
import { applyLayer } from "../../runtime/image/extract.js";
import { readImage } from "../../runtime/image/manifest.js";
import type { Digest } from "../../runtime/image/digest.js";
import { parseMounts, parseRunArgs, specFromOptions } from "./run.js";
import { openStore } from "./store.js";

const HELP = `Usage: vmspec export-bundle [OPTIONS] IMAGE DIR [COMMAND [ARG...]]

Write an OCI runtime bundle for IMAGE into DIR (which must be empty or missing): DIR/rootfs with
the image's layers applied, and DIR/config.json (OCI runtime spec 1.0.2) built from the image
config and the options, exactly as \`vmspec run --runtime runc\` would. Run it with e.g.
\`runc run --bundle DIR ID\`.

Accepts the process and isolation options of \`vmspec run\` (-e, --env-file, -w, -u, -v, --tmpfs,
--read-only, --network, --hostname, --entrypoint, -t, -m, --cpus, --pids-limit, --ulimit,
--cap-add, --cap-drop, --store).
`;

/** Runs `vmspec export-bundle`. */
export async function run(argv: readonly string[]): Promise<number> {
  const o = parseRunArgs(argv);
  if (typeof o === "string") {
    process.stderr.write(`vmspec export-bundle: ${o}\n\n${HELP}`);
    return 2;
  }
  if (o.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const [ref, dirArg, ...cmd] = o.positionals;
  if (ref === undefined || dirArg === undefined) {
    process.stderr.write(HELP);
    return 2;
  }
  const mounts = parseMounts(o.volumes, o.tmpfs);
  if (typeof mounts === "string") {
    process.stderr.write(`vmspec export-bundle: ${mounts}\n`);
    return 2;
  }
  const dir = resolve(dirArg);
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    process.stderr.write(`vmspec export-bundle: ${dir} is not empty\n`);
    return 1;
  }
  const store = await openStore(o.store);
  try {
    const entry = await store.resolve(ref);
    const img = await readImage(store, entry.descriptor, { os: "linux", architecture: process.arch === "x64" ? "amd64" : process.arch });
    const rootfs = join(dir, "rootfs");
    mkdirSync(rootfs, { recursive: true });
    for (const layer of img.layers) await applyLayer(rootfs, await store.openBlob(layer.digest as Digest, layer.size));
    const proc = processFromImage(img.config.config, {
      cmd,
      ...(o.entrypoint !== undefined ? { entrypoint: o.entrypoint } : {}),
      env: o.env,
      ...(o.workdir !== undefined ? { cwd: o.workdir } : {}),
      ...(o.user !== undefined ? { user: o.user } : {}),
    });
    const spec = { ...specFromOptions(o, mounts), ...proc, rootfs: { kind: "dir" as const, path: rootfs } };
    writeBundle(spec, dir, "rootfs", [rootfs], "vmspec");
    process.stdout.write(`${dir}\n`);
    return 0;
  } catch (e) {
    if (e instanceof ContainerError || (e instanceof Error && typeof (e as { code?: unknown }).code === "string")) {
      process.stderr.write(`vmspec export-bundle: ${(e as Error).message}\n`);
      return 1;
    }
    throw e;
  } finally {
    await store.close();
  }
}
