// Image config + run options → the container's process (argv, env, cwd, user), Docker's rules.
import { ContainerError } from "./errors.js";
import type { ContainerSpec } from "./index.js";

/** The image config fields the process comes from (OCI image config.md `config`). */
export interface ImageProcessConfig {
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Env?: string[];
  WorkingDir?: string;
  User?: string;
}

/** `vmspec run` options that override the image config (all optional). */
export interface RunOverrides {
  /** Command after the image name; replaces the image's Cmd. */
  cmd?: readonly string[];
  /** `--entrypoint`; "" clears the image's entrypoint. */
  entrypoint?: string;
  env?: readonly string[];
  cwd?: string;
  user?: string;
}

/**
 * The process of a container for an image, Docker's rules: argv = Entrypoint + (cmd ?? Cmd);
 * `--entrypoint` replaces the entrypoint and drops the image's Cmd; env = image Env then `-e`.
 */
export function processFromImage(config: ImageProcessConfig | undefined, o: RunOverrides): Pick<ContainerSpec, "args" | "env" | "cwd" | "user"> {
  const c = config ?? {};
  const entry = o.entrypoint !== undefined ? (o.entrypoint === "" ? [] : [o.entrypoint]) : (c.Entrypoint ?? []);
  const cmd = o.cmd !== undefined && o.cmd.length > 0 ? o.cmd : o.entrypoint !== undefined ? [] : (c.Cmd ?? []);
  const args = [...entry, ...cmd];
  if (args.length === 0)
    throw new ContainerError("CONTAINER_SPEC", "no command specified: the image has no Entrypoint or Cmd and none was given");
  const user = o.user ?? c.User;
  return {
    args,
    env: [...(c.Env ?? []), ...(o.env ?? [])],
    ...(o.cwd ?? c.WorkingDir ? { cwd: o.cwd ?? c.WorkingDir } : {}),
    ...(user ? { user: { user } } : {}),
  };
}
