// Test kit: build random/feature-rich directory trees and snapshot them for comparison.
import * as fs from "node:fs/promises";
import { createHash, randomBytes } from "node:crypto";
import { join } from "node:path";
import { execFileSync } from "node:child_process";

/** One line per entry: path, type, mode, uid, gid, and content hash / link target / device numbers. */
export async function snapshot(root: string, opts: { xattrs?: boolean } = {}): Promise<string[]> {
  const out: string[] = [];
  const inodes = new Map<string, string>();
  async function walk(rel: string): Promise<void> {
    for (const name of (await fs.readdir(join(root, rel))).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const p = join(root, r);
      const st = await fs.lstat(p);
      let desc: string;
      if (st.isFile()) {
        desc = `file ${createHash("sha256").update(await fs.readFile(p)).digest("hex").slice(0, 16)}`;
        if (st.nlink > 1) {
          const k = `${st.dev}:${st.ino}`;
          if (inodes.has(k)) desc += ` link=${inodes.get(k)}`;
          else inodes.set(k, r);
        }
      } else if (st.isDirectory()) desc = "dir";
      else if (st.isSymbolicLink()) desc = `symlink -> ${await fs.readlink(p)}`;
      else if (st.isFIFO()) desc = "fifo";
      else if (st.isCharacterDevice()) desc = `char ${st.rdev}`;
      else if (st.isBlockDevice()) desc = `block ${st.rdev}`;
      else desc = "other";
      let x = "";
      if (opts.xattrs) {
        try {
          x = execFileSync("getfattr", ["-h", "-d", "-m", "-", "-e", "hex", "--absolute-names", p], { encoding: "utf8" })
            .split("\n")
            .filter((l) => l.includes("=") && !l.startsWith("trusted.overlay") && !l.startsWith("security.selinux"))
            .sort()
            .join(",");
        } catch {
          x = "";
        }
      }
      out.push(`${r} ${desc} ${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid}${x ? ` [${x}]` : ""}`);
      if (st.isDirectory()) await walk(r);
    }
  }
  await walk("");
  return out;
}

/** Builds a tree with every ordinary entry kind (no devices/xattrs): nested dirs, long and non-ASCII names, symlinks, hardlinks. */
export async function featureTree(root: string, seed = 1): Promise<void> {
  await fs.mkdir(join(root, "etc", "deep", "er"), { recursive: true });
  await fs.writeFile(join(root, "etc", "hosts"), `127.0.0.1 localhost ${seed}\n`);
  await fs.writeFile(join(root, "etc", "deep", "er", "x.bin"), randomBytes(70_000));
  await fs.writeFile(join(root, "empty"), "");
  await fs.chmod(join(root, "empty"), 0o4755);
  const long = "l".repeat(120);
  await fs.mkdir(join(root, long), { recursive: true });
  await fs.writeFile(join(root, long, "n".repeat(150)), "long path\n");
  await fs.writeFile(join(root, "ünïcødé-名前.txt"), "utf8 name\n");
  await fs.symlink("etc/hosts", join(root, "hosts-link"));
  await fs.symlink("/" + "t".repeat(130), join(root, "long-link"));
  await fs.symlink("does/not/exist", join(root, "dangling"));
  await fs.writeFile(join(root, "hl-a"), "shared inode\n");
  await fs.link(join(root, "hl-a"), join(root, "etc", "hl-b"));
  await fs.mkdir(join(root, "sticky"), { mode: 0o1777 });
  await fs.chmod(join(root, "sticky"), 0o1777);
  execFileSync("mkfifo", [join(root, "fifo")]);
  if (process.getuid?.() === 0) {
    await fs.chown(join(root, "etc", "hosts"), 1234, 5678);
    await fs.lchown(join(root, "hosts-link"), 42, 43);
    await fs.chown(join(root, "etc", "deep"), 2_100_000, 7);
  }
}

/** A random tree of `files` files in nested dirs with random sizes up to `maxSize`. */
export async function randomTree(root: string, files: number, maxSize: number): Promise<void> {
  for (let i = 0; i < files; i++) {
    const dir = join(root, `d${i % 7}`, `e${i % 3}`);
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(join(dir, `f${i}`), randomBytes(Math.floor(Math.random() * maxSize)));
  }
}
