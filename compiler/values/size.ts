// Byte sizes: the MACHINE memory/disk syntax (QEMU/Docker-style units) and docker/go-units
// RAMInBytes (used by `RUN --mount=type=tmpfs,size=`).
import { clampSpan, fail, ok, quote, type ValueResult } from "./result.js";

/** Largest accepted byte count: int64 max (sizes are stored as signed 64-bit in the IR). */
export const MAX_SIZE = (1n << 63n) - 1n;

const BINARY: Record<string, bigint> = { k: 1n << 10n, m: 1n << 20n, g: 1n << 30n, t: 1n << 40n, p: 1n << 50n };
const DECIMAL: Record<string, bigint> = { k: 10n ** 3n, m: 10n ** 6n, g: 10n ** 9n, t: 10n ** 12n, p: 10n ** 15n };

/** The hint listing every unit {@link parseSize} accepts. */
export const SIZE_UNITS_HINT =
  "write a number followed by a unit: K, M, G, T, P or KiB, MiB, GiB, TiB, PiB (×1024: 512M = 512 MiB), " +
  "KB, MB, GB, TB, PB (×1000), or B / no unit for bytes";

function unitMultiplier(unit: string): bigint | undefined {
  const u = unit.toLowerCase();
  if (u === "" || u === "b") return 1n;
  if (u.length === 1) return BINARY[u];
  if (u.length === 2 && u[1] === "b") return DECIMAL[u[0]];
  if (u.length === 3 && u.slice(1) === "ib") return BINARY[u[0]];
  return undefined;
}

/**
 * Parses a MACHINE memory or disk size: a whole or decimal number (`512`, `1.5`, `.5`) directly
 * followed by an optional unit, case-insensitive. `K/M/G/T/P` are binary like Docker and QEMU
 * (`512M` = 512 MiB), `KiB/MiB/GiB/TiB/PiB` binary, `KB/MB/GB/TB/PB` decimal, `B` or no unit bytes.
 * The result must be a whole number of bytes (`1.5K` is 1536; `1.1K` is an error) and at most
 * 2^63−1. Returns the byte count. Errors locate the number or the unit within `text`.
 */
export function parseSize(text: string): ValueResult<bigint> {
  return clampSpan(text, parseSizeImpl(text));
}

function parseSizeImpl(text: string): ValueResult<bigint> {
  if (text.length === 0) return fail("empty size", { hint: SIZE_UNITS_HINT });
  const m = /^(\d*)(?:\.(\d*))?(.*)$/s.exec(text)!;
  const intPart = m[1];
  const fracPart = m[2] ?? "";
  const unit = m[3];
  const numLen = text.length - unit.length;
  if (intPart === "" && fracPart === "") {
    if (text[0] === "-") return fail(`invalid size ${quote(text)}: sizes cannot be negative`, { hint: SIZE_UNITS_HINT, offset: 0, length: 1 });
    return fail(`invalid size ${quote(text)}: expected a number`, { hint: SIZE_UNITS_HINT, offset: 0, length: text.length });
  }
  const mul = unitMultiplier(unit);
  if (mul === undefined) {
    const why = /^\s/.test(unit) ? "no space is allowed between the number and the unit" : `unknown unit ${quote(unit)}`;
    return fail(`invalid size ${quote(text)}: ${why}`, { hint: SIZE_UNITS_HINT, offset: numLen, length: unit.length });
  }
  const scale = 10n ** BigInt(fracPart.length);
  const scaled = BigInt((intPart || "0") + fracPart) * mul;
  if (scaled % scale !== 0n) {
    return fail(`invalid size ${quote(text)}: not a whole number of bytes`, {
      hint: "use a smaller unit or fewer decimals (e.g. 1536K rather than 1.5001M)",
      offset: 0,
      length: text.length,
    });
  }
  const bytes = scaled / scale;
  if (bytes > MAX_SIZE) return fail(`invalid size ${quote(text)}: larger than 2^63-1 bytes`, { offset: 0, length: text.length });
  return ok(bytes);
}

/**
 * docker/go-units `RAMInBytes` (parseSize with the binary map): the number is everything up to
 * the last digit, `.` or space (a space separator is dropped) and is parsed like Go's
 * strconv.ParseFloat; the suffix (at most 3 characters, case-insensitive) is `b`, or one of
 * `k m g t p` optionally followed by `b` or `ib`, all binary. Negative sizes are rejected; the
 * product is truncated to an integer. Unlike Go (where the conversion is undefined) a result of
 * 2^63 or more, infinity or NaN is an error. Returns bytes.
 */
export function parseRamInBytes(text: string): ValueResult<bigint> {
  return clampSpan(text, parseRamInBytesImpl(text));
}

function parseRamInBytesImpl(text: string): ValueResult<bigint> {
  let sep = -1;
  for (let i = text.length - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if ((c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x20) {
      sep = i;
      break;
    }
  }
  if (sep < 0) return fail(`invalid size: '${text}'`, { hint: "e.g. 64m, 1g, 512k or a byte count" });
  const num = text[sep] === " " ? text.slice(0, sep) : text.slice(0, sep + 1);
  const sfx = text.slice(sep + 1);
  let size = parseGoFloat(num);
  if (size === undefined) return fail(`invalid size: '${text}'`, { offset: 0, length: num.length });
  if (size < 0) return fail(`invalid size: '${text}'`, { offset: 0, length: num.length });
  if (sfx.length > 0) {
    const bad = fail(`invalid suffix: '${sfx}'`, { hint: "valid suffixes: b, k, m, g, t, p, optionally followed by b or ib (case-insensitive)", offset: sep + 1, length: sfx.length });
    if (sfx.length > 3) return bad;
    const s = sfx.toLowerCase();
    if (s[0] !== "b") {
      const mul = BINARY[s[0]];
      if (mul === undefined) return bad;
      if (s.length === 2 && s[1] !== "b") return bad;
      if (s.length === 3 && s.slice(1) !== "ib") return bad;
      size *= Number(mul);
    } else if (s.length > 1) return bad;
  }
  if (!Number.isFinite(size) || size >= 2 ** 63) return fail(`invalid size: '${text}' is too large`, { offset: 0, length: text.length });
  return ok(BigInt(Math.trunc(size)));
}

/**
 * Go's `strconv.ParseFloat(s, 64)` (decimal and hexadecimal forms, `inf`/`infinity`/`nan`, with
 * `_` digit separators only after a base prefix). Undefined for a syntax or range error.
 */
export function parseGoFloat(s: string): number | undefined {
  const m = /^([+-]?)(?:(inf|infinity|nan)|(\d*\.?\d*(?:[eE][+-]?\d+)?)|0[xX]([0-9a-fA-F_]*\.?[0-9a-fA-F_]*)[pP]([+-]?\d+))$/i.exec(s);
  if (!m) return undefined;
  const sign = m[1] === "-" ? -1 : 1;
  if (m[2] !== undefined) {
    const w = m[2].toLowerCase();
    return w === "nan" ? NaN : sign * Infinity;
  }
  if (m[3] !== undefined) {
    const body = m[3];
    if (!/\d/.test(body.replace(/[eE].*$/, ""))) return undefined;
    const v = Number(body);
    if (!Number.isFinite(v)) return undefined; // ErrRange
    return sign * v;
  }
  const mant = m[4];
  if (/_$|__|_\.|\._/.test(mant) || !/[0-9a-fA-F]/.test(mant)) return undefined;
  const [ip, fp = ""] = mant.replace(/_/g, "").split(".");
  const digits = BigInt("0x" + (ip + fp || "0"));
  const exp = Number(m[5]) - 4 * fp.length;
  const v = Number(digits) * 2 ** exp;
  if (!Number.isFinite(v)) return undefined;
  return sign * v;
}
