// cpio "newc" archive writer (the format the Linux kernel unpacks as an initramfs), deterministic:
// inode numbers are assigned in order and every timestamp is 0.
//
// Format: Linux Documentation/driver-api/early-userspace/buffer-format.rst (cpio "newc", magic 070701).

/** Magic of a newc header (buffer-format.rst). */
export const CPIO_NEWC_MAGIC = "070701";
/** Name of the end-of-archive entry (buffer-format.rst). */
export const CPIO_TRAILER = "TRAILER!!!";

/** File-type bits of `mode` (POSIX <sys/stat.h>, S_IFMT). */
export const S_IFDIR = 0o040000;
export const S_IFREG = 0o100000;
export const S_IFLNK = 0o120000;
export const S_IFCHR = 0o020000;

/** One archive member. Paths are relative ("bin/sh"), without a leading slash. */
export type CpioEntry =
  | { kind: "dir"; path: string; mode?: number }
  | { kind: "file"; path: string; data: Uint8Array; mode?: number }
  | { kind: "symlink"; path: string; target: string }
  | { kind: "chardev"; path: string; major: number; minor: number; mode?: number };

const hex8 = (n: number) => (n >>> 0).toString(16).padStart(8, "0");

/** Writes the entries, in order, followed by the trailer. Owner is root (uid/gid 0). */
export function writeCpio(entries: readonly CpioEntry[]): Uint8Array {
  const chunks: Uint8Array[] = [];
  let length = 0;
  const push = (b: Uint8Array) => {
    chunks.push(b);
    length += b.length;
  };
  const pad = () => {
    const n = (4 - (length % 4)) % 4;
    if (n) push(new Uint8Array(n));
  };
  const enc = new TextEncoder();
  let ino = 1;
  const member = (name: string, mode: number, data: Uint8Array, rdev: [number, number], nlink: number) => {
    const nameBytes = enc.encode(`${name}\0`);
    const fields = [
      ino++, mode, 0, 0, nlink, 0, data.length, 0, 0, rdev[0], rdev[1], nameBytes.length, 0,
    ];
    push(enc.encode(CPIO_NEWC_MAGIC + fields.map(hex8).join("")));
    push(nameBytes);
    pad();
    push(data);
    pad();
  };
  for (const e of entries) {
    const path = e.path.replace(/^\/+/, "");
    switch (e.kind) {
      case "dir":
        member(path, S_IFDIR | (e.mode ?? 0o755), new Uint8Array(0), [0, 0], 2);
        break;
      case "file":
        member(path, S_IFREG | (e.mode ?? 0o644), e.data, [0, 0], 1);
        break;
      case "symlink":
        member(path, S_IFLNK | 0o777, enc.encode(e.target), [0, 0], 1);
        break;
      case "chardev":
        member(path, S_IFCHR | (e.mode ?? 0o600), new Uint8Array(0), [e.major, e.minor], 1);
        break;
    }
  }
  ino = 0;
  member(CPIO_TRAILER, 0, new Uint8Array(0), [0, 0], 1);
  const out = new Uint8Array(length);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}
