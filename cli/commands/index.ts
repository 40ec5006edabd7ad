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
  /**
   * The command's work is over when `run` resolves (no server, no background work), so the CLI
   * exits right then (after flushing stdout/stderr) instead of waiting for Node to tear down.
   */
  exits?: boolean;
}

/** All commands, in the order `vmspec --help` lists them. */
export const commands: Command[] = [
  { name: "compile", summary: "Compile a spec to IR JSON (or --emit ast|ts)", load: () => import("./compile.js"), exits: true },
  { name: "check", summary: "Report a spec's errors and warnings", load: () => import("./check.js"), exits: true },
  { name: "fmt", summary: "Format specs and Dockerfiles (prettier plugin); --check only reports", load: () => import("./fmt.js"), exits: true },
  { name: "lsp", summary: "Run the language server (LSP over stdio) for editors", load: () => import("./lsp.js") },
  { name: "test", summary: "Golden-test specs against their .ir.json/.errors.txt snapshots", load: () => import("./test.js"), exits: true },
  { name: "vm", summary: "Built-in RISC-V emulator tools (run-elf, run-user, ...)", load: () => import("./vm.js") },
  { name: "build", summary: "Build a spec's target stage into the image store", load: () => import("./build.js"), exits: true },
  { name: "images", summary: "List the images in the store", load: () => import("./images.js"), exits: true },
  { name: "inspect", summary: "Show an image's config, layers, history and sizes", load: () => import("./inspect.js"), exits: true },
  { name: "rmi", summary: "Remove image names from the store", load: () => import("./rmi.js"), exits: true },
  { name: "store", summary: "Verify the image store (store verify) or print its path", load: () => import("./store.js"), exits: true },
  { name: "prune", summary: "Remove unreferenced blobs and temp files from the store", load: () => import("./prune.js"), exits: true },
  { name: "packages", summary: "Resolve, fetch and unpack Debian packages (resolve|fetch|unpack|file)", load: () => import("./packages.js"), exits: true },
  { name: "lock", summary: "Write SPEC.lock with the exact packages of every PACKAGES op", load: () => import("./lock.js"), exits: true },
  { name: "run", summary: "Run an image (or a rootfs dir) as a container", load: () => import("./run.js"), exits: true },
  { name: "ps", summary: "List detached containers", load: () => import("./ps.js"), exits: true },
  { name: "stop", summary: "Stop detached containers", load: () => import("./stop.js"), exits: true },
  { name: "logs", summary: "Print a detached container's output", load: () => import("./logs.js"), exits: true },
  { name: "export-bundle", summary: "Write an OCI runtime bundle (config.json + rootfs) for an image", load: () => import("./exportBundle.js"), exits: true },
  { name: "version", summary: "Print the vmspec version", load: () => import("./version.js"), exits: true },
];
