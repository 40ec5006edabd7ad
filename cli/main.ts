// The `vmspec` command line: dispatches argv to one command module and returns the exit code.
import { commands, type Command } from "./commands/index.js";
import { readFileSync } from "node:fs";
import { adoptDeferredExtraCaCerts } from "../runtime/packages/extraCa.js";

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, specErrors: 1, usage: 2 } as const;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    "Usage: vmspec <command> [options]",
    "",
    "Commands:",
    ...lines,
    "",
    "Run `vmspec <command> --help` for a command's options.",
  ].join("\n");
}

/** Runs the CLI with the given arguments (without `node` and the script); resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(usage() + "\n");
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === "--version" || name === "-V") {
    process.stdout.write(`vmspec ${version()}\n`);
    return EXIT.ok;
  }
  const cmd: Command | undefined = commands.find((c) => c.name === name);
  if (cmd === undefined) {
    process.stderr.write(`vmspec: unknown command '${name}'\n\n${usage()}\n`);
    return EXIT.usage;
  }
  const mod = await cmd.load();
  return mod.run(rest);
}

/** Resolves once everything written so far to stdout and stderr has been handed to the OS. */
function flushed(): Promise<void> {
  const one = (s: NodeJS.WriteStream): Promise<void> =>
    new Promise((ok) => {
      if (s.destroyed || !s.writable) ok();
      else s.write("", () => ok());
    });
  return Promise.all([one(process.stdout), one(process.stderr)]).then(() => undefined);
}

/**
 * The `vmspec` process (bin/vmspec.js): runs `main`, then, for a command whose work ends when it
 * returns (`exits` in the command table), exits as soon as its output is flushed instead of
 * waiting for Node to close handles and tear down the heap; other commands (the LSP, the
 * emulator) end when Node's event loop does.
 */
export async function runCli(argv: readonly string[]): Promise<void> {
  adoptDeferredExtraCaCerts();
  const code = await main(argv);
  process.exitCode = code;
  if (commands.find((c) => c.name === argv[0])?.exits) {
    await flushed();
    process.exit(code);
  }
}
