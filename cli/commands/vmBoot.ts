// `vmspec vm boot`: boots Debian's stock riscv64 kernel under OpenSBI on the built-in machine,
// with the console on the terminal (or a log), and exits with the guest's power-off status.
import { readFile, writeFile } from "node:fs/promises";

const HELP = `Usage: vmspec vm boot [options]

Boots a RISC-V Linux kernel on the built-in virt-style machine (OpenSBI fw_dynamic firmware,
16550A console, CLINT/PLIC, RTC, power-off device) with the console on this terminal.
With no options it fetches Debian trixie's riscv64 kernel, OpenSBI and busybox-static from the
archive (verified, cached), builds an initramfs, and boots to a busybox shell.
Type Ctrl-A x to quit, Ctrl-A h for help.

Options:
  --kernel debian:SUITE|PATH  kernel Image (default debian:trixie)
  --firmware PATH             OpenSBI fw_dynamic.bin (default: Debian's opensbi of the same suite)
  --initrd PATH               initramfs to pass to the kernel
  --busybox                   build an initramfs with busybox-static (the default without --initrd)
  --run CMD                   (with --busybox, repeatable) run CMD in /init, then power off with
                              the status of the last command instead of starting a shell
  --append ARGS               kernel command line (default "console=ttyS0 earlycon")
  --memory SIZE               guest RAM, e.g. 512M or 1G (default 512M)
  --deterministic             time advances with the instruction count: repeatable runs
  --timeout SECS              give up after SECS seconds of wall time (exit status 124)
  --console-log FILE          also write everything the guest printed to FILE
  --mirror URL                Debian mirror (default: from the apt sources or $VMSPEC_DEBIAN_MIRROR)
  --cache DIR                 package cache directory
  --stats                     print guest instructions and wall time to stderr at exit

Exit status: the guest's power-off status (0 for a normal power-off, N when the guest wrote
FINISHER_FAIL with code N, modulo 256); 124 on --timeout; 1 on errors (bad image, guest fault,
download failure); 2 on usage errors; 0 after Ctrl-A x.
`;

/** Parsed command line. */
interface BootArgs {
  kernel: string;
  firmware?: string;
  initrd?: string;
  busybox: boolean;
  run: string[];
  append?: string;
  memory: number;
  deterministic: boolean;
  timeoutSecs?: number;
  consoleLog?: string;
  mirror?: string;
  cache?: string;
  stats: boolean;
}

/** Parses a size like 512M, 1G, 65536K or a byte count. */
export function parseSize(s: string | undefined): number | undefined {
  const m = /^(\d+)([KMG]?)i?B?$/i.exec(s ?? "");
  if (!m) return undefined;
  const mult: Record<string, number> = { "": 1, K: 1024, M: 1 << 20, G: 1 << 30 };
  return Number(m[1]) * mult[m[2]!.toUpperCase()]!;
}

function parseArgs(argv: readonly string[]): BootArgs | string {
  const a: BootArgs = { kernel: "debian:trixie", busybox: false, run: [], memory: 512 << 20, deterministic: false, stats: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const need = (flag: string): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    try {
      switch (arg) {
        case "--kernel": a.kernel = need(arg); break;
        case "--firmware": a.firmware = need(arg); break;
        case "--initrd": a.initrd = need(arg); break;
        case "--busybox": a.busybox = true; break;
        case "--run": a.run.push(need(arg)); break;
        case "--append": a.append = need(arg); break;
        case "--memory": {
          const m = parseSize(need(arg));
          if (m === undefined || m < 64 << 20 || m % (2 << 20) !== 0) return "--memory needs a size of at least 64M in whole 2M units, like 512M";
          a.memory = m;
          break;
        }
        case "--deterministic": a.deterministic = true; break;
        case "--timeout": {
          const t = Number(need(arg));
          if (!Number.isFinite(t) || t <= 0) return "--timeout needs a positive number of seconds";
          a.timeoutSecs = t;
          break;
        }
        case "--console-log": a.consoleLog = need(arg); break;
        case "--mirror": a.mirror = need(arg); break;
        case "--cache": a.cache = need(arg); break;
        case "--stats": a.stats = true; break;
        default: return `unexpected argument '${arg}'`;
      }
    } catch (e) {
      return (e as Error).message;
    }
  }
  if (a.initrd !== undefined && (a.busybox || a.run.length > 0)) return "--initrd cannot be combined with --busybox or --run";
  if (a.initrd === undefined) a.busybox = true;
  return a;
}

/** Runs `vmspec vm boot`. */
export async function run(argv: readonly string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(HELP);
    return 0;
  }
  const parsed = parseArgs(argv);
  if (typeof parsed === "string") {
    process.stderr.write(`vmspec vm boot: ${parsed}\n\n${HELP}`);
    return 2;
  }
  const args = parsed;
  const { buildInitramfs } = await import("../../runtime/vm/initramfs/initramfs.js");
  const { boot } = await import("../../runtime/vm/machine/boot.js");
  const { attachStdin, GuestConsole } = await import("../../runtime/vm/machine/console.js");
  const source = { mirror: args.mirror, cacheDir: args.cache };
  const note = (s: string) => process.stderr.write(`vmspec vm boot: ${s}\n`);

  let kernel: Uint8Array;
  let kernelPath: string;
  let firmware: Uint8Array;
  let initrd: Uint8Array;
  // The archive client is loaded only when something is fetched from the archive.
  const fetchers = () => import("../../runtime/vm/machine/bootArtifacts.js");
  try {
    const debian = /^debian:([a-z0-9-]+)$/.exec(args.kernel);
    const suite = debian?.[1] ?? "trixie";
    if (debian) {
      const k = await (await fetchers()).fetchKernel(suite, source);
      note(`kernel ${k.origin}`);
      kernel = k.bytes;
      kernelPath = k.path;
    } else {
      kernel = await readFile(args.kernel);
      kernelPath = args.kernel;
    }
    if (args.firmware !== undefined) firmware = await readFile(args.firmware);
    else {
      const f = await (await fetchers()).fetchFirmware(suite, source);
      note(`firmware ${f.origin}`);
      firmware = f.bytes;
    }
    if (args.initrd !== undefined) initrd = await readFile(args.initrd);
    else {
      const b = await (await fetchers()).fetchBusybox(suite, source);
      note(`busybox ${b.origin}`);
      initrd = buildInitramfs({ busybox: b.bytes, commands: args.run.length > 0 ? args.run : undefined });
    }
  } catch (e) {
    note(`cannot get the boot images: ${(e as Error).message}`);
    return 1;
  }

  const stdin = process.stdin;
  let input: { close(): void } | undefined;
  let current: { stop(): void; input(b: number[]): void } | undefined;
  const interactive = stdin.isTTY === true;
  const guestConsole = new GuestConsole({ write: (b) => process.stdout.write(b) });
  let result;
  try {
    result = await boot({
      guestConsole,
      firmware,
      kernel,
      kernelPath,
      initrd,
      bootargs: args.append,
      memorySize: args.memory,
      deterministic: args.deterministic,
      timeoutMs: args.timeoutSecs !== undefined ? args.timeoutSecs * 1000 : undefined,
      onMachine: (m) => {
        current = m;
        input ??= attachStdin(
          stdin,
          (bytes) => current?.input(bytes),
          () => current?.stop(),
          (text) => process.stdout.write(text),
        );
      },
    });
  } catch (e) {
    // Typed machine/CPU errors (bad image, layout, guest fault, RAM allocation): a message, no stack.
    if (guestConsole.length > 0) process.stdout.write("\n");
    note((e as Error).message);
    return 1;
  } finally {
    input?.close();
    if (!interactive) stdin.destroy();
    if (args.consoleLog !== undefined) await writeFile(args.consoleLog, guestConsole.log());
  }
  if (args.stats) {
    const secs = result.wallMs / 1000;
    note(`${result.instructions} guest instructions in ${secs.toFixed(2)} s (${(Number(result.instructions) / secs / 1e6).toFixed(1)} MIPS)`);
  }
  switch (result.exit.kind) {
    case "poweroff": {
      const s = result.exit.status;
      return s === 0 ? 0 : s % 256 === 0 ? 1 : s % 256;
    }
    case "timeout":
      process.stdout.write("\n");
      note(
        `timed out after ${args.timeoutSecs} s; last console line: ${JSON.stringify(result.console.lastLine())}, pc=0x${result.pc.toString(16)}`,
      );
      return 124;
    case "stopped":
      process.stdout.write("\n");
      note("terminated (Ctrl-A x)");
      return 0;
    default:
      return 1;
  }
}
