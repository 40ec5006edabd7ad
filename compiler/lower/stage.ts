// The per-stage state while lowering, and the defaults a new stage starts from.
import type { FromNode, Span } from "../ast/types.js";
import type { ImageConfig, MachineSpec, Op, OpId, Platform, StageBase } from "../ir/types.js";
import { EnvMap, Scope } from "./scope.js";

/** BuildKit's default PATH (added to every image config that has none; dockerfile2llb). */
export const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** Default SHELL on Linux (DOCKERFILE.md §3, SHELL). */
export const DEFAULT_SHELL = ["/bin/sh", "-c"];

/** Machine defaults when a spec has no MACHINE (documented in docs/language.md). */
export const MACHINE_DEFAULTS = { cpus: 1, memoryBytes: 512 * 1024 * 1024, diskBytes: 2 * 1024 * 1024 * 1024 };

/** Mutable state of the stage being lowered. */
export interface StageState {
  index: number;
  name: string | null;
  from: FromNode;
  platform: Platform;
  /** True when FROM --platform fixed the platform (MACHINE arch must agree). */
  platformFixed: boolean;
  base: StageBase;
  ops: Op[];
  /** `spans[k]` is the span of the instruction that produced `ops[k]` (the IR's source map). */
  spans: Span[];
  /** The op whose filesystem is the stage's current state. */
  current: OpId;
  dependsOn: Set<number>;
  config: ImageConfig;
  machine: MachineSpec;
  scope: Scope;
  /** CMD was set in this stage (ENTRYPOINT then keeps it, M5). */
  cmdSet: boolean;
  /** The stage (transitively) starts from an image whose ENV the compiler cannot see. */
  imageBased: boolean;
  /** EXPOSEd ports and VOLUMEs so far (sorted into the config when the stage ends). */
  ports: Set<string>;
  volumes: Set<string>;
  /** Spans of MACHINE/KERNEL/NETWORK seen in this stage (for the "more than once" warning). */
  seen: Map<string, Span>;
}

/** Adds `op`, made by the instruction at `span`, as the stage's new current state. */
export function addOp(st: StageState, op: Op, span: Span): void {
  st.ops.push(op);
  st.spans.push(span);
  st.current = op.id;
}

/** A fresh image config (scratch, or an image whose config the builder merges underneath). */
export function emptyConfig(): ImageConfig {
  return {
    env: [],
    cmd: null,
    entrypoint: null,
    workdir: "/",
    user: "",
    exposedPorts: [],
    volumes: [],
    labels: {},
    stopSignal: null,
    healthcheck: null,
    shell: DEFAULT_SHELL.slice(),
    onBuild: [],
  };
}

/** A deep copy of a config (stages derived from a stage start from its final config). */
export function copyConfig(c: ImageConfig): ImageConfig {
  return {
    ...c,
    env: c.env.slice(),
    cmd: c.cmd?.slice() ?? null,
    entrypoint: c.entrypoint?.slice() ?? null,
    exposedPorts: c.exposedPorts.slice(),
    volumes: c.volumes.slice(),
    labels: { ...c.labels },
    healthcheck: c.healthcheck ? { ...c.healthcheck, test: c.healthcheck.test.slice() } : null,
    shell: c.shell.slice(),
    onBuild: [],
  };
}

/** Default machine for a platform. */
export function defaultMachine(arch: string): MachineSpec {
  return {
    declared: false,
    ...MACHINE_DEFAULTS,
    arch,
    launch: "container",
    kernel: null,
    network: { mode: "user", ports: [] },
  };
}

/** A deep copy of a machine spec. */
export function copyMachine(m: MachineSpec): MachineSpec {
  return { ...m, kernel: m.kernel ? { ...m.kernel, source: { ...m.kernel.source } } : null, network: { mode: m.network.mode, ports: m.network.ports.map((p) => ({ ...p })) } };
}

/** A new stage scope whose ENV starts from `env` (or just the default PATH). */
export function newScope(env?: EnvMap): Scope {
  const e = new EnvMap(env);
  if (env === undefined) e.set("PATH", DEFAULT_PATH);
  return new Scope(e);
}
