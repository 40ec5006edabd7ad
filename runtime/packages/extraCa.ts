// NODE_EXTRA_CA_CERTS without its start-up cost: the `vmspec` launcher (bin/vmspec) hands the
// path over in VMSPEC_EXTRA_CA_CERTS and starts Node with NODE_EXTRA_CA_CERTS empty, because Node 20
// reads and parses every certificate of that file before running any script (~40 ms for a system
// bundle), while most vmspec commands never open a TLS connection. The certificates are read here,
// once, when a download first needs them.
import { readFileSync } from "node:fs";

/** Where the launcher puts the user's NODE_EXTRA_CA_CERTS (internal to vmspec's own processes). */
export const DEFERRED_CA_ENV = "VMSPEC_EXTRA_CA_CERTS";

let deferred: string | undefined;
let loaded: { ca: string[] } | null | undefined;

/**
 * Called once as the CLI starts: takes over a path the launcher deferred, and puts the user's
 * NODE_EXTRA_CA_CERTS back into `env`, so child processes (and anything else reading the
 * environment) see it exactly as the user set it. Does nothing when Node was started with the
 * variable itself (then Node has already loaded the certificates into its default CA store).
 */
export function adoptDeferredExtraCaCerts(env: NodeJS.ProcessEnv = process.env): void {
  const path = env[DEFERRED_CA_ENV];
  if (path === undefined) return;
  delete env[DEFERRED_CA_ENV];
  if (path === "" || env.NODE_EXTRA_CA_CERTS) return;
  deferred = path;
  loaded = undefined;
  env.NODE_EXTRA_CA_CERTS = path;
}

/**
 * TLS options that trust what Node would have trusted had it loaded NODE_EXTRA_CA_CERTS itself:
 * its bundled roots plus the file's certificates. Undefined when nothing was deferred (Node's
 * default store already holds them, or there are none). Read on first use; a file that cannot be
 * read gives the same warning Node gives at start-up, and the bundled roots alone.
 */
export async function deferredCaOptions(): Promise<{ ca: string[] } | undefined> {
  if (deferred === undefined) return undefined;
  if (loaded !== undefined) return loaded ?? undefined;
  let pem: string;
  try {
    pem = readFileSync(deferred, "utf8");
  } catch (e) {
    process.emitWarning(`Ignoring extra certs from \`${deferred}\`, load failed: ${(e as Error).message}`);
    loaded = null;
    return undefined;
  }
  const { rootCertificates } = await import("node:tls");
  loaded = { ca: [...rootCertificates, pem] };
  return loaded;
}

/**
 * The environment for a child `vmspec` process (bin/vmspec.js) started by this one: like the
 * launcher, it moves a set NODE_EXTRA_CA_CERTS aside so the child starts as quickly; the child
 * adopts it again. For other programs, pass the environment unchanged.
 */
export function vmspecChildEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  if (!env.NODE_EXTRA_CA_CERTS) return env;
  if (/--use-(openssl|system)-ca/.test(env.NODE_OPTIONS ?? "")) return env;
  return { ...env, NODE_EXTRA_CA_CERTS: "", [DEFERRED_CA_ENV]: env.NODE_EXTRA_CA_CERTS };
}
