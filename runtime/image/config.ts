// OCI image config construction: platform, the IR's image config → OCI/Docker `config`, and the machine spec as labels.
import type { ImageConfig as IrImageConfig, MachineSpec, Platform } from "../../compiler/ir/types.js";
import { canonicalJson } from "./json.js";
import type { ContainerConfig, DockerHealthcheck, OciImageConfig } from "./ociTypes.js";

/** Label / annotation namespace of the machine spec. */
export const MACHINE_PREFIX = "dev.vmspec.machine.";
/** The authoritative machine label: canonical JSON of the IR's MachineSpec. */
export const MACHINE_SPEC_LABEL = `${MACHINE_PREFIX}spec`;

/** RFC 3339 UTC time of `seconds` since the epoch (what `created` fields hold). */
export function isoTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.000Z$/, "Z");
}

/** A config with no layers and an empty `config`, for `platform`, created at `createdSeconds` (default 0). */
export function emptyConfig(platform: Platform, createdSeconds = 0): OciImageConfig {
  return {
    created: isoTime(createdSeconds),
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    config: {},
    rootfs: { type: "layers", diff_ids: [] },
    history: [],
  };
}

function set(keys: readonly string[]): Record<string, Record<string, never>> | undefined {
  if (keys.length === 0) return undefined;
  return Object.fromEntries([...keys].sort().map((k) => [k, {}]));
}

/** Docker's healthcheck object from the IR's (durations already in nanoseconds; 0 = omitted). */
export function toDockerHealthcheck(h: NonNullable<IrImageConfig["healthcheck"]>): DockerHealthcheck {
  return {
    Test: h.test,
    ...(h.interval ? { Interval: h.interval } : {}),
    ...(h.timeout ? { Timeout: h.timeout } : {}),
    ...(h.startPeriod ? { StartPeriod: h.startPeriod } : {}),
    ...(h.startInterval ? { StartInterval: h.startInterval } : {}),
    ...(h.retries ? { Retries: h.retries } : {}),
  };
}

/**
 * The OCI `config` object for the IR's image config. Empty values are omitted; `Shell` and
 * `OnBuild` (Docker extensions) are kept when non-empty, `Healthcheck` as Docker's extension.
 */
export function containerConfigFromIr(c: IrImageConfig): ContainerConfig {
  const out: ContainerConfig = {};
  if (c.user) out.User = c.user;
  const ports = set(c.exposedPorts);
  if (ports) out.ExposedPorts = ports;
  if (c.env.length > 0) out.Env = [...c.env];
  if (c.entrypoint) out.Entrypoint = [...c.entrypoint];
  if (c.cmd) out.Cmd = [...c.cmd];
  const vols = set(c.volumes);
  if (vols) out.Volumes = vols;
  if (c.workdir) out.WorkingDir = c.workdir;
  if (Object.keys(c.labels).length > 0) out.Labels = { ...c.labels };
  if (c.stopSignal) out.StopSignal = c.stopSignal;
  if (c.healthcheck) out.Healthcheck = toDockerHealthcheck(c.healthcheck);
  if (c.shell.length > 0 && !(c.shell.length === 2 && c.shell[0] === "/bin/sh" && c.shell[1] === "-c")) out.Shell = [...c.shell];
  if (c.onBuild.length > 0) out.OnBuild = [...c.onBuild];
  return out;
}

/**
 * The machine spec as labels (and manifest annotations), namespace `dev.vmspec.machine.`:
 * `spec` = canonical JSON of the whole MachineSpec (authoritative; what runners read), plus
 * human-readable copies `cpus`, `memory` (bytes), `disk` (bytes), `arch`, `launch`, `network`
 * (mode) and `ports` (`[hostIp:]host:guest/proto`, comma-separated; omitted when none).
 */
export function machineLabels(m: MachineSpec): Record<string, string> {
  const l: Record<string, string> = {
    [MACHINE_SPEC_LABEL]: canonicalJson(m),
    [`${MACHINE_PREFIX}cpus`]: String(m.cpus),
    [`${MACHINE_PREFIX}memory`]: String(m.memoryBytes),
    [`${MACHINE_PREFIX}disk`]: String(m.diskBytes),
    [`${MACHINE_PREFIX}arch`]: m.arch,
    [`${MACHINE_PREFIX}launch`]: m.launch,
    [`${MACHINE_PREFIX}network`]: m.network.mode,
  };
  if (m.network.ports.length > 0) {
    l[`${MACHINE_PREFIX}ports`] = m.network.ports.map((p) => `${p.hostIp ? `${p.hostIp}:` : ""}${p.host}:${p.guest}/${p.protocol}`).join(",");
  }
  return l;
}

/** The MachineSpec carried by an image's labels, or undefined if it has none (or it does not parse). */
export function machineFromLabels(labels: Record<string, string> | undefined): MachineSpec | undefined {
  const s = labels?.[MACHINE_SPEC_LABEL];
  if (s === undefined) return undefined;
  try {
    return JSON.parse(s) as MachineSpec;
  } catch {
    return undefined;
  }
}
