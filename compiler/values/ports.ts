// Ports: EXPOSE specs (`80`, `80/tcp`, `8000-8010/udp`) as docker/go-connections nat.ParsePortSpec
// accepts them (BuildKit dispatchExpose), and machine port publishing
// `[hostIp:]hostPort:guestPort[/proto]`.
import { clampSpan, fail, ok, parseGoUint, quote, type ValueResult } from "./result.js";

/** Transport protocols (nat validateProto). */
export const PROTOCOLS = ["tcp", "udp", "sctp"] as const;
/** A transport protocol. */
export type Protocol = (typeof PROTOCOLS)[number];

/** An exposed port or port range (start = end for one port). */
export interface ExposedPort {
  start: number;
  end: number;
  protocol: Protocol;
}

/** A published port mapping from the host to the guest (ranges have equal lengths). */
export interface PublishedPort {
  hostIp?: string;
  hostStart: number;
  hostEnd: number;
  guestStart: number;
  guestEnd: number;
  protocol: Protocol;
}

const EXPOSE_HINT = "a port or range with an optional protocol: 80, 80/tcp, 53/udp, 8000-8010/tcp";

/** nat.ParsePortRange: `N` or `N-M` (extra `-parts` are ignored, like Go), each 0–65535, M ≥ N. */
export function parsePortRange(s: string): { start: number; end: number } | undefined {
  if (s === "") return undefined;
  if (!s.includes("-")) {
    const v = parseGoUint(s, 10, 16);
    return v === undefined ? undefined : { start: v, end: v };
  }
  const parts = s.split("-");
  const a = parseGoUint(parts[0], 10, 16);
  const b = parseGoUint(parts[1], 10, 16);
  if (a === undefined || b === undefined || b < a) return undefined;
  return { start: a, end: b };
}

/** nat.SplitProtoPort: `port[/proto]` → [proto (default tcp), port]. */
function splitProtoPort(raw: string): [string, string] {
  // Go splits at every `/` and uses parts 0 and 1; indexOf finds the same parts without the array.
  const slash = raw.indexOf("/");
  if (raw.length === 0 || slash === 0) return ["", ""];
  if (slash < 0) return ["tcp", raw];
  const next = raw.indexOf("/", slash + 1);
  const proto = raw.slice(slash + 1, next < 0 ? raw.length : next);
  return [proto === "" ? "tcp" : proto, raw.slice(0, slash)];
}

/** nat splitParts: `[ip:][hostPort:]containerPort`. */
function splitParts(raw: string): [string, string, string] {
  if (raw.indexOf(":") < 0) return ["", "", raw]; // the usual EXPOSE word: no split needed
  const parts = raw.split(":");
  const n = parts.length;
  const c = parts[n - 1];
  if (n === 2) return ["", parts[0], c];
  if (n === 3) return [parts[0], parts[1], c];
  return [parts.slice(0, n - 2).join(":"), parts[n - 2], c];
}

interface PortSpec {
  ip: string;
  host?: { start: number; end: number };
  container: { start: number; end: number };
  protocol: Protocol;
}

/** nat.ParsePortSpec, returning one spec (ranges kept as ranges). */
function parsePortSpec(raw: string, hint: string): ValueResult<PortSpec> {
  const whole = { offset: 0, length: Math.max(1, raw.length) };
  let [ip, hostPort, containerPart] = splitParts(raw);
  const [proto0, containerPort] = splitProtoPort(containerPart);
  if (ip !== "" && ip[0] === "[") {
    const m = /^\[([^\]]*)\]$/.exec(ip);
    if (!m) return fail(`invalid IP address ${ip}`, { hint, ...whole });
    ip = m[1];
  }
  if (ip !== "" && !isIP(ip)) return fail(`invalid IP address: ${ip}`, { hint, ...whole });
  if (containerPort === "") return fail(`no port specified: ${raw}<empty>`, { hint, ...whole });
  const container = parsePortRange(containerPort);
  if (!container) return fail(`invalid containerPort: ${containerPort}`, { hint, offset: raw.lastIndexOf(containerPort), length: containerPort.length });
  let host: { start: number; end: number } | undefined;
  if (hostPort !== "") {
    host = parsePortRange(hostPort);
    if (!host) return fail(`invalid hostPort: ${hostPort}`, { hint, ...whole });
    if (host.end - host.start !== container.end - container.start && container.end !== container.start) {
      return fail(`invalid ranges specified for container and host Ports: ${containerPort} and ${hostPort}`, { hint, ...whole });
    }
  }
  const proto = proto0.toLowerCase();
  if (!(PROTOCOLS as readonly string[]).includes(proto)) {
    const at = raw.lastIndexOf("/");
    return fail(`invalid proto: ${proto}`, { hint: "protocols: tcp, udp, sctp", offset: at + 1, length: Math.max(1, raw.length - at - 1) });
  }
  const spec: PortSpec = { ip, container, protocol: proto as Protocol };
  if (host) spec.host = host;
  return ok(spec);
}

/**
 * Parses one EXPOSE word like nat.ParsePortSpec: `port[-port][/proto]` with ports 0–65535, the
 * protocol case-insensitive among tcp/udp/sctp (default tcp). As in Docker, a `[ip:]hostPort:`
 * prefix is accepted and ignored (`ignoredHostPart` is set so a caller can warn).
 */
export function parseExposePort(text: string): ValueResult<ExposedPortSpec> {
  return clampSpan(text, parseExposePortImpl(text));
}

/** An EXPOSE word's port range, with the `[ip:]hostPort` prefix Docker accepts and ignores. */
export type ExposedPortSpec = ExposedPort & { ignoredHostPart?: string };

function parseExposePortImpl(text: string): ValueResult<ExposedPortSpec> {
  const r = parsePortSpec(text, EXPOSE_HINT);
  if (!r.ok) return r;
  const e: ExposedPort & { ignoredHostPart?: string } = { start: r.value.container.start, end: r.value.container.end, protocol: r.value.protocol };
  const colon = text.lastIndexOf(":");
  if (colon >= 0) e.ignoredHostPart = text.slice(0, colon);
  return ok(e);
}

/**
 * Parses a machine port publication `[hostIp:]hostPort:guestPort[/proto]` (ranges allowed, of
 * equal length: `8000-8010:8000-8010`; a host range with a single guest port is refused). The host
 * port is required; IPv6 host addresses are written in brackets (`[::1]:8080:80`).
 */
export function parsePortPublish(text: string): ValueResult<PublishedPort> {
  return clampSpan(text, parsePortPublishImpl(text));
}

function parsePortPublishImpl(text: string): ValueResult<PublishedPort> {
  const hint = "[hostIp:]hostPort:guestPort[/tcp|udp], e.g. 8080:80, 127.0.0.1:2222:22/tcp";
  const r = parsePortSpec(text, hint);
  if (!r.ok) return r;
  const { ip, host, container, protocol } = r.value;
  if (!host) return fail(`${quote(text)}: missing host port`, { hint, offset: 0, length: Math.max(1, text.length) });
  if (host.end - host.start !== container.end - container.start) {
    return fail(`${quote(text)}: host and guest port ranges differ in length`, { hint, offset: 0, length: text.length });
  }
  const p: PublishedPort = { hostStart: host.start, hostEnd: host.end, guestStart: container.start, guestEnd: container.end, protocol };
  if (ip !== "") p.hostIp = ip;
  return ok(p);
}

/** Formats an exposed port like Docker's image config key (`80/tcp`, `8000-8010/udp`). */
export function formatExposedPort(p: ExposedPort): string {
  return p.start === p.end ? `${p.start}/${p.protocol}` : `${p.start}-${p.end}/${p.protocol}`;
}

/** Go net.ParseIP: dotted IPv4 (no leading zeros) or IPv6 (with `::` and an IPv4 tail). */
export function isIP(s: string): boolean {
  return isIPv4(s) || isIPv6(s);
}

function isIPv4(s: string): boolean {
  const parts = s.split(".");
  return parts.length === 4 && parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255);
}

function isIPv6(s: string): boolean {
  if (!s.includes(":")) return false;
  let groups = s.split(":");
  // An IPv4 tail counts as two groups.
  const last = groups[groups.length - 1];
  if (last.includes(".")) {
    if (!isIPv4(last)) return false;
    groups = [...groups.slice(0, -1), "0", "0"];
  }
  const dbl = s.indexOf("::");
  if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) return false;
  const hex = /^[0-9a-fA-F]{1,4}$/;
  if (dbl < 0) return groups.length === 8 && groups.every((g) => hex.test(g));
  const [left, right] = s.split("::");
  const l = left === "" ? [] : left.split(":");
  let r = right === "" ? [] : right.split(":");
  if (r.length > 0 && r[r.length - 1].includes(".")) r = [...r.slice(0, -1), "0", "0"];
  return l.length + r.length <= 7 && [...l, ...r].every((g) => hex.test(g));
}
