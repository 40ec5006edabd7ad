// Rendering build progress: BuildKit-like plain lines, JSON lines, and a live TTY view.
import type { ProgressEvent } from "./builder.js";

/** A progress sink: receives events, and is told when the build ends. */
export interface ProgressRenderer {
  event(ev: ProgressEvent): void;
  /** Final redraw / cleanup (stops timers). */
  end(): void;
}

/** `#N name`, then `#N CACHED` / `#N DONE 0.12s` / `#N ERROR msg` lines (`--progress plain`). */
export function plainRenderer(write: (s: string) => void): ProgressRenderer {
  return {
    event(ev) {
      if (ev.status === "start") write(`#${ev.step} ${ev.name}\n`);
      else if (ev.status === "cached") write(`#${ev.step} CACHED\n`);
      else if (ev.status === "done") write(`#${ev.step} DONE ${((ev.durationMs ?? 0) / 1000).toFixed(2)}s\n`);
      else write(`#${ev.step} ERROR ${ev.error}\n`);
    },
    end() {},
  };
}

/** Milliseconds since this process started (0.1 ms resolution): `atMs` of `--progress json` lines. */
export function sinceStart(): number {
  return Math.round(performance.now() * 10) / 10;
}

/** One JSON object per event (`--progress json`), with `atMs` (see `sinceStart`). */
export function jsonRenderer(write: (s: string) => void): ProgressRenderer {
  return { event: (ev) => write(JSON.stringify({ ...ev, atMs: sinceStart() }) + "\n"), end() {} };
}

/**
 * A live view for terminals: a header with elapsed time and steps done, then one line per step
 * (`=> [stage 2/3] COPY … 0.4s`, `=> CACHED …`, running steps with a ticking timer), redrawn in
 * place every 100 ms with ANSI cursor movement. Lines are cut to the terminal width.
 */
export function ttyRenderer(write: (s: string) => void, columns: () => number): ProgressRenderer {
  const t0 = performance.now();
  const steps = new Map<number, { name: string; status: ProgressEvent["status"]; start: number; ms?: number; error?: string }>();
  let total = 0;
  let drawn = 0;
  const draw = (): void => {
    const width = Math.max(20, columns());
    const lines: string[] = [];
    const done = [...steps.values()].filter((s) => s.status !== "start").length;
    lines.push(`[+] Building ${((performance.now() - t0) / 1000).toFixed(1)}s (${done}/${total})`);
    for (const [, s] of [...steps.entries()].sort((a, b) => a[0] - b[0])) {
      const secs = ((s.ms ?? performance.now() - s.start) / 1000).toFixed(1) + "s";
      const head = s.status === "cached" ? `=> CACHED ${s.name}` : s.status === "error" ? `=> ERROR ${s.name}` : `=> ${s.name}`;
      const room = width - secs.length - 1;
      lines.push(`${head.length > room ? head.slice(0, room - 1) + "…" : head.padEnd(room)} ${s.status === "cached" ? "" : secs}`.trimEnd());
    }
    write((drawn > 0 ? `\x1b[${drawn}F` : "") + lines.map((l) => `${l}\x1b[K`).join("\n") + "\n");
    drawn = lines.length;
  };
  const timer = setInterval(draw, 100);
  timer.unref();
  return {
    event(ev) {
      total = ev.total;
      const s = steps.get(ev.step);
      if (ev.status === "start") steps.set(ev.step, { name: ev.name, status: "start", start: performance.now() });
      else if (s) Object.assign(s, { status: ev.status, ms: ev.durationMs, error: ev.error });
      draw();
    },
    end() {
      clearInterval(timer);
      draw();
    },
  };
}
