// `vmspec ps`: lists detached containers (`vmspec run -d`).
import { listRecords, removeRecord } from "../../runtime/container/records.js";

const HELP = `Usage: vmspec ps [-a] [-q] [--prune]

List containers started with \`vmspec run -d\`.

Options:
  -a, --all     include exited containers
  -q, --quiet   print ids only
      --prune   remove the records and logs of exited containers
  -h, --help    show this help
`;

/** Runs `vmspec ps`. */
export async function run(argv: readonly string[]): Promise<number> {
  const known = new Set(["-a", "--all", "-q", "--quiet", "--prune", "-h", "--help"]);
  const bad = argv.find((a) => !known.has(a));
  if (bad !== undefined) {
    process.stderr.write(`vmspec ps: unknown argument '${bad}'\n\n${HELP}`);
    return 2;
  }
  if (argv.includes("-h") || argv.includes("--help")) {
    process.stdout.write(HELP);
    return 0;
  }
  const all = argv.includes("-a") || argv.includes("--all");
  const records = listRecords();
  if (argv.includes("--prune")) {
    for (const r of records) if (r.status === "exited") removeRecord(r.id);
    return 0;
  }
  const shown = records.filter((r) => all || r.status === "running");
  if (argv.includes("-q") || argv.includes("--quiet")) {
    for (const r of shown) process.stdout.write(`${r.id}\n`);
    return 0;
  }
  const rows = [["CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "RUNTIME", "NAMES"]];
  for (const r of shown) {
    const cmd = JSON.stringify(r.command.join(" "));
    rows.push([
      r.id,
      r.image.length > 30 ? `${r.image.slice(0, 27)}...` : r.image,
      cmd.length > 24 ? `${cmd.slice(0, 21)}..."` : cmd,
      r.created.replace("T", " ").slice(0, 19),
      r.status === "running" ? "Up" : `Exited (${r.exitCode ?? "?"})`,
      r.runtime,
      r.name,
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  for (const row of rows) process.stdout.write(row.map((c, i) => c.padEnd(widths[i]!)).join("   ").trimEnd() + "\n");
  return 0;
}
