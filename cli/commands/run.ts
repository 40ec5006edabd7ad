// `vmspec run`: runs a stored image (or a plain rootfs dir) as a container, docker-style options.
import { spawn } from "node:child_process";
import { existsSync, openSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  ContainerError,
  getRuntime,
  type ContainerSpec,
  type MountSpec,
  type RlimitSpec,
  type RuntimeName,
  type StdioMode,
} from "../../runtime/container/index.js";
import { newContainerId } from "../../runtime/container/process.js";
import type { ContainerRecord } from "../../runtime/container/records.js";
import { adoptDeferredExtraCaCerts, vmspecChildEnv } from "../../runtime/packages/extraCa.js";

/** `vmspec run --help`. */
export const HELP = `Usage: vmspec run [OPTIONS] IMAGE|SPEC [COMMAND [ARG...]]
       vmspec run [OPTIONS] --rootfs DIR COMMAND [ARG...]

Run a command in a new container. IMAGE is a name[:tag] or digest in the image store; SPEC is a
spec file (or a build directory written with a slash, e.g. ./app) that is built first with
\`vmspec build\` (cached steps reused). The image's Entrypoint, Cmd, Env, WorkingDir, User and
MACHINE limits are used unless overridden. Options end at IMAGE: everything after it is the command.

Options:
  -e, --env KEY=VALUE       set an environment variable (KEY alone: take it from this environment)
      --env-file FILE       read KEY=VALUE lines (# comments) from FILE
  -w, --workdir DIR         working directory inside the container (created if missing)
  -u, --user USER[:GROUP]   user name or uid (and group), resolved in the image's passwd/group
  -v, --volume HOST:CTR[:ro|rw]  bind-mount a host path (absolute, or starting with . or /)
      --tmpfs CTR[:size=N,mode=M]  mount a tmpfs
      --read-only           mount the root filesystem read-only
      --network none|host   none (default): only loopback; host: the host's network
      --hostname NAME       container host name (default: the container id)
      --entrypoint CMD      override the image's entrypoint ("" clears it)
  -i, --interactive         connect stdin
  -t, --tty                 allocate a pseudo-terminal (stdout and stderr merge)
      --rm                  accepted for compatibility: foreground containers are always removed
      --name NAME           name for a detached container (vmspec ps/stop/logs)
  -m, --memory BYTES        memory limit (e.g. 512m, 1g); exceeding it kills with exit 137
      --cpus N              CPU quota (e.g. 0.5)
      --pids-limit N        maximum number of processes
      --ulimit NAME=SOFT[:HARD]  rlimit (nofile, nproc, core, ...); -1 = unlimited
      --cap-add CAP, --cap-drop CAP  change Docker's default capability set (ALL allowed)
      --security-opt seccomp=unconfined  no seccomp filter (default: deny new namespaces,
                            keyrings, bpf, perf events, userfaultfd, io_uring, kexec)
      --runtime NAME        builtin (default), runc or crun
  -d, --detach              run in the background and print the container id
      --rootfs DIR          run DIR as the root filesystem instead of an image
      --store DIR           image store (default: $VMSPEC_STORE, else $XDG_DATA_HOME/vmspec/store,
                            else ~/.local/share/vmspec/store)
  -h, --help                show this help

Exit status: the command's; 125 when vmspec or the runtime fails, 126 when the command cannot
be executed, 127 when it is not found; 128+N when killed by signal N (137 = SIGKILL, e.g. OOM).
`;

/** Parsed `vmspec run` / `export-bundle` options. */
export interface RunOptions {
  env: string[];
  envFiles: string[];
  workdir?: string;
  user?: string;
  volumes: string[];
  tmpfs: string[];
  readOnly: boolean;
  network?: "none" | "host";
  hostname?: string;
  entrypoint?: string;
  interactive: boolean;
  tty: boolean;
  rm: boolean;
  name?: string;
  memory?: number;
  cpus?: number;
  pids?: number;
  ulimits: RlimitSpec[];
  capAdd: string[];
  capDrop: string[];
  seccomp: boolean;
  runtime: RuntimeName;
  detach: boolean;
  rootfs?: string;
  store?: string;
  help: boolean;
  positionals: string[];
}

/** Docker's RAMInBytes: a number with an optional b/k/m/g/t suffix (powers of 1024). */
export function parseMemory(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([bkmgt]?)b?$/i.exec(text.trim());
  if (!m) return undefined;
  const mult = { "": 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[m[2]!.toLowerCase()]!;
  return Math.floor(Number(m[1]) * mult);
}

/** Parses options up to the first positional (IMAGE); returns a usage error string on failure. */
export function parseRunArgs(argv: readonly string[]): RunOptions | string {
  const o: RunOptions = {
    env: [], envFiles: [], volumes: [], tmpfs: [], readOnly: false, interactive: false, tty: false, rm: false,
    ulimits: [], capAdd: [], capDrop: [], seccomp: true, runtime: "builtin", detach: false, help: false, positionals: [],
  };
  const withValue = new Map<string, (v: string) => string | undefined>([
    ["env", (v) => void o.env.push(v.includes("=") ? v : `${v}=${process.env[v] ?? ""}`)],
    ["env-file", (v) => void o.envFiles.push(v)],
    ["workdir", (v) => void (o.workdir = v)],
    ["user", (v) => void (o.user = v)],
    ["volume", (v) => void o.volumes.push(v)],
    ["tmpfs", (v) => void o.tmpfs.push(v)],
    ["network", (v) => (v === "none" || v === "host" ? void (o.network = v) : `--network must be none or host, not '${v}'`)],
    ["hostname", (v) => void (o.hostname = v)],
    ["entrypoint", (v) => void (o.entrypoint = v)],
    ["name", (v) => (/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(v) ? void (o.name = v) : `invalid container name '${v}'`)],
    ["memory", (v) => ((o.memory = parseMemory(v)) === undefined ? `invalid --memory '${v}'` : undefined)],
    ["cpus", (v) => (Number(v) > 0 ? void (o.cpus = Number(v)) : `invalid --cpus '${v}'`)],
    ["pids-limit", (v) => (/^\d+$/.test(v) && Number(v) > 0 ? void (o.pids = Number(v)) : `invalid --pids-limit '${v}'`)],
    ["ulimit", (v) => {
      const m = /^([a-z]+)=(-?\d+)(?::(-?\d+))?$/.exec(v);
      if (!m) return `invalid --ulimit '${v}' (NAME=SOFT[:HARD])`;
      o.ulimits.push({ name: m[1]!, soft: Number(m[2]), hard: Number(m[3] ?? m[2]) });
      return undefined;
    }],
    ["cap-add", (v) => void o.capAdd.push(v)],
    ["cap-drop", (v) => void o.capDrop.push(v)],
    ["security-opt", (v) => (v === "seccomp=unconfined" ? void (o.seccomp = false) : v === "no-new-privileges" || v === "no-new-privileges:true" ? undefined : `unsupported --security-opt '${v}' (seccomp=unconfined, no-new-privileges)`)],
    ["runtime", (v) => (v === "builtin" || v === "runc" || v === "crun" ? void (o.runtime = v) : `unknown runtime '${v}' (builtin, runc, crun)`)],
    ["rootfs", (v) => void (o.rootfs = v)],
    ["store", (v) => void (o.store = v)],
  ]);
  const shortValue: Record<string, string> = { e: "env", w: "workdir", u: "user", v: "volume", m: "memory" };
  const flags: Record<string, () => void> = {
    "read-only": () => (o.readOnly = true),
    interactive: () => (o.interactive = true),
    tty: () => (o.tty = true),
    rm: () => (o.rm = true),
    detach: () => (o.detach = true),
    help: () => (o.help = true),
  };
  const shortFlag: Record<string, string> = { i: "interactive", t: "tty", d: "detach", h: "help" };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") {
      o.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      if (flags[name]) {
        flags[name]!();
        continue;
      }
      const set = withValue.get(name);
      if (!set) return `unknown option '--${name}'`;
      const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (v === undefined) return `option '--${name}' needs a value`;
      const err = set(v);
      if (err) return err;
      continue;
    }
    if (a.startsWith("-") && a.length > 1) {
      // clustered short options: -it, -e K=V, -eK=V
      for (let k = 1; k < a.length; k++) {
        const c = a[k]!;
        if (shortFlag[c]) {
          flags[shortFlag[c]!]!();
          continue;
        }
        const long = shortValue[c];
        if (!long) return `unknown option '-${c}'`;
        const rest = a.slice(k + 1);
        const v = rest !== "" ? rest : argv[++i];
        if (v === undefined) return `option '-${c}' needs a value`;
        const err = withValue.get(long)!(v);
        if (err) return err;
        break;
      }
      continue;
    }
    o.positionals.push(...argv.slice(i));
    break;
  }
  return o;
}

function readEnvFile(path: string): string[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => (l.includes("=") ? l : `${l}=${process.env[l] ?? ""}`));
}

/** Parses `-v HOST:CTR[:ro|rw]` and `--tmpfs CTR[:opts]` into mounts. */
export function parseMounts(volumes: readonly string[], tmpfs: readonly string[]): MountSpec[] | string {
  const out: MountSpec[] = [];
  for (const v of volumes) {
    const parts = v.split(":");
    const mode = parts.length === 3 ? parts[2] : undefined;
    if (parts.length < 2 || parts.length > 3 || (mode !== undefined && mode !== "ro" && mode !== "rw"))
      return `invalid volume '${v}' (HOST:CTR[:ro|rw])`;
    const [host, ctr] = parts as [string, string];
    if (!host.startsWith("/") && !host.startsWith(".")) return `volume source must be a host path (named volumes are not supported): '${host}'`;
    if (!ctr.startsWith("/")) return `volume target must be absolute: '${ctr}'`;
    out.push({ type: "bind", source: resolve(host), target: ctr, readOnly: mode === "ro" });
  }
  for (const t of tmpfs) {
    const [target, opts = ""] = t.split(/:(.*)/s) as [string, string?];
    if (!target.startsWith("/")) return `tmpfs target must be absolute: '${target}'`;
    const m: MountSpec = { type: "tmpfs", target };
    for (const opt of opts.split(",").filter((x) => x !== "")) {
      const [k, val = ""] = opt.split("=");
      if (k === "size") {
        const n = parseMemory(val);
        if (n === undefined) return `invalid tmpfs size '${val}'`;
        m.size = n;
      } else if (k === "mode" && /^[0-7]{3,4}$/.test(val)) m.mode = parseInt(val, 8);
      else if (k === "ro") m.readOnly = true;
      else if (k !== "rw") return `unsupported tmpfs option '${opt}'`;
    }
    out.push(m);
  }
  return out;
}

function fail(msg: string, code = 125): number {
  process.stderr.write(`vmspec run: ${msg}\n`);
  return code;
}

/** The container spec (minus rootfs/process) from the options. */
export function specFromOptions(o: RunOptions, mounts: MountSpec[]): Omit<ContainerSpec, "rootfs" | "args"> {
  const stdio: StdioMode = o.tty ? "pty" : "inherit";
  return {
    ...(o.hostname !== undefined ? { hostname: o.hostname } : {}),
    network: o.network ?? "none",
    mounts,
    readOnlyRootfs: o.readOnly,
    limits: {
      ...(o.memory !== undefined ? { memoryBytes: o.memory } : {}),
      ...(o.cpus !== undefined ? { cpus: o.cpus } : {}),
      ...(o.pids !== undefined ? { pids: o.pids } : {}),
    },
    rlimits: o.ulimits,
    capAdd: o.capAdd,
    capDrop: o.capDrop,
    seccomp: o.seccomp,
    stdio,
    noStdin: !o.interactive,
    etcFiles: true,
  };
}

/** What a run resolves to before starting: the spec and a description for `ps`. */
export interface Resolved {
  spec: ContainerSpec;
  image: string;
  stopSignal: string;
}

/**
 * A spec argument (built first): an existing file, or an existing directory written with a slash
 * (`./app`, `app/`) so that a local directory never shadows an image name.
 */
export function isSpecPath(arg: string): boolean {
  if (!existsSync(arg)) return false;
  const st = statSync(arg);
  return st.isFile() || (st.isDirectory() && arg.includes("/"));
}

/** Builds a spec with `vmspec build` (cached steps are reused) and returns the image digest. */
async function buildSpec(spec: string, store: string | undefined): Promise<string> {
  const bin = fileURLToPath(new URL("../../../bin/vmspec.js", import.meta.url));
  const args = [bin, "build", "--progress", "quiet", ...(store !== undefined ? ["--store", store] : []), spec];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"], env: vmspecChildEnv() });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((res) => child.on("close", res));
  const digest = /sha256:[0-9a-f]{64}/.exec(out)?.[0];
  if (code !== 0 || digest === undefined)
    throw new ContainerError("CONTAINER_SPEC", `building ${spec} failed (vmspec build exited ${code ?? "on a signal"})`, spec);
  return digest;
}

/** Resolves IMAGE (unpacking its layers once) or --rootfs into the container spec. */
export async function resolveTarget(o: RunOptions, mounts: MountSpec[]): Promise<Resolved> {
  const base = specFromOptions(o, mounts);
  const env = [...o.envFiles.flatMap(readEnvFile), ...o.env];
  if (o.rootfs !== undefined) {
    if (!existsSync(o.rootfs) || !statSync(o.rootfs).isDirectory()) throw new ContainerError("CONTAINER_ROOTFS", `--rootfs ${o.rootfs} is not a directory`, o.rootfs);
    const args = o.entrypoint !== undefined ? [...(o.entrypoint === "" ? [] : [o.entrypoint]), ...o.positionals] : o.positionals;
    if (args.length === 0) throw new ContainerError("CONTAINER_SPEC", "no command given");
    return {
      spec: {
        ...base,
        rootfs: { kind: "layers", lower: [resolve(o.rootfs)] },
        args,
        env,
        ...(o.workdir !== undefined ? { cwd: o.workdir } : {}),
        ...(o.user !== undefined ? { user: { user: o.user } } : {}),
      },
      image: resolve(o.rootfs),
      stopSignal: "SIGTERM",
    };
  }
  const [ref, ...cmd] = o.positionals;
  if (ref === undefined) throw new ContainerError("CONTAINER_SPEC", "an IMAGE (or --rootfs DIR) is required");
  const imageRef = isSpecPath(ref) ? await buildSpec(ref, o.store) : ref;
  const { cachedImage, rememberImage, storeDirFor } = await import("../../runtime/container/imageRunCache.js");
  const hostArch = process.arch === "x64" ? "amd64" : process.arch;
  const storeDir = resolve(storeDirFor(o.store));
  let image = cachedImage(storeDir, imageRef);
  let name = imageRef;
  if (image === undefined) {
    const { openStore } = await import("./store.js");
    const { readImage } = await import("../../runtime/image/manifest.js");
    const { imageLowerDirs } = await import("../../runtime/container/imageRootfs.js");
    const store = await openStore(o.store);
    try {
      const entry = await store.resolve(imageRef);
      const img = await readImage(store, entry.descriptor, { os: "linux", architecture: hostArch });
      const c = img.config.config ?? {};
      image = {
        store: storeDir,
        digest: entry.descriptor.digest,
        ...(img.config.architecture !== undefined ? { architecture: img.config.architecture } : {}),
        config: { Entrypoint: c.Entrypoint, Cmd: c.Cmd, Env: c.Env, WorkingDir: c.WorkingDir, User: c.User, StopSignal: c.StopSignal, Labels: c.Labels },
        lower: [],
      };
      name = entry.name ?? entry.descriptor.digest;
      if (image.architecture === undefined || image.architecture === hostArch) {
        image.lower = (await imageLowerDirs(store, img)).map((d) => resolve(d));
        rememberImage(image);
      }
    } finally {
      await store.close();
    }
  }
  if (image.architecture !== undefined && image.architecture !== hostArch)
    throw new ContainerError(
      "CONTAINER_SPEC",
      `image ${imageRef} is linux/${image.architecture} and this host is linux/${hostArch}: containers run host-architecture images only (foreign images will run in the built-in VM)`,
      imageRef,
    );
  const { processFromImage } = await import("../../runtime/container/imageProcess.js");
  const proc = processFromImage(image.config, {
    cmd,
    ...(o.entrypoint !== undefined ? { entrypoint: o.entrypoint } : {}),
    env,
    ...(o.workdir !== undefined ? { cwd: o.workdir } : {}),
    ...(o.user !== undefined ? { user: o.user } : {}),
  });
  const { machineFromLabels } = await import("../../runtime/image/config.js");
  const machine = machineFromLabels(image.config.Labels);
  if (machine?.launch === "vm")
    throw new ContainerError(
      "CONTAINER_SPEC",
      `image ${imageRef} asks to be launched as a VM (MACHINE launch=vm); vmspec run starts containers only for now (the VM runner is not wired in yet)`,
      imageRef,
    );
  const limits = { ...base.limits };
  if (machine?.declared) {
    limits.memoryBytes ??= machine.memoryBytes;
    limits.cpus ??= machine.cpus;
  }
  return {
    spec: { ...base, ...proc, limits, rootfs: { kind: "layers", lower: image.lower } },
    image: name,
    stopSignal: image.config.StopSignal ?? "SIGTERM",
  };
}

const FORWARDED: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGWINCH"];

/** Runs `vmspec run`. */
export async function run(argv: readonly string[]): Promise<number> {
  // bin/vmspec.js starts this bundled module directly (not through cli/main.ts): take over a
  // NODE_EXTRA_CA_CERTS the launcher deferred, so the processes a run starts see it as set.
  adoptDeferredExtraCaCerts();
  const o = parseRunArgs(argv);
  if (typeof o === "string") {
    process.stderr.write(`vmspec run: ${o}\n\n${HELP}`);
    return 2;
  }
  if (o.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const mounts = parseMounts(o.volumes, o.tmpfs);
  if (typeof mounts === "string") return fail(mounts, 2);
  const detachedId = process.env.VMSPEC_DETACHED_ID;
  try {
    const runtime = await getRuntime(o.runtime);
    const why = await runtime.unavailable();
    if (why !== undefined) return fail(`runtime ${o.runtime} cannot run here: ${why}`);
    const resolved = await resolveTarget(o, mounts);
    if (o.detach && !detachedId) return await detach(argv, o, resolved);
    const spec: ContainerSpec = { ...resolved.spec, ...(detachedId ? { id: detachedId, noStdin: true, stdio: "inherit" as const } : {}) };
    const p = await runtime.start(spec);
    const handlers = FORWARDED.map((sig) => {
      const h = () => p.kill(sig);
      process.on(sig, h);
      return [sig, h] as const;
    });
    const r = await p.wait();
    for (const [sig, h] of handlers) process.off(sig, h);
    if (detachedId) await finishDetached(detachedId, r.exitCode);
    return r.exitCode;
  } catch (e) {
    if (detachedId) await finishDetached(detachedId, 125);
    if (e instanceof ContainerError) return fail(e.message);
    const err = e as { code?: string; message?: string };
    if (typeof err.code === "string" && err.message) return fail(err.message);
    throw e;
  }
}

async function finishDetached(id: string, exitCode: number): Promise<void> {
  const { listRecords, removeRecord, writeRecord } = await import("../../runtime/container/records.js");
  const rec = listRecords().find((r) => r.id === id);
  if (rec === undefined) return;
  if (rec.autoRemove) return removeRecord(id);
  writeRecord({ ...rec, status: "exited", exitCode, finished: new Date().toISOString(), pid: rec.pid });
}

/** `-d`: re-runs this command in a detached vmspec process with output to the container's log. */
async function detach(argv: readonly string[], o: RunOptions, r: Resolved): Promise<number> {
  const { listRecords, logPath, writeRecord } = await import("../../runtime/container/records.js");
  const id = newContainerId();
  const name = o.name ?? id;
  if (listRecords().some((x) => x.name === name && x.status === "running"))
    return fail(`a running container is already named '${name}'`);
  const log = logPath(id);
  const record: ContainerRecord = {
    id, name, image: r.image, command: [...r.spec.args], runtime: o.runtime, created: new Date().toISOString(),
    pid: 0, status: "running", stopSignal: r.stopSignal, autoRemove: o.rm,
  };
  writeRecord(record); // creates the dir
  const fd = openSync(log, "a");
  const bin = fileURLToPath(new URL("../../../bin/vmspec.js", import.meta.url));
  // The same arguments: the child sees VMSPEC_DETACHED_ID and runs in the foreground.
  const child = spawn(process.execPath, [bin, "run", ...argv], {
    detached: true,
    stdio: ["ignore", fd, fd],
    env: { ...vmspecChildEnv(), VMSPEC_DETACHED_ID: id },
  });
  child.unref();
  writeRecord({ ...record, pid: child.pid ?? 0 });
  process.stdout.write(`${id}\n`);
  return 0;
}
