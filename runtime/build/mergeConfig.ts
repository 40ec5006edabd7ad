// The final OCI `config` of a stage: the IR's stage config layered over the base image's config (Docker's inheritance rules).
import type { ImageConfig as IrImageConfig } from "../../compiler/ir/types.js";
import { containerConfigFromIr } from "../image/config.js";
import type { ContainerConfig } from "../image/ociTypes.js";

/** BuildKit's default PATH, which the compiler puts in every stage's env (dockerfile2llb). */
const DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

function envKey(kv: string): string {
  const i = kv.indexOf("=");
  return i === -1 ? kv : kv.slice(0, i);
}

/**
 * Merges the stage's config over `base` (the base image's `config`, absent for scratch):
 * env by key (stage wins, order: base first, new keys appended; the compiler's default PATH does
 * not replace a PATH the base image sets), labels merged, exposed ports and volumes unioned;
 * entrypoint/cmd/user/workdir/stop signal/healthcheck/shell from the stage when it sets them,
 * else the base's; setting ENTRYPOINT without CMD clears the base's CMD (Docker); ONBUILD triggers
 * of the base are not inherited.
 */
export function mergeConfig(base: ContainerConfig | undefined, stage: IrImageConfig): ContainerConfig {
  const s = containerConfigFromIr(stage);
  if (!base) return s;
  const env = [...(base.Env ?? [])];
  for (const kv of s.Env ?? []) {
    const k = envKey(kv);
    const i = env.findIndex((e) => envKey(e) === k);
    if (kv === DEFAULT_PATH && i !== -1) continue;
    if (i === -1) env.push(kv);
    else env[i] = kv;
  }
  const out: ContainerConfig = { ...base };
  delete out.OnBuild;
  if (env.length > 0) out.Env = env;
  if (s.User) out.User = s.User;
  if (s.WorkingDir && (s.WorkingDir !== "/" || !base.WorkingDir)) out.WorkingDir = s.WorkingDir;
  if (s.Entrypoint) {
    out.Entrypoint = s.Entrypoint;
    if (!s.Cmd) delete out.Cmd;
  }
  if (s.Cmd) out.Cmd = s.Cmd;
  if (s.ExposedPorts) out.ExposedPorts = Object.fromEntries(Object.keys({ ...(base.ExposedPorts ?? {}), ...s.ExposedPorts }).sort().map((k) => [k, {}]));
  if (s.Volumes) out.Volumes = Object.fromEntries(Object.keys({ ...(base.Volumes ?? {}), ...s.Volumes }).sort().map((k) => [k, {}]));
  if (s.Labels) out.Labels = { ...(base.Labels ?? {}), ...s.Labels };
  if (s.StopSignal) out.StopSignal = s.StopSignal;
  if (s.Healthcheck) out.Healthcheck = s.Healthcheck;
  if (s.Shell) out.Shell = s.Shell;
  if (s.OnBuild) out.OnBuild = s.OnBuild;
  return out;
}
