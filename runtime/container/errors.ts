// Typed operational errors of the container runtimes.

/** Stable error codes of this module. */
export type ContainerErrorCode =
  | "CONTAINER_RUNTIME_UNAVAILABLE"
  | "CONTAINER_HELPER_BUILD"
  | "CONTAINER_ROOTFS"
  | "CONTAINER_USER"
  | "CONTAINER_CGROUP"
  | "CONTAINER_SPEC"
  | "CONTAINER_START";

/** An operational failure to prepare or start a container (never a failure of the process inside). */
export class ContainerError extends Error {
  override readonly name = "ContainerError";
  constructor(
    readonly code: ContainerErrorCode,
    message: string,
    /** The path, runtime or container id involved. */
    readonly subject?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
