// `vmspec logs`: prints the output of a detached container (stdout and stderr interleaved).
import { createReadStream, existsSync, statSync } from "node:fs";
import { findRecord, listRecords, logPath } from "../../runtime/container/records.js";

const HELP = `Usage: vmspec logs [-f] CONTAINER

Print the output of a container started with \`vmspec run -d\`; -f follows it until the container ends.
`;

/** Runs `vmspec logs`. */
export async function run(argv: readonly string[]): Promise<number> {
  if (argv.includes("-h") || argv.includes("--help")) {
    process.stdout.write(HELP);
    return 0;
  }
  const follow = argv.includes("-f") || argv.includes("--follow");
  const refs = argv.filter((a) => a !== "-f" && a !== "--follow");
  if (refs.length !== 1) {
    process.stderr.write(HELP);
    return 2;
  }
  let rec;
  try {
    rec = findRecord(refs[0]!);
  } catch (e) {
    process.stderr.write(`vmspec logs: ${(e as Error).message}\n`);
    return 1;
  }
  const path = logPath(rec.id);
  if (!existsSync(path)) return 0;
  let offset = 0;
  const copy = async () => {
    const size = statSync(path).size;
    if (size <= offset) return;
    await new Promise<void>((resolve, reject) => {
      const s = createReadStream(path, { start: offset, end: size - 1 });
      s.on("data", (d) => process.stdout.write(d));
      s.on("end", resolve);
      s.on("error", reject);
    });
    offset = size;
  };
  await copy();
  while (follow && listRecords().find((r) => r.id === rec.id)?.status === "running") {
    await new Promise((r) => setTimeout(r, 100));
    await copy();
  }
  if (follow) await copy();
  return 0;
}
