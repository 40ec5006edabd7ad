// Lowering of vmspec's machine instructions: MACHINE, KERNEL, NETWORK, PUBLISH, and PACKAGES
// (its own IR op). See docs/language.md "Beyond Dockerfile".
import type { Instruction, ListNode, Span, StringNode } from "../ast/types.js";
import { didYouMean } from "../diagnostics/didYouMean.js";
import { sealOp, UNSEALED } from "../ir/canonical.js";
import type { PackageRequest, PackagesOp } from "../ir/types.js";
import { expandWord } from "../words/expand.js";
import type { LowerContext } from "./context.js";
import type { Scope } from "./scope.js";
import { addOp, type StageState } from "./stage.js";
import { parsePublishText, parseSizeText } from "./values.js";

/** Architectures vmspec can run (containers on a matching host; riscv64 also on the built-in emulator). */
export const SUPPORTED_ARCHES = ["amd64", "arm64", "riscv64"] as const;

const ARCH_ALIASES: Record<string, string> = { x86_64: "amd64", "x86-64": "amd64", aarch64: "arm64", riscv: "riscv64" };

/** Normalises an architecture name (`x86_64` → `amd64`); null if unsupported. */
export function normalizeArch(a: string): string | null {
  const l = a.toLowerCase();
  const n = ARCH_ALIASES[l] ?? l;
  return (SUPPORTED_ARCHES as readonly string[]).includes(n) ? n : null;
}

/** Debian architecture names by OCI architecture (the Debian ports for our supported arches). */
export const DEBIAN_ARCH: Record<string, string> = { amd64: "amd64", arm64: "arm64", riscv64: "riscv64" };

/** Debian architectures PACKAGES --arch accepts. */
const DEBIAN_ARCHES = new Set(["amd64", "arm64", "riscv64", "i386", "armhf", "armel", "ppc64el", "s390x", "mips64el", "loong64"]);

/** Distributions the builder can resolve. */
export const SUPPORTED_DISTROS = ["debian"] as const;

/** Debian package name (Policy §5.6.1) and version (§5.6.12) syntax. */
const PKG_NAME_RE = /^[a-z0-9][a-z0-9+.-]+$/;
const PKG_VERSION_RE = /^(\d+:)?[0-9][A-Za-z0-9.+~-]*$/;

/**
 * The arch a stage's MACHINE sets (last `arch=` wins), read before lowering the stage so FROM can use
 * it as the platform; null if none or unsupported (the real lowering reports it).
 */
export function prescanArch(ctx: LowerContext, body: readonly Instruction[], scope: Scope): string | null {
  let arch: string | null = null;
  // Indexed loop: runs over every instruction of a stage, where `for…of` allocated an iterator
  // result per element (bench/compile); the same holds for the other per-instruction loops.
  for (let i = 0; i < body.length; i++) {
    const n = body[i]!;
    if (n.kind !== "machine") continue;
    for (const w of n.items) {
      if (!/^arch=/i.test(w.text)) continue;
      const r = expandWord(w.text, scope, ctx.escapes[w.file] ?? "\\");
      if (r.errors.length > 0) continue;
      const v = r.value.slice(r.value.indexOf("=") + 1);
      arch = normalizeArch(v) ?? arch;
    }
  }
  return arch;
}

function parseDistro(ctx: LowerContext, v: string, span: Span): { distro: string; suite: string } | null {
  const m = /^([a-z][a-z0-9-]*):([a-z][a-z0-9.-]*)$/.exec(v);
  if (m === null) {
    ctx.report("badDistro", span, [v]);
    return null;
  }
  if (!(SUPPORTED_DISTROS as readonly string[]).includes(m[1]!)) {
    ctx.report("unsupportedDistro", span, [m[1]!]);
    return null;
  }
  return { distro: m[1]!, suite: m[2]! };
}

function parsePackage(ctx: LowerContext, v: string, span: Span): PackageRequest | null {
  const eq = v.indexOf("=");
  const name = eq < 0 ? v : v.slice(0, eq);
  const version = eq < 0 ? undefined : v.slice(eq + 1);
  if (!PKG_NAME_RE.test(name)) {
    ctx.report("badPackageName", span, [v, "a Debian package name is lowercase letters, digits, '+', '-', '.' (at least 2 chars)"]);
    return null;
  }
  if (version !== undefined && !PKG_VERSION_RE.test(version)) {
    ctx.report("badPackageName", span, [v, `'${version}' is not a Debian version`]);
    return null;
  }
  return version === undefined ? { name } : { name, version };
}

/** Lowers MACHINE / KERNEL / NETWORK / PUBLISH / PACKAGES. */
export function lowerMachineInstruction(ctx: LowerContext, st: StageState, n: ListNode | StringNode): void {
  const m = st.machine;
  switch (n.kind) {
    case "machine": {
      m.declared = true;
      st.seen.set("MACHINE", n.span);
      for (const w of n.items) {
        const text = ctx.expand(w, st.scope);
        if (text === null) continue;
        const eq = text.indexOf("=");
        if (eq <= 0) {
          ctx.report("machineSetting", w.span, [text]);
          continue;
        }
        const key = text.slice(0, eq).toLowerCase();
        const value = text.slice(eq + 1);
        switch (key) {
          case "cpus": {
            const c = /^\d+$/.test(value) ? Number(value) : NaN;
            if (!(c >= 1 && c <= 512)) ctx.report("machineBadCpus", w.span, [value]);
            else m.cpus = c;
            break;
          }
          case "memory":
          case "disk": {
            const r = parseSizeText(value);
            if (!r.ok) ctx.report("machineBadValue", w.span, [key, value, r.message], r.hint);
            else if (r.value === 0) ctx.report("machineBadValue", w.span, [key, value, "must be greater than zero"]);
            else if (key === "memory") m.memoryBytes = r.value;
            else m.diskBytes = r.value;
            break;
          }
          case "arch": {
            const a = normalizeArch(value);
            if (a === null) ctx.report("machineUnsupportedArch", w.span, [value, SUPPORTED_ARCHES.join(", ")]);
            else if (st.platformFixed && a !== st.platform.architecture) ctx.report("archMismatch", w.span, [a, st.platform.architecture]);
            else m.arch = a;
            break;
          }
          case "launch":
            if (value === "container" || value === "vm") m.launch = value;
            else ctx.report("machineBadLaunch", w.span, [value]);
            break;
          default:
            ctx.report("machineUnknownKey", w.span, [key], didYouMeanKey(key));
        }
      }
      return;
    }
    case "kernel": {
      if (st.seen.has("KERNEL")) ctx.report("multipleMachine", n.keywordSpan, ["KERNEL"]);
      st.seen.set("KERNEL", n.span);
      const get = (k: string) => n.flags.find((f) => f.name === k);
      const file = get("file");
      const distro = get("distro");
      const pkg = get("package");
      const cmdline = n.value === null ? "" : ctx.expand(n.value, st.scope);
      if (cmdline === null) return;
      if ((file === undefined) === (distro === undefined) || (file !== undefined && pkg !== undefined)) {
        ctx.report("kernelSource", n.keywordSpan);
        return;
      }
      if (file !== undefined) {
        const p = ctx.expandText(file.value ?? "", file, st.scope);
        if (p === null) return;
        m.kernel = { source: { kind: "file", path: p }, cmdline };
        return;
      }
      const dv = ctx.expandText(distro!.value ?? "", distro!, st.scope);
      if (dv === null) return;
      const d = parseDistro(ctx, dv, distro!.span);
      if (d === null) return;
      const arch = DEBIAN_ARCH[m.arch] ?? m.arch;
      let name = `linux-image-${arch}`;
      let version: string | undefined;
      if (pkg !== undefined) {
        const pv = ctx.expandText(pkg.value ?? "", pkg, st.scope);
        if (pv === null) return;
        const r = parsePackage(ctx, pv, pkg.span);
        if (r === null) return;
        name = r.name;
        version = r.version;
      }
      m.kernel = { source: { kind: "package", ...d, arch, name, ...(version ? { version } : {}) }, cmdline };
      return;
    }
    case "network": {
      if (st.seen.has("NETWORK")) ctx.report("multipleMachine", n.keywordSpan, ["NETWORK"]);
      st.seen.set("NETWORK", n.span);
      if (n.value === null || n.words.length !== 1) return;
      const v = ctx.expand(n.value, st.scope);
      if (v === null) return;
      if (v === "none" || v === "user") m.network.mode = v;
      else ctx.report("networkMode", n.value.span, [v]);
      return;
    }
    case "publish": {
      st.seen.set("PUBLISH", n.span);
      for (const w of n.items) {
        const v = ctx.expand(w, st.scope);
        if (v === null) continue;
        const r = parsePublishText(v);
        if (!r.ok) ctx.report("badPublish", w.span, [v, r.message], r.hint);
        else m.network.ports.push(...r.value);
      }
      return;
    }
    case "packages": {
      const get = (k: string) => n.flags.find((f) => f.name === k);
      const distro = get("distro");
      if (distro === undefined) {
        ctx.report("packagesMissingDistro", n.keywordSpan);
        return;
      }
      const dv = ctx.expandText(distro.value ?? "", distro, st.scope);
      if (dv === null) return;
      const d = parseDistro(ctx, dv, distro.span);
      let arch = DEBIAN_ARCH[st.platform.architecture] ?? st.platform.architecture;
      const af = get("arch");
      if (af !== undefined) {
        const a = ctx.expandText(af.value ?? "", af, st.scope);
        if (a === null) return;
        if (!DEBIAN_ARCHES.has(a)) {
          ctx.report("flagBadValue", af.span, ["arch", a, `not a Debian architecture (${[...DEBIAN_ARCHES].join(", ")})`]);
          return;
        }
        arch = a;
      }
      const byName = new Map<string, PackageRequest>();
      for (const w of n.items) {
        const v = ctx.expand(w, st.scope);
        if (v === null) continue;
        const p = parsePackage(ctx, v, w.span);
        if (p === null) continue;
        if (byName.has(p.name)) ctx.report("duplicatePackage", w.span, [p.name]);
        byName.set(p.name, p);
      }
      if (d === null || byName.size === 0) return;
      const packages = [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const op = sealOp<PackagesOp>({ id: UNSEALED, arch, distro: d.distro, inputs: [st.current], kind: "packages", packages, suite: d.suite });
      addOp(st, op, n.span);
      return;
    }
  }
}

const MACHINE_KEYS = ["cpus", "memory", "disk", "arch", "launch"];

function didYouMeanKey(key: string): string {
  const near = didYouMean(key, MACHINE_KEYS) ?? MACHINE_KEYS.find((k) => k.startsWith(key) || key.startsWith(k));
  return near !== undefined ? `Did you mean '${near}'?` : `Known settings: ${MACHINE_KEYS.join(", ")}.`;
}

/** End-of-stage machine checks: PUBLISH without networking, a VM without a kernel. */
export function finishMachine(ctx: LowerContext, st: StageState): void {
  const m = st.machine;
  const pub = st.seen.get("PUBLISH");
  if (pub !== undefined && m.network.mode === "none" && m.network.ports.length > 0) ctx.report("publishWithoutNetwork", pub);
  const mach = st.seen.get("MACHINE");
  if (mach !== undefined && m.launch === "vm" && m.kernel === null) ctx.report("vmWithoutKernel", mach, [m.arch]);
}
