// Parses the helper's status line (fd 3) into a RunResult.
import { constants } from "node:os";
import type { RunResult } from "./index.js";

/** The signal name for a number (e.g. 9 → SIGKILL). */
export function signalName(n: number): NodeJS.Signals | undefined {
  return (Object.entries(constants.signals) as [NodeJS.Signals, number][]).find(([, v]) => v === n)?.[0];
}

/**
 * The `xattr HEXPATH HEXNAME HEXVALUE` lines before `xattrs-done`, or undefined when the walk did
 * not finish (`xattrs-error`, or the helper died mid-way).
 */
function parseXattrs(lines: readonly string[]): Map<string, Record<string, Buffer>> | undefined {
  if (!lines.includes("xattrs-done")) return undefined;
  const out = new Map<string, Record<string, Buffer>>();
  for (const l of lines) {
    const m = /^xattr ([0-9a-f]*) ([0-9a-f]+) ([0-9a-f]*)$/.exec(l);
    if (!m) continue;
    const path = Buffer.from(m[1]!, "hex").toString("utf8");
    let rec = out.get(path);
    if (rec === undefined) out.set(path, (rec = {}));
    rec[Buffer.from(m[2]!, "hex").toString("utf8")] = Buffer.from(m[3]!, "hex");
  }
  return out;
}

/**
 * Reads "exit N" | "signal N" | "error CODE message" (the last such line wins); falls back to the
 * helper's own exit code/signal when the line is missing (the helper itself was killed). Reported
 * xattrs (see ContainerSpec.reportXattrs) come with an exit or signal status.
 */
export function parseStatus(text: string, code: number | null, signal: NodeJS.Signals | null): RunResult {
  const lines = text.trim().split("\n").filter((l) => l !== "");
  const xattrs = parseXattrs(lines);
  const r = parseFinal(lines, code, signal);
  return xattrs === undefined || r.error !== undefined ? r : { ...r, xattrs };
}

function parseFinal(lines: readonly string[], code: number | null, signal: NodeJS.Signals | null): RunResult {
  const last = lines[lines.length - 1];
  let m: RegExpExecArray | null;
  if (last !== undefined && (m = /^exit (\d+)$/.exec(last))) return { exitCode: Number(m[1]) };
  if (last !== undefined && (m = /^signal (\d+)$/.exec(last))) {
    const n = Number(m[1]);
    const name = signalName(n);
    return name === undefined ? { exitCode: 128 + n } : { exitCode: 128 + n, signal: name };
  }
  if (last !== undefined && (m = /^error (\d+) (.*)$/.exec(last))) return { exitCode: Number(m[1]), error: m[2] };
  if (signal !== null) return { exitCode: 128 + (constants.signals[signal] ?? 0), signal, error: `runtime killed by ${signal}` };
  return { exitCode: code ?? 125, error: code === 0 || code === null ? "runtime ended without a status" : undefined };
}
