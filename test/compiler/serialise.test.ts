// The per-kind op writers (compiler/ir/serialise.ts) give exactly the generic canonical JSON
// (compiler/ir/canonical.ts) for every op the corpus compiles to and for hand-made ops full of
// awkward strings, so op ids stay what they always were.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { canonicalJson, opId, sealOp, UNSEALED } from "../../compiler/ir/canonical.js";
import { FIELDS, opContentJson } from "../../compiler/ir/serialise.js";
import type { FileCopyOp, MkdirOp, Op, OpId, PackagesOp, RunMount, RunOp, SourceOp } from "../../compiler/ir/types.js";
import { compileAs, corpus } from "../tooling/corpus.js";

/** The generic canonical JSON of an op's content (everything but `id`): the reference. */
function reference(op: Op): string {
  const { id: _id, ...content } = op;
  return canonicalJson(content);
}

test("every op of every golden case and example: the writer gives the generic canonical JSON", () => {
  const kinds = new Set<string>();
  let ops = 0;
  const wrong: string[] = [];
  for (const c of corpus()) {
    const r = compileAs(c, c.text);
    for (const st of (r.ir ?? r.partialIr)?.stages ?? []) {
      for (const op of st.ops) {
        ops++;
        kinds.add(op.kind);
        if (opContentJson(op) !== reference(op)) wrong.push(`${c.name}: ${op.kind} op\n  writer:    ${opContentJson(op)}\n  reference: ${reference(op)}`);
        else if (op.id !== opId(op)) wrong.push(`${c.name}: ${op.kind} op ${op.id} is not the digest of its content`);
      }
    }
  }
  assert.equal(wrong.slice(0, 3), []);
  // The corpus must exercise every writer, or this test proves nothing about the missing ones.
  assert.equal([...kinds].sort(), ["add", "copy", "mkdir", "packages", "run", "source"]);
  assert.ok(ops > 200, `only ${ops} ops`);
});

// ---------------------------------------------------------------------------------------------
// Hand-made ops: every field set, in every shape, holding strings JSON must escape.
// ---------------------------------------------------------------------------------------------

/**
 * Strings whose JSON differs from `"` + s + `"` (quotes, backslashes, control characters, lone
 * surrogates, which JSON.stringify writes as `\udXXX`), and ones that must pass through unchanged
 * (DEL, non-ASCII, a surrogate pair, U+2028).
 */
const AWKWARD = [
  "plain",
  "",
  'say "hi"',
  "C:\\dir\\",
  "tab\there\nnewline\r",
  "\u0000\u0001\u001f",
  "\u007f",
  "é中ß",
  "😀 pair",
  "\ud800",
  "x\udfffy",
  "\udc00\ud800",
  "\u2028\u2029",
  '"]},{"kind":"x',
];

const ID_A = `sha256:${"a".repeat(64)}` as OpId;
const ID_B = `sha256:${"b".repeat(64)}` as OpId;

/** Keys deliberately inserted out of order: the writers must not depend on insertion order. */
function fullMount(s: string): RunMount {
  return {
    uid: 1000,
    type: "secret",
    target: `/run/${s}`,
    source: `src${s}`,
    size: 2 ** 53 - 1,
    sharing: "locked",
    required: true,
    readonly: true,
    mode: 0o400,
    id: `id${s}`,
    gid: 0,
    from: { stage: 2, op: ID_B, kind: "stage" },
    env: `ENV_${s}`,
  };
}

function runOps(s: string): RunOp[] {
  const full: RunOp = {
    id: UNSEALED,
    workdir: `/w/${s}`,
    user: s,
    security: "insecure",
    network: "host",
    mounts: [
      fullMount(s),
      { target: "/cache", readonly: false, type: "cache", sharing: "shared", from: { ref: { tag: s, raw: `img:${s}`, name: "img", digest: `sha256:${"c".repeat(64)}` }, kind: "image" } },
      { type: "bind", target: s, readonly: true, from: { name: s, kind: "namedContext" } },
      // Never produced by lowering, but JSON has no NaN or -0: the writer must agree with the reference.
      { type: "tmpfs", target: "/t", readonly: false, from: { kind: "context" }, size: Number.NaN, mode: -0, uid: Number.POSITIVE_INFINITY },
      { type: "ssh", target: "/s", readonly: false, required: false, id: undefined, env: undefined },
    ],
    kind: "run",
    inputs: [ID_A, `sha256:${s}`],
    files: [{ path: `/dev/pipes/${s}`, mode: 0o755, content: `#!/bin/sh\n${s}\n` }],
    env: [`A=${s}`, "PATH=/bin"],
    devices: [
      { required: true, name: s },
      { required: false, name: "dev" },
    ],
    args: ["/bin/sh", "-c", s],
    argEnv: [`B=${s}`],
  };
  const empty: RunOp = { id: UNSEALED, argEnv: [], args: [], devices: [], env: [], files: [], inputs: [], kind: "run", mounts: [], network: "default", security: "sandbox", user: "", workdir: "/" };
  return [full, empty];
}

function copyOps(s: string): FileCopyOp[] {
  const full: FileCopyOp = {
    id: UNSEALED,
    unpack: true,
    sources: [
      { path: s, kind: "path" },
      { url: `https://example.invalid/${s}`, kind: "url" },
      { url: "git@example.invalid:x.git", ref: s, kind: "git" },
      { url: "git@example.invalid:y.git", kind: "git" },
      { kind: "git", url: "z", ref: undefined },
      { kind: "inline", file: { path: s, mode: 0o644, content: `${s}\n` } },
    ],
    parents: true,
    link: true,
    kind: "add",
    keepGitDir: false,
    inputs: [ID_A, ID_B],
    from: { kind: "stage", stage: 0, op: ID_B },
    exclude: [s, "*.tmp"],
    dest: `/d/${s}/`,
    chown: { user: { name: s }, group: { id: 0 } },
    chmod: 0o755,
    checksum: `sha256:${"d".repeat(64)}`,
  };
  const symbolic: FileCopyOp = { id: UNSEALED, chmod: `u+x${s}`, chown: { group: { name: s } }, dest: "/", exclude: [], from: { kind: "context" }, inputs: [ID_A], kind: "copy", link: false, parents: false, sources: [] };
  const userOnly: FileCopyOp = { ...symbolic, chmod: undefined, chown: { user: { id: 65532 } }, from: { kind: "image", ref: { name: s, raw: s } } };
  const emptyChown: FileCopyOp = { ...symbolic, chown: {}, checksum: undefined, keepGitDir: undefined, unpack: undefined, from: { kind: "namedContext", name: s } };
  return [full, symbolic, userOnly, emptyChown];
}

function mkdirOps(s: string): MkdirOp[] {
  return [{ id: UNSEALED, user: s, path: `/${s}`, kind: "mkdir", inputs: [ID_A] }];
}

function packagesOps(s: string): PackagesOp[] {
  return [
    {
      id: UNSEALED,
      suite: s,
      packages: [{ version: `1.0-${s}`, name: s }, { name: "curl" }, { name: "git", version: undefined }],
      kind: "packages",
      inputs: [ID_A],
      distro: "debian",
      arch: "riscv64",
    },
    { id: UNSEALED, arch: "amd64", distro: s, inputs: [], kind: "packages", packages: [], suite: "trixie" },
  ];
}

function sourceOps(s: string): SourceOp[] {
  return [
    { id: UNSEALED, source: { kind: "scratch" }, kind: "source", inputs: [] },
    { id: UNSEALED, source: { ref: { tag: s, raw: `${s}:${s}`, name: s, digest: `sha256:${"e".repeat(64)}` }, platform: { variant: s, os: "linux", architecture: "arm64" }, kind: "image" }, kind: "source", inputs: [] },
    { id: UNSEALED, source: { kind: "image", platform: { architecture: "amd64", os: s, variant: undefined }, ref: { name: "debian", raw: "debian", tag: undefined } }, kind: "source", inputs: [] },
  ];
}

const BUILDERS: [string, (s: string) => Op[]][] = [
  ["run", runOps],
  ["copy and add", copyOps],
  ["mkdir", mkdirOps],
  ["packages", packagesOps],
  ["source", sourceOps],
];

for (const [kind, build] of BUILDERS) {
  test(`${kind} ops: the writer gives the generic canonical JSON, awkward strings included`, () => {
    for (const s of AWKWARD) {
      for (const op of build(s)) assert.is(opContentJson(op), reference(op), `${kind} op with ${JSON.stringify(s)}`);
    }
  });
}

test("the awkward strings do reach the writers escaped (so the comparisons above exercise escaping)", () => {
  const json = opContentJson(runOps('"\\\u0001\ud800')[0]!);
  assert.ok(json.includes('"user":"\\"\\\\\\u0001\\ud800"'), json);
  assert.ok(opContentJson(runOps("😀")[0]!).includes('"user":"😀"'), "a surrogate pair is written as is");
});

test("a list shared by consecutive run ops is written again once another list replaced it", () => {
  const [a] = runOps("one");
  const b = { ...a!, env: ["X=2"] };
  const c = { ...a!, env: a!.env };
  for (const op of [a!, b, c, b]) assert.is(opContentJson(op), reference(op));
});

test("sealOp sets the id opId computes, on a chain of ops each built on the last, and ops differing in one string get different ids", () => {
  const ids = new Set<string>();
  let last: OpId = ID_A;
  for (const s of AWKWARD) {
    const [run] = runOps(s);
    const op = sealOp({ ...run!, inputs: [last, `sha256:${s}`, last] });
    assert.is(op.id, opId(op));
    last = op.id;
    assert.match(op.id, /^sha256:[0-9a-f]{64}$/);
    ids.add(op.id);
  }
  assert.is(ids.size, AWKWARD.length);
});

// FIELDS is type-checked against compiler/ir/types.ts; these examples are checked against FIELDS, so
// a field added to an op type fails here until an example holds it (and the writer emits it).
const FULL_EXAMPLES: [keyof typeof FIELDS, object][] = [
  ["run", runOps("x")[0]!],
  ["copy", copyOps("x")[0]!],
  ["mkdir", mkdirOps("x")[0]!],
  ["packages", packagesOps("x")[0]!],
  ["source", sourceOps("x")[1]!],
  ["sourceImage", (sourceOps("x")[1] as SourceOp).source],
  ["device", runOps("x")[0]!.devices[0]!],
  ["inlineFile", runOps("x")[0]!.files[0]!],
  ["mount", fullMount("x")],
  ["fromStage", fullMount("x").from!],
  ["fromImage", runOps("x")[0]!.mounts[1]!.from!],
  ["fromNamedContext", runOps("x")[0]!.mounts[2]!.from!],
  ["sourceGit", copyOps("x")[0]!.sources[2]!],
  ["sourceInline", copyOps("x")[0]!.sources[5]!],
  ["chown", copyOps("x")[0]!.chown!],
  ["packageRequest", packagesOps("x")[0]!.packages[0]!],
  ["platform", ((sourceOps("x")[1] as SourceOp).source as { platform: object }).platform],
  ["imageRef", ((sourceOps("x")[1] as SourceOp).source as { ref: object }).ref],
];

test("the full examples above set every field FIELDS lists, and FIELDS lists them sorted", () => {
  assert.equal(FULL_EXAMPLES.map(([k]) => k).sort(), Object.keys(FIELDS).sort(), "an example per FIELDS entry");
  for (const [name, example] of FULL_EXAMPLES) {
    const listed = Object.keys(FIELDS[name]);
    assert.equal(listed, [...listed].sort(), `FIELDS.${name} in sorted order`);
    const isOp = "inputs" in example; // an op's `id` is not part of its content (a mount's `id` is)
    const set = Object.keys(example).filter((k) => !(isOp && k === "id") && (example as Record<string, unknown>)[k] !== undefined);
    assert.equal(set.sort(), listed, `the full ${name} example`);
  }
});

test.run();
