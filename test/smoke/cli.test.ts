// The CLI entry point: help, version and unknown-command handling through the real bin script.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { execa } from "execa";

const bin = new URL("../../../bin/vmspec.js", import.meta.url).pathname;

test("--help lists commands and exits 0", async () => {
  const r = await execa("node", [bin, "--help"], { reject: false });
  assert.is(r.exitCode, 0);
  assert.match(r.stdout, /Usage: vmspec <command>/);
  assert.match(r.stdout, /version/);
});

test("no arguments prints usage and exits 2", async () => {
  const r = await execa("node", [bin], { reject: false });
  assert.is(r.exitCode, 2);
});

test("an unknown command exits 2 with a message on stderr", async () => {
  const r = await execa("node", [bin, "frobnicate"], { reject: false });
  assert.is(r.exitCode, 2);
  assert.match(r.stderr, /unknown command 'frobnicate'/);
});

test("version prints the package version", async () => {
  const r = await execa("node", [bin, "version"], { reject: false });
  assert.is(r.exitCode, 0);
  assert.match(r.stdout, /^vmspec \d+\.\d+\.\d+$/);
});

test.run();
