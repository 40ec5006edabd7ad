// Test helpers: build .deb files — well-formed ones with the real dpkg-deb, hostile ones by hand
// (an ar writer plus tar-stream), since dpkg-deb refuses to create escaping entries.
import { execFileSync } from "node:child_process";
import { chmodSync, linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import * as tarStream from "tar-stream";

const created: string[] = [];

/** A fresh temp directory (removed by `removeTempDirs`). */
export function tempDir(prefix = "vmspec-pkg-"): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  created.push(d);
  return d;
}

/** Removes every directory `tempDir` made in this process (register with `suite.after`). */
export function removeTempDirs(): void {
  for (const d of created.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Builds a sample package with dpkg-deb: dirs, modes, a symlink, a hard link, a conffile, scripts. */
export function buildSampleDeb(dir: string, compression: "xz" | "gzip" | "zstd" | "none", name = "sample"): string {
  const src = join(dir, `src-${name}-${compression}`);
  mkdirSync(join(src, "DEBIAN"), { recursive: true });
  writeFileSync(
    join(src, "DEBIAN", "control"),
    `Package: ${name}\nVersion: 1:2.0-1\nArchitecture: all\nMaintainer: Test <t@example.invalid>\nMulti-Arch: foreign\nDescription: sample\n a test package\n .\n with a blank line\n`,
  );
  writeFileSync(join(src, "DEBIAN", "postinst"), "#!/bin/sh\necho configured\n");
  chmodSync(join(src, "DEBIAN", "postinst"), 0o755);
  writeFileSync(join(src, "DEBIAN", "conffiles"), "/etc/sample.conf\n");
  mkdirSync(join(src, "usr", "bin"), { recursive: true });
  mkdirSync(join(src, "etc"), { recursive: true });
  mkdirSync(join(src, "var", "lib", "sample"), { recursive: true });
  chmodSync(join(src, "var", "lib", "sample"), 0o750);
  writeFileSync(join(src, "usr", "bin", "tool"), "#!/bin/sh\necho tool\n");
  chmodSync(join(src, "usr", "bin", "tool"), 0o755);
  writeFileSync(join(src, "usr", "bin", "suid"), "x");
  chmodSync(join(src, "usr", "bin", "suid"), 0o4755);
  linkSync(join(src, "usr", "bin", "tool"), join(src, "usr", "bin", "tool-hardlink"));
  symlinkSync("tool", join(src, "usr", "bin", "tool-link"));
  writeFileSync(join(src, "etc", "sample.conf"), "key=value\n");
  chmodSync(join(src, "etc", "sample.conf"), 0o640);
  // md5sums as dh_md5sums writes them (paths relative, no conffiles).
  const md5 = execFileSync("sh", ["-c", "cd \"$1\" && find usr var -type f | sort | xargs md5sum", "sh", src]).toString();
  writeFileSync(join(src, "DEBIAN", "md5sums"), md5);
  const out = join(dir, `${name}-${compression}.deb`);
  execFileSync("dpkg-deb", ["--root-owner-group", `-Z${compression}`, "--build", src, out], { stdio: "ignore" });
  return out;
}

/** One tar entry for `craftDeb`. */
export interface CraftEntry {
  name: string;
  type?: "file" | "directory" | "symlink" | "link";
  body?: string;
  linkname?: string;
  mode?: number;
  uid?: number;
  gid?: number;
}

async function tarOf(entries: readonly CraftEntry[]): Promise<Buffer> {
  const pack = tarStream.pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const c of pack) chunks.push(c as Buffer);
  })();
  for (const e of entries) {
    const type = e.type ?? "file";
    const header = { name: e.name, type, mode: e.mode ?? (type === "directory" ? 0o755 : 0o644), uid: e.uid ?? 0, gid: e.gid ?? 0, linkname: e.linkname, mtime: new Date(1_700_000_000_000) };
    await new Promise<void>((res, rej) => {
      pack.entry(header, type === "file" ? (e.body ?? "") : "", (err) => (err ? rej(err) : res()));
    });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

function arMember(name: string, data: Buffer): Buffer {
  const h = Buffer.alloc(60, 0x20);
  h.write(`${name}/`, 0, "latin1");
  h.write("0", 16, "latin1");
  h.write("0", 28, "latin1");
  h.write("0", 34, "latin1");
  h.write("100644", 40, "latin1");
  h.write(String(data.length), 48, "latin1");
  h.write("`\n", 58, "latin1");
  return Buffer.concat([h, data, data.length % 2 === 1 ? Buffer.from("\n") : Buffer.alloc(0)]);
}

/** Assembles a .deb by hand (control.tar.gz + data.tar.gz) with arbitrary, possibly hostile, data entries. */
export async function craftDeb(path: string, name: string, data: readonly CraftEntry[]): Promise<string> {
  const control = await tarOf([{ name: "./", type: "directory" }, { name: "./control", body: `Package: ${name}\nVersion: 1\nArchitecture: all\nDescription: crafted\n` }]);
  const dataTar = await tarOf(data);
  const deb = Buffer.concat([Buffer.from("!<arch>\n"), arMember("debian-binary", Buffer.from("2.0\n")), arMember("control.tar.gz", gzipSync(control)), arMember("data.tar.gz", gzipSync(dataTar))]);
  writeFileSync(path, deb);
  return path;
}
