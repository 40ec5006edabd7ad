// Resolving base images and named build contexts: the local store, OCI layout dirs, docker archives; registries refused.
import * as fs from "node:fs/promises";
import type { ImageRef, Platform } from "../../compiler/ir/types.js";
import { ImageError, ImageNotFoundError } from "../image/errors.js";
import { readImage, type LoadedImage } from "../image/manifest.js";
import type { Store } from "../image/store.js";
import { BuildError } from "./errors.js";

/** A named build context (`--build-context NAME=VALUE`), parsed. */
export type NamedContext =
  | { kind: "dir"; path: string }
  | { kind: "oci-layout"; path: string; ref?: string }
  | { kind: "docker-archive"; path: string }
  | { kind: "store"; ref: string };

/**
 * Parses a `--build-context` value: `oci-layout://DIR[:TAG]`, `docker-archive://FILE`,
 * `docker-image://REF` (looked up in the local store), or a local directory path.
 */
export function parseNamedContext(value: string): NamedContext {
  if (value.startsWith("oci-layout://")) {
    const rest = value.slice("oci-layout://".length);
    const colon = rest.lastIndexOf(":");
    if (colon > rest.lastIndexOf("/") && colon > 0) return { kind: "oci-layout", path: rest.slice(0, colon), ref: rest.slice(colon + 1) };
    return { kind: "oci-layout", path: rest };
  }
  if (value.startsWith("docker-archive://")) return { kind: "docker-archive", path: value.slice("docker-archive://".length) };
  if (value.startsWith("docker-image://")) return { kind: "store", ref: value.slice("docker-image://".length) };
  if (/^[a-z][a-z0-9+.-]*:\/\//.test(value)) throw new BuildError("BUILD_UNSUPPORTED", `build context '${value}': unsupported scheme (use oci-layout://, docker-archive://, docker-image:// or a directory)`);
  return { kind: "dir", path: value };
}

/** Loads an image from a named context that names an image (not a directory) into the store. */
export async function loadContextImage(store: Store, ctx: Exclude<NamedContext, { kind: "dir" }>, platform: Platform): Promise<LoadedImage> {
  try {
    switch (ctx.kind) {
      case "oci-layout":
        return await (await import("../image/layout.js")).importLayout(store, ctx.path, ctx.ref, platform);
      case "docker-archive": {
        const imgs = await (await import("../image/dockerArchive.js")).importDockerArchive(store, ctx.path);
        if (imgs.length === 0) throw new BuildError("BUILD_BASE_NOT_FOUND", `docker archive ${ctx.path} holds no image`, { path: ctx.path });
        return imgs[0]!.image;
      }
      case "store": {
        const e = await store.resolve(ctx.ref);
        return await readImage(store, e.descriptor, platform);
      }
    }
  } catch (e) {
    if (e instanceof ImageError) throw new BuildError("BUILD_BASE_NOT_FOUND", `cannot load ${ctx.kind} ${"path" in ctx ? ctx.path : ctx.ref}: ${e.message}`, { cause: e });
    throw e;
  }
}

/**
 * The image a FROM/COPY --from reference names: a `--build-context` with the same name (raw
 * reference, or name without tag) first, then the local store (by `name:tag` or digest). Anything
 * else would need a registry pull, which is not supported yet: BUILD_BASE_NOT_FOUND with a hint.
 */
export async function resolveImageRef(store: Store, ref: ImageRef, platform: Platform, contexts: ReadonlyMap<string, NamedContext>): Promise<LoadedImage> {
  const ctx = contexts.get(ref.raw) ?? contexts.get(ref.name);
  if (ctx && ctx.kind !== "dir") return loadContextImage(store, ctx, platform);
  if (ctx?.kind === "dir") throw new BuildError("BUILD_BASE_NOT_FOUND", `build context '${ref.raw}' is a directory, not an image`);
  const candidates = [ref.digest, ref.raw, ref.tag ? `${ref.name}:${ref.tag}` : ref.name].filter((x): x is string => !!x);
  for (const c of candidates) {
    try {
      const e = await store.resolve(c);
      return await readImage(store, e.descriptor, platform);
    } catch (e) {
      if (!(e instanceof ImageNotFoundError)) throw e;
    }
  }
  throw new BuildError("BUILD_BASE_NOT_FOUND", notFoundMessage(ref, store.root));
}

/**
 * The one-line message for a base image that is neither a named context nor in the store: how to
 * provide it (`--build-context`, the store as an OCI layout) or replace it with a PACKAGES stage
 * (for a `debian[:SUITE]` reference the suite is filled in).
 */
export function notFoundMessage(ref: ImageRef, storeRoot: string): string {
  const tagged = ref.tag ? `${ref.name}:${ref.tag}` : `${ref.name}:latest`;
  const debian = /^(?:(?:docker\.io\/)?library\/)?debian$/.test(ref.name);
  const suite = debian && ref.tag && /^[a-z]+$/.test(ref.tag) && ref.tag !== "latest" ? ref.tag : "SUITE";
  return (
    `image '${ref.raw}' is not in the local store (${storeRoot}) and pulling from registries is not supported yet; ` +
    `provide it with --build-context ${ref.raw}=oci-layout://DIR[:TAG] (or =docker-archive://FILE), ` +
    `copy it into the store (an OCI layout: skopeo copy <source> oci:${storeRoot}:${tagged}), ` +
    `or build the base in a stage from Debian packages (FROM scratch, then PACKAGES --distro=debian:${suite} …)`
  );
}

/** True if `p` is an existing directory. */
export async function isDir(p: string): Promise<boolean> {
  return (await fs.stat(p).catch(() => undefined))?.isDirectory() ?? false;
}
