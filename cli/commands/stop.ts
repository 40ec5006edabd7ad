// `vmspec stop`: stops detached containers: the stop signal, then SIGKILL after a timeout.
import { findRecord, listRecords } from "../../runtime/container/records.js";
import { processAlive } from "../../runtime/container/stateDir.js";

const HELP = `Usage: vmspec stop [-t SECONDS] CONTAINER...

Stop containers started with \`vmspec run -d\` (by name, id or unique id prefix): send the image's
stop signal (default SIGTERM), then SIGKILL after the timeout (default 10 s).
`;

/** Runs `vmspec stop`. */
export async function run(argv: readonly string[]): Promise<number> {
  let timeout = 10;
  const refs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "-h" || a === "--help") {
      process.stdout.write(HELP);
      return 0;
    }
    if (a === "-t" || a === "--time") {
      timeout = Number(argv[++i]);
      if (!Number.isFinite(timeout) || timeout < 0) {
        process.stderr.write(`vmspec stop: invalid timeout\n`);
        return 2;
      }
    } else refs.push(a);
  }
  if (refs.length === 0) {
    process.stderr.write(HELP);
    return 2;
  }
  let status = 0;
  for (const ref of refs) {
    let rec;
    try {
      rec = findRecord(ref);
    } catch (e) {
      process.stderr.write(`vmspec stop: ${(e as Error).message}\n`);
      status = 1;
      continue;
    }
    if (rec.status === "running" && processAlive(rec.pid)) {
      // The supervising vmspec process forwards the signal to the container's process.
      process.kill(rec.pid, rec.stopSignal as NodeJS.Signals);
      const deadline = Date.now() + timeout * 1000;
      while (processAlive(rec.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      if (processAlive(rec.pid)) {
        process.kill(rec.pid, "SIGKILL");
        while (processAlive(rec.pid)) await new Promise((r) => setTimeout(r, 20));
      }
      // Give the supervisor's exit bookkeeping a moment (it rewrites the record).
      for (let i = 0; i < 50 && listRecords().find((r) => r.id === rec.id)?.status === "running"; i++)
        await new Promise((r) => setTimeout(r, 20));
    }
    process.stdout.write(`${ref}\n`);
  }
  return status;
}
