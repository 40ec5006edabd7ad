// Records of detached (`vmspec run -d`) containers: one JSON file per container plus its log,
// under <state dir>/containers/. Read by `vmspec ps`, `stop` and `logs`.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ContainerError } from "./errors.js";
import { defaultStateDir, processAlive } from "./stateDir.js";

/** What `vmspec ps` shows about a detached container. */
export interface ContainerRecord {
  id: string;
  name: string;
  image: string;
  command: string[];
  runtime: string;
  /** ISO time. */
  created: string;
  /** Host pid of the detached vmspec process that supervises the container. */
  pid: number;
  status: "running" | "exited";
  exitCode?: number;
  finished?: string;
  /** Signal `vmspec stop` sends first (image StopSignal, default SIGTERM). */
  stopSignal: string;
  /** Remove the record and log when the container ends (`--rm`). */
  autoRemove: boolean;
}

/** The records directory. */
export function recordsDir(stateDir = defaultStateDir()): string {
  return join(stateDir, "containers");
}

/** Path of a container's log (stdout and stderr interleaved). */
export function logPath(id: string, stateDir?: string): string {
  return join(recordsDir(stateDir), `${id}.log`);
}

/** Writes a record atomically. */
export function writeRecord(r: ContainerRecord, stateDir?: string): void {
  const dir = recordsDir(stateDir);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${r.id}.${process.pid}.tmp`);
  writeFileSync(tmp, JSON.stringify(r, null, 2) + "\n");
  renameSync(tmp, join(dir, `${r.id}.json`));
}

/** All records; a "running" record whose supervisor is gone is reported as exited (code unknown). */
export function listRecords(stateDir?: string): ContainerRecord[] {
  const dir = recordsDir(stateDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json") && !f.startsWith("."))
    .flatMap((f) => {
      try {
        const r = JSON.parse(readFileSync(join(dir, f), "utf8")) as ContainerRecord;
        if (r.status === "running" && !processAlive(r.pid)) return [{ ...r, status: "exited" as const }];
        return [r];
      } catch {
        return [];
      }
    })
    .sort((a, b) => b.created.localeCompare(a.created));
}

/** Finds a record by name, full id or unique id prefix. */
export function findRecord(ref: string, stateDir?: string): ContainerRecord {
  const all = listRecords(stateDir);
  const byName = all.find((r) => r.name === ref || r.id === ref);
  if (byName) return byName;
  const pre = all.filter((r) => r.id.startsWith(ref));
  if (pre.length === 1) return pre[0]!;
  throw new ContainerError("CONTAINER_SPEC", pre.length === 0 ? `no such container: ${ref}` : `ambiguous container id prefix: ${ref}`, ref);
}

/** Deletes a record and its log. */
export function removeRecord(id: string, stateDir?: string): void {
  rmSync(join(recordsDir(stateDir), `${id}.json`), { force: true });
  rmSync(logPath(id, stateDir), { force: true });
}
