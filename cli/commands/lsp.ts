// `vmspec lsp`: the language server over stdio (tooling/lsp).
import { parseArgs } from "../args.js";

const HELP = `Usage: vmspec lsp [--stdio]

Run the vmspec language server, speaking LSP (JSON-RPC with Content-Length framing) on standard
input and output. Editors start it themselves; see docs/tooling.md. Features: the compiler's
diagnostics as you type, hover docs for instructions, flags and MACHINE keys, completion
(instructions, flags, stage names after --from=, ARG names in \${}, MACHINE keys and units),
go-to-definition for stages and ARGs, and document formatting (the vmspec fmt formatter).

Options:
  --stdio        accepted for editor compatibility (stdio is the only transport)
  -h, --help     show this help

Exit status: 0 after a shutdown request and exit, 1 if the client went away without shutdown.
`;

/** Runs `vmspec lsp`. */
export async function run(argv: readonly string[]): Promise<number> {
  const p = parseArgs(argv, [{ name: "stdio", value: false }]);
  if (p.flags.has("help")) {
    process.stdout.write(HELP);
    return 0;
  }
  if (p.errors.length > 0 || p.positionals.length > 0) {
    process.stderr.write(`vmspec lsp: ${[...p.errors, ...p.positionals.map((x) => `unexpected argument '${x}'`)].join("; ")}\n\n${HELP}`);
    return 2;
  }
  const { runStdioServer } = await import("../../tooling/lsp/server.js");
  const code = await runStdioServer();
  process.stdin.pause();
  return code;
}
