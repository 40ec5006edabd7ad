// `vmspec prune`: removes blobs no image references, and leftover temp files.
import { parseArgs } from "node:util";
import { humanSize } from "../../runtime/image/report.js";
import { STORE_HELP, openStore, reportError } from "./store.js";
import { BuildCache } from "../../runtime/build/cache.js";

const HELP = `Usage: vmspec prune [--store DIR] [--format text|json]

Remove every blob not reachable from an image in the store's index (e.g. after \`vmspec rmi\`),
temp files left by interrupted writes, unpacked layer dirs of layers no image has, and
build-cache records whose layers are gone. Waits until no other vmspec process is writing to
the store (a build holds it), for at most 5 minutes.

Options:
${STORE_HELP}
  --format FMT     text (default) or json
`;

/** Runs `vmspec prune`. */
export async function run(argv: readonly string[]): Promise<number> {
  try {
    const { values } = parseArgs({ args: [...argv], options: { store: { type: "string" }, format: { type: "string", default: "text" }, help: { type: "boolean", short: "h" } } });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const store = await openStore(values.store);
    try {
      const r = await store.prune();
      const cacheRecords = await new BuildCache(store).prune();
      if (values.format === "json") process.stdout.write(JSON.stringify({ ...r, removedCacheRecords: cacheRecords }, null, 2) + "\n");
      else process.stdout.write(`Removed ${r.removedBlobs.length} blobs (${humanSize(r.removedBytes)}), ${r.removedTempFiles} temp files and ${cacheRecords} stale build-cache records\n`);
      return 0;
    } finally {
      await store.close();
    }
  } catch (e) {
    return reportError("prune", e);
  }
}
