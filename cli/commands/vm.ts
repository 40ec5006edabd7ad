// `vmspec vm <subcommand>`: the emulator's developer tools, dispatched through one table.
import type { CommandModule } from "./index.js";

/** One `vm` subcommand: a lazily loaded module with its own argv parsing (incl. --help). */
export interface VmSubcommand {
  name: string;
  summary: string;
  load(): Promise<CommandModule>;
}

/** The `vm` subcommands, in help order. To add one: one line here. */
export const vmSubcommands: VmSubcommand[] = [
  { name: "run-elf", summary: "Run a bare-metal RISC-V ELF (M-mode, tohost protocol)", load: async () => ({ run: runElf }) },
  { name: "run-user", summary: "Run a static Linux riscv64 ELF in user mode", load: async () => ({ run: runUser }) },
  { name: "boot", summary: "Boot a RISC-V Linux kernel (Debian's by default) to a shell", load: () => import("./vmBoot.js") },
];

function usage(): string {
  const w = Math.max(...vmSubcommands.map((c) => c.name.length));
  return [
    "Usage: vmspec vm <subcommand> [options]",
    "",
    "The built-in RISC-V emulator's tools.",
    "",
    "Subcommands:",
    ...vmSubcommands.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`),
    "",
    "Run `vmspec vm <subcommand> --help` for its options.",
  ].join("\n");
}

/** Dispatches to a subcommand; exit 2 on usage errors. */
export async function run(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h") {
    process.stdout.write(usage() + "\n");
    return name === undefined ? 2 : 0;
  }
  const sub = vmSubcommands.find((c) => c.name === name);
  if (sub === undefined) {
    process.stderr.write(`vmspec vm: unknown subcommand '${name}'\n\n${usage()}\n`);
    return 2;
  }
  return (await sub.load()).run(rest);
}

function parseCount(s: string | undefined): number | undefined {
  if (s === undefined || !/^\d+(_\d+)*$/.test(s)) return undefined;
  return Number(s.replaceAll("_", ""));
}

const RUN_ELF_HELP = `Usage: vmspec vm run-elf FILE [--max-insns N]

Runs a bare-metal RV64 ELF on the built-in CPU: segments are loaded at their physical
addresses (RAM at 0x80000000, 64 MiB), execution starts in M-mode at the entry point.
The program reports through its \`tohost\` symbol: 1 = pass; an odd value v = fail of
test v>>1; (v>>48) == 0x0101 prints the character v & 0xff (tohost is then cleared).

Options:
  --max-insns N   instruction budget (default 100000000)

Exit status: 0 pass, 1 fail/timeout/error, 2 usage.
`;

async function runElf(argv: readonly string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(RUN_ELF_HELP);
    return 0;
  }
  let file: string | undefined;
  let max: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--max-insns") {
      max = parseCount(argv[++i]);
      if (max === undefined) {
        process.stderr.write("vmspec vm run-elf: --max-insns needs a number\n");
        return 2;
      }
    } else if (file === undefined && !argv[i]!.startsWith("-")) file = argv[i];
    else {
      process.stderr.write(`vmspec vm run-elf: unexpected argument '${argv[i]}'\n\n${RUN_ELF_HELP}`);
      return 2;
    }
  }
  if (file === undefined) {
    process.stderr.write(RUN_ELF_HELP);
    return 2;
  }
  const { runBareMetal } = await import("../../runtime/vm/cpu/bareMetal.js");
  try {
    const r = runBareMetal(file, { maxInsns: max, onConsole: (c) => process.stdout.write(String.fromCharCode(c)) });
    const o = r.outcome;
    const msg =
      o.kind === "pass" ? "PASS" : o.kind === "fail" ? `FAIL test ${o.test}` : o.kind === "timeout" ? "TIMEOUT (instruction budget used up)" : `ERROR ${o.message}`;
    process.stderr.write(`${msg} after ${r.instret} instructions\n`);
    return o.kind === "pass" ? 0 : 1;
  } catch (e) {
    process.stderr.write(`vmspec vm run-elf: ${(e as Error).message}\n`);
    return 1;
  }
}

const RUN_USER_HELP = `Usage: vmspec vm run-user [--max-insns N] [--memory SIZE] FILE [ARGS...]

Runs a static Linux riscv64 ELF (e.g. built with riscv64-linux-gnu-gcc -static) in U-mode on
the built-in CPU with Sv39 paging and a small Linux system-call layer (write, read, openat
(read-only), brk, mmap, clock_gettime, uname, getrandom, exit_group, ...). The program's
stdout/stderr go to ours; the exit status is the program's.

Options:
  --max-insns N   stop with status 124 after N instructions (default: no limit)
  --memory SIZE   guest physical memory, e.g. 512M (default 1G)
  --stats         print retired instructions and MIPS to stderr at exit
`;

async function runUser(argv: readonly string[]): Promise<number> {
  let max: number | undefined;
  let memory: number | undefined;
  let stats = false;
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--help" || a === "-h") {
      process.stdout.write(RUN_USER_HELP);
      return 0;
    } else if (a === "--max-insns") {
      max = parseCount(argv[++i]);
      if (max === undefined) {
        process.stderr.write("vmspec vm run-user: --max-insns needs a number\n");
        return 2;
      }
    } else if (a === "--memory") {
      const m = /^(\d+)([KMG]?)$/i.exec(argv[++i] ?? "");
      if (!m) {
        process.stderr.write("vmspec vm run-user: --memory needs a size like 512M\n");
        return 2;
      }
      memory = Number(m[1]) * ({ "": 1, K: 1024, M: 1 << 20, G: 1 << 30 } as Record<string, number>)[m[2]!.toUpperCase()]!;
    } else if (a === "--stats") stats = true;
    else if (a === "--") {
      i++;
      break;
    } else if (a.startsWith("-")) {
      process.stderr.write(`vmspec vm run-user: unknown option '${a}'\n\n${RUN_USER_HELP}`);
      return 2;
    } else break;
  }
  const file = argv[i];
  if (file === undefined) {
    process.stderr.write(RUN_USER_HELP);
    return 2;
  }
  const { runUserElf } = await import("../../runtime/vm/cpu/userMode.js");
  try {
    const started = process.hrtime.bigint();
    const r = runUserElf(file, argv.slice(i + 1), { maxInsns: max, memory });
    if (stats) {
      const secs = Number(process.hrtime.bigint() - started) / 1e9;
      process.stderr.write(`instructions: ${r.instret}  time: ${secs.toFixed(3)} s  MIPS: ${(Number(r.instret) / secs / 1e6).toFixed(1)}\n`);
    }
    if (r.outcome.kind === "timeout") {
      process.stderr.write("vmspec vm run-user: instruction budget used up\n");
      return 124;
    }
    if (r.outcome.kind === "fault") {
      process.stderr.write(`vmspec vm run-user: ${r.outcome.message}\n`);
      return 139;
    }
    return r.outcome.status;
  } catch (e) {
    process.stderr.write(`vmspec vm run-user: ${(e as Error).message}\n`);
    return 1;
  }
}
