// Platform specifiers normalized like containerd's platforms.Parse + Normalize.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { formatPlatform, isKnownPlatform, parsePlatform, type Platform } from "../../../compiler/values/platform.js";
import { expectErr, expectOk } from "./helpers.js";

const good: [string, Platform][] = [
  ["linux/amd64", { os: "linux", architecture: "amd64" }],
  ["linux/x86_64", { os: "linux", architecture: "amd64" }],
  ["linux/x86-64", { os: "linux", architecture: "amd64" }],
  ["Linux/AMD64", { os: "linux", architecture: "amd64" }],
  ["linux/amd64/v1", { os: "linux", architecture: "amd64" }],
  ["linux/amd64/v3", { os: "linux", architecture: "amd64", variant: "v3" }],
  ["linux/aarch64", { os: "linux", architecture: "arm64" }],
  ["linux/arm64/v8", { os: "linux", architecture: "arm64" }],
  ["linux/arm64/8", { os: "linux", architecture: "arm64" }],
  ["linux/aarch64/V8", { os: "linux", architecture: "arm64" }],
  ["linux/arm64/v9", { os: "linux", architecture: "arm64", variant: "v9" }],
  ["linux/armhf", { os: "linux", architecture: "arm", variant: "v7" }],
  ["linux/armel", { os: "linux", architecture: "arm", variant: "v6" }],
  ["linux/arm", { os: "linux", architecture: "arm", variant: "v7" }],
  ["linux/arm/7", { os: "linux", architecture: "arm", variant: "v7" }],
  ["linux/arm/6", { os: "linux", architecture: "arm", variant: "v6" }],
  ["linux/arm/v5", { os: "linux", architecture: "arm", variant: "v5" }],
  ["linux/i386", { os: "linux", architecture: "386" }],
  ["linux/riscv64", { os: "linux", architecture: "riscv64" }],
  ["linux/ppc64le", { os: "linux", architecture: "ppc64le" }],
  ["linux/s390x", { os: "linux", architecture: "s390x" }],
  ["macos/arm64", { os: "darwin", architecture: "arm64" }],
  ["windows(10.0.17763)/amd64", { os: "windows", architecture: "amd64", osVersion: "10.0.17763" }],
  ["arm64", { os: "linux", architecture: "arm64" }],
  ["riscv64", { os: "linux", architecture: "riscv64" }],
  ["aarch64", { os: "linux", architecture: "arm64" }],
  ["linux/foo", { os: "linux", architecture: "foo" }],
];
for (const [text, p] of good) test(`parsePlatform ${text}`, () => expectOk(parsePlatform(text), p, text));

test("a bare OS needs a default architecture; a bare arch takes the default OS", () => {
  expectErr(parsePlatform("linux"), /missing architecture/, [0, 5]);
  expectOk(parsePlatform("linux", { architecture: "amd64" }), { os: "linux", architecture: "amd64" });
  expectOk(parsePlatform("arm", { os: "freebsd" }), { os: "freebsd", architecture: "arm", variant: "v7" });
});

const bad: [string, RegExp, [number, number]?][] = [
  ["linux/*", /wildcards/, [6, 1]],
  ["linux/amd64/v3/x", /too many components/],
  ["linux//amd64", /invalid platform component/, [6, 1]],
  ["", /invalid platform component/],
  ["linux/am d64", /invalid platform component/, [6, 6]],
  ["foo", /unknown operating system or architecture/],
  ["linux/arm64/", /invalid platform component/, [12, 0]],
];
for (const [text, msg, span] of bad) test(`parsePlatform rejects ${JSON.stringify(text)}`, () => expectErr(parsePlatform(text), msg, span));

test("formatPlatform and isKnownPlatform", () => {
  const fmt = (t: string) => {
    const r = parsePlatform(t);
    return r.ok ? formatPlatform(r.value) : r.message;
  };
  assert.is(fmt("linux/x86_64"), "linux/amd64");
  assert.is(fmt("linux/armhf"), "linux/arm/v7");
  assert.is(fmt("linux/arm64/v8"), "linux/arm64");
  assert.is(fmt("windows(10.0)/amd64"), "windows/amd64");
  assert.ok(isKnownPlatform({ os: "linux", architecture: "riscv64" }));
  assert.not.ok(isKnownPlatform({ os: "linux", architecture: "foo" }));
});

test.run();
