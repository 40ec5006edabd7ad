// Extended attributes through getfattr/setfattr (attr package): Node has no xattr syscalls.
//
// A whole tree is read with ONE `getfattr -R -P -h -d -m - -e hex` run (only files that have xattrs
// are printed), and a batch is written with ONE `setfattr -h --restore`. Without the tools, trees
// read as having no xattrs and writing xattrs fails with ToolError (callers decide).
import { accessSync, constants as fsc, statSync } from "node:fs";
import { join, relative } from "node:path";
import { ToolError } from "./errors.js";

let available: boolean | undefined;

/** True if `name` is an executable file in a $PATH directory (what `command -v` finds). */
function onPath(name: string): boolean {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    if (dir === "") continue;
    try {
      const p = join(dir, name);
      accessSync(p, fsc.X_OK);
      if (statSync(p).isFile()) return true;
    } catch {
      /* not here */
    }
  }
  return false;
}

/** True if getfattr and setfattr are on PATH (looked up once, without starting a process). */
export function xattrToolsAvailable(): boolean {
  available ??= onPath("getfattr") && onPath("setfattr");
  return available;
}

/** Which xattrs a layer keeps: `security.*`, `user.*`, `trusted.*`, minus overlayfs' own (`*.overlay.*`). */
export function isLayerXattr(name: string): boolean {
  if (name.startsWith("trusted.overlay.") || name.startsWith("user.overlay.")) return false;
  return name.startsWith("security.") || name.startsWith("user.") || name.startsWith("trusted.");
}

function unescapeName(s: string): string {
  // getfattr escapes control chars, backslash and non-ASCII bytes as \ooo (octal); decode as bytes.
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === "\\" && /^[0-7]{3}$/.test(s.slice(i + 1, i + 4))) {
      bytes.push(parseInt(s.slice(i + 1, i + 4), 8));
      i += 3;
    } else if (s[i] === "\\" && s[i + 1] === "\\") {
      bytes.push(0x5c);
      i += 1;
    } else bytes.push(s.charCodeAt(i) & 0xff); // input was decoded as latin1: one char per byte
  }
  return Buffer.from(bytes).toString("utf8");
}

function escapeName(s: string): string {
  let out = "";
  for (const b of Buffer.from(s, "utf8")) {
    if (b === 0x5c) out += "\\\\";
    else if (b < 0x21 || b > 0x7e || b === 0x3d || b === 0x22) out += "\\" + b.toString(8).padStart(3, "0");
    else out += String.fromCharCode(b);
  }
  return out;
}

/**
 * All xattrs under `root` (not following symlinks), keyed by root-relative path ('' = root).
 * Returns an empty map when getfattr is not installed. All namespaces the caller can read are
 * returned; filter with `isLayerXattr`.
 */
export async function readTreeXattrs(root: string): Promise<Map<string, Record<string, Buffer>>> {
  const out = new Map<string, Record<string, Buffer>>();
  if (!xattrToolsAvailable()) return out;
  const { spawn } = await import("node:child_process"); // loaded only when a tree is read
  const text = await new Promise<string>((resolve, reject) => {
    const c = spawn("getfattr", ["-R", "-P", "-h", "-d", "-m", "-", "-e", "hex", "--absolute-names", root], { stdio: ["ignore", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    let err = "";
    c.stdout.on("data", (d: Buffer) => chunks.push(d));
    c.stderr.on("data", (d: Buffer) => (err += d.toString()));
    c.on("error", (e) => reject(new ToolError("getfattr", e.message, { path: root, cause: e })));
    c.on("close", (code) => {
      // getfattr exits 1 when one file fails (vanished, unsupported fs): keep what it printed.
      if (code !== 0 && chunks.length === 0 && !/not supported|No such file/i.test(err) && err.trim() !== "") reject(new ToolError("getfattr", err.trim(), { path: root }));
      else resolve(Buffer.concat(chunks).toString("latin1"));
    });
  });
  let current: Record<string, Buffer> | undefined;
  for (const line of text.split("\n")) {
    if (line.startsWith("# file: ")) {
      const abs = unescapeName(line.slice(8));
      const rel = relative(root, abs);
      current = {};
      out.set(rel, current);
    } else if (current && line.includes("=")) {
      const eq = line.indexOf("=");
      const name = unescapeName(line.slice(0, eq));
      const v = line.slice(eq + 1);
      current[name] = v.startsWith("0x") ? Buffer.from(v.slice(2), "hex") : v.startsWith("0s") ? Buffer.from(v.slice(2), "base64") : Buffer.from(v.replace(/^"|"$/g, ""), "latin1");
    }
  }
  for (const [k, v] of out) if (Object.keys(v).length === 0) out.delete(k);
  return out;
}

/**
 * Sets xattrs on absolute paths (symlinks themselves, not their targets) with one setfattr run.
 * Throws ToolError if setfattr is missing or fails.
 */
export async function writeXattrs(items: ReadonlyArray<{ path: string; xattrs: Record<string, Buffer> }>): Promise<void> {
  if (items.length === 0) return;
  if (!xattrToolsAvailable()) throw new ToolError("setfattr", "not installed (package 'attr'): cannot set extended attributes", { path: items[0]!.path });
  let dump = "";
  for (const it of items) {
    dump += `# file: ${escapeName(it.path)}\n`;
    for (const k of Object.keys(it.xattrs).sort()) dump += `${escapeName(k)}=0x${it.xattrs[k]!.toString("hex")}\n`;
    dump += "\n";
  }
  const { spawn } = await import("node:child_process");
  await new Promise<void>((resolve, reject) => {
    const c = spawn("setfattr", ["-h", "--restore=-"], { stdio: ["pipe", "ignore", "pipe"] });
    let err = "";
    c.stderr.on("data", (d: Buffer) => (err += d.toString()));
    c.on("error", (e) => reject(new ToolError("setfattr", e.message, { path: items[0]!.path, cause: e })));
    c.on("close", (code) => (code === 0 ? resolve() : reject(new ToolError("setfattr", err.trim() || `exit ${code}`, { path: items[0]!.path }))));
    c.stdin.end(dump);
  });
}
