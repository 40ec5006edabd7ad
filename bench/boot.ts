// Benchmark: boot-to-marker time of Debian trixie's stock riscv64 kernel under OpenSBI with a
// busybox initramfs, on our machine (real-time and deterministic modes) and, when installed, on
// `qemu-system-riscv64 -machine virt` (TCG) with the same kernel, firmware, initramfs and command
// line. Prints wall time and this process's CPU time to the marker, and guest instructions.
// Run: npm run build && node dist/bench/boot.js [--no-qemu] [--realtime-only|--deterministic-only]
// (QEMU, the reference only: apt-get install qemu-system-misc; the product never needs it)
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildInitramfs, DEFAULT_MARKER } from "../runtime/vm/initramfs/initramfs.js";
import { boot } from "../runtime/vm/machine/boot.js";
import { fetchBusybox, fetchFirmware, fetchKernel } from "../runtime/vm/machine/bootArtifacts.js";

const SUITE = "trixie";
const BOOTARGS = "console=ttyS0";
const MEMORY = "512M";

interface Row {
  name: string;
  markerWallS: number;
  markerCpuS?: number;
  totalWallS: number;
  instructions?: bigint;
  note?: string;
}

async function ours(deterministic: boolean, firmware: Uint8Array, kernel: Uint8Array, initrd: Uint8Array): Promise<Row> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let markerWall = NaN;
  let markerCpu = NaN;
  let markerInsns: bigint | undefined;
  let hooked = false;
  const r = await boot({
    firmware,
    kernel,
    initrd,
    bootargs: BOOTARGS,
    deterministic,
    timeoutMs: 600_000,
    onMachine: (m) => {
      if (hooked) return;
      hooked = true;
      m.console.onMarker(DEFAULT_MARKER, () => {
        markerWall = (performance.now() - t0) / 1000;
        const c = process.cpuUsage(c0);
        markerCpu = (c.user + c.system) / 1e6;
        markerInsns = m.instructions;
      });
    },
  });
  const totalWallS = (performance.now() - t0) / 1000;
  if (r.exit.kind !== "poweroff") throw new Error(`our boot ended with ${r.exit.kind}; last line ${r.console.lastLine()}`);
  return {
    name: deterministic ? "vmspec (deterministic)" : "vmspec (real-time)",
    markerWallS: markerWall,
    markerCpuS: markerCpu,
    totalWallS,
    instructions: markerInsns,
  };
}

async function qemu(dir: string): Promise<Row | undefined> {
  if (spawnSync("sh", ["-c", "command -v qemu-system-riscv64"]).status !== 0) return undefined;
  const args = [
    "-machine", "virt", "-m", MEMORY, "-nographic", "-no-reboot",
    "-bios", join(dir, "fw_dynamic.bin"), "-kernel", join(dir, "Image"), "-initrd", join(dir, "initrd.gz"), "-append", BOOTARGS,
  ];
  const t0 = performance.now();
  let markerWall = NaN;
  let out = "";
  // `times` (bash builtin) reports the CPU time of QEMU, the shell's child.
  const p = spawn("bash", ["-c", 'qemu-system-riscv64 "$@" </dev/null; times >&2', "qemu", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  p.stdout.on("data", (b: Buffer) => {
    out += b.toString("latin1");
    if (Number.isNaN(markerWall) && out.includes(DEFAULT_MARKER)) markerWall = (performance.now() - t0) / 1000;
    if (out.length > 1 << 20) out = out.slice(-65536);
  });
  let err = "";
  p.stderr.on("data", (b: Buffer) => (err += b.toString()));
  await new Promise<void>((resolve) => p.on("close", () => resolve()));
  const totalWallS = (performance.now() - t0) / 1000;
  // Second line of `times`: children's user and system time, e.g. "0m2.010s 0m0.310s".
  const m = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s\s*$/.exec(err.trim());
  const cpu = m ? Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4]) : undefined;
  const version = spawnSync("qemu-system-riscv64", ["--version"], { encoding: "utf8" }).stdout.split("\n")[0];
  return { name: "qemu-system-riscv64 virt (TCG)", markerWallS: markerWall, totalWallS, note: `${version}; CPU time is to power-off`, markerCpuS: cpu };
}

async function main(): Promise<void> {
  const [k, f, b] = await Promise.all([fetchKernel(SUITE), fetchFirmware(SUITE), fetchBusybox(SUITE)]);
  const initrd = buildInitramfs({ busybox: b.bytes, commands: ["true"] });
  console.log(`kernel   ${k.origin}\nfirmware ${f.origin}\nbusybox  ${b.origin}\ncmdline  "${BOOTARGS}", RAM ${MEMORY}, marker "${DEFAULT_MARKER}"\n`);
  const dir = mkdtempSync(join(tmpdir(), "vmspec-bench-boot-"));
  const rows: Row[] = [];
  try {
    writeFileSync(join(dir, "fw_dynamic.bin"), f.bytes);
    writeFileSync(join(dir, "Image"), k.bytes);
    writeFileSync(join(dir, "initrd.gz"), initrd);
    const modes = process.argv.includes("--deterministic-only") ? [true] : process.argv.includes("--realtime-only") ? [false] : [false, true];
    for (const det of modes) rows.push(await ours(det, f.bytes, k.bytes, initrd));
    const q = process.argv.includes("--no-qemu") ? undefined : await qemu(dir);
    if (q) rows.push(q);
    else console.log("qemu-system-riscv64 not run (not installed, or --no-qemu): apt-get install qemu-system-misc\n");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const pad = (s: string, n: number) => s.padEnd(n);
  console.log(`${pad("machine", 32)} ${pad("to marker (wall)", 17)} ${pad("CPU time", 10)} ${pad("to power-off", 13)} guest insns to marker  MIPS`);
  for (const r of rows) {
    const mips = r.instructions !== undefined ? (Number(r.instructions) / r.markerWallS / 1e6).toFixed(1) : "-";
    console.log(
      `${pad(r.name, 32)} ${pad(r.markerWallS.toFixed(2) + " s", 17)} ${pad(r.markerCpuS !== undefined ? r.markerCpuS.toFixed(2) + " s" : "-", 10)} ${pad(r.totalWallS.toFixed(2) + " s", 13)} ${pad(r.instructions?.toString() ?? "-", 22)} ${mips}` +
        (r.note ? `   (${r.note})` : ""),
    );
  }
}

await main();
