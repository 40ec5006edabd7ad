// Docker's per-container /etc/hostname, /etc/hosts and /etc/resolv.conf, written to the
// container's state dir and bind-mounted over the image's files.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { MountSpec } from "./index.js";

/** The host's resolv.conf text (network `host`), or a file without name servers. */
function resolvConf(network: "none" | "host"): string {
  if (network === "host") {
    try {
      return readFileSync("/etc/resolv.conf", "utf8");
    } catch {
      // no resolver configured on the host
    }
  }
  return "# vmspec: no network (--network none)\n";
}

/**
 * Writes the three files into `dir` and returns the bind mounts for them. Mount targets that the
 * image lacks are created as empty files in the container's writable layer (as Docker does).
 */
export function etcFileMounts(dir: string, hostname: string, network: "none" | "host"): MountSpec[] {
  const files: [string, string][] = [
    ["hostname", `${hostname}\n`],
    ["hosts", `127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n127.0.1.1\t${hostname}\n`],
    ["resolv.conf", resolvConf(network)],
  ];
  return files.map(([name, text]) => {
    const source = join(dir, name);
    writeFileSync(source, text);
    return { type: "bind" as const, source, target: `/etc/${name}` };
  });
}
