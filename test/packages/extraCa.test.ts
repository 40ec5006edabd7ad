// NODE_EXTRA_CA_CERTS with the launcher's deferral (bin/vmspec, runtime/packages/extraCa.ts): the
// launcher moves the variable aside; the CLI puts it back for child processes; HTTPS downloads
// trust the deferred certificates (a local TLS server with a certificate only that file trusts),
// still reject what is not trusted, and follow redirects between http and https.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync, spawn } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { adoptDeferredExtraCaCerts, DEFERRED_CA_ENV, vmspecChildEnv } from "../../runtime/packages/extraCa.js";
import { gated } from "../support/env.js";
import { removeTempDirs, tempDir } from "./support/debs.js";

const repo = fileURLToPath(new URL("../../../", import.meta.url));
const launcher = join(repo, "bin", "vmspec");
const cacheModule = join(repo, "dist", "runtime", "packages", "cache.js");
const extraCaModule = join(repo, "dist", "runtime", "packages", "extraCa.js");
const tls = gated(test, { tools: ["openssl"] });

/** A fake `node` first on PATH that prints the CA variables and its arguments (what the launcher execs). */
function fakeNodeDir(): string {
  const dir = tempDir();
  const fake = join(dir, "node");
  writeFileSync(fake, '#!/bin/sh\nprintf "extra=%s|deferred=%s|set=%s|args=%s\\n" "$NODE_EXTRA_CA_CERTS" "$VMSPEC_EXTRA_CA_CERTS" "${NODE_EXTRA_CA_CERTS+yes}" "$*"\n');
  chmodSync(fake, 0o755);
  return dir;
}

function launch(env: Record<string, string | undefined>, via = launcher): string {
  const base: NodeJS.ProcessEnv = { ...process.env, PATH: `${fakeNodeDir()}:${process.env.PATH}` };
  delete base.NODE_EXTRA_CA_CERTS;
  delete base[DEFERRED_CA_ENV];
  delete base.NODE_OPTIONS;
  for (const [k, v] of Object.entries(env)) if (v !== undefined) base[k] = v;
  return execFileSync(via, ["build", "a b"], { env: base, encoding: "utf8" }).trim();
}

test("the launcher starts Node with NODE_EXTRA_CA_CERTS empty and the path in VMSPEC_EXTRA_CA_CERTS", () => {
  const js = join(repo, "bin", "vmspec.js");
  assert.is(launch({ NODE_EXTRA_CA_CERTS: "/x/ca.pem" }), `extra=|deferred=/x/ca.pem|set=yes|args=${js} build a b`);
  // Unset or empty: nothing to defer, nothing invented.
  assert.is(launch({}), `extra=|deferred=|set=|args=${js} build a b`);
  assert.is(launch({ NODE_EXTRA_CA_CERTS: "" }), `extra=|deferred=|set=yes|args=${js} build a b`);
  // Node's own CA options are left to Node.
  assert.is(launch({ NODE_EXTRA_CA_CERTS: "/x/ca.pem", NODE_OPTIONS: "--use-openssl-ca" }), `extra=/x/ca.pem|deferred=|set=yes|args=${js} build a b`);
  // Reached through a symlink (as node_modules/.bin/vmspec), relative or absolute.
  const bin = tempDir();
  symlinkSync(launcher, join(bin, "abs"));
  mkdirSync(join(bin, "sub"));
  symlinkSync("../abs", join(bin, "sub", "rel"));
  assert.is(launch({ NODE_EXTRA_CA_CERTS: "/x/ca.pem" }, join(bin, "sub", "rel")), `extra=|deferred=/x/ca.pem|set=yes|args=${js} build a b`);
});

test("the CLI adopts a deferred path: the environment is the user's again, children are started deferred", () => {
  const env: NodeJS.ProcessEnv = { NODE_EXTRA_CA_CERTS: "", [DEFERRED_CA_ENV]: "/x/ca.pem", OTHER: "1" };
  adoptDeferredExtraCaCerts(env);
  assert.equal(env, { NODE_EXTRA_CA_CERTS: "/x/ca.pem", OTHER: "1" });
  assert.equal(vmspecChildEnv(env), { NODE_EXTRA_CA_CERTS: "", [DEFERRED_CA_ENV]: "/x/ca.pem", OTHER: "1" });
  assert.equal(vmspecChildEnv({ OTHER: "1" }), { OTHER: "1" });
  // Node was started with the variable itself (no launcher): nothing to adopt.
  const direct: NodeJS.ProcessEnv = { NODE_EXTRA_CA_CERTS: "/y.pem", [DEFERRED_CA_ENV]: "/x/ca.pem" };
  adoptDeferredExtraCaCerts(direct);
  assert.equal(direct, { NODE_EXTRA_CA_CERTS: "/y.pem" });
});

/** A certificate for localhost / 127.0.0.1 that no system store trusts. */
function selfSigned(dir: string): { key: string; cert: string } {
  const key = join(dir, "key.pem");
  const cert = join(dir, "cert.pem");
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=vmspec test CA", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-addext", "basicConstraints=critical,CA:TRUE"], { stdio: "ignore" });
  return { key, cert };
}

function listen(s: Server): Promise<number> {
  return new Promise((ok) => s.listen(0, "127.0.0.1", () => ok((s.address() as { port: number }).port)));
}

/** Runs a fresh Node process that downloads `url` with httpGetBuffer (after adopting a deferred CA, as the CLI does). */
async function download(url: string, env: Record<string, string>): Promise<{ ok: boolean; out: string }> {
  const script = `
    const { adoptDeferredExtraCaCerts } = await import(${JSON.stringify(extraCaModule)});
    adoptDeferredExtraCaCerts();
    const { httpGetBuffer } = await import(${JSON.stringify(cacheModule)});
    const { execFileSync } = await import("node:child_process");
    const child = execFileSync("sh", ["-c", 'printf %s "$NODE_EXTRA_CA_CERTS"'], { encoding: "utf8" });
    try {
      const b = await httpGetBuffer(${JSON.stringify(url)});
      console.log("OK " + b.toString() + " child=" + child);
    } catch (e) {
      console.log("ERR " + e.code + " " + e.message + " " + (e.cause?.code ?? ""));
    }`;
  const base: NodeJS.ProcessEnv = { ...process.env };
  delete base.NODE_EXTRA_CA_CERTS;
  delete base[DEFERRED_CA_ENV];
  // Asynchronously: the servers answer from this process's event loop.
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], { env: { ...base, ...env } });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  await new Promise((ok) => child.on("close", ok));
  out = out.trim();
  return { ok: out.startsWith("OK "), out };
}

tls("HTTPS downloads trust deferred extra CAs (and only then), and redirects cross http/https", async () => {
  const dir = tempDir();
  const { key, cert } = selfSigned(dir);
  const https = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
    if (req.url === "/file") res.end("secret payload");
    else if (req.url === "/to-http") res.writeHead(302, { location: `http://127.0.0.1:${httpPort}/file` }).end();
    else res.writeHead(404).end();
  });
  const http = createHttpServer((req, res) => {
    if (req.url === "/file") res.end("plain payload");
    else if (req.url === "/to-https") res.writeHead(301, { location: `https://localhost:${httpsPort}/file` }).end();
    else if (req.url === "/loop") res.writeHead(307, { location: "/loop" }).end();
    else res.writeHead(404).end();
  });
  const httpsPort = await listen(https as unknown as Server);
  const httpPort = await listen(http);
  try {
    const url = `https://localhost:${httpsPort}/file`;
    // Deferred by the launcher: trusted, and children see the variable as the user set it.
    const deferred = await download(url, { NODE_EXTRA_CA_CERTS: "", [DEFERRED_CA_ENV]: cert });
    assert.is(deferred.out, `OK secret payload child=${cert}`);
    // Loaded by Node itself (no launcher): trusted as before.
    assert.is((await download(url, { NODE_EXTRA_CA_CERTS: cert })).out, `OK secret payload child=${cert}`);
    // Not given: the certificate is rejected.
    const none = await download(url, {});
    assert.ok(!none.ok && /PKG_FETCH/.test(none.out) && /SELF_SIGNED|UNABLE_TO_VERIFY|certificate/i.test(none.out), none.out);
    // An unreadable deferred file: Node's warning, and the bundled roots only (still rejected).
    const unreadable = await download(url, { NODE_EXTRA_CA_CERTS: "", [DEFERRED_CA_ENV]: join(dir, "absent.pem") });
    assert.ok(!unreadable.ok && /Ignoring extra certs from/.test(unreadable.out), unreadable.out);
    // Redirects: http → https (verified with the deferred CA), https → http, and a loop.
    assert.ok((await download(`http://127.0.0.1:${httpPort}/to-https`, { NODE_EXTRA_CA_CERTS: "", [DEFERRED_CA_ENV]: cert })).out.startsWith("OK secret payload"));
    assert.ok((await download(`https://localhost:${httpsPort}/to-http`, { NODE_EXTRA_CA_CERTS: "", [DEFERRED_CA_ENV]: cert })).out.startsWith("OK plain payload"));
    assert.match((await download(`http://127.0.0.1:${httpPort}/loop`, {})).out, /ERR PKG_FETCH .*more than 20 redirects/);
    assert.match((await download(`http://127.0.0.1:${httpPort}/missing`, {})).out, /ERR PKG_FETCH .*HTTP 404/);
  } finally {
    await Promise.all([https, http].map((s) => new Promise<void>((ok) => s.close(() => ok()))));
  }
});

test.after(() => removeTempDirs());

test.run();
