// Host-side rootfs preparation: per-container dirs, overlayfs detection, copy fallback.
import { chmodSync, copyFileSync, existsSync, lchownSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { ContainerError } from "./errors.js";
import type { RootfsSpec } from "./index.js";
import type { RootMount } from "./plan.js";

let overlayKnown: boolean | undefined;

/** True when the kernel lists overlayfs in /proc/filesystems (VMSPEC_NO_OVERLAY=1 forces false). */
export function overlayAvailable(): boolean {
  if (process.env.VMSPEC_NO_OVERLAY === "1") return false;
  if (overlayKnown === undefined) {
    try {
      overlayKnown = /\toverlay$/m.test(readFileSync("/proc/filesystems", "utf8"));
    } catch {
      overlayKnown = false;
    }
  }
  return overlayKnown;
}

/** The prepared root mount plus the dirs (topmost first) to read image files from. */
export interface PreparedRootfs {
  mount: RootMount;
  /** Merged-view stack for reading /etc/passwd etc. (topmost first). */
  readDirs: string[];
  /** Dirs to delete after the run. */
  cleanup: string[];
}

/**
 * Prepares the rootfs of container `id` under `containerDir` (which the caller removes):
 * overlay mountpoint, upper and work dirs (or the copy fallback).
 */
export function prepareRootfs(spec: RootfsSpec, containerDir: string): PreparedRootfs {
  if (spec.kind === "dir") {
    if (!existsSync(spec.path)) throw new ContainerError("CONTAINER_ROOTFS", `rootfs ${spec.path} does not exist`, spec.path);
    return { mount: { kind: "bind", target: spec.path }, readDirs: [spec.path], cleanup: [] };
  }
  for (const l of spec.lower)
    if (!existsSync(l)) throw new ContainerError("CONTAINER_ROOTFS", `layer dir ${l} does not exist`, l);
  const target = join(containerDir, "rootfs");
  mkdirSync(target, { recursive: true });
  if (!overlayAvailable()) {
    copyLayers(spec.lower, target);
    return { mount: { kind: "bind", target }, readDirs: [target], cleanup: [] };
  }
  const cleanup: string[] = [];
  let upper = spec.upper;
  let work = spec.work;
  if (upper === undefined) {
    upper = join(containerDir, "upper");
    mkdirSync(upper);
  }
  if (work === undefined) {
    work = spec.upper === undefined ? join(containerDir, "work") : `${spec.upper}.work`;
    mkdirSync(work, { recursive: true });
    if (spec.upper !== undefined) cleanup.push(work);
  }
  return {
    mount: { kind: "overlay", target, lower: spec.lower, upper, work },
    readDirs: [upper, ...[...spec.lower].reverse()],
    cleanup,
  };
}

/**
 * Copy fallback: merges layer dirs (lowest first) into `dest`, applying 0:0 character-device
 * whiteouts. Opaque-dir xattrs cannot be read from Node and are not honoured (documented).
 */
export function copyLayers(lower: readonly string[], dest: string): void {
  for (const layer of lower) copyTree(layer, dest);
}

function copyTree(src: string, dst: string): void {
  for (const name of readdirSync(src)) {
    const s = join(src, name);
    const d = join(dst, name);
    const st = lstatSync(s);
    if (st.isCharacterDevice() && st.rdev === 0) {
      rmSync(d, { recursive: true, force: true });
      continue;
    }
    let existing;
    try {
      existing = lstatSync(d);
    } catch {
      existing = undefined;
    }
    if (st.isDirectory()) {
      if (existing !== undefined && !existing.isDirectory()) rmSync(d, { recursive: true, force: true });
      if (existing === undefined || !existing.isDirectory()) mkdirSync(d);
      copyTree(s, d);
      chmodSync(d, st.mode & 0o7777);
    } else {
      if (existing !== undefined) rmSync(d, { recursive: true, force: true });
      if (st.isSymbolicLink()) symlinkSync(readlinkSync(s), d);
      else if (st.isFile()) {
        copyFileSync(s, d);
        chmodSync(d, st.mode & 0o7777);
      } else continue; // devices, fifos, sockets: not copied
    }
    try {
      lchownSync(d, st.uid, st.gid);
    } catch {
      // not root: ownership stays ours
    }
  }
}
