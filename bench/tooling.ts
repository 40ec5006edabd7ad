// Benchmark: formatter throughput (MB/s) over the golden corpus (through the plain formatter and
// through prettier with the plugin), and language-server diagnostics latency after a one-character
// edit in a 5,000-line spec (spawned `vmspec lsp`, real JSON-RPC over stdio; target ≤ 50 ms).
// Run: npm run build && node dist/bench/tooling.js
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadavg } from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";
import { formatVmspec } from "../tooling/prettier-plugin-vmspec/format.js";
import { prettierFormat } from "../tooling/prettier-plugin-vmspec/prettier.js";
import { LspClient } from "../test/tooling/lspClient.js";
import { generateSpec } from "./gen.js";
import { compile } from "../compiler/compile.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const golden = join(root, "test/golden");
const corpus = readdirSync(golden).filter((f) => f.endsWith(".vmspec")).map((f) => readFileSync(join(golden, f), "utf8"));
const bytes = corpus.reduce((n, t) => n + Buffer.byteLength(t), 0);

/** CPU time (user+system) of a process in ms, from /proc/PID/stat (clock ticks of 10 ms, proc(5)). */
function cpuMs(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, "utf8");
    const rest = f.slice(f.lastIndexOf(")") + 2).split(" ");
    return (Number(rest[11]) + Number(rest[12])) * 10;
  } catch {
    return NaN;
  }
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function formatting(): Promise<void> {
  const rounds = 20;
  for (const t of corpus) formatVmspec(t);
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (const t of corpus) formatVmspec(t);
    times.push(performance.now() - t0);
  }
  const ms = median(times);
  console.log(`format (formatSpec)      golden corpus ${corpus.length} files, ${(bytes / 1024).toFixed(1)} KiB: ${ms.toFixed(1)} ms/pass, ${(bytes / 1e6 / (ms / 1000)).toFixed(2)} MB/s (median of ${rounds})`);
  const ptimes: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (const t of corpus) await prettierFormat(t);
    ptimes.push(performance.now() - t0);
  }
  const pms = median(ptimes);
  console.log(`format (prettier+plugin) golden corpus: ${pms.toFixed(1)} ms/pass, ${(bytes / 1e6 / (pms / 1000)).toFixed(2)} MB/s (median of 5)`);
  const big = generateSpec(5000);
  const bt: number[] = [];
  for (let r = 0; r < 6; r++) {
    const t0 = performance.now();
    formatVmspec(big);
    bt.push(performance.now() - t0);
  }
  const bms = median(bt.slice(1));
  console.log(`format (formatSpec)      generated 5,000-instruction spec, ${(big.length / 1024).toFixed(0)} KiB: ${bms.toFixed(1)} ms, ${(big.length / 1e6 / (bms / 1000)).toFixed(2)} MB/s (median of 5 after a warm-up)`);
}

async function lspLatency(): Promise<void> {
  const lines = 5000;
  // generateSpec's templates average 1.1 physical lines per instruction.
  const text = generateSpec(Math.floor((lines - 5) / 1.1));
  const n = text.split("\n").length - 1;
  const uri = pathToFileURL(join(root, "local", "bench.vmspec")).href;
  const client = new LspClient();
  await client.start();
  client.notify("textDocument/didOpen", { textDocument: { uri, languageId: "vmspec", version: 1, text } });
  await client.waitFor("textDocument/publishDiagnostics", (p) => p.version === 1);
  // Edit the `EXPOSE 8080/tcp` line in the middle: toggle one digit, wait for the new diagnostics.
  const target = text.split("\n").findIndex((l, i) => i > n / 2 && l.startsWith("EXPOSE 8080"));
  const lat: number[] = [];
  const cpu: number[] = [];
  const pid = client.proc.pid!;
  for (let v = 2; v < 62; v++) {
    const c0 = cpuMs(pid);
    const t0 = performance.now();
    client.notify("textDocument/didChange", {
      textDocument: { uri, version: v },
      contentChanges: [{ range: { start: { line: target, character: 10 }, end: { line: target, character: 11 } }, text: v % 2 === 0 ? "1" : "8" }],
    });
    await client.waitFor("textDocument/publishDiagnostics", (p) => p.version === v);
    lat.push(performance.now() - t0);
    cpu.push(cpuMs(pid) - c0);
  }
  await client.stop();
  const ct: number[] = [];
  for (let r = 0; r < 12; r++) {
    const t0 = performance.now();
    compile("bench.vmspec", text);
    ct.push(performance.now() - t0);
  }
  console.log(`compiler alone on the same spec (in this process): median ${median(ct.slice(2)).toFixed(1)} ms`);
  const warm = lat.slice(10).sort((a, b) => a - b);
  console.log(`lsp diagnostics after an edit, ${n}-line spec (${(text.length / 1024).toFixed(0)} KiB): median ${median(warm).toFixed(1)} ms, p90 ${warm[Math.floor(warm.length * 0.9)]!.toFixed(1)} ms, max ${warm[warm.length - 1]!.toFixed(1)} ms (${warm.length} edits after 10 warm-up; target ≤ 50 ms)`);
  const wc = cpu.slice(10);
  console.log(`lsp server CPU time per edit (user+system from /proc, 10 ms ticks): median ${median(wc).toFixed(0)} ms, mean ${(wc.reduce((a, b) => a + b, 0) / wc.length).toFixed(1)} ms`);
}

console.log(`load average: ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
await formatting();
await lspLatency();
