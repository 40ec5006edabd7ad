// Linux signals for STOPSIGNAL and the runtime: names with or without the SIG prefix ↔ numbers,
// following moby/sys/signal ParseSignal and its Linux SignalMap (generic numbering used by amd64,
// arm64 and riscv64).
import { clampSpan, fail, ok, type ValueResult } from "./result.js";

/** Signal name (without `SIG`) → number (Linux generic ABI; SIGRTMIN is 34, SIGRTMAX 64). */
export const SIGNALS: Readonly<Record<string, number>> = (() => {
  const m: Record<string, number> = {
    HUP: 1, INT: 2, QUIT: 3, ILL: 4, TRAP: 5, ABRT: 6, IOT: 6, BUS: 7, FPE: 8, KILL: 9, USR1: 10, SEGV: 11,
    USR2: 12, PIPE: 13, ALRM: 14, TERM: 15, STKFLT: 16, CHLD: 17, CLD: 17, CONT: 18, STOP: 19, TSTP: 20,
    TTIN: 21, TTOU: 22, URG: 23, XCPU: 24, XFSZ: 25, VTALRM: 26, PROF: 27, WINCH: 28, IO: 29, POLL: 29,
    PWR: 30, SYS: 31, RTMIN: 34, RTMAX: 64,
  };
  for (let i = 1; i <= 15; i++) m[`RTMIN+${i}`] = 34 + i;
  for (let i = 1; i <= 14; i++) m[`RTMAX-${i}`] = 64 - i;
  return m;
})();

/** Highest Linux signal number (SIGRTMAX). */
export const MAX_SIGNAL = 64;

/** A resolved signal: its number and canonical name (`SIG…`, or the decimal number for 32/33, which have none). */
export interface Signal {
  number: number;
  name: string;
}

const CANONICAL: Record<number, string> = (() => {
  const c: Record<number, string> = {};
  // Prefer the first (POSIX) name for aliases: IOT→ABRT, CLD→CHLD, POLL→IO.
  for (const [k, v] of Object.entries(SIGNALS)) if (!(v in c) && k !== "IOT" && k !== "CLD" && k !== "POLL") c[v] = `SIG${k}`;
  return c;
})();

/** The canonical name of a signal number (`SIGTERM`, `SIGRTMIN+3`), or undefined. */
export function signalName(n: number): string | undefined {
  return CANONICAL[n];
}

/**
 * moby ParseSignal: a decimal number (Go Atoi: optional sign) — 0 is invalid — or a name,
 * case-insensitive, with or without the `SIG` prefix (`TERM`, `sigkill`, `SIGRTMIN+3`). Numbers
 * must lie in 1..64 (Docker accepts any non-zero integer; nothing outside that range is a
 * deliverable Linux signal, so vmspec refuses it).
 */
export function parseSignal(text: string): ValueResult<Signal> {
  return clampSpan(text, parseSignalImpl(text));
}

function parseSignalImpl(text: string): ValueResult<Signal> {
  const hint = "a signal name such as SIGTERM, SIGINT, SIGQUIT, SIGKILL (SIG optional) or a number 1-64";
  const whole = { offset: 0, length: Math.max(1, text.length) };
  if (/^[+-]?[0-9]+$/.test(text)) {
    const n = Number(text);
    if (n === 0) return fail(`invalid signal: ${text}`, { hint, ...whole });
    if (!Number.isInteger(n) || n < 1 || n > MAX_SIGNAL) return fail(`invalid signal: ${text}: out of range 1-${MAX_SIGNAL}`, { hint, ...whole });
    return ok({ number: n, name: signalName(n) ?? String(n) });
  }
  const up = text.toUpperCase();
  const key = up.startsWith("SIG") ? up.slice(3) : up;
  const n = SIGNALS[key];
  if (n === undefined) return fail(`invalid signal: ${text}`, { hint, ...whole });
  return ok({ number: n, name: signalName(n) ?? `SIG${key}` });
}
