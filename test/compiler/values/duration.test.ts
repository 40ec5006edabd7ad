// Go time.ParseDuration semantics (HEALTHCHECK durations), and Duration.String formatting.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { formatGoDuration, parseGoDuration } from "../../../compiler/values/duration.js";
import { expectErr, expectOk } from "./helpers.js";

const ns = 1n, us = 1000n, ms = 1_000_000n, s = 1_000_000_000n, m = 60n * s, h = 60n * m;

const good: [string, bigint][] = [
  ["0", 0n], ["5s", 5n * s], ["30s", 30n * s], ["1478s", 1478n * s], ["-5s", -5n * s], ["+5s", 5n * s],
  ["-0", 0n], ["+0", 0n], ["5.0s", 5n * s], ["5.6s", 5n * s + 600n * ms], ["5.s", 5n * s], [".5s", 500n * ms],
  ["1.0s", s], ["1.00s", s], ["1.004s", s + 4n * ms], ["1.0040s", s + 4n * ms], ["100.00100s", 100n * s + ms],
  ["10ns", 10n * ns], ["11us", 11n * us], ["12\u00b5s", 12n * us], ["12\u03bcs", 12n * us], ["13ms", 13n * ms],
  ["14s", 14n * s], ["15m", 15n * m], ["16h", 16n * h], ["3h30m", 3n * h + 30n * m], ["10.5s4m", 4n * m + 10n * s + 500n * ms],
  ["-2m3.4s", -(2n * m + 3n * s + 400n * ms)], ["1h2m3s4ms5us6ns", h + 2n * m + 3n * s + 4n * ms + 5n * us + 6n * ns],
  ["39h9m14.425s", 39n * h + 9n * m + 14n * s + 425n * ms], ["52763797000ns", 52_763_797_000n],
  ["0.3333333333333333333h", 20n * m], ["9007199254740993ns", (1n << 53n) + 1n],
  ["9223372036854775807ns", (1n << 63n) - 1n], ["9223372036854775.807us", (1n << 63n) - 1n],
  ["9223372036s854ms775us807ns", (1n << 63n) - 1n], ["-9223372036854775808ns", -(1n << 63n)],
  ["-9223372036854775.808us", -(1n << 63n)], ["-9223372036s854ms775us808ns", -(1n << 63n)],
  ["-2562047h47m16.854775808s", -(1n << 63n)], ["0.100000000000000000000h", 6n * m],
  ["0.830103483285477580700h", 49n * m + 48n * s + 372_539_827n], ["1m30s", 90n * s], ["500ms", 500n * ms],
];
for (const [text, v] of good) test(`parseGoDuration ${JSON.stringify(text)}`, () => expectOk(parseGoDuration(text), v, text));

const bad: [string, RegExp, [number, number]?][] = [
  ["", /time: invalid duration ""/], ["3", /time: missing unit in duration "3"/, [1, 0]], ["-", /invalid duration/],
  ["s", /invalid duration "s"/], [".", /invalid duration/], ["-.", /invalid duration/], [".s", /invalid duration/],
  ["+.s", /invalid duration/], ["1d", /time: unknown unit "d" in duration "1d"/, [1, 1]], ["1h2x", /unknown unit "x"/, [3, 1]],
  ["\u0085\u0085", /invalid duration/], ["9223372036854775808ns", /invalid duration/],
  ["9223372036854775.808us", /invalid duration/], ["9223372036854ms775us808ns", /invalid duration/],
  ["-9223372036854775809ns", /invalid duration/], ["1 s", /unknown unit " s"/], ["5S", /unknown unit "S"/], ["1h 2m", /unknown unit "h "/],
];
for (const [text, msg, span] of bad) test(`parseGoDuration rejects ${JSON.stringify(text)}`, () => expectErr(parseGoDuration(text), msg, span));

test("formatGoDuration matches Go's Duration.String", () => {
  const cases: [bigint, string][] = [
    [0n, "0s"], [1n, "1ns"], [1100n, "1.1µs"], [2_200_000n, "2.2ms"], [3_300_000_000n, "3.3s"], [4n * m + 5n * s, "4m5s"],
    [4n * m + 5_001_000_000n, "4m5.001s"], [5n * h + 6n * m + 7_001_000_000n, "5h6m7.001s"], [8n * m + 1n, "8m0.000000001s"],
    [(1n << 63n) - 1n, "2562047h47m16.854775807s"], [-(1n << 63n), "-2562047h47m16.854775808s"], [-30n * s, "-30s"],
  ];
  for (const [v, str] of cases) assert.is(formatGoDuration(v), str);
});

test("format → parse round-trips", () => {
  fc.assert(
    fc.property(fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), (v) => {
      expectOk(parseGoDuration(formatGoDuration(v)), v);
    }),
  );
});

test.run();
