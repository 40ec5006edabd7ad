// Op ids: the canonical JSON of an op written by hand, one writer per op kind, with keys in sorted
// order by construction (compiler/ir/canonical.ts is the generic reference), and hashed.
import { sha256 } from "./digest.js";
import type { CopyFrom, CopySource, FileCopyOp, ImageRef, InlineFile, MkdirOp, Op, OpId, PackageRequest, PackagesOp, Platform, Principal, RunMount, RunOp, SourceOp } from "./types.js";

/**
 * The `id` an op is built with until `sealOp` sets it: its first key, so the IR prints `id` first.
 * It is `undefined`, which canonical JSON (and JSON.stringify) leaves out.
 */
export const UNSEALED = undefined as unknown as OpId;

/** The id `sealOp` set last: most ops build on the op sealed just before them (see `ids`). */
let lastId = "";

/**
 * Sets `op.id` to sha256 of the op's canonical JSON without `id` (what `opId` in canonical.ts
 * computes) and returns `op`. Build the op with `id: UNSEALED` as its first key, so the IR prints
 * `id` first without a second object.
 */
export function sealOp<T extends Op>(op: T): T {
  op.id = sha256(opContentJson(op));
  lastId = op.id;
  return op;
}

/**
 * The canonical JSON of an op without its `id`: byte for byte what `canonicalJson` gives for the
 * op's other fields (keys sorted by UTF-16 code units, no whitespace, `undefined` fields omitted,
 * strings escaped as JSON.stringify escapes them). test/compiler/serialise.test.ts holds every op of
 * the golden cases and examples to that.
 *
 * The `env` and `argEnv` lists of run ops are the same array object from one RUN to the next until
 * an ENV or ARG changes them (compiler/lower/scope.ts): the JSON of the last ones written is kept
 * and reused by identity (never by content). IR values are never modified once built
 * (compiler/arrays.ts), so a list's JSON never goes stale.
 */
export function opContentJson(op: Op): string {
  switch (op.kind) {
    case "run":
      return runJson(op);
    case "copy":
    case "add":
      return copyJson(op);
    case "mkdir":
      return mkdirJson(op);
    case "packages":
      return packagesJson(op);
    case "source":
      return sourceJson(op);
    default:
      throw new Error(`opContentJson: no writer for op kind ${JSON.stringify((op as Op).kind)}`);
  }
}

/** Every field of `T`, as a checklist object. */
type Fields<T> = { [F in keyof T]-?: true };

/** Every field of op type `T` but `id` (which the JSON leaves out). */
type OpFields<T extends Op> = Fields<Omit<T, "id">>;

/**
 * The fields of every object the writers below emit, listed in sorted order. A field added to one of
 * these types is a type error here until it is listed; test/compiler/serialise.test.ts then fails
 * until its full example of the type has the field and the writer emits it. No op holds a map whose
 * keys come from the spec (labels and build args live in the image config and the IR header): one
 * added must be written with its keys sorted as `canonicalJson` sorts them, integer-like keys too.
 */
export const FIELDS: {
  run: OpFields<RunOp>;
  copy: OpFields<FileCopyOp>;
  mkdir: OpFields<MkdirOp>;
  packages: OpFields<PackagesOp>;
  source: OpFields<SourceOp>;
  sourceImage: Fields<Extract<SourceOp["source"], { kind: "image" }>>;
  device: Fields<RunOp["devices"][number]>;
  inlineFile: Fields<InlineFile>;
  mount: Fields<RunMount>;
  fromStage: Fields<Extract<CopyFrom, { kind: "stage" }>>;
  fromImage: Fields<Extract<CopyFrom, { kind: "image" }>>;
  fromNamedContext: Fields<Extract<CopyFrom, { kind: "namedContext" }>>;
  sourceGit: Fields<Extract<CopySource, { kind: "git" }>>;
  sourceInline: Fields<Extract<CopySource, { kind: "inline" }>>;
  chown: Fields<NonNullable<FileCopyOp["chown"]>>;
  packageRequest: Fields<PackageRequest>;
  platform: Fields<Platform>;
  imageRef: Fields<ImageRef>;
} = {
  run: { argEnv: true, args: true, devices: true, env: true, files: true, inputs: true, kind: true, mounts: true, network: true, security: true, user: true, workdir: true },
  copy: { checksum: true, chmod: true, chown: true, dest: true, exclude: true, from: true, inputs: true, keepGitDir: true, kind: true, link: true, parents: true, sources: true, unpack: true },
  mkdir: { inputs: true, kind: true, path: true, user: true },
  packages: { arch: true, distro: true, inputs: true, kind: true, packages: true, suite: true },
  source: { inputs: true, kind: true, source: true },
  sourceImage: { kind: true, platform: true, ref: true },
  device: { name: true, required: true },
  inlineFile: { content: true, mode: true, path: true },
  mount: { env: true, from: true, gid: true, id: true, mode: true, readonly: true, required: true, sharing: true, size: true, source: true, target: true, type: true, uid: true },
  fromStage: { kind: true, op: true, stage: true },
  fromImage: { kind: true, ref: true },
  fromNamedContext: { kind: true, name: true },
  sourceGit: { kind: true, ref: true, url: true },
  sourceInline: { file: true, kind: true },
  chown: { group: true, user: true },
  packageRequest: { name: true, version: true },
  platform: { architecture: true, os: true, variant: true },
  imageRef: { digest: true, name: true, raw: true, tag: true },
};

// ---------------------------------------------------------------------------------------------
// Op kinds
// ---------------------------------------------------------------------------------------------

function runJson(op: RunOp): string {
  return (
    '{"argEnv":' +
    argEnvJson(op.argEnv) +
    ',"args":' +
    strings(op.args) +
    ',"devices":' +
    list(op.devices, device) +
    ',"env":' +
    envJson(op.env) +
    ',"files":' +
    list(op.files, inlineFile) +
    ',"inputs":' +
    ids(op.inputs) +
    ',"kind":"run","mounts":' +
    list(op.mounts, mount) +
    // The defaults are written as constants (no scan, no concatenation).
    (op.network === "default" ? ',"network":"default"' : ',"network":' + str(op.network)) +
    (op.security === "sandbox" ? ',"security":"sandbox"' : ',"security":' + str(op.security)) +
    ',"user":' +
    str(op.user) +
    ',"workdir":' +
    str(op.workdir) +
    "}"
  );
}

function copyJson(op: FileCopyOp): string {
  let s = "{";
  if (op.checksum !== undefined) s += '"checksum":' + str(op.checksum) + ",";
  if (op.chmod !== undefined) s += '"chmod":' + (typeof op.chmod === "number" ? num(op.chmod) : str(op.chmod)) + ",";
  if (op.chown !== undefined) s += '"chown":' + chown(op.chown) + ",";
  s += '"dest":' + str(op.dest) + ',"exclude":' + strings(op.exclude) + ',"from":' + copyFrom(op.from) + ',"inputs":' + ids(op.inputs);
  if (op.keepGitDir !== undefined) s += ',"keepGitDir":' + op.keepGitDir;
  s += (op.kind === "copy" ? ',"kind":"copy"' : ',"kind":' + str(op.kind)) + ',"link":' + op.link + ',"parents":' + op.parents + ',"sources":' + list(op.sources, copySource);
  if (op.unpack !== undefined) s += ',"unpack":' + op.unpack;
  return s + "}";
}

function mkdirJson(op: MkdirOp): string {
  return '{"inputs":' + ids(op.inputs) + ',"kind":"mkdir","path":' + str(op.path) + ',"user":' + str(op.user) + "}";
}

function packagesJson(op: PackagesOp): string {
  return (
    '{"arch":' +
    str(op.arch) +
    ',"distro":' +
    str(op.distro) +
    ',"inputs":' +
    ids(op.inputs) +
    ',"kind":"packages","packages":' +
    list(op.packages, (p) => '{"name":' + str(p.name) + (p.version !== undefined ? ',"version":' + str(p.version) : "") + "}") +
    ',"suite":' +
    str(op.suite) +
    "}"
  );
}

function sourceJson(op: SourceOp): string {
  const src = op.source;
  const source =
    src.kind === "scratch" ? '{"kind":"scratch"}' : '{"kind":"image","platform":' + platform(src.platform) + ',"ref":' + imageRef(src.ref) + "}";
  return '{"inputs":' + ids(op.inputs) + ',"kind":"source","source":' + source + "}";
}

// ---------------------------------------------------------------------------------------------
// Values inside ops
// ---------------------------------------------------------------------------------------------

function device(d: RunOp["devices"][number]): string {
  return '{"name":' + str(d.name) + ',"required":' + d.required + "}";
}

function inlineFile(f: InlineFile): string {
  return '{"content":' + str(f.content) + ',"mode":' + num(f.mode) + ',"path":' + str(f.path) + "}";
}

function mount(m: RunMount): string {
  let s = "{";
  if (m.env !== undefined) s += '"env":' + str(m.env) + ",";
  if (m.from !== undefined) s += '"from":' + copyFrom(m.from) + ",";
  if (m.gid !== undefined) s += '"gid":' + num(m.gid) + ",";
  if (m.id !== undefined) s += '"id":' + str(m.id) + ",";
  if (m.mode !== undefined) s += '"mode":' + num(m.mode) + ",";
  s += '"readonly":' + m.readonly;
  if (m.required !== undefined) s += ',"required":' + m.required;
  if (m.sharing !== undefined) s += ',"sharing":' + str(m.sharing);
  if (m.size !== undefined) s += ',"size":' + num(m.size);
  if (m.source !== undefined) s += ',"source":' + str(m.source);
  s += ',"target":' + str(m.target) + ',"type":' + str(m.type);
  if (m.uid !== undefined) s += ',"uid":' + num(m.uid);
  return s + "}";
}

function copyFrom(f: CopyFrom): string {
  switch (f.kind) {
    case "context":
      return '{"kind":"context"}';
    case "stage":
      return '{"kind":"stage","op":' + str(f.op) + ',"stage":' + num(f.stage) + "}";
    case "image":
      return '{"kind":"image","ref":' + imageRef(f.ref) + "}";
    case "namedContext":
      return '{"kind":"namedContext","name":' + str(f.name) + "}";
  }
}

function copySource(c: CopySource): string {
  switch (c.kind) {
    case "path":
      return '{"kind":"path","path":' + str(c.path) + "}";
    case "url":
      return '{"kind":"url","url":' + str(c.url) + "}";
    case "git":
      return '{"kind":"git",' + (c.ref !== undefined ? '"ref":' + str(c.ref) + "," : "") + '"url":' + str(c.url) + "}";
    case "inline":
      return '{"file":' + inlineFile(c.file) + ',"kind":"inline"}';
  }
}

function chown(c: NonNullable<FileCopyOp["chown"]>): string {
  if (c.group === undefined) return c.user === undefined ? "{}" : '{"user":' + principal(c.user) + "}";
  return '{"group":' + principal(c.group) + (c.user === undefined ? "" : ',"user":' + principal(c.user)) + "}";
}

function principal(p: Principal): string {
  return "id" in p ? '{"id":' + num(p.id) + "}" : '{"name":' + str(p.name) + "}";
}

function platform(p: Platform): string {
  return '{"architecture":' + str(p.architecture) + ',"os":' + str(p.os) + (p.variant !== undefined ? ',"variant":' + str(p.variant) : "") + "}";
}

function imageRef(r: ImageRef): string {
  return (
    "{" +
    (r.digest !== undefined ? '"digest":' + str(r.digest) + "," : "") +
    '"name":' +
    str(r.name) +
    ',"raw":' +
    str(r.raw) +
    (r.tag !== undefined ? ',"tag":' + str(r.tag) : "") +
    "}"
  );
}

// ---------------------------------------------------------------------------------------------
// JSON primitives
// ---------------------------------------------------------------------------------------------

/** A character JSON.stringify escapes: control characters, `"`, `\` and UTF-16 surrogates (paired ones are let through below). */
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\ud800-\udfff]/;

/**
 * A JSON string literal, exactly as JSON.stringify(s) writes it. Most IR strings need no escaping:
 * one native regex scan says so and the quotes are added here; otherwise JSON.stringify writes it
 * (it escapes lone surrogates as `\udXXX` and leaves pairs alone, which this need not repeat).
 */
function str(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : '"' + s + '"';
}

/** A JSON number as JSON.stringify writes it (`null` for NaN and ±Infinity). */
function num(n: number): string {
  return Number.isFinite(n) ? String(n) : "null";
}

/**
 * A JSON array of strings. JSON.stringify writes it: one native call and one flat string, cheaper
 * than a `str` per element (fewer instructions, and no tree of pieces for the hash to flatten).
 */
function strings(a: readonly string[]): string {
  return a.length === 0 ? "[]" : JSON.stringify(a);
}

/**
 * A JSON array of op ids. The id `sealOp` set last (usually `inputs[0]`) is `sha256:` and hex
 * digits, so it is written without the escape scan; any other is scanned like every string.
 */
function ids(a: readonly string[]): string {
  if (a.length === 0) return "[]";
  let s = "[" + (a[0] === lastId ? '"' + a[0] + '"' : str(a[0]!));
  for (let i = 1; i < a.length; i++) s += "," + (a[i] === lastId ? '"' + a[i] + '"' : str(a[i]!));
  return s + "]";
}

/** A JSON array written element by element. */
function list<T>(a: readonly T[], write: (v: T) => string): string {
  if (a.length === 0) return "[]";
  let s = "[" + write(a[0]!);
  for (let i = 1; i < a.length; i++) s += "," + write(a[i]!);
  return s + "]";
}

/**
 * The last `env` and `argEnv` lists written and their JSON. Consecutive RUNs share these arrays
 * until an ENV or ARG replaces them (compiler/lower/scope.ts); one entry per field catches that
 * without a WeakMap, whose every entry costs the garbage collector (most lists are written once or
 * twice: a spec sets ENV or ARG every few RUNs).
 */
const lastList: { argEnv: readonly string[] | null; argEnvJson: string; env: readonly string[] | null; envJson: string } = {
  argEnv: null,
  argEnvJson: "",
  env: null,
  envJson: "",
};

function argEnvJson(a: readonly string[]): string {
  if (a !== lastList.argEnv) {
    lastList.argEnvJson = strings(a);
    lastList.argEnv = a;
  }
  return lastList.argEnvJson;
}

function envJson(a: readonly string[]): string {
  if (a !== lastList.env) {
    lastList.envJson = strings(a);
    lastList.env = a;
  }
  return lastList.envJson;
}
