// Inter-process file locks (shared/exclusive) kept as entries of a lock directory: no helper process.
//
// Node has no flock(2), and holding a lock through a flock(1) child cost a process spawn (5–15 ms)
// per lock. Instead, the lock FILE is the directory `FILE.d/`, and each holder is one empty entry
// named after itself: `s.<owner>` (shared) or `x.<owner>` (exclusive), where <owner> identifies
// the process (host, boot, pid namespace, pid, start time) and the handle (random). Names are
// unique, so an entry is only removed by its holder, or by anyone once its holder is provably dead
// (and then nobody holds it any more: removing it can never take a live lock away).
//
// - Shared: create `s.<me>`; if a live `x.*` exists, remove `s.<me>`, wait, retry.
// - Exclusive: create `x.<me>`; if another live `x.*` or any live `s.*` exists, remove `x.<me>`,
//   wait, retry.
// Every taker creates its entry before it lists the others, so of two conflicting takers the one
// that lists last sees the other's entry: they never both hold (directory operations on one file
// system are atomic). Waiting polls with a short randomized backoff (two takers that saw each other
// both back off; they do not stay in step). As with flock(2), a waiting exclusive taker does not
// hold back new shared ones: a process holding a shared lock can always take another.
//
// A holder is dead when it ran on this boot in this pid namespace and its pid is gone, a zombie,
// or a newer process (other start time); or when it ran on an earlier boot of this host. A holder
// in another pid namespace or on another host cannot be checked and counts as alive: exclusion is
// never broken on a guess; a lock left there by a killed process times out with a message naming
// the entry to remove. A process that exits normally removes its entries itself.
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, unlinkSync } from "node:fs";
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { StoreLockError } from "./errors.js";

/** A held lock. `release()` is idempotent. */
export interface LockHandle {
  readonly mode: "shared" | "exclusive";
  release(): Promise<void>;
}

interface Self {
  host: string;
  boot: string;
  ns: string;
  pid: number;
  start: string;
}

let self: Self | undefined;

function procStat(pid: number | "self"): { state: string; start: string } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "latin1");
  } catch {
    return undefined;
  }
  // pid (comm) state ... : comm may hold spaces and parentheses, so split after the last ')'.
  const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return { state: f[0] ?? "", start: f[19] ?? "" };
}

function whoAmI(): Self {
  if (self) return self;
  let boot = "0";
  let ns = "0";
  try {
    boot = readFileSync("/proc/sys/kernel/random/boot_id", "latin1").trim().replace(/-/g, "");
  } catch {
    /* not Linux: pids are checked with kill(0) only */
  }
  try {
    ns = /\d+/.exec(readlinkSync("/proc/self/ns/pid"))?.[0] ?? "0";
  } catch {
    /* as above */
  }
  self = {
    host: hostname().replace(/[^A-Za-z0-9-]/g, "_").slice(0, 64) || "_",
    boot,
    ns,
    pid: process.pid,
    start: procStat("self")?.start || "0",
  };
  return self;
}

/** The entry name part identifying a new handle of this process. */
function ownerName(): string {
  const me = whoAmI();
  return `${me.host}.${me.boot}.${me.ns}.${me.pid}.${me.start}.${randomBytes(4).toString("hex")}`;
}

/** Whether the holder named by `entry` (`s.…` or `x.…`) may still be running. */
function holderAlive(entry: string): boolean {
  const f = entry.split(".");
  if (f.length !== 7) return true; // not ours: never remove it
  const [, host, boot, ns, pidText, start] = f as [string, string, string, string, string, string];
  const me = whoAmI();
  if (boot !== me.boot) return host !== me.host; // an earlier boot of this host: gone
  if (ns !== me.ns) return true;
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ESRCH") return false;
  }
  const st = procStat(pid);
  if (st === undefined) return true; // alive by kill(0), its /proc entry hidden from us
  if (st.state === "Z" || st.state === "X") return false;
  return st.start === start;
}

/** Entries held by this process, removed when it exits (others would find them dead anyway). */
const held = new Set<string>();
let exitHook = false;

function removeEntry(path: string): void {
  held.delete(path);
  try {
    unlinkSync(path);
  } catch {
    /* already gone */
  }
}

function createEntry(dir: string, name: string): string {
  const path = `${dir}/${name}`;
  closeSync(openSync(path, "wx", 0o644));
  held.add(path);
  if (!exitHook) {
    exitHook = true;
    process.on("exit", () => {
      for (const p of [...held]) removeEntry(p);
    });
  }
  return path;
}

/** Live entries of `dir` with one of `prefixes`, other than `mine`; dead ones are removed on the way. */
function liveOthers(dir: string, mine: string, prefixes: readonly string[]): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    if (e === mine || !prefixes.some((p) => e.startsWith(p))) continue;
    if (holderAlive(e)) out.push(e);
    else removeEntry(`${dir}/${e}`);
  }
  return out;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function describe(dir: string, entries: string[]): string {
  const me = whoAmI();
  const who = entries.map((e) => {
    const [, host, boot, ns, pid] = e.split(".");
    const here = host === me.host && boot === me.boot && ns === me.ns;
    return here ? `pid ${pid}` : `pid ${pid} on ${boot === me.boot ? "this host in another pid namespace" : `host ${host}`} (if that process is gone, remove ${dir}/${e})`;
  });
  return who.length > 0 ? ` (held by ${who.join(", ")})` : "";
}

/**
 * Takes a shared or exclusive lock on `file` (its directory `file.d/` is created if missing),
 * waiting up to `timeoutMs` (0 = fail at once). Rejects with StoreLockError `IMG_STORE_LOCKED` on
 * timeout. Locks taken by two handles of the same process conflict like those of two processes.
 */
export async function acquireLock(file: string, mode: "shared" | "exclusive", timeoutMs: number): Promise<LockHandle> {
  const dir = `${file}.d`;
  const deadline = performance.now() + Math.max(0, timeoutMs);
  const kind = mode === "shared" ? "s." : "x.";
  const name = kind + ownerName();
  let pause = 1;
  const wait = async (): Promise<boolean> => {
    const left = deadline - performance.now();
    if (left <= 0) return false;
    // Randomized so that two exclusive takers backing off from each other do not stay in step.
    await sleep(Math.min(left, pause * (0.5 + Math.random())));
    pause = Math.min(pause * 2, 25);
    return true;
  };
  const timeout = (blockers: string[]): StoreLockError =>
    new StoreLockError("IMG_STORE_LOCKED", `timed out after ${timeoutMs} ms waiting for the ${mode} lock ${file}${describe(dir, blockers)}`, { path: file });
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new StoreLockError("IMG_STORE_LOCKED", `could not create the lock directory ${dir}: ${(e as Error).message}`, { path: file, cause: e });
  }

  let path: string;
  for (;;) {
    try {
      path = createEntry(dir, name);
    } catch (e) {
      throw new StoreLockError("IMG_STORE_LOCKED", `could not lock ${file}: ${(e as Error).message}`, { path: file, cause: e });
    }
    const blockers = liveOthers(dir, name, mode === "shared" ? ["x."] : ["x.", "s."]);
    if (blockers.length === 0) break;
    removeEntry(path);
    if (!(await wait())) throw timeout(blockers);
  }
  let released = false;
  return {
    mode,
    release(): Promise<void> {
      if (!released) {
        released = true;
        removeEntry(path);
      }
      return Promise.resolve();
    },
  };
}
