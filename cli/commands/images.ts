// `vmspec images`: lists the images in the store.
import { parseArgs } from "node:util";
import { humanSize, shortId, summarize, table, type ImageSummary } from "../../runtime/image/report.js";
import { STORE_HELP, openStore, reportError } from "./store.js";

const HELP = `Usage: vmspec images [--store DIR] [--format table|json] [-q]

List the images in the store: name:tag (or <none>), digest, platform, creation time, size.

Options:
${STORE_HELP}
  --format FMT     table (default) or json
  -q, --quiet      print only manifest digests
`;

/** Runs `vmspec images`. */
export async function run(argv: readonly string[]): Promise<number> {
  try {
    const { values } = parseArgs({ args: [...argv], options: { store: { type: "string" }, format: { type: "string", default: "table" }, quiet: { type: "boolean", short: "q" }, help: { type: "boolean", short: "h" } } });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    if (values.format !== "table" && values.format !== "json") {
      process.stderr.write(`vmspec images: unknown --format '${values.format}'\n`);
      return 2;
    }
    const store = await openStore(values.store);
    try {
      const rows: ImageSummary[] = [];
      for (const e of await store.listImages()) rows.push((await summarize(store, e)).summary);
      if (values.quiet) process.stdout.write(rows.map((r) => `${r.digest}\n`).join(""));
      else if (values.format === "json") process.stdout.write(JSON.stringify(rows, null, 2) + "\n");
      else
        process.stdout.write(
          table([["NAME", "DIGEST", "PLATFORM", "CREATED", "LAYERS", "SIZE"], ...rows.map((r) => [r.name ?? "<none>", shortId(r.digest), r.platform, r.created ?? "", String(r.layers), humanSize(r.size)])]) + "\n",
        );
      return 0;
    } finally {
      await store.close();
    }
  } catch (e) {
    return reportError("images", e);
  }
}
