// `vmspec fmt [--check] FILE…`: formats specs and Dockerfiles in place through prettier and the
// vmspec prettier plugin (tooling/prettier-plugin-vmspec); `--check` only reports.
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "../args.js";

const HELP = `Usage: vmspec fmt [--check] FILE...

Format vmspec specs and Dockerfiles (canonical keyword case, flags first in canonical order, one
space between words, JSON arrays as ["a", "b"], continuation lines indented by four spaces,
comments and heredocs kept). The formatted file always means the same: it compiles to the same
IR op ids. FILE "-" reads standard input and writes standard output. A file named Dockerfile,
Containerfile or *.dockerfile is formatted as a Dockerfile, anything else as a vmspec.

Options:
  --check        write nothing; list the files that are not formatted
  -h, --help     show this help

Exit status: 0 ok (with --check: every file is formatted), 1 some file is not formatted
(--check only), 2 usage error or unreadable/unwritable file.
`;

/** Runs `vmspec fmt`. */
export async function run(argv: readonly string[]): Promise<number> {
  const p = parseArgs(argv, [{ name: "check", value: false }]);
  if (p.flags.has("help")) {
    process.stdout.write(HELP);
    return 0;
  }
  const errors = [...p.errors];
  if (p.positionals.length === 0) errors.push("expected at least one FILE");
  if (errors.length > 0) {
    process.stderr.write(`vmspec fmt: ${errors.join("; ")}\n\n${HELP}`);
    return 2;
  }
  const { prettierFormat } = await import("../../tooling/prettier-plugin-vmspec/prettier.js");
  const check = p.flags.has("check");
  let status = 0;
  for (const file of p.positionals) {
    let text: string;
    try {
      text = file === "-" ? readFileSync(0, "utf8") : readFileSync(file, "utf8");
    } catch (e) {
      process.stderr.write(`vmspec fmt: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? e}\n`);
      status = 2;
      continue;
    }
    const out = await prettierFormat(text, file === "-" ? "stdin.vmspec" : file);
    if (check) {
      if (out !== text) {
        process.stdout.write(`${file}\n`);
        if (status === 0) status = 1;
      }
      continue;
    }
    if (file === "-") {
      process.stdout.write(out);
      continue;
    }
    if (out === text) continue;
    try {
      writeFileSync(file, out);
      process.stdout.write(`${file}\n`);
    } catch (e) {
      process.stderr.write(`vmspec fmt: cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? e}\n`);
      status = 2;
    }
  }
  return status;
}
