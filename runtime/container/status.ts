// Parses the helper's status line (fd 3) into a RunResult.
import { constants } from "node:os";
import type { RunResult } from "./index.js";

/** The signal name for a number (e.g. 9 → SIGKILL). */
export function signalName(n: number): NodeJS.Signals | undefined {
  return (Object.entries(constants.signals) as [NodeJS.Signals, number][]).find(([, v]) => v === n)?.[0];
}

/**
 * Reads "exit N" | "signal N" | "error CODE message" (the last such line wins); falls back to the
 * helper's own exit code/signal when the line is missing (the helper itself was killed).
 */
export function parseStatus(text: string, code: number | null, signal: NodeJS.Signals | null): RunResult {
  const lines = text.trim().split("\n").filter((l) => l !== "");
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
