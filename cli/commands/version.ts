// `vmspec version`: prints the package version.
import { readFileSync } from "node:fs";

/** Prints `vmspec <version>`. */
export async function run(argv: readonly string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write("Usage: vmspec version\n\nPrint the vmspec version.\n");
    return 0;
  }
  const pkg = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  process.stdout.write(`vmspec ${pkg.version}\n`);
  return 0;
}
