// Image references per the distribution reference grammar, with no default registry.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { formatImageRef, parseImageRef, type ImageRef } from "../../../compiler/values/imageRef.js";
import { expectErr, expectOk } from "./helpers.js";

const H64 = "a".repeat(32) + "0123456789abcdef".repeat(2);
const good: [string, ImageRef][] = [
  ["alpine", { path: "alpine", libraryPath: "library/alpine" }],
  ["alpine:3.19", { path: "alpine", libraryPath: "library/alpine", tag: "3.19" }],
  ["library/alpine", { path: "library/alpine", libraryPath: "library/alpine" }],
  ["org/app:1.0", { path: "org/app", libraryPath: "org/app", tag: "1.0" }],
  ["localhost/app", { domain: "localhost", path: "app", libraryPath: "app" }],
  ["localhost:5000/app:v1", { domain: "localhost:5000", path: "app", libraryPath: "app", tag: "v1" }],
  ["reg.example.test/team/app", { domain: "reg.example.test", path: "team/app", libraryPath: "team/app" }],
  ["reg.example.test:443/a/b/c:latest", { domain: "reg.example.test:443", path: "a/b/c", libraryPath: "a/b/c", tag: "latest" }],
  ["UPPER/app", { domain: "UPPER", path: "app", libraryPath: "app" }],
  ["[::1]:5000/app", { domain: "[::1]:5000", path: "app", libraryPath: "app" }],
  [`app@sha256:${H64}`, { path: "app", libraryPath: "library/app", digest: `sha256:${H64}` }],
  [`app:1@sha256:${H64}`, { path: "app", libraryPath: "library/app", tag: "1", digest: `sha256:${H64}` }],
  ["a__b/c-d.e_f", { path: "a__b/c-d.e_f", libraryPath: "a__b/c-d.e_f" }],
  ["a--b:_x", { path: "a--b", libraryPath: "library/a--b", tag: "_x" }],
  ["app:" + "t".repeat(128), { path: "app", libraryPath: "library/app", tag: "t".repeat(128) }],
  ["foo:5000", { path: "foo", libraryPath: "library/foo", tag: "5000" }],
];
for (const [text, ref] of good) test(`parseImageRef ${text.length > 60 ? text.slice(0, 40) + "…" : text}`, () => expectOk(parseImageRef(text), ref, text));

const bad: [string, RegExp, [number, number]?][] = [
  ["", /empty image reference/],
  ["Alpine", /repository name must be lowercase/, [0, 6]],
  ["org/App", /repository name must be lowercase/, [0, 7]],
  ["app:", /invalid tag ""/, [4, 0]],
  ["app:-x", /invalid tag "-x"/, [4, 2]],
  ["app:" + "t".repeat(129), /invalid tag/],
  ["app:tag:x", /invalid tag "tag:x"/],
  ["app@sha256:abc", /invalid digest/, [4, 10]],
  [`app@md5:${"a".repeat(32)}`, /unsupported digest algorithm "md5"/],
  [`app@sha256:${H64.toUpperCase()}`, /expected 64 lower-case hex digits/],
  [`app@sha512:${H64}`, /expected 128/],
  ["-app", /invalid repository name/],
  ["a/", /invalid repository name/],
  ["a..b", /invalid repository name/],
  ["a_.b", /invalid repository name/],
  ["reg.example.test:port/app", /invalid registry host/, [0, 21]],
  ["-bad.test/app", /invalid registry host/],
  [":tag", /missing repository name/],
  [H64, /cannot specify 64-byte hexadecimal strings/],
  ["a/".repeat(128) + "b", /must not be more than 255 characters/],
];
for (const [text, msg, span] of bad) test(`parseImageRef rejects ${JSON.stringify(text.slice(0, 40))}`, () => expectErr(parseImageRef(text), msg, span));

test("a reference without a domain stays domain-less and formats back unchanged", () => {
  for (const t of ["alpine", "alpine:3", "org/app:1.0", `app@sha256:${H64}`, "localhost:5000/a/b:c"]) {
    const r = parseImageRef(t);
    assert.ok(r.ok);
    if (r.ok) {
      assert.is(formatImageRef(r.value), t);
      if (!t.startsWith("localhost")) assert.not.ok("domain" in r.value);
    }
  }
});

test.run();
