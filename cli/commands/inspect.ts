// `vmspec inspect IMAGE`: shows an image's config, layers, history and sizes.
import { parseArgs } from "node:util";
import { humanSize, summarize } from "../../runtime/image/report.js";
import { machineFromLabels } from "../../runtime/image/config.js";
import { STORE_HELP, openStore, reportError } from "./store.js";

const HELP = `Usage: vmspec inspect [--store DIR] [--format text|json] IMAGE

Show an image: platform, config (env, cmd, entrypoint, workdir, user, ports, volumes, labels,
stop signal, healthcheck), machine spec, layers (digest, diff_id, size) and history.
IMAGE is name[:tag], a manifest digest, or a unique digest prefix.

Options:
${STORE_HELP}
  --format FMT     text (default) or json (manifest, config and summary)
`;

/** Runs `vmspec inspect`. */
export async function run(argv: readonly string[]): Promise<number> {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: { store: { type: "string" }, format: { type: "string", default: "text" }, help: { type: "boolean", short: "h" } } });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    if (positionals.length !== 1 || (values.format !== "text" && values.format !== "json")) {
      process.stderr.write(HELP);
      return 2;
    }
    const store = await openStore(values.store);
    try {
      const entry = await store.resolve(positionals[0]!);
      const { summary, image } = await summarize(store, entry);
      const names = (await store.listImages()).filter((i) => i.descriptor.digest === entry.descriptor.digest && i.name).map((i) => i.name!);
      if (values.format === "json") {
        process.stdout.write(JSON.stringify({ names, digest: summary.digest, size: summary.size, manifest: image.manifest, config: image.config }, null, 2) + "\n");
        return 0;
      }
      const c = image.config.config ?? {};
      const out: string[] = [];
      out.push(`Names:       ${names.join(", ") || "<none>"}`);
      out.push(`Digest:      ${summary.digest}`);
      out.push(`Config:      ${image.configDescriptor.digest}`);
      out.push(`Platform:    ${summary.platform}`);
      out.push(`Created:     ${summary.created ?? ""}`);
      out.push(`Size:        ${humanSize(summary.size)} (${summary.size} bytes, compressed)`);
      const kv = (k: string, v: unknown): void => {
        if (v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0)) out.push(`  ${k.padEnd(12)} ${typeof v === "string" ? v : JSON.stringify(v)}`);
      };
      out.push("Config:");
      kv("User", c.User);
      kv("WorkingDir", c.WorkingDir);
      kv("Entrypoint", c.Entrypoint);
      kv("Cmd", c.Cmd);
      for (const e of c.Env ?? []) kv("Env", e);
      kv("ExposedPorts", c.ExposedPorts ? Object.keys(c.ExposedPorts).join(" ") : undefined);
      kv("Volumes", c.Volumes ? Object.keys(c.Volumes).join(" ") : undefined);
      kv("StopSignal", c.StopSignal);
      kv("Healthcheck", c.Healthcheck);
      kv("Shell", c.Shell);
      kv("OnBuild", c.OnBuild);
      for (const [k, v] of Object.entries(c.Labels ?? {})) if (!k.startsWith("dev.vmspec.machine.")) kv("Label", `${k}=${v}`);
      const m = machineFromLabels(c.Labels);
      if (m) {
        out.push("Machine:");
        kv("Arch", m.arch);
        kv("CPUs", String(m.cpus));
        kv("Memory", humanSize(m.memoryBytes));
        kv("Disk", humanSize(m.diskBytes));
        kv("Launch", m.launch);
        kv("Network", m.network.mode);
      }
      out.push(`Layers (${image.layers.length}):`);
      for (const [i, l] of image.layers.entries()) out.push(`  ${String(i).padStart(2)}  ${l.digest}  ${humanSize(l.size).padStart(7)}  diff_id ${image.config.rootfs.diff_ids[i] ?? "?"}`);
      out.push("History:");
      for (const h of image.config.history ?? []) out.push(`  ${h.empty_layer ? "     " : "layer"}  ${h.created_by ?? ""}`);
      process.stdout.write(out.join("\n") + "\n");
      return 0;
    } finally {
      await store.close();
    }
  } catch (e) {
    return reportError("inspect", e);
  }
}
