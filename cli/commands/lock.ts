// `vmspec lock SPEC`: resolves every PACKAGES op of a spec and writes `SPEC.lock`; `--update`
// re-resolves everything and prints what changed; `--frozen-lockfile` only checks.
import { parseArgs } from "../args.js";
import { compileFile } from "../compileFile.js";
import { COMPILE_OPTIONS, compileOptionsFrom } from "../compileOptions.js";
import { reportError, SOURCE_OPTIONS, sourceOptionsFrom } from "./packages.js";
import {
  checkFrozen,
  diffLockfiles,
  findLocked,
  formatChanges,
  lockEntry,
  lockfilePathFor,
  lockSelectors,
  makeLockfile,
  readLockfile,
  resolvePackages,
  selectorsFromIr,
  writeLockfile,
  type LockEntry,
} from "../../runtime/packages/index.js";

const HELP = `Usage: vmspec lock SPEC [options]

Resolve every PACKAGES instruction of SPEC (all stages) against the signed Debian archive and
write SPEC.lock (JSON, stable order): per op the suite, arch, requested names and the exact
packages (name, version, arch, filename, sha256, size).

Without --update, ops already in the lockfile keep their locked packages; new ops are resolved,
ops no longer in the spec are dropped. With --update everything is resolved again.

Options:
  --update             re-resolve all ops and print what changed (added/removed/upgraded)
  --frozen-lockfile    write nothing; fail if SPEC.lock is missing or does not match the spec
  --lockfile FILE      lockfile path (default: SPEC.lock)
  --target, --build-arg, --platform   as for \`vmspec compile\`
  --mirror URL, --keyring FILE, --cache DIR, --component NAME, --offline
                       as for \`vmspec packages\`
  -h, --help           show this help

Exit status: 0 ok, 1 spec errors / resolution failure / frozen mismatch, 2 usage error.
`;

/** Runs `vmspec lock`. */
export async function run(argv: readonly string[]): Promise<number> {
  const p = parseArgs(argv, [
    ...COMPILE_OPTIONS,
    ...SOURCE_OPTIONS,
    { name: "update", value: false },
    { name: "frozen-lockfile", value: false },
    { name: "lockfile", value: true },
  ]);
  if (p.flags.has("help")) {
    process.stdout.write(HELP);
    return 0;
  }
  const copts = compileOptionsFrom(p.values);
  const errors = [...p.errors];
  if (typeof copts === "string") errors.push(copts);
  if (p.positionals.length !== 1) errors.push("expected exactly one SPEC");
  if (p.flags.has("update") && p.flags.has("frozen-lockfile")) errors.push("--update and --frozen-lockfile exclude each other");
  if (errors.length > 0 || typeof copts === "string") {
    process.stderr.write(`vmspec lock: ${errors.join("; ")}\n\n${HELP}`);
    return 2;
  }
  const file = p.positionals[0]!;
  const compiled = compileFile("lock", file, copts, "human");
  if (!compiled.ok) return 2;
  const r = compiled.result;
  if (r.ir === null) return 1;
  const lockPath = p.values.get("lockfile")?.at(-1) ?? lockfilePathFor(file);
  const selectors = selectorsFromIr(r.ir);
  const opts = sourceOptionsFrom(p);
  try {
    const before = await readLockfile(lockPath);
    if (p.flags.has("frozen-lockfile")) {
      checkFrozen(before, selectors, lockPath);
      process.stdout.write(`${lockPath} matches ${file} (${selectors.length} PACKAGES op${selectors.length === 1 ? "" : "s"})\n`);
      return 0;
    }
    let after;
    if (p.flags.has("update") || before === undefined) after = await lockSelectors(selectors, opts);
    else {
      const entries: LockEntry[] = [];
      for (const s of selectors) entries.push(findLocked(before, s) ?? lockEntry(s, await resolvePackages(s, opts)));
      after = makeLockfile(entries);
    }
    await writeLockfile(lockPath, after);
    const changes = formatChanges(diffLockfiles(before, after));
    for (const l of changes) process.stdout.write(`${l}\n`);
    const n = after.entries.reduce((k, e) => k + e.resolved.length, 0);
    process.stdout.write(`wrote ${lockPath}: ${after.entries.length} PACKAGES op${after.entries.length === 1 ? "" : "s"}, ${n} packages, ${changes.length} change${changes.length === 1 ? "" : "s"}\n`);
    return 0;
  } catch (e) {
    return reportError("lock", e);
  }
}
