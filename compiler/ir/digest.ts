// Content digests: sha256 of UTF-8 text as `sha256:<hex>`, the form of op ids and file digests.
import { hash } from "node:crypto";
import type { Digest } from "./types.js";

/** sha256 of a UTF-8 string as a `sha256:<64 lowercase hex>` digest. */
export function sha256(text: string): Digest {
  return `sha256:${hash("sha256", text, "hex")}`;
}
