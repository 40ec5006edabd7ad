// OpenPGP verification of InRelease files with the system's `gpgv` against given keyrings;
// the signed text is taken from gpgv's own output, never from the unverified input.
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SignatureError } from "./errors.js";

/** A verified clearsigned document. */
export interface VerifiedDocument {
  /** The signed content exactly as gpgv extracted it. */
  content: Buffer;
  /** Fingerprints of the primary keys of the valid signatures (VALIDSIG field 10). */
  signers: string[];
  /** Signature creation times (Unix seconds) of the valid signatures. */
  signedAt: number[];
}

/**
 * Status keywords (GnuPG `doc/DETAILS`, "Format of the status codes") that reject the document
 * whenever they occur, even next to a good signature: a bad signature, one that could not be
 * checked (ERRSIG, e.g. unknown key or algorithm), or an expired/revoked key or signature.
 */
const REJECT = ["BADSIG", "ERRSIG", "EXPSIG", "EXPKEYSIG", "REVKEYSIG", "NO_PUBKEY"] as const;

/** Pure interpretation of gpgv status lines (`[GNUPG:] KEYWORD args…`). Throws `SignatureError`. */
export function interpretGpgvStatus(source: string, statusText: string, exitCode: number | null): { signers: string[]; signedAt: number[] } {
  const lines = statusText.split("\n").filter((l) => l.startsWith("[GNUPG:] "));
  const signers: string[] = [];
  const signedAt: number[] = [];
  for (const l of lines) {
    const [, kw, ...args] = l.split(" ");
    if ((REJECT as readonly string[]).includes(kw!)) throw new SignatureError(source, `gpgv reported ${kw} ${args.join(" ")}`.trim(), lines);
    if (kw === "VALIDSIG") {
      // VALIDSIG <fpr> <date> <ts> <expire> <ver> <rsv> <pk-algo> <hash-algo> <class> <primary-fpr>
      signers.push(args[9] ?? args[0]!);
      signedAt.push(Number(args[2]));
    }
  }
  const good = lines.filter((l) => l.startsWith("[GNUPG:] GOODSIG ")).length;
  if (signers.length === 0 || good === 0) throw new SignatureError(source, "no valid signature from a key in the keyring", lines);
  if (good !== signers.length) throw new SignatureError(source, "GOODSIG and VALIDSIG counts differ", lines);
  if (exitCode !== 0) throw new SignatureError(source, `gpgv exited with ${exitCode}`, lines);
  return { signers, signedAt };
}

/**
 * Verifies a clearsigned document (InRelease) with `gpgv --status-fd` against `keyrings` and
 * returns the signed content as gpgv output it. Throws `SignatureError` on any bad, unknown,
 * expired or revoked signature, or when there is no good one.
 */
export async function verifyClearsigned(source: string, data: Buffer, keyrings: readonly string[], gpgv = "gpgv"): Promise<VerifiedDocument> {
  const dir = await mkdtemp(join(tmpdir(), "vmspec-gpgv-"));
  try {
    const input = join(dir, "InRelease");
    await writeFile(input, data);
    const args = ["--status-fd", "3", "--output", "-"];
    for (const k of keyrings) args.push("--keyring", k);
    args.push(input);
    const { code, stdout, status, stderr } = await new Promise<{ code: number | null; stdout: Buffer; status: string; stderr: string }>((resolve, reject) => {
      const child = spawn(gpgv, args, { stdio: ["ignore", "pipe", "pipe", "pipe"], env: { ...process.env, LC_ALL: "C" } });
      const out: Buffer[] = [];
      const st: Buffer[] = [];
      const er: Buffer[] = [];
      child.stdout!.on("data", (b: Buffer) => out.push(b));
      child.stderr!.on("data", (b: Buffer) => er.push(b));
      (child.stdio[3] as NodeJS.ReadableStream).on("data", (b: Buffer) => st.push(b));
      child.on("error", reject);
      child.on("close", (c) => resolve({ code: c, stdout: Buffer.concat(out), status: Buffer.concat(st).toString("utf8"), stderr: Buffer.concat(er).toString("utf8") }));
    }).catch((e: unknown) => {
      throw new SignatureError(source, `cannot run ${gpgv}: ${(e as Error).message}`, [], e);
    });
    try {
      const r = interpretGpgvStatus(source, status, code);
      return { content: stdout, ...r };
    } catch (e) {
      if (e instanceof SignatureError && stderr.trim() !== "") e.status.push(...stderr.trim().split("\n").map((l) => `stderr: ${l}`));
      throw e;
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
