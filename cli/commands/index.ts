// The command registry: one entry per `vmspec` command, each loaded lazily so start-up stays fast.
// To add a command: create cli/commands/<name>.ts exporting `run(argv): Promise<number>` and add a line here.

/** A command module: parses its own argv (including --help) and returns an exit code. */
export interface CommandModule {
  run(argv: readonly string[]): Promise<number>;
}

/** One registry entry. */
export interface Command {
  name: string;
  summary: string;
  load(): Promise<CommandModule>;
}

/** All commands, in the order `vmspec --help` lists them. */
export const commands: Command[] = [
  { name: "vm", summary: "Built-in RISC-V emulator tools (run-elf, run-user, ...)", load: () => import("./vm.js") },
  { name: "version", summary: "Print the vmspec version", load: () => import("./version.js") },
];
