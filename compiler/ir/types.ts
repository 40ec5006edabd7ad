// The vmspec IR: the versioned, content-addressed contract between the compiler and the runtime.
//
// Shape (moby/buildkit `solver/pb/ops.proto` in spirit): an IR holds stages; each stage holds a DAG of
// ops listed in topological order. Every op carries `id` = sha256 of the canonical JSON of the op's
// content WITHOUT the `id` field (its `inputs` are ids, so an id covers its whole history). Source
// locations live in a side table (`sourceMap`), so comments and whitespace never change an id.
// Everything the builder and the runners need is resolved here: variables are expanded, shell form is
// turned into argv, heredocs are inlined, sizes are bytes and durations nanoseconds.

/** The IR format version. Bumped on any incompatible change; consumers must reject other values. */
export const IR_VERSION = 2 as const;

/** A lowercase hex sha256 with its algorithm prefix, e.g. `sha256:9f86d0…`. */
export type Digest = `sha256:${string}`;

/** The id of an op: the digest of its canonical content (see `compiler/ir/digest.ts`). */
export type OpId = Digest;

/** A compiled spec. Deterministic: the same inputs give byte-identical JSON. */
export interface Ir {
  irVersion: typeof IR_VERSION;
  /** Index into `stages` of the stage to build (`--target`, else the last stage). */
  target: number;
  /** Platform the build targets (`--platform`, else the target stage's MACHINE arch, else linux/amd64). */
  platform: Platform;
  /** Every stage in source order, including ones unreachable from the target (see `Stage.reachable`). */
  stages: Stage[];
  /** Files pulled in with INCLUDE, in first-inclusion order, with their content digests. */
  includes: IncludedFile[];
  /** Build args the compile was given (`--build-arg`), sorted by name; values as given. */
  buildArgs: Record<string, string>;
  /** Side table: where each op came from. Never part of an op id. */
  sourceMap: SourceMap;
}

/** An OCI platform. `architecture` uses Go/OCI names (`amd64`, `arm64`, `riscv64`, …). */
export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/** One build stage (`FROM … [AS name]` up to the next FROM). */
export interface Stage {
  /** 0-based stage index (what `COPY --from=0` refers to). */
  index: number;
  /** Lowercased stage name from `AS name`, or null. */
  name: string | null;
  /** Platform of this stage (FROM --platform, else the IR platform). */
  platform: Platform;
  /** What the stage starts from. */
  base: StageBase;
  /**
   * Ops this stage adds, in topological order (inputs before users). For a scratch or image base the
   * first op is the `source` op; a stage based on another stage starts from that stage's `output`
   * (so it may have no ops of its own).
   */
  ops: Op[];
  /** Id of the op whose filesystem is the stage's result (the last filesystem op). */
  output: OpId;
  /** Indices of stages this stage needs (base stage, COPY --from, RUN --mount from=), sorted. */
  dependsOn: number[];
  /** True if the target stage needs this stage (transitively), or it is the target. */
  reachable: boolean;
  /** Image configuration after the stage's last instruction. */
  config: ImageConfig;
  /** The machine this stage's image is meant to run on (MACHINE, KERNEL, NETWORK, PUBLISH). */
  machine: MachineSpec;
}

/** The start of a stage. */
export type StageBase =
  | { kind: "scratch" }
  | { kind: "image"; ref: ImageRef }
  | { kind: "stage"; stage: number };

/** A parsed image reference; no registry host is ever inserted (`debian` stays `debian`). */
export interface ImageRef {
  /** The reference exactly as written after variable expansion. */
  raw: string;
  /** Repository path without tag/digest, as written (`debian`, never `library/debian`). */
  name: string;
  tag?: string;
  /** `algorithm:hex` as written (sha256, sha384 or sha512). */
  digest?: string;
}

// ---------------------------------------------------------------------------------------------
// Ops
// ---------------------------------------------------------------------------------------------

/** Fields shared by every op. `id` is computed over every other field, canonicalised. */
export interface OpBase {
  id: OpId;
  /** Ids of ops whose filesystem this op reads; `inputs[0]` is the filesystem it modifies (if any). */
  inputs: OpId[];
}

/** Every op kind. Adding a kind = a new member here + schema + one executor in the builder. */
export type Op = SourceOp | RunOp | FileCopyOp | PackagesOp | MkdirOp;

/** A filesystem source: an empty tree or an image's root filesystem. No inputs. */
export interface SourceOp extends OpBase {
  kind: "source";
  source: { kind: "scratch" } | { kind: "image"; ref: ImageRef; platform: Platform };
}

/** The process context a RUN executes in (env as OCI `K=V`, in definition order). */
export interface ProcessContext {
  env: string[];
  user: string;
  workdir: string;
}

/** RUN: execute `args` in the input filesystem; its changes form the result. */
export interface RunOp extends OpBase, ProcessContext {
  kind: "run";
  /** Final argv (shell form already wrapped with the stage's SHELL; heredoc scripts inlined). */
  args: string[];
  /** Files written before the command runs (heredocs used as scripts/fds), created in a tmpfs. */
  files: InlineFile[];
  mounts: RunMount[];
  /** `RUN --network` (default: `default`). */
  network: "default" | "none" | "host";
  /** `RUN --security` (default: `sandbox`). */
  security: "sandbox" | "insecure";
  /** `RUN --device` entries as written. */
  devices: { name: string; required: boolean }[];
  /** ARG values visible to this RUN (not persisted in the image), as `K=V`, sorted by name. */
  argEnv: string[];
}

/** A file created from text in the spec (heredoc). */
export interface InlineFile {
  /** Absolute path inside the run's tmpfs, or the COPY source name (the heredoc delimiter). */
  path: string;
  content: string;
  /** File mode; 0o644 unless set. */
  mode: number;
}

/** One `RUN --mount`. Field presence depends on `type` (see docs/language.md). */
export interface RunMount {
  type: "bind" | "cache" | "tmpfs" | "secret" | "ssh";
  target: string;
  /** bind/cache: path inside `from` (or the context); secret: path of the secret file. */
  source?: string;
  /** bind/cache: where the mount's content comes from. */
  from?: CopyFrom;
  readonly: boolean;
  /** cache/secret/ssh id. */
  id?: string;
  sharing?: "shared" | "private" | "locked";
  required?: boolean;
  /** tmpfs size in bytes. */
  size?: number;
  mode?: number;
  uid?: number;
  gid?: number;
  /** secret: expose as this environment variable. */
  env?: string;
}

/** Where COPY/ADD/mount content comes from. */
export type CopyFrom =
  | { kind: "context" }
  | { kind: "stage"; stage: number; op: OpId }
  | { kind: "image"; ref: ImageRef }
  | { kind: "namedContext"; name: string };

/** A COPY/ADD source. */
export type CopySource =
  | { kind: "path"; path: string }
  | { kind: "url"; url: string }
  | { kind: "git"; url: string; ref?: string }
  | { kind: "inline"; file: InlineFile };

/** A user or group: a numeric id, or a name resolved in the destination's /etc/passwd|group. */
export type Principal = { id: number } | { name: string };

/** COPY and ADD. `inputs[0]` is the destination filesystem; a stage source adds its op id too. */
export interface FileCopyOp extends OpBase {
  kind: "copy" | "add";
  from: CopyFrom;
  sources: CopySource[];
  /** Destination; absolute (resolved against the WORKDIR), keeps a trailing `/` if written. */
  dest: string;
  /** Owner of the copied files; a side may be absent (`--chown=:grp`). */
  chown?: { user?: Principal; group?: Principal };
  /** Octal mode as a number, or a validated symbolic mode as written (`u+x,g-w`; apply with compiler/values/chmod.ts). */
  chmod?: number | string;
  link: boolean;
  parents: boolean;
  exclude: string[];
  /** ADD only. */
  checksum?: Digest;
  keepGitDir?: boolean;
  unpack?: boolean;
}

/** PACKAGES: install distribution packages, resolved and verified by the builder (no shell). */
export interface PackagesOp extends OpBase {
  kind: "packages";
  /** Distribution family; only `debian` is defined so far. */
  distro: string;
  /** Suite/codename, e.g. `bookworm`, `trixie`. */
  suite: string;
  /** Debian architecture name (`amd64`, `arm64`, `riscv64`, …). */
  arch: string;
  /** Requested packages, sorted by name. */
  packages: PackageRequest[];
}

/** One requested package; `version` pins an exact Debian version string. */
export interface PackageRequest {
  name: string;
  version?: string;
}

/** WORKDIR: ensure the directory exists (BuildKit creates it as a layer). */
export interface MkdirOp extends OpBase {
  kind: "mkdir";
  path: string;
  user: string;
}

// ---------------------------------------------------------------------------------------------
// Image configuration (OCI image config `config` object, plus vmspec extras)
// ---------------------------------------------------------------------------------------------

/** The image configuration a stage produces. */
export interface ImageConfig {
  /** `K=V` in definition order (a redefinition replaces in place). */
  env: string[];
  cmd: string[] | null;
  entrypoint: string[] | null;
  workdir: string;
  user: string;
  /** `port/proto`, sorted, deduplicated. */
  exposedPorts: string[];
  /** Sorted, deduplicated. */
  volumes: string[];
  labels: Record<string, string>;
  stopSignal: string | null;
  healthcheck: Healthcheck | null;
  /** The SHELL used for shell-form commands. */
  shell: string[];
  /** ONBUILD triggers as their source text (after the ONBUILD keyword), in order. */
  onBuild: string[];
}

/** HEALTHCHECK. `test` as in OCI/Docker: `["NONE"]`, `["CMD", …]` or `["CMD-SHELL", cmd]`. */
export interface Healthcheck {
  test: string[];
  /** Durations in nanoseconds; 0 = runtime default. */
  interval: number;
  timeout: number;
  startPeriod: number;
  startInterval: number;
  retries: number;
}

// ---------------------------------------------------------------------------------------------
// Machine
// ---------------------------------------------------------------------------------------------

/** How a stage's image is meant to run. Defaults apply when the spec says nothing. */
export interface MachineSpec {
  /** True if the stage (or an ancestor stage) has a MACHINE instruction. */
  declared: boolean;
  cpus: number;
  memoryBytes: number;
  diskBytes: number;
  /** OCI architecture name. */
  arch: string;
  /** Default launch mode for `vmspec run`. */
  launch: "container" | "vm";
  kernel: KernelSpec | null;
  network: NetworkSpec;
}

/** KERNEL: where the VM kernel comes from, and its command line. */
export interface KernelSpec {
  source:
    | { kind: "package"; distro: string; suite: string; arch: string; name: string; version?: string }
    | { kind: "file"; path: string };
  cmdline: string;
}

/** NETWORK / PUBLISH. */
export interface NetworkSpec {
  mode: "none" | "user";
  ports: PublishedPort[];
}

/** A port published from the host to the guest. */
export interface PublishedPort {
  hostIp?: string;
  host: number;
  guest: number;
  protocol: "tcp" | "udp";
}

// ---------------------------------------------------------------------------------------------
// Side tables
// ---------------------------------------------------------------------------------------------

/** A file pulled in with INCLUDE. */
export interface IncludedFile {
  /** Path as resolved (relative to the root spec's directory, `/`-separated). */
  path: string;
  digest: Digest;
}

/** A span of source text: file index into `SourceMap.files`, UTF-16 offset and length. */
export interface SourceSpan {
  file: number;
  offset: number;
  length: number;
}

/**
 * Where ops came from, beside the ops rather than in them (so comments and whitespace never change
 * an op id). Use `opSpans` (compiler/ir/sourceMap.ts) to look spans up by op id.
 */
export interface SourceMap {
  /** files[0] is the root spec; INCLUDEd files follow. */
  files: { path: string; digest: Digest }[];
  /**
   * `stages[s][k]` is the span of the instruction that produced `Ir.stages[s].ops[k]`. An op id
   * can appear in several places (identical content, e.g. every `FROM scratch`), each with its
   * own span. (IR version 1 had an `ops` object keyed by op id instead: building an object with
   * tens of thousands of fresh string keys was ~10% of compiling a large spec, bench/compile.)
   */
  stages: SourceSpan[][];
}
