// A small Linux riscv64 system-call layer for the user-mode runner (asm-generic numbers, enough for static glibc).
import { closeSync, fstatSync, openSync, readSync, readlinkSync, writeSync, type Stats } from "node:fs";
import { randomFillSync } from "node:crypto";
import { AddressSpace, PROT_EXEC, PROT_READ, PROT_WRITE } from "./userMemory.js";

/** Linux errno values (asm-generic/errno-base.h). */
const ENOENT = 2, EBADF = 9, ENOMEM = 12, EACCES = 13, EFAULT = 14, EINVAL = 22, ENOTTY = 25, ESPIPE = 29, ENOSYS = 38;

const PAGE = 4096;
/** Top of the mmap area (mappings grow down from here); the stack lives above it. */
const MMAP_TOP = 0x20_0000_0000;

/** I/O endpoints of the guest process. */
export interface ProcessIo {
  stdout(bytes: Uint8Array): void;
  stderr(bytes: Uint8Array): void;
  /** Reads up to `max` bytes of stdin (empty = EOF). */
  stdin(max: number): Uint8Array;
}

/** Mutable process state the syscalls work on. */
export interface LinuxProcess {
  mem: AddressSpace;
  io: ProcessIo;
  /** Absolute path of the executable (for /proc/self/exe). */
  exe: string;
  brkStart: number;
  brk: number;
  mmapNext: number;
  /** Guest fd → host fd for files opened read-only. */
  files: Map<number, { fd: number; pos: number }>;
  nextFd: number;
  /** Set by exit/exit_group. */
  exitStatus?: number;
}

/** Creates the process state after the ELF is loaded. */
export function newProcess(mem: AddressSpace, io: ProcessIo, exe: string, brkStart: number): LinuxProcess {
  return { mem, io, exe, brkStart, brk: brkStart, mmapNext: MMAP_TOP, files: new Map(), nextFd: 3 };
}

const pageUp = (n: number) => Math.ceil(n / PAGE) * PAGE;

function u64le(v: bigint | number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, BigInt(v)), true);
  return b;
}

/** struct stat for riscv64 (asm-generic/stat.h, 128 bytes). */
function encodeStat(s: { dev: number; ino: number; mode: number; nlink: number; uid: number; gid: number; rdev: number; size: number; blksize: number; blocks: number; mtimeMs: number }): Uint8Array {
  const b = new Uint8Array(128);
  const dv = new DataView(b.buffer);
  dv.setBigUint64(0, BigInt(s.dev), true);
  dv.setBigUint64(8, BigInt(s.ino), true);
  dv.setUint32(16, s.mode, true);
  dv.setUint32(20, s.nlink, true);
  dv.setUint32(24, s.uid, true);
  dv.setUint32(28, s.gid, true);
  dv.setBigUint64(32, BigInt(s.rdev), true);
  dv.setBigInt64(48, BigInt(s.size), true);
  dv.setInt32(56, s.blksize, true);
  dv.setBigInt64(64, BigInt(s.blocks), true);
  const sec = BigInt(Math.floor(s.mtimeMs / 1000));
  for (const o of [72, 88, 104]) dv.setBigInt64(o, sec, true);
  return b;
}

function statOf(st: Stats): Uint8Array {
  return encodeStat({ dev: Number(st.dev), ino: Number(st.ino), mode: st.mode, nlink: st.nlink, uid: st.uid, gid: st.gid, rdev: Number(st.rdev), size: st.size, blksize: st.blksize, blocks: st.blocks, mtimeMs: st.mtimeMs });
}

const TTY_STAT = { dev: 5, ino: 1, mode: 0o20620, nlink: 1, uid: 0, gid: 0, rdev: 0x8800, size: 0, blksize: 1024, blocks: 0, mtimeMs: 0 };

function utsField(s: string): Uint8Array {
  const b = new Uint8Array(65);
  b.set(new TextEncoder().encode(s).subarray(0, 64));
  return b;
}

/**
 * Executes system call `nr` with arguments `a` (a0..a5 as unsigned bigints); returns the value
 * for a0 (negative errno on failure). Sets p.exitStatus on exit.
 */
export function syscall(p: LinuxProcess, nr: number, a: bigint[]): bigint {
  const n = (i: number) => Number(BigInt.asUintN(64, a[i]!));
  const s = (i: number) => Number(BigInt.asIntN(64, a[i]!));
  const m = p.mem;
  switch (nr) {
    case 63: { // read
      const fd = s(0), len = Math.min(n(2), 1 << 20);
      let data: Uint8Array;
      if (fd === 0) data = p.io.stdin(len);
      else {
        const f = p.files.get(fd);
        if (f === undefined) return BigInt(-EBADF);
        const buf = new Uint8Array(len);
        const got = readSync(f.fd, buf, 0, len, f.pos);
        f.pos += got;
        data = buf.subarray(0, got);
      }
      if (!m.write(n(1), data)) return BigInt(-EFAULT);
      return BigInt(data.length);
    }
    case 64: { // write
      const fd = s(0);
      const data = m.read(n(1), n(2));
      if (data === undefined) return BigInt(-EFAULT);
      if (fd === 1) p.io.stdout(data);
      else if (fd === 2) p.io.stderr(data);
      else return BigInt(-EBADF);
      return BigInt(data.length);
    }
    case 66: { // writev
      const fd = s(0);
      let total = 0;
      for (let i = 0; i < n(2); i++) {
        const iov = m.read(n(1) + i * 16, 16);
        if (iov === undefined) return BigInt(-EFAULT);
        const dv = new DataView(iov.buffer);
        const data = m.read(Number(dv.getBigUint64(0, true)), Number(dv.getBigUint64(8, true)));
        if (data === undefined) return BigInt(-EFAULT);
        if (fd === 1) p.io.stdout(data);
        else if (fd === 2) p.io.stderr(data);
        else return BigInt(-EBADF);
        total += data.length;
      }
      return BigInt(total);
    }
    case 56: { // openat (read-only host files)
      const path = m.readString(n(1));
      if (path === undefined) return BigInt(-EFAULT);
      if ((n(2) & 3) !== 0) return BigInt(-EACCES);
      try {
        const fd = openSync(path, "r");
        const g = p.nextFd++;
        p.files.set(g, { fd, pos: 0 });
        return BigInt(g);
      } catch {
        return BigInt(-ENOENT);
      }
    }
    case 57: { // close
      const f = p.files.get(s(0));
      if (f !== undefined) {
        closeSync(f.fd);
        p.files.delete(s(0));
        return 0n;
      }
      return s(0) >= 0 && s(0) <= 2 ? 0n : BigInt(-EBADF);
    }
    case 62: { // lseek
      const f = p.files.get(s(0));
      if (f === undefined) return BigInt(s(0) <= 2 ? -ESPIPE : -EBADF);
      const whence = n(2);
      const size = fstatSync(f.fd).size;
      const pos = whence === 0 ? s(1) : whence === 1 ? f.pos + s(1) : size + s(1);
      if (pos < 0) return BigInt(-EINVAL);
      f.pos = pos;
      return BigInt(pos);
    }
    case 79: case 80: { // newfstatat, fstat
      const fd = s(0);
      const bufArg = nr === 80 ? 1 : 2;
      let st: Uint8Array;
      if (nr === 79) {
        const path = m.readString(n(1));
        if (path === undefined) return BigInt(-EFAULT);
        if (path !== "") return BigInt(-ENOENT);
      }
      if (fd >= 0 && fd <= 2) st = encodeStat(TTY_STAT);
      else {
        const f = p.files.get(fd);
        if (f === undefined) return BigInt(-EBADF);
        st = statOf(fstatSync(f.fd));
      }
      return m.write(n(bufArg), st) ? 0n : BigInt(-EFAULT);
    }
    case 29: return BigInt(-ENOTTY); // ioctl: no terminal
    case 25: return 0n; // fcntl
    case 78: { // readlinkat
      const path = m.readString(n(1));
      if (path === undefined) return BigInt(-EFAULT);
      let target: string;
      if (path === "/proc/self/exe") target = p.exe;
      else {
        try {
          target = readlinkSync(path);
        } catch {
          return BigInt(-ENOENT);
        }
      }
      const bytes = new TextEncoder().encode(target).subarray(0, n(3));
      return m.write(n(2), bytes) ? BigInt(bytes.length) : BigInt(-EFAULT);
    }
    case 93: case 94: // exit, exit_group
      p.exitStatus = n(0) & 0xff;
      return 0n;
    case 96: return 1000n; // set_tid_address → tid
    case 99: return 0n; // set_robust_list
    case 293: return BigInt(-ENOSYS); // rseq: glibc copes
    case 258: return BigInt(-ENOSYS); // riscv_hwprobe
    case 98: return 0n; // futex (single thread)
    case 124: return 0n; // sched_yield
    case 134: case 135: case 132: { // rt_sigaction, rt_sigprocmask, sigaltstack
      const old = nr === 134 ? n(2) : nr === 135 ? n(2) : n(1);
      if (old !== 0) m.write(old, new Uint8Array(nr === 134 ? 32 : nr === 132 ? 24 : 8));
      return 0n;
    }
    case 129: case 130: case 131: // kill, tkill, tgkill: the process dies of the signal
      p.exitStatus = 128 + (nr === 131 ? n(2) : n(1));
      return 0n;
    case 172: case 173: case 178: return 1000n; // getpid, getppid, gettid
    case 174: case 175: case 176: case 177: return 1000n; // getuid, geteuid, getgid, getegid
    case 160: { // uname
      const fields = ["Linux", "vmspec", "6.1.0", "#1 SMP vmspec", "riscv64", "(none)"];
      const b = new Uint8Array(65 * 6);
      fields.forEach((f, i) => b.set(utsField(f), i * 65));
      return m.write(n(0), b) ? 0n : BigInt(-EFAULT);
    }
    case 113: case 169: { // clock_gettime, gettimeofday
      const ns = nr === 113 && (n(0) === 1 || n(0) === 4 || n(0) === 7) ? process.hrtime.bigint() : BigInt(Date.now()) * 1_000_000n;
      const out = new Uint8Array(16);
      out.set(u64le(ns / 1_000_000_000n), 0);
      out.set(u64le(nr === 113 ? ns % 1_000_000_000n : (ns % 1_000_000_000n) / 1000n), 8);
      const dst = nr === 113 ? n(1) : n(0);
      if (dst === 0) return 0n;
      return m.write(dst, out) ? 0n : BigInt(-EFAULT);
    }
    case 278: { // getrandom
      const b = new Uint8Array(Math.min(n(1), 1 << 16));
      randomFillSync(b);
      return m.write(n(0), b) ? BigInt(b.length) : BigInt(-EFAULT);
    }
    case 261: { // prlimit64: report generous limits, ignore changes
      if (n(3) !== 0) {
        const inf = (1n << 64n) - 1n;
        const cur = n(1) === 3 ? 8n << 20n : inf; // RLIMIT_STACK = 3
        const b = new Uint8Array(16);
        b.set(u64le(cur), 0);
        b.set(u64le(inf), 8);
        if (!m.write(n(3), b)) return BigInt(-EFAULT);
      }
      return 0n;
    }
    case 163: { // getrlimit
      const inf = (1n << 64n) - 1n;
      const b = new Uint8Array(16);
      b.set(u64le(n(0) === 3 ? 8n << 20n : inf), 0);
      b.set(u64le(inf), 8);
      return m.write(n(1), b) ? 0n : BigInt(-EFAULT);
    }
    case 214: { // brk
      const want = n(0);
      if (want === 0 || want < p.brkStart) return BigInt(p.brk);
      const oldTop = pageUp(p.brk), newTop = pageUp(want);
      if (newTop > oldTop) {
        if (m.regions.some((r) => r.start < newTop && r.end > oldTop)) return BigInt(p.brk);
        m.addRegion(oldTop, newTop, PROT_READ | PROT_WRITE);
      } else if (newTop < oldTop) {
        m.unmap(newTop, oldTop);
        m.cutRegions(newTop, oldTop);
      }
      p.brk = want;
      return BigInt(p.brk);
    }
    case 222: { // mmap
      const len = pageUp(n(1));
      const prot = n(2) & (PROT_READ | PROT_WRITE | PROT_EXEC);
      const flags = n(3);
      const fd = s(4);
      const MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20;
      if (len === 0) return BigInt(-EINVAL);
      let addr: number;
      if (flags & MAP_FIXED) {
        addr = n(0);
        if (addr % PAGE !== 0) return BigInt(-EINVAL);
        m.unmap(addr, addr + len);
      } else {
        addr = p.mmapNext - len;
        p.mmapNext = addr;
      }
      m.addRegion(addr, addr + len, prot);
      if (!(flags & MAP_ANONYMOUS) && fd >= 0) {
        const f = p.files.get(fd);
        if (f === undefined) return BigInt(-EBADF);
        const buf = new Uint8Array(len);
        const got = readSync(f.fd, buf, 0, len, n(5));
        // Populate through a temporarily writable region, then restore the protection.
        m.setProt(addr, addr + len, PROT_READ | PROT_WRITE);
        m.write(addr, buf.subarray(0, got));
        m.setProt(addr, addr + len, prot);
      }
      return BigInt(addr);
    }
    case 215: { // munmap
      const addr = n(0), len = pageUp(n(1));
      if (addr % PAGE !== 0) return BigInt(-EINVAL);
      m.unmap(addr, addr + len);
      m.cutRegions(addr, addr + len);
      return 0n;
    }
    case 226: { // mprotect
      const addr = n(0), len = pageUp(n(1));
      if (addr % PAGE !== 0) return BigInt(-EINVAL);
      return m.setProt(addr, addr + len, n(2) & 7) ? 0n : BigInt(-ENOMEM);
    }
    case 216: return BigInt(-ENOMEM); // mremap: glibc falls back to malloc+copy
    case 233: return 0n; // madvise
    case 17: { // getcwd
      const cwd = new TextEncoder().encode(process.cwd() + "\0");
      if (cwd.length > n(1)) return BigInt(-34); // ERANGE
      return m.write(n(0), cwd) ? BigInt(cwd.length) : BigInt(-EFAULT);
    }
    case 48: return BigInt(-ENOENT); // faccessat
    default:
      return BigInt(-ENOSYS);
  }
}

/** Writes bytes to a host fd completely (synchronously). */
export function writeAll(fd: number, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
}
