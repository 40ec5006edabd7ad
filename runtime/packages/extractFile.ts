// Pulling single files out of a .deb's data.tar (e.g. a kernel image or firmware blob) without
// unpacking the rest; symlinks inside the package are followed.
import { createHash, randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, posix } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import * as tarStream from "tar-stream";
import { debLayout, openData } from "./debFile.js";

/** Normalises a member name to an absolute path (`./boot/x` → `/boot/x`). */
export function memberPath(name: string): string {
  return posix.normalize(`/${name.replace(/^\.\/?/, "")}`).replace(/\/+$/, "") || "/";
}

/**
 * An exact path plus its merged-/usr twin (`/bin/x` ⇔ `/usr/bin/x`, likewise `/sbin`, `/lib*`), as
 * a RegExp: trixie packages moved files under /usr, while callers often name the classic path.
 */
export function usrMergeAliases(p: string): RegExp {
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const m = /^\/(?:usr\/)?((?:s?bin|lib(?:32|64|x32)?)\/.*)$/.exec(p);
  if (m === null) return new RegExp(`^${esc(p)}$`);
  return new RegExp(`^/(?:usr/)?${esc(m[1]!)}$`);
}

/** Result of scanning a data.tar for one path. */
interface Scan {
  /** The matched member path (after following symlinks), or undefined. */
  found: string | undefined;
  symlinks: Map<string, string>;
}

/**
 * Finds the first regular file whose path matches `want` (exact absolute path or RegExp tested
 * against absolute paths) and writes it to `dest` (atomically), following package-internal
 * symlinks (up to 8). Returns the member path written and its sha256, or undefined if absent.
 */
export async function extractMember(debPath: string, want: string | RegExp, dest: string): Promise<{ member: string; sha256: string } | undefined> {
  let target: string | RegExp = typeof want === "string" ? usrMergeAliases(memberPath(want)) : want;
  for (let hop = 0; hop < 8; hop++) {
    const scan = await scanOnce(debPath, target, dest);
    if (scan.found !== undefined && !scan.symlinks.has(scan.found)) {
      return { member: scan.found, sha256: (await readFile(`${dest}.sha256`, "utf8")).trim() };
    }
    if (scan.found === undefined) return undefined;
    const link = scan.symlinks.get(scan.found)!;
    target = link.startsWith("/") ? memberPath(link) : posix.normalize(posix.join(posix.dirname(scan.found), link));
  }
  return undefined;
}

async function scanOnce(debPath: string, want: string | RegExp, dest: string): Promise<Scan> {
  const layout = await debLayout(debPath);
  const extract = tarStream.extract();
  const symlinks = new Map<string, string>();
  let found: string | undefined;
  const work = (async () => {
    for await (const entry of extract) {
      const p = memberPath(entry.header.name);
      const hit = found === undefined && (typeof want === "string" ? p === want : want.test(p));
      if (entry.header.type === "symlink") {
        symlinks.set(p, entry.header.linkname ?? "");
        if (hit) found = p;
        entry.resume();
        continue;
      }
      if (hit && (entry.header.type === "file" || entry.header.type === "contiguous-file")) {
        found = p;
        await mkdir(dirname(dest), { recursive: true });
        const tmp = `${dest}.partial-${randomBytes(4).toString("hex")}`;
        const hash = createHash("sha256");
        const tap = new Transform({
          transform(c: Buffer, _e, cb) {
            hash.update(c);
            cb(null, c);
          },
        });
        try {
          await pipeline(entry, tap, createWriteStream(tmp, { mode: (entry.header.mode ?? 0o644) & 0o755 }));
          await writeFile(`${dest}.sha256`, hash.digest("hex") + "\n");
          await rename(tmp, dest);
        } catch (e) {
          await rm(tmp, { force: true });
          throw e;
        }
        break; // found: stop reading the rest of data.tar
      }
      entry.resume();
    }
  })();
  const data = openData(layout);
  const piping = pipeline(data, extract).catch((e: unknown) => {
    // Stopping early (a regular file was found) aborts the pipeline on purpose.
    if (found === undefined || symlinks.has(found)) throw e;
  });
  try {
    await work;
  } catch (e) {
    piping.catch(() => undefined); // the aborted pipeline's own error is secondary
    throw e;
  } finally {
    data.destroy();
    extract.destroy();
  }
  await piping;
  return { found, symlinks };
}
