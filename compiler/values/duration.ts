// Durations with Go's time.ParseDuration semantics (HEALTHCHECK --interval/--timeout/…).
import { clampSpan, fail, ok, type ValueResult } from "./result.js";

const NS = 1n;
/** Unit → nanoseconds, exactly Go's time package unitMap (µ as U+00B5 or U+03BC). */
const UNITS: Record<string, bigint> = {
  ns: NS,
  us: 1000n,
  "\u00b5s": 1000n,
  "\u03bcs": 1000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};
const LIMIT = 1n << 63n;
const HINT = "a sequence of numbers with units, e.g. 30s, 1m30s, 1.5h, 500ms; units: ns, us (µs), ms, s, m, h";

/** Go's strconv.Quote for the messages (ASCII-safe JSON quoting is close). */
function q(s: string): string {
  return JSON.stringify(s);
}

/**
 * Go `time.ParseDuration`: an optionally signed sequence of decimal numbers, each with an
 * optional fraction and a required unit (`ns`, `us`/`µs`, `ms`, `s`, `m`, `h`), e.g. `300ms`,
 * `-1.5h`, `2h45m`; a bare `0` (or `+0`/`-0`) is zero. Returns nanoseconds; the range is
 * [-2^63, 2^63-1] and fractions are computed in float64 exactly as Go does. Messages are Go's.
 */
export function parseGoDuration(text: string): ValueResult<bigint> {
  return clampSpan(text, parseGoDurationImpl(text));
}

function parseGoDurationImpl(text: string): ValueResult<bigint> {
  const invalid = () => fail(`time: invalid duration ${q(text)}`, { hint: HINT, offset: 0, length: text.length });
  let s = text;
  let neg = false;
  let base = 0;
  if (s !== "" && (s[0] === "-" || s[0] === "+")) {
    neg = s[0] === "-";
    s = s.slice(1);
    base = 1;
  }
  if (s === "0") return ok(0n);
  if (s === "") return invalid();
  let d = 0n;
  let pos = base;
  while (s !== "") {
    const c0 = s.charCodeAt(0);
    if (!(c0 === 0x2e || (c0 >= 0x30 && c0 <= 0x39))) return invalid();
    // leading integer
    let i = 0;
    let v = 0n;
    while (i < s.length && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39) {
      if (v > LIMIT / 10n) return invalid();
      v = v * 10n + BigInt(s.charCodeAt(i) - 0x30);
      if (v > LIMIT) return invalid();
      i++;
    }
    const pre = i > 0;
    s = s.slice(i);
    pos += i;
    // fraction
    let f = 0n;
    let scale = 1;
    let post = false;
    if (s !== "" && s[0] === ".") {
      s = s.slice(1);
      pos += 1;
      let j = 0;
      let overflow = false;
      while (j < s.length && s.charCodeAt(j) >= 0x30 && s.charCodeAt(j) <= 0x39) {
        if (!overflow) {
          if (f > (LIMIT - 1n) / 10n) overflow = true;
          else {
            const y = f * 10n + BigInt(s.charCodeAt(j) - 0x30);
            if (y > LIMIT) overflow = true;
            else {
              f = y;
              scale *= 10;
            }
          }
        }
        j++;
      }
      post = j > 0;
      s = s.slice(j);
      pos += j;
    }
    if (!pre && !post) return invalid();
    // unit
    let k = 0;
    while (k < s.length) {
      const c = s.charCodeAt(k);
      if (c === 0x2e || (c >= 0x30 && c <= 0x39)) break;
      k++;
    }
    if (k === 0) return fail(`time: missing unit in duration ${q(text)}`, { hint: HINT, offset: pos, length: 0 });
    const u = s.slice(0, k);
    s = s.slice(k);
    const unit = UNITS[u];
    if (unit === undefined) return fail(`time: unknown unit ${q(u)} in duration ${q(text)}`, { hint: HINT, offset: pos, length: k });
    pos += k;
    if (v > LIMIT / unit) return invalid();
    v *= unit;
    if (f > 0n) {
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
      if (v > LIMIT) return invalid();
    }
    d += v;
    if (d > LIMIT) return invalid();
  }
  if (neg) return ok(-d);
  if (d > LIMIT - 1n) return invalid();
  return ok(d);
}

/** Formats nanoseconds like Go's `Duration.String` (e.g. `1h30m0s`, `1.5s`, `300ms`, `0s`). */
export function formatGoDuration(ns: bigint): string {
  if (ns === 0n) return "0s";
  const neg = ns < 0n;
  let u = neg ? -ns : ns;
  let out: string;
  if (u < 1_000_000_000n) {
    // sub-second: ns, µs or ms with a fraction
    let unit = "ns";
    let div = 1n;
    if (u >= 1_000_000n) {
      unit = "ms";
      div = 1_000_000n;
    } else if (u >= 1000n) {
      unit = "µs";
      div = 1000n;
    }
    out = fraction(u, div) + unit;
  } else {
    const h = u / 3_600_000_000_000n;
    u -= h * 3_600_000_000_000n;
    const m = u / 60_000_000_000n;
    u -= m * 60_000_000_000n;
    out = fraction(u, 1_000_000_000n) + "s";
    if (h > 0n || m > 0n) out = `${m}m` + out;
    if (h > 0n) out = `${h}h` + out;
  }
  return neg ? "-" + out : out;
}

function fraction(v: bigint, div: bigint): string {
  const whole = v / div;
  let rest = (v % div).toString().padStart(div.toString().length - 1, "0").replace(/0+$/, "");
  if (div === 1n) rest = "";
  return rest === "" ? `${whole}` : `${whole}.${rest}`;
}
