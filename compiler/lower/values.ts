// Adapter between lowering and the typed value parsers of compiler/values/ (sizes, durations,
// mounts, platforms, image refs, chmod/chown, ports, signals): every call site goes through here
// and gets IR-shaped values (numbers instead of bigints, flattened port ranges).
import type { ImageRef, Platform, Principal, PublishedPort, RunMount } from "../ir/types.js";
import { parseChmod } from "../values/chmod.js";
import { parseChown } from "../values/chown.js";
import { parseGoDuration } from "../values/duration.js";
import { parseImageRef } from "../values/imageRef.js";
import { parseMount } from "../values/mount.js";
import { parsePlatform } from "../values/platform.js";
import { formatExposedPort, parseExposePort, parsePortPublish } from "../values/ports.js";
import { parseSignal } from "../values/signal.js";
import { parseSize } from "../values/size.js";

/** A parse result: a value, or a message (and optional hint) for a diagnostic. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string; hint?: string };

function err(r: { message: string; hint?: string }): { ok: false; message: string; hint?: string } {
  return r.hint === undefined ? { ok: false, message: r.message } : { ok: false, message: r.message, hint: r.hint };
}

/** MACHINE sizes (`512M`, `2G`, `1GiB`, `8GB`) in bytes, at most 2^53−1 (a JSON-safe integer). */
export function parseSizeText(text: string): Parsed<number> {
  const r = parseSize(text);
  if (!r.ok) return err(r);
  if (r.value > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, message: "too large (at most 2^53-1 bytes)" };
  return { ok: true, value: Number(r.value) };
}

/** Go durations (`30s`, `1m30s`) in nanoseconds. */
export function parseDurationText(text: string): Parsed<number> {
  const r = parseGoDuration(text);
  if (!r.ok) return err(r);
  return { ok: true, value: Number(r.value) };
}

/**
 * `RUN --mount` CSV → an IR mount, with each field value passed through `expand` (BuildKit expands
 * all but `from`). The `from=` reference is returned separately for stage resolution.
 */
export function parseMountText(text: string, expand?: (value: string, key: string) => string): Parsed<RunMount> & { from?: string } {
  const r = expand === undefined ? parseMount(text) : parseMount(text, { expand });
  if (!r.ok) return err(r);
  const s = r.value;
  // Defaults of BuildKit's dispatcher: secrets at /run/secrets/<id>, the ssh agent socket.
  let target = s.target ?? "";
  if (target === "" && s.type === "secret" && s.env === undefined) target = `/run/secrets/${s.id ?? s.source ?? ""}`;
  if (target === "" && s.type === "ssh") target = "/run/buildkit/ssh_agent.0";
  if (target === "" && s.type !== "secret") return { ok: false, message: "mount target must be set" };
  // Keys inserted in sorted order: the IR prints them as inserted (op ids do not depend on it;
  // compiler/ir/serialise.ts writes keys in sorted order itself).
  const m = {} as RunMount;
  if (s.env !== undefined) m.env = s.env;
  if (s.gid !== undefined) m.gid = s.gid;
  if (s.id !== undefined) m.id = s.id;
  if (s.mode !== undefined) m.mode = s.mode;
  m.readonly = s.readOnly;
  if (s.type === "secret" || s.type === "ssh") m.required = s.required;
  if (s.sharing !== undefined) m.sharing = s.sharing;
  if (s.size !== undefined) m.size = s.size;
  if (s.source !== undefined) m.source = s.source;
  m.target = target;
  m.type = s.type;
  if (s.uid !== undefined) m.uid = s.uid;
  const out: Parsed<RunMount> & { from?: string } = { ok: true, value: m };
  if (s.from !== undefined) out.from = s.from;
  return out;
}

/** `os/arch[/variant]` (or a bare arch, OS linux), normalised like containerd. */
export function parsePlatformText(text: string): Parsed<Platform> {
  const r = parsePlatform(text, { os: "linux" });
  if (!r.ok) return err(r);
  const p: Platform = { architecture: r.value.architecture, os: r.value.os };
  if (r.value.variant) p.variant = r.value.variant;
  return { ok: true, value: p };
}

/** An image reference; no registry host is inserted (`debian` stays `debian`). */
export function parseImageRefText(text: string): Parsed<ImageRef> {
  const r = parseImageRef(text);
  if (!r.ok) return err(r);
  const v = r.value;
  // Keys inserted in sorted order: the IR prints them as inserted (op ids do not depend on it;
  // compiler/ir/serialise.ts writes keys in sorted order itself).
  const name = v.domain === undefined ? v.path : `${v.domain}/${v.path}`;
  const ref: ImageRef = v.digest !== undefined ? { digest: v.digest, name, raw: text } : { name, raw: text };
  if (v.tag !== undefined) ref.tag = v.tag;
  return { ok: true, value: ref };
}

/** `--chmod`: octal → number; a symbolic mode (`u+x,g-w`) is kept as its (validated) text. */
export function parseChmodText(text: string): Parsed<number | string> {
  const r = parseChmod(text);
  if (!r.ok) return err(r);
  return { ok: true, value: r.value.kind === "octal" ? r.value.mode : text };
}

/** `--chown=user[:group]`: numeric ids or names. */
export function parseChownText(text: string): Parsed<{ user?: Principal; group?: Principal }> {
  const r = parseChown(text);
  // parseChown's value already has the IR's shape, keys in sorted order (`group`, `user`).
  return r.ok ? r : err(r);
}

/** Largest EXPOSE range flattened into the image config (a bigger one is refused as a likely typo). */
const MAX_EXPOSE_RANGE = 4096;

/** EXPOSE `port[-port][/proto]` → `port/proto` entries (one per port, as Docker's config has). */
export function parseExposeText(text: string): Parsed<string[]> {
  const plain = plainExposedPort(text);
  if (plain !== null) return { ok: true, value: [plain] };
  const r = parseExposePort(text);
  if (!r.ok) return err(r);
  const { start, end, protocol } = r.value;
  if (start === 0) return { ok: false, message: "port 0 cannot be exposed" };
  if (end - start >= MAX_EXPOSE_RANGE) return { ok: false, message: `range of more than ${MAX_EXPOSE_RANGE} ports` };
  const out: string[] = [];
  for (let p = start; p <= end; p++) out.push(formatExposedPort({ start: p, end: p, protocol }));
  return { ok: true, value: out };
}

/**
 * The entry for the usual EXPOSE word, `N` or `N/tcp|udp|sctp` with N in 1–65535 written without a
 * leading zero: exactly what formatting parseExposePort's result gives (`text`, or `text/tcp`),
 * without parsing it. Null for anything else (ranges, upper case, host parts, errors…), which
 * takes the general path. test/compiler/lower.test.ts compares both on generated words.
 */
function plainExposedPort(text: string): string | null {
  const slash = text.indexOf("/");
  const digits = slash < 0 ? text.length : slash;
  if (digits === 0 || digits > 5 || text.charCodeAt(0) === 48 /* 0 */) return null;
  let port = 0;
  for (let i = 0; i < digits; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return null;
    port = port * 10 + d;
  }
  if (port > 65535) return null;
  if (slash < 0) return text + "/tcp";
  const proto = text.slice(slash + 1);
  return proto === "tcp" || proto === "udp" || proto === "sctp" ? text : null;
}

/** PUBLISH `[ip:]host:guest[/tcp|udp]` (ranges of equal length) → one entry per port. */
export function parsePublishText(text: string): Parsed<PublishedPort[]> {
  const r = parsePortPublish(text);
  if (!r.ok) return err(r);
  const v = r.value;
  if (v.protocol === "sctp") return { ok: false, message: "only tcp and udp can be published" };
  if (v.guestStart === 0) return { ok: false, message: "guest port 0 is not a port" };
  if (v.hostEnd - v.hostStart >= MAX_EXPOSE_RANGE) return { ok: false, message: `range of more than ${MAX_EXPOSE_RANGE} ports` };
  const out: PublishedPort[] = [];
  for (let i = 0; i <= v.hostEnd - v.hostStart; i++) {
    const p: PublishedPort = { host: v.hostStart + i, guest: v.guestStart + i, protocol: v.protocol };
    if (v.hostIp !== undefined) p.hostIp = v.hostIp;
    out.push(p);
  }
  return { ok: true, value: out };
}

/** STOPSIGNAL: a name (`SIGTERM`, `term`, `SIGRTMIN+3`) or number 1–64 → canonical `SIG…` name. */
export function parseSignalText(text: string): Parsed<string> {
  const r = parseSignal(text);
  if (!r.ok) return err(r);
  return { ok: true, value: r.value.name };
}
