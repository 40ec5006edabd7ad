// Boot artifacts from the Debian archive: the stock riscv64 kernel Image, OpenSBI's fw_dynamic.bin
// and a static busybox, each fetched and verified through the package client (runtime/packages).
import { readFile } from "node:fs/promises";
import { gunzipSync } from "node:zlib";
import { fetchPackageFile, type PackageFile, type SourceOptions } from "../../packages/index.js";

/** Architecture of every guest artifact. */
export const GUEST_ARCH = "riscv64";

/** Package and in-package path of each artifact (Debian trixie layout). */
export const ARTIFACTS = {
  /** The kernel metapackage; the Image is in its `linux-image-<version>-riscv64` dependency. */
  kernel: { package: "linux-image-riscv64", path: /^\/boot\/vmlinu[xz]-[^/]+$/ },
  /** OpenSBI generic platform, fw_dynamic flavour (Architecture: all). */
  firmware: { package: "opensbi", path: "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin" },
  /** Statically linked busybox. */
  busybox: { package: "busybox-static", path: /^\/(usr\/)?bin\/busybox$/ },
} as const;

/** One fetched artifact: its bytes and where they came from. */
export interface Artifact {
  bytes: Uint8Array;
  /** Local path (inside the package cache). */
  path: string;
  /** `name version` of the package it came from, and the path inside it. */
  origin: string;
  sha256: string;
}

async function fetchArtifact(which: keyof typeof ARTIFACTS, suite: string, opts: SourceOptions): Promise<Artifact> {
  const spec = ARTIFACTS[which];
  const file: PackageFile = await fetchPackageFile({ suite, arch: GUEST_ARCH, package: spec.package, path: spec.path }, opts);
  let bytes: Uint8Array = await readFile(file.path);
  // A gzip'd kernel (vmlinuz) is unpacked; Debian's riscv64 Image is shipped uncompressed.
  if (which === "kernel" && bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  return {
    bytes,
    path: file.path,
    origin: `${file.package.name} ${file.package.version}: ${file.member}`,
    sha256: file.sha256,
  };
}

/** Fetches the kernel Image of `suite` (e.g. "trixie"). */
export function fetchKernel(suite: string, opts: SourceOptions = {}): Promise<Artifact> {
  return fetchArtifact("kernel", suite, opts);
}

/** Fetches OpenSBI's fw_dynamic.bin of `suite`. */
export function fetchFirmware(suite: string, opts: SourceOptions = {}): Promise<Artifact> {
  return fetchArtifact("firmware", suite, opts);
}

/** Fetches busybox-static's riscv64 binary of `suite`. */
export function fetchBusybox(suite: string, opts: SourceOptions = {}): Promise<Artifact> {
  return fetchArtifact("busybox", suite, opts);
}
