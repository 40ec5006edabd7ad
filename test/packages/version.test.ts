// Debian version comparison: a hand-written table of dpkg orderings, plus random pairs checked
// against the real `dpkg --compare-versions`.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync } from "node:child_process";
import fc from "fast-check";
import { compareVersions, isValidVersion, parseVersion, satisfiesRelation } from "../../runtime/packages/version.js";
import { gated } from "../support/env.js";

// [a, b, expected sign of compare(a, b)]
const TABLE: [string, string, -1 | 0 | 1][] = [
  ["1.0", "1.0", 0],
  ["1.0", "1.0-0", 0],
  ["1.0-0", "1.0", 0],
  ["0:1.0", "1.0", 0],
  ["1.0", "1.1", -1],
  ["1.1", "1.0", 1],
  ["1.0", "1.0.1", -1],
  ["1.0~rc1", "1.0", -1],
  ["1.0~rc1", "1.0~rc2", -1],
  ["1.0~~", "1.0~", -1],
  ["1.0~", "1.0", -1],
  ["1.0~~a", "1.0~~", 1],
  ["1.0", "1.0+b1", -1],
  ["1.0+b1", "1.0.1", -1],
  ["1.0a", "1.0", 1],
  ["1.0a", "1.0b", -1],
  ["1.0A", "1.0a", -1],
  ["1.0.", "1.0+", 1],
  ["1.0+", "1.0", 1],
  ["1:0.1", "2.0", 1],
  ["1:1.0", "2:0.1", -1],
  ["10:1", "9:2", 1],
  ["2.10", "2.9", 1],
  ["2.010", "2.10", 0],
  ["2.0010", "2.9", 1],
  ["1.0-1", "1.0-2", -1],
  ["1.0-10", "1.0-9", 1],
  ["1.0-1~bpo1", "1.0-1", -1],
  ["1.0-1+deb12u1", "1.0-1", 1],
  ["1.0-1+deb12u1", "1.0-1+deb12u2", -1],
  ["1.0-1+b1", "1.0-1+deb12u1", -1],
  ["2.36-9+deb12u4", "2.36-9+deb12u10", -1],
  ["1.2.3-4-5", "1.2.3-4", 1],
  ["1.2.3-4-5", "1.2.3-5", 1],
  ["3.13.5-1", "3.13.5-2", -1],
  ["3.13.5-1", "3.13.4-10", 1],
  ["1:4.1.0", "4.1.0", 1],
  ["1.36.1-9", "1:1.30.1-6", -1],
  ["0.0", "0", 1],
  ["0", "00", 0],
  ["a", "b", -1],
  ["1.0-a", "1.0-b", -1],
  ["1.0-0a", "1.0-a", -1],
  ["1.0~a1", "1.0~a", 1],
  ["7.4.052-1", "7.4.52-1", 0],
  ["6.12.57-1", "6.12.9-1", 1],
  ["1.0+dfsg-1", "1.0-1", 1],
  ["1.0+dfsg-1", "1.0.0-1", -1],
  ["2:1.0", "1:9.0", 1],
  ["1.0-1ubuntu1", "1.0-1", 1],
  ["1.0-1", "1.0-1.1", -1],
  ["1.0~rc1-1", "1.0-1", -1],
  ["1.0-1~", "1.0-1", -1],
  ["1.0~beta", "1.0~alpha", 1],
  ["1.2~", "1.1", 1],
  ["9", "10", -1],
  ["1.0.0~git20230101", "1.0.0~git20221231", 1],
  ["1.18.25", "1.18.3", 1],
];

test("version table: compareVersions matches dpkg ordering, and is antisymmetric", () => {
  for (const [a, b, want] of TABLE) {
    assert.is(Math.sign(compareVersions(a, b)), want, `${a} vs ${b}`);
    assert.is(Math.sign(compareVersions(b, a)), -want === 0 ? 0 : -want, `${b} vs ${a}`);
  }
});

test("parseVersion splits epoch, upstream and revision at the last hyphen", () => {
  assert.equal(parseVersion("1:2.3-4-5"), { epoch: 1, upstream: "2.3-4", revision: "5" });
  assert.equal(parseVersion("2.3"), { epoch: 0, upstream: "2.3", revision: "" });
  assert.equal(parseVersion("10:1~rc1+dfsg-0.1"), { epoch: 10, upstream: "1~rc1+dfsg", revision: "0.1" });
});

test("isValidVersion accepts Policy versions and rejects malformed ones", () => {
  for (const v of ["1.0", "1:1.0-1", "1.0~rc1+dfsg-2+b1", "0", "2.36-9+deb12u4"]) assert.ok(isValidVersion(v), v);
  for (const v of ["", "a1.0", "1.0-", "1:", "x:1.0", "1.0 -1", "1.0-1_2", "1.0-1:2"]) assert.not.ok(isValidVersion(v), v);
});

test("satisfiesRelation implements << <= = >= >>", () => {
  assert.ok(satisfiesRelation("1.0-1", ">=", "1.0"));
  assert.ok(satisfiesRelation("1.0-1", ">>", "1.0"));
  assert.not.ok(satisfiesRelation("1.0", ">>", "1.0-0"));
  assert.ok(satisfiesRelation("1.0~rc1", "<<", "1.0"));
  assert.ok(satisfiesRelation("1.0", "<=", "1.0"));
  assert.ok(satisfiesRelation("0:1.0", "=", "1.0"));
  assert.not.ok(satisfiesRelation("1:1.0", "=", "1.0"));
});

const part = fc.stringMatching(/^[0-9][0-9a-z.+~]{0,6}$/);
const version = fc.tuple(fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }), part, fc.option(fc.stringMatching(/^[0-9a-z+.~]{1,4}$/), { nil: undefined }))
  .map(([e, u, r]) => `${e === undefined ? "" : `${e}:`}${u}${r === undefined ? "" : `-${r}`}`);

gated(test, { tools: ["dpkg"] })("random version pairs agree with dpkg --compare-versions", () => {
  fc.assert(
    fc.property(version, version, (a, b) => {
      const ours = Math.sign(compareVersions(a, b));
      let theirs: number;
      const lt = (() => {
        try {
          execFileSync("dpkg", ["--compare-versions", a, "lt", b], { stdio: "ignore" });
          return true;
        } catch {
          return false;
        }
      })();
      if (lt) theirs = -1;
      else {
        try {
          execFileSync("dpkg", ["--compare-versions", a, "eq", b], { stdio: "ignore" });
          theirs = 0;
        } catch {
          theirs = 1;
        }
      }
      assert.is(ours, theirs, `${a} vs ${b}`);
    }),
    { numRuns: 150, seed: 42 },
  );
});

test.run();
