// `vmspec store verify|path`: checks the image store's integrity, or prints where it is; also the --store helpers of the store commands.
import { parseArgs } from "node:util";
import { humanSize } from "../../runtime/image/report.js";
import { ImageError } from "../../runtime/image/errors.js";
import { Store, resolveStoreDir } from "../../runtime/image/store.js";

/** The `--store` help line shared by the store commands. */
export const STORE_HELP = "  --store DIR      image store (default: $VMSPEC_STORE, else $XDG_DATA_HOME/vmspec/store,\n                   else ~/.local/share/vmspec/store)";

const HELP = `Usage: vmspec store verify [--store DIR] [--format text|json]
       vmspec store path [--store DIR]

verify   re-hash every blob, check every image's manifest, config and layers are present,
         and that oci-layout and index.json parse. Unreferenced blobs and leftover temp
         files of interrupted writes are reported but are not errors (\`vmspec prune\`
         removes them). Exits 0 when consistent, 1 otherwise.
path     print the store directory.

Options:
${STORE_HELP}
  --format FMT     text (default) or json
`;

/** Runs `vmspec store`. */
export async function run(argv: readonly string[]): Promise<number> {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: { store: { type: "string" }, format: { type: "string", default: "text" }, help: { type: "boolean", short: "h" } } });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const sub = positionals[0];
    if (sub === "path" && positionals.length === 1) {
      process.stdout.write(resolveStoreDir(values.store) + "\n");
      return 0;
    }
    if (sub !== "verify" || positionals.length !== 1) {
      process.stderr.write(HELP);
      return 2;
    }
    const store = await openStore(values.store);
    try {
      const r = await store.verify();
      if (values.format === "json") process.stdout.write(JSON.stringify({ store: store.root, ...r }, null, 2) + "\n");
      else {
        process.stdout.write(`store ${store.root}: ${r.images} images, ${r.blobs} blobs, ${humanSize(r.bytes)}; ${r.unreferenced} unreferenced blobs, ${r.tempFiles} temp files\n`);
        for (const p of r.problems) process.stdout.write(`  ${p.code}: ${p.message}\n`);
        process.stdout.write(r.ok ? "OK: the store is consistent\n" : `FAILED: ${r.problems.length} problem(s)\n`);
      }
      return r.ok ? 0 : 1;
    } finally {
      await store.close();
    }
  } catch (e) {
    return reportError("store", e);
  }
}



/** Opens the store named by `--store` / the environment. */
export function openStore(flag: string | undefined): Promise<Store> {
  return Store.open(resolveStoreDir(flag));
}

/** Prints an operational error as `vmspec <cmd>: message [code]` and returns exit code 1; rethrows bugs. */
export function reportError(cmd: string, e: unknown): number {
  if (e instanceof ImageError) {
    process.stderr.write(`vmspec ${cmd}: ${e.message} [${e.code}]\n`);
    return 1;
  }
  if (e instanceof TypeError && (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
    process.stderr.write(`vmspec ${cmd}: ${e.message}\n`);
    return 2;
  }
  throw e;
}
