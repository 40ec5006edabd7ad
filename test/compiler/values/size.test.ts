// Size parsers: the MACHINE unit syntax (QEMU/Docker-style) and docker/go-units RAMInBytes.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { parseGoFloat, parseRamInBytes, parseSize } from "../../../compiler/values/size.js";
import { expectErr, expectOk } from "./helpers.js";

const KiB = 1024n, MiB = KiB * 1024n, GiB = MiB * 1024n, TiB = GiB * 1024n, PiB = TiB * 1024n;

const sizes: [string, bigint][] = [
  ["0", 0n], ["512", 512n], ["512B", 512n], ["512b", 512n], ["1K", KiB], ["1k", KiB], ["512M", 512n * MiB],
  ["512m", 512n * MiB], ["2G", 2n * GiB], ["1T", TiB], ["1P", PiB], ["1KB", 1000n], ["1kB", 1000n],
  ["1MB", 1_000_000n], ["10GB", 10_000_000_000n], ["1TB", 10n ** 12n], ["1PB", 10n ** 15n], ["1KiB", KiB],
  ["4GiB", 4n * GiB], ["4gib", 4n * GiB], ["2MiB", 2n * MiB], ["1TiB", TiB], ["1.5G", 1_610_612_736n],
  ["1.5K", 1536n], [".5K", 512n], ["0.5M", 524_288n], ["1.K", KiB], ["2.5GB", 2_500_000_000n],
  ["0.001KB", 1n], ["9223372036854775807", 9_223_372_036_854_775_807n], ["8191P", 8191n * PiB],
];
for (const [text, bytes] of sizes) test(`parseSize ${text}`, () => expectOk(parseSize(text), bytes, text));

test("parseSize: an unknown unit names the unit and lists the valid ones", () => {
  const r = parseSize("12XB");
  expectErr(r, /invalid size "12XB": unknown unit "XB"/, [2, 2], /KiB.*KB|K, M, G, T/);
  assert.ok(!r.ok && /MiB/.test(r.hint ?? "") && /MB/.test(r.hint ?? "") && /bytes/.test(r.hint ?? ""));
});

const badSizes: [string, RegExp, [number, number]?][] = [
  ["", /empty size/],
  ["abc", /expected a number/, [0, 3]],
  ["-1G", /cannot be negative/, [0, 1]],
  ["1 G", /no space/, [1, 2]],
  ["1.1K", /not a whole number of bytes/, [0, 4]],
  ["0.1", /not a whole number/],
  ["8E", /unknown unit "E"/, [1, 1]],
  ["1.5.3G", /unknown unit/],
  ["9223372036854775808", /larger than 2\^63-1/],
  ["8192P", /larger than/],
  ["1Ki", /unknown unit "Ki"/],
  ["1mbit", /unknown unit/],
];
for (const [text, msg, span] of badSizes) test(`parseSize rejects ${JSON.stringify(text)}`, () => expectErr(parseSize(text), msg, span));

test("parseSize: n<unit> equals n × multiplier for every unit", () => {
  const mult: Record<string, bigint> = { "": 1n, B: 1n, K: KiB, M: MiB, G: GiB, T: TiB, KiB, MiB, GiB, TiB, KB: 1000n, MB: 10n ** 6n, GB: 10n ** 9n, TB: 10n ** 12n };
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.constantFrom(...Object.keys(mult)), (n, u) => {
      expectOk(parseSize(`${n}${u}`), BigInt(n) * mult[u]);
    }),
  );
});

// docker/go-units RAMInBytes behaviour.
const ram: [string, bigint][] = [
  ["32", 32n], ["32b", 32n], ["32B", 32n], ["32k", 32n * KiB], ["32K", 32n * KiB], ["32kb", 32n * KiB],
  ["32Kb", 32n * KiB], ["32kib", 32n * KiB], ["32KiB", 32n * KiB], ["32Mb", 32n * MiB], ["32Gb", 32n * GiB],
  ["32Tb", 32n * TiB], ["32Pb", 32n * PiB], ["32PB", 32n * PiB], ["32P", 32n * PiB], ["32.3", 32n],
  ["32.3 mb", 33_869_004n], ["0.3MB", 314_572n], ["64m", 64n * MiB], ["1.5k", 1536n], ["5 ", 5n],
  ["1e3", 1000n], ["1e3k", 1000n * KiB], ["0x10p0k", 16n * KiB], ["+5k", 5n * KiB], ["-0", 0n], ["5.", 5n], [".5k", 512n],
];
for (const [text, bytes] of ram) test(`parseRamInBytes ${JSON.stringify(text)}`, () => expectOk(parseRamInBytes(text), bytes, text));

const badRam: [string, RegExp][] = [
  ["", /invalid size: ''/], ["hello", /invalid size/], ["-32", /invalid size: '-32'/], [" 32 ", /invalid size/],
  ["32m b", /invalid size/], ["32bm", /invalid suffix: 'bm'/], ["32ki", /invalid suffix: 'ki'/],
  ["32kbb", /invalid suffix/], ["32kibx", /invalid suffix/], ["32x", /invalid suffix: 'x'/], ["32.3.4", /invalid size/],
  ["1_000", /invalid size/], ["99999999999999999999p", /too large/], ["1e400", /invalid size/],
];
for (const [text, msg] of badRam) test(`parseRamInBytes rejects ${JSON.stringify(text)}`, () => expectErr(parseRamInBytes(text), msg));

test("parseGoFloat follows strconv.ParseFloat", () => {
  assert.is(parseGoFloat("1.5"), 1.5);
  assert.is(parseGoFloat("-.5e1"), -5);
  assert.is(parseGoFloat("0x1.8p1"), 3);
  assert.is(parseGoFloat("0x_1p4"), 16);
  assert.is(parseGoFloat("Inf"), Infinity);
  assert.is(parseGoFloat("-infinity"), -Infinity);
  assert.ok(Number.isNaN(parseGoFloat("nan")));
  for (const bad of ["", ".", "e5", "1e", "0x1", "1_0", "0x1p", "1e400", "abc", "1.2.3"]) assert.is(parseGoFloat(bad), undefined, bad);
});

test.run();
