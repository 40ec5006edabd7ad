// Child process used by lock.test.ts: `hold FILE MODE` takes the lock, prints "held" and waits to be
// killed; `count FILE N` increments the number in FILE.count N times under the exclusive lock, with
// a pause between read and write (lost updates show if two processes ever hold it at once).
import { readFileSync, writeFileSync } from "node:fs";
import { acquireLock } from "../../runtime/image/lock.js";

const [action, file, arg] = process.argv.slice(2) as [string, string, string];
if (action === "hold") {
  await acquireLock(file, arg as "shared" | "exclusive", 10_000);
  process.stdout.write("held\n");
  setInterval(() => undefined, 1000);
} else if (action === "count") {
  for (let i = 0; i < Number(arg); i++) {
    const lock = await acquireLock(file, "exclusive", 60_000);
    const n = Number(readFileSync(`${file}.count`, "utf8"));
    await new Promise((r) => setTimeout(r, Math.random() * 3));
    writeFileSync(`${file}.count`, String(n + 1));
    await lock.release();
  }
}
