// OCI platforms `os[(osversion)]/arch[/variant]`, parsed and normalized the way containerd's
// platforms package does (Parse + Normalize), without consulting the host.
import { clampSpan, fail, ok, quote, type ValueResult } from "./result.js";

/** A normalized platform. `variant`/`osVersion` are omitted when empty. */
export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
  osVersion?: string;
}

/** Operating systems containerd knows (platforms/database.go isKnownOS). */
export const KNOWN_OS = ["aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "js", "linux", "nacl", "netbsd", "openbsd", "plan9", "solaris", "wasip1", "windows", "zos"] as const;
/** Architectures containerd knows (platforms/database.go isKnownArch). */
export const KNOWN_ARCH = ["386", "amd64", "amd64p32", "arm", "armbe", "arm64", "arm64be", "ppc64", "ppc64le", "loong64", "mips", "mipsle", "mips64", "mips64le", "mips64p32", "mips64p32le", "ppc", "riscv", "riscv64", "s390", "s390x", "sparc", "sparc64", "wasm"] as const;

const COMPONENT = /^[A-Za-z0-9_.-]+$/;
const OS_WITH_VERSION = /^([A-Za-z0-9_.-]+)(?:\(([A-Za-z0-9_.-]*)\))?$/;

/** containerd normalizeOS: lower-case, `macos` → `darwin`. */
export function normalizeOS(os: string): string {
  const o = os.toLowerCase();
  return o === "macos" ? "darwin" : o;
}

/**
 * containerd normalizeArch: lower-cases and maps aliases — `i386`→`386`; `x86_64`/`x86-64`→`amd64`
 * (variant `v1` dropped); `aarch64`→`arm64` (variant `8`/`v8` dropped); `armhf`→`arm/v7`;
 * `armel`→`arm/v6`; `arm` gets variant `v7` by default and `5`/`6`/`7`/`8` become `v5`… .
 */
export function normalizeArch(arch: string, variant: string): { architecture: string; variant: string } {
  let a = arch.toLowerCase();
  let v = variant.toLowerCase();
  switch (a) {
    case "i386":
      a = "386";
      v = "";
      break;
    case "x86_64":
    case "x86-64":
    case "amd64":
      a = "amd64";
      if (v === "v1") v = "";
      break;
    case "aarch64":
    case "arm64":
      a = "arm64";
      if (v === "8" || v === "v8") v = "";
      break;
    case "armhf":
      a = "arm";
      v = "v7";
      break;
    case "armel":
      a = "arm";
      v = "v6";
      break;
    case "arm":
      if (v === "" || v === "7") v = "v7";
      else if (v === "5" || v === "6" || v === "8") v = "v" + v;
      break;
  }
  return { architecture: a, variant: v };
}

/** Defaults for a one-component specifier (containerd would use the host's GOOS/GOARCH). */
export interface PlatformDefaults {
  os?: string;
  architecture?: string;
}

/**
 * Parses `os/arch[/variant]` (or `os(osversion)/arch…`) and normalizes it like containerd's
 * `platforms.Parse` followed by `platforms.Normalize`: `linux/x86_64` → linux/amd64,
 * `linux/aarch64` and `linux/arm64/v8` → linux/arm64, `linux/armhf` and `linux/arm` → linux/arm/v7.
 * Each component must match `[A-Za-z0-9_.-]+`; `*` is rejected. A single component is an arch
 * (OS from `defaults.os`, else linux) or a known OS (arch from `defaults.architecture`, else an
 * error): containerd would take these from the host, which the pure compiler must not.
 */
export function parsePlatform(text: string, defaults: PlatformDefaults = {}): ValueResult<Platform> {
  return clampSpan(text, parsePlatformImpl(text, defaults));
}

function parsePlatformImpl(text: string, defaults: PlatformDefaults = {}): ValueResult<Platform> {
  const hint = "write os/arch[/variant], e.g. linux/amd64, linux/arm64, linux/riscv64, linux/arm/v7";
  if (text.includes("*")) return fail(`${quote(text)}: wildcards in platform specifiers are not supported`, { hint, offset: text.indexOf("*"), length: 1 });
  const parts = text.split("/");
  if (parts.length > 3) return fail(`${quote(text)}: cannot parse platform specifier: too many components`, { hint, offset: 0, length: text.length });
  let offset = 0;
  let osVersion = "";
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    let valid = COMPONENT.test(p);
    if (!valid && i === 0 && parts.length > 1) {
      const m = OS_WITH_VERSION.exec(p);
      if (m) {
        valid = true;
        parts[0] = m[1];
        osVersion = m[2] ?? "";
      }
    }
    if (!valid) return fail(`${quote(p)}: invalid platform component`, { hint: "components use letters, digits, '_', '.', '-'", offset, length: Math.max(1, p.length) });
    offset += p.length + 1;
  }
  if (parts.length === 1) {
    const only = parts[0];
    const os = normalizeOS(only);
    if ((KNOWN_OS as readonly string[]).includes(os)) {
      if (defaults.architecture === undefined) return fail(`${quote(text)}: missing architecture`, { hint, offset: 0, length: text.length });
      return ok(finish(os, defaults.architecture, "", ""));
    }
    const { architecture } = normalizeArch(only, "");
    if ((KNOWN_ARCH as readonly string[]).includes(architecture)) return ok(finish(defaults.os ?? "linux", only, "", ""));
    return fail(`${quote(text)}: unknown operating system or architecture`, { hint, offset: 0, length: text.length });
  }
  return ok(finish(parts[0], parts[1], parts[2] ?? "", osVersion));
}

function finish(os: string, arch: string, variant: string, osVersion: string): Platform {
  const n = normalizeArch(arch, variant);
  const p: Platform = { os: normalizeOS(os), architecture: n.architecture };
  if (n.variant !== "") p.variant = n.variant;
  if (osVersion !== "") p.osVersion = osVersion;
  return p;
}

/** `os/arch[/variant]` (containerd platforms.Format; the OS version is not part of it). */
export function formatPlatform(p: Platform): string {
  return p.variant ? `${p.os}/${p.architecture}/${p.variant}` : `${p.os}/${p.architecture}`;
}

/** Whether the platform's OS and architecture are ones containerd knows about. */
export function isKnownPlatform(p: Platform): boolean {
  return (KNOWN_OS as readonly string[]).includes(p.os) && (KNOWN_ARCH as readonly string[]).includes(p.architecture);
}
