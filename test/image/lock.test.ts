// Store locks without a helper process (runtime/image/lock.ts): shared/exclusive conflicts (also
// between handles of one process), timeouts that name the holder, mutual exclusion under contention
// between processes, and recovery from holders that died (SIGKILL, pid reuse, an earlier boot).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, hostname } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { acquireLock } from "../../runtime/image/lock.js";
import { StoreLockError } from "../../runtime/image/errors.js";

const child = fileURLToPath(new URL("./lockChild.js", import.meta.url));
const dirs: string[] = [];
function lockFile(): string {
  const d = mkdtempSync(join(tmpdir(), "vmspec-lock-"));
  dirs.push(d);
  return join(d, "the.lock");
}

async function rejection(p: Promise<unknown>): Promise<StoreLockError> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  assert.instance(e, StoreLockError);
  return e as StoreLockError;
}

function hold(file: string, mode: string): Promise<ReturnType<typeof spawn>> {
  const c = spawn(process.execPath, [child, "hold", file, mode], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((ok, fail) => {
    c.stdout!.once("data", () => ok(c));
    c.once("exit", (code) => fail(new Error(`lock child exited ${code}`)));
  });
}

test("shared locks coexist; exclusive excludes both kinds, also between handles of one process", async () => {
  const f = lockFile();
  const a = await acquireLock(f, "shared", 0);
  const b = await acquireLock(f, "shared", 0);
  const e = await rejection(acquireLock(f, "exclusive", 50));
  assert.is(e.code, "IMG_STORE_LOCKED");
  assert.match(e.message, `timed out after 50 ms waiting for the exclusive lock ${f} (held by pid ${process.pid}, pid ${process.pid})`);
  await a.release();
  await a.release(); // idempotent
  await rejection(acquireLock(f, "exclusive", 0));
  await b.release();
  const x = await acquireLock(f, "exclusive", 0);
  await rejection(acquireLock(f, "shared", 20));
  await rejection(acquireLock(f, "exclusive", 0));
  await x.release();
  assert.equal(readdirSync(`${f}.d`), []);
});

test("a waiting exclusive taker does not hold back new shared ones (as with flock)", async () => {
  const f = lockFile();
  const s1 = await acquireLock(f, "shared", 0);
  const pending = acquireLock(f, "exclusive", 300).then(() => "got", (e: unknown) => (e as StoreLockError).code);
  const s2 = await acquireLock(f, "shared", 200);
  await s2.release();
  assert.is(await pending, "IMG_STORE_LOCKED");
  await s1.release();
});

test("a holder in another process blocks until it is SIGKILLed; its entry is then found dead and removed", async () => {
  const f = lockFile();
  const c = await hold(f, "exclusive");
  const e = await rejection(acquireLock(f, "shared", 30));
  assert.match(e.message, `(held by pid ${c.pid})`);
  c.kill("SIGKILL");
  await new Promise((r) => c.once("exit", r));
  const s = await acquireLock(f, "shared", 0);
  assert.equal(readdirSync(`${f}.d`).filter((n) => n.startsWith("x.")), []);
  await s.release();
  // A killed shared holder does not keep exclusive takers out either.
  const c2 = await hold(f, "shared");
  await rejection(acquireLock(f, "exclusive", 30));
  c2.kill("SIGKILL");
  await new Promise((r) => c2.once("exit", r));
  await (await acquireLock(f, "exclusive", 0)).release();
  assert.equal(readdirSync(`${f}.d`), []);
});

test("stale entries: a reused pid, an earlier boot of this host are dead; another host's holder is waited for", async () => {
  const f = lockFile();
  const mine = await acquireLock(f, "shared", 0);
  const entry = readdirSync(`${f}.d`)[0]!;
  await mine.release();
  const [, host, boot, ns, pid, start] = entry.split(".");
  // This process's pid with another start time: a process that had the pid before us.
  writeFileSync(`${f}.d/x.${host}.${boot}.${ns}.${pid}.${Number(start) + 1}.00000000`, "");
  // An earlier boot of this host.
  writeFileSync(`${f}.d/x.${host}.${"0".repeat(32)}.${ns}.${pid}.${start}.00000001`, "");
  await (await acquireLock(f, "exclusive", 0)).release();
  assert.equal(readdirSync(`${f}.d`), []);
  // Another host (a shared store): cannot be checked, so it is waited for, and the message says how to clear it.
  const other = `x.not-${hostname().replace(/[^A-Za-z0-9-]/g, "_").slice(0, 50)}.${"1".repeat(32)}.${ns}.${pid}.${start}.00000002`;
  writeFileSync(`${f}.d/${other}`, "");
  const e = await rejection(acquireLock(f, "shared", 20));
  assert.match(e.message, `if that process is gone, remove ${f}.d/${other}`);
});

test("processes contending for the exclusive lock never hold it together", async () => {
  const f = lockFile();
  writeFileSync(`${f}.count`, "0");
  const runs = [0, 1, 2, 3].map(
    () =>
      new Promise<number | null>((ok) => {
        const c = spawn(process.execPath, [child, "count", f, "15"], { stdio: "inherit" });
        c.once("exit", ok);
      }),
  );
  assert.equal(await Promise.all(runs), [0, 0, 0, 0]);
  assert.is(readFileSync(`${f}.count`, "utf8"), "60");
  assert.equal(readdirSync(`${f}.d`), []);
});

test.after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test.run();
