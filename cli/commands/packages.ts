// `vmspec packages resolve|fetch|unpack|file`: the Debian package source from the command line.
import { parseArgs, type OptionSpec, type ParsedArgs } from "../args.js";
import {
  findConflicts,
  loadUniverse,
  fetchPackageFile,
  fetchPackages,
  installPackages,
  PackagesError,
  ResolveError,
  resolvePackages,
  type EssentialPolicy,
  type PackageRequest,
  type SourceOptions,
} from "../../runtime/packages/index.js";

const HELP = `Usage: vmspec packages <resolve|fetch|unpack|file> [options] [NAME[=VERSION]…]

Resolve, download and unpack Debian packages from a signed archive.

  resolve NAME…        print the exact package set (name, version, arch, size, sha256, why);
                       Conflicts/Breaks inside the set are printed as warnings on stderr
  fetch NAME…          resolve and download the .debs into the cache (verified); print their paths
  unpack NAME…         resolve, download and unpack into --root with dpkg database entries
  file --package P --path PATH
                       extract one file of one package (or of its dependencies); print its local path

Options:
  --suite SUITE        Debian suite/codename (default: bookworm)
  --arch ARCH          Debian architecture (default: amd64)
  --essential POLICY   exclude (default) | include | required — see docs/packages.md
  --root DIR           target directory for unpack
  --package NAME       package for file
  --path PATH          path inside the package for file (/usr/bin/busybox; /bin/x also finds /usr/bin/x)
  --regex              treat --path as a regular expression over absolute member paths
  --mirror URL         mirror base URL (default: $VMSPEC_DEBIAN_MIRROR, else the apt sources)
  --keyring FILE       keyring for InRelease (repeatable; default: Signed-By, else Debian's keyring)
  --cache DIR          cache directory (default: $VMSPEC_CACHE, $XDG_CACHE_HOME/vmspec, ~/.cache/vmspec)
  --component NAME     archive component (repeatable; default: main)
  --offline            use only cached metadata and packages
  --json               machine-readable output
  -h, --help           show this help

Exit status: 0 ok, 1 resolution/verification failure, 2 usage error.
`;

/** Options shared with `vmspec lock`. */
export const SOURCE_OPTIONS: OptionSpec[] = [
  { name: "mirror", value: true },
  { name: "keyring", value: true, repeat: true },
  { name: "cache", value: true },
  { name: "component", value: true, repeat: true },
  { name: "offline", value: false },
];

/** SourceOptions from parsed `SOURCE_OPTIONS`. */
export function sourceOptionsFrom(p: ParsedArgs): SourceOptions {
  const o: SourceOptions = {};
  const last = (n: string) => p.values.get(n)?.at(-1);
  if (last("mirror") !== undefined) o.mirror = last("mirror");
  if (p.values.has("keyring")) o.keyrings = p.values.get("keyring");
  if (last("cache") !== undefined) o.cacheDir = last("cache");
  if (p.values.has("component")) o.components = p.values.get("component");
  if (p.flags.has("offline")) o.offline = true;
  return o;
}

/** Prints an operational error (typed errors with their code) and returns exit status 1. */
export function reportError(cmd: string, e: unknown): number {
  if (e instanceof ResolveError) {
    process.stderr.write(`vmspec ${cmd}: cannot resolve (${e.code}):\n${e.explanation.map((l) => `  ${l}`).join("\n")}\n`);
    return 1;
  }
  if (e instanceof PackagesError) {
    process.stderr.write(`vmspec ${cmd}: ${e.code}: ${e.message}\n`);
    return 1;
  }
  throw e;
}

function requests(names: readonly string[]): PackageRequest[] {
  return names.map((n) => {
    const eq = n.indexOf("=");
    return eq < 0 ? { name: n } : { name: n.slice(0, eq), version: n.slice(eq + 1) };
  });
}

/** Runs `vmspec packages`. */
export async function run(argv: readonly string[]): Promise<number> {
  const p = parseArgs(argv, [
    ...SOURCE_OPTIONS,
    { name: "suite", value: true },
    { name: "arch", value: true },
    { name: "essential", value: true },
    { name: "root", value: true },
    { name: "package", value: true },
    { name: "path", value: true },
    { name: "regex", value: false },
    { name: "json", value: false },
  ]);
  if (p.flags.has("help")) {
    process.stdout.write(HELP);
    return 0;
  }
  const [sub, ...names] = p.positionals;
  const one = (n: string) => p.values.get(n)?.at(-1);
  const suite = one("suite") ?? "bookworm";
  const arch = one("arch") ?? "amd64";
  const essential = (one("essential") ?? "exclude") as EssentialPolicy;
  const errors = [...p.errors];
  if (!["resolve", "fetch", "unpack", "file"].includes(sub ?? "")) errors.push(`expected a subcommand resolve|fetch|unpack|file, not '${sub ?? ""}'`);
  if (!["exclude", "include", "required"].includes(essential)) errors.push(`--essential must be exclude, include or required`);
  if (sub !== "file" && names.length === 0 && essential === "exclude") errors.push("no package names given");
  if (sub === "unpack" && one("root") === undefined) errors.push("unpack needs --root DIR");
  if (sub === "file" && (one("package") === undefined || one("path") === undefined)) errors.push("file needs --package and --path");
  if (errors.length > 0) {
    process.stderr.write(`vmspec packages: ${errors.join("; ")}\n\n${HELP}`);
    return 2;
  }
  const opts = sourceOptionsFrom(p);
  const json = p.flags.has("json");
  const spec = { distro: "debian", suite, arch, packages: requests(names), essential };
  try {
    switch (sub) {
      case "resolve": {
        const pkgs = await resolvePackages(spec, opts);
        for (const w of findConflicts(await loadUniverse(suite, arch, opts), pkgs, arch)) process.stderr.write(`warning: ${w}\n`);
        if (json) process.stdout.write(JSON.stringify(pkgs, null, 2) + "\n");
        else for (const x of pkgs) process.stdout.write(`${x.name} ${x.version} ${x.arch} ${x.size} ${x.sha256}  (${x.requiredBy})\n`);
        return 0;
      }
      case "fetch": {
        const pkgs = await resolvePackages(spec, opts);
        const paths = await fetchPackages(suite, pkgs, opts);
        if (json) process.stdout.write(JSON.stringify(pkgs.map((x, i) => ({ ...x, path: paths[i] })), null, 2) + "\n");
        else pkgs.forEach((x, i) => process.stdout.write(`${x.name} ${x.version} ${paths[i]}\n`));
        return 0;
      }
      case "unpack": {
        const r = await installPackages(spec, one("root")!, opts);
        if (json) process.stdout.write(JSON.stringify({ packages: r.packages, maintainerScripts: r.maintainerScripts }, null, 2) + "\n");
        else {
          for (const x of r.packages) process.stdout.write(`unpacked ${x.name} ${x.version} ${x.arch}${r.maintainerScripts[x.name] ? `  (maintainer scripts not run: ${r.maintainerScripts[x.name]!.join(", ")})` : ""}\n`);
        }
        return 0;
      }
      case "file": {
        const path = one("path")!;
        const f = await fetchPackageFile({ suite, arch, package: one("package")!, path: p.flags.has("regex") ? new RegExp(path) : path }, opts);
        if (json) process.stdout.write(JSON.stringify(f, null, 2) + "\n");
        else process.stdout.write(`${f.path}\n`);
        return 0;
      }
    }
  } catch (e) {
    return reportError("packages", e);
  }
  return 2;
}
