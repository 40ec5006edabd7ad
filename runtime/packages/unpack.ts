// Unpacking one .deb's data.tar into a root (modes, ownership as root, symlinks, hard links,
// directories, mtimes), confined by SafeRoot, and collecting what dpkg's database needs.
import { chmod, chown, lchown, lutimes, utimes } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import * as tarStream from "tar-stream";
import { parseDeb822 } from "./deb822.js";
import { debLayout, openData, readControl, type ControlFiles } from "./debFile.js";
import { DebFormatError } from "./errors.js";
import { SafeRoot } from "./safeRoot.js";

/** Maintainer script names (Debian Policy §6) that we never run but record. */
export const MAINTAINER_SCRIPTS = ["preinst", "postinst", "prerm", "postrm", "config"] as const;

/** What unpacking one .deb produced. */
export interface UnpackedDeb {
  name: string;
  version: string;
  arch: string;
  multiArch: string;
  /** The control file text exactly as shipped. */
  controlText: string;
  /** control.tar members (control, md5sums, conffiles, scripts, triggers, …). */
  control: ControlFiles;
  /** Paths in archive order as dpkg lists them (`/.`, `/usr`, `/usr/bin/x`). */
  paths: string[];
  /** Maintainer scripts the package has (not run). */
  maintainerScripts: string[];
  /** Conffiles (absolute paths) from control.tar `conffiles`. */
  conffiles: string[];
  /** Entries not created (device nodes, FIFOs) with the reason. */
  skipped: string[];
}

/** Unpack options. */
export interface UnpackOptions {
  /** Apply tar ownership (uid/gid). Default: only when running as root. */
  chown?: boolean;
}

/** Turns a tar member name into dpkg's list form: `./usr/bin/` → `/usr/bin`, `./` → `/.`. */
function listPath(name: string): string {
  const p = name.replace(/^\.?\/*/, "").replace(/\/+$/, "");
  return p === "" ? "/." : `/${p}`;
}

/**
 * Unpacks `debPath` into `root` (a directory that becomes a layer). Entries with absolute names,
 * `..` components, or parents that are symlinks created by the same archive or that lead out of
 * the root are refused with `UnsafePathError` before anything is written for them. Directory
 * modes/times are applied last (deepest first) so read-only directories can still be filled.
 */
export async function unpackDeb(debPath: string, root: string | SafeRoot, opts: UnpackOptions = {}): Promise<UnpackedDeb> {
  const safe = typeof root === "string" ? new SafeRoot(root) : root;
  // Links from an earlier package are pre-existing tree content for this one.
  safe.createdLinks.clear();
  safe.forget();
  await safe.ensure();
  const asRoot = opts.chown ?? process.getuid?.() === 0;
  const layout = await debLayout(debPath);
  const control = await readControl(layout);
  const controlText = control.get("control")!.data.toString("utf8");
  const fields = parseDeb822(controlText).stanzas[0];
  if (fields === undefined || fields.get("Package") === undefined) throw new DebFormatError(debPath, "control file has no Package field");
  const paths: string[] = [];
  const skipped: string[] = [];
  const dirs: { abs: string; mode: number; uid: number; gid: number; mtime: Date }[] = [];
  const extract = tarStream.extract();
  const work = (async () => {
    for await (const entry of extract) {
      const h = entry.header;
      const name = h.name;
      const mode = (h.mode ?? 0o644) & 0o7777;
      const mtime = h.mtime ?? new Date(0);
      const uid = h.uid ?? 0;
      const gid = h.gid ?? 0;
      switch (h.type) {
        case "directory": {
          const comps = safe.components(name);
          const abs = comps.length === 0 ? safe.root : await safe.mkdirAll(name);
          if (comps.length > 0) dirs.push({ abs, mode, uid, gid, mtime });
          paths.push(listPath(name));
          entry.resume();
          break;
        }
        case "file":
        case "contiguous-file": {
          const { fh } = await safe.createFile(name, 0o600);
          try {
            for await (const chunk of entry) await fh.write(chunk as Buffer);
            if (asRoot) await fh.chown(uid, gid);
            await fh.chmod(mode);
            await fh.utimes(mtime, mtime);
          } finally {
            await fh.close();
          }
          paths.push(listPath(name));
          break;
        }
        case "symlink": {
          const abs = await safe.symlink(name, h.linkname ?? "");
          if (asRoot) await lchown(abs, uid, gid);
          await lutimes(abs, mtime, mtime);
          paths.push(listPath(name));
          entry.resume();
          break;
        }
        case "link": {
          await safe.hardlink(name, h.linkname ?? "");
          paths.push(listPath(name));
          entry.resume();
          break;
        }
        default:
          // Device nodes and FIFOs need mknod(2), which Node cannot do; Debian packages do not ship them.
          safe.components(name);
          skipped.push(`${listPath(name)} (${h.type ?? "unknown type"})`);
          entry.resume();
      }
    }
  })();
  const data = openData(layout);
  const piping = pipeline(data, extract);
  // A stream failure surfaces in `work` too (the entry iterator throws it), so `work`'s error is
  // the one to report; the pipeline's own (often "premature close") is then secondary.
  try {
    await work;
  } catch (e) {
    piping.catch(() => undefined);
    data.destroy();
    extract.destroy();
    throw e;
  }
  await piping;
  for (const d of dirs.reverse()) {
    if (asRoot) await chown(d.abs, d.uid, d.gid);
    await chmod(d.abs, d.mode);
    await utimes(d.abs, d.mtime, d.mtime);
  }
  const conffiles = (control.get("conffiles")?.data.toString("utf8") ?? "")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.startsWith("/"))
    .map((l) => l.split(/\s+/)[0]!);
  return {
    name: fields.get("Package")!,
    version: fields.get("Version") ?? "",
    arch: fields.get("Architecture") ?? "",
    multiArch: fields.get("Multi-Arch") ?? "no",
    controlText,
    control,
    paths,
    maintainerScripts: MAINTAINER_SCRIPTS.filter((s) => control.has(s)),
    conffiles,
    skipped,
  };
}
