// `vmspec rmi IMAGE…`: removes image names (tags) from the store; blobs go with `vmspec prune`.
import { parseArgs } from "node:util";
import { STORE_HELP, openStore, reportError } from "./store.js";
import { ImageError } from "../../runtime/image/errors.js";

const HELP = `Usage: vmspec rmi [--store DIR] IMAGE…

Remove images from the store's index. A name[:tag] removes that tag only; a digest (or unique
prefix) removes every tag of that image. The blobs stay until \`vmspec prune\`.
Exits 1 if any IMAGE was not found (the others are still removed).

Options:
${STORE_HELP}
`;

/** Runs `vmspec rmi`. */
export async function run(argv: readonly string[]): Promise<number> {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: { store: { type: "string" }, help: { type: "boolean", short: "h" } } });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    if (positionals.length === 0) {
      process.stderr.write(HELP);
      return 2;
    }
    const store = await openStore(values.store);
    let rc = 0;
    try {
      for (const ref of positionals) {
        try {
          for (const r of await store.untag(ref)) process.stdout.write(`Untagged: ${r.name ?? "<none>"}@${r.descriptor.digest}\n`);
        } catch (e) {
          if (!(e instanceof ImageError)) throw e;
          process.stderr.write(`vmspec rmi: ${e.message}\n`);
          rc = 1;
        }
      }
    } finally {
      await store.close();
    }
    return rc;
  } catch (e) {
    return reportError("rmi", e);
  }
}
