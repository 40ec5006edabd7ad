// Every value parser: never throws on any input, and error spans always lie inside the input.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { parseChmod } from "../../../compiler/values/chmod.js";
import { parseChown } from "../../../compiler/values/chown.js";
import { parseGoDuration } from "../../../compiler/values/duration.js";
import { parseImageRef } from "../../../compiler/values/imageRef.js";
import { parseMount } from "../../../compiler/values/mount.js";
import { parsePlatform } from "../../../compiler/values/platform.js";
import { parseExposePort, parsePortPublish } from "../../../compiler/values/ports.js";
import type { ValueResult } from "../../../compiler/values/result.js";
import { parseSignal } from "../../../compiler/values/signal.js";
import { parseRamInBytes, parseSize } from "../../../compiler/values/size.js";

const parsers: [string, (s: string) => ValueResult<unknown>][] = [
  ["parseSize", parseSize],
  ["parseRamInBytes", parseRamInBytes],
  ["parseGoDuration", parseGoDuration],
  ["parseMount", (s) => parseMount(s)],
  ["parsePlatform", (s) => parsePlatform(s)],
  ["parseImageRef", parseImageRef],
  ["parseChmod", parseChmod],
  ["parseChown", parseChown],
  ["parseExposePort", parseExposePort],
  ["parsePortPublish", parsePortPublish],
  ["parseSignal", parseSignal],
];

const input = fc.oneof(
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.array(fc.constantFrom("0", "1", "9", ".", "-", "+", ":", "/", "=", ",", '"', "@", "k", "M", "iB", "s", "h", "µ", "x", "[", "]", "sha256", "type", " ", "\n", "u", "g", "o"), { maxLength: 16 }).map((a) => a.join("")),
);

for (const [name, parse] of parsers) {
  test(`${name}: never throws, spans inside the input, hints are strings`, () => {
    fc.assert(
      fc.property(input, (text) => {
        const r = parse(text);
        if (!r.ok) {
          assert.type(r.message, "string");
          assert.ok(r.message.length > 0);
          if (r.hint !== undefined) assert.type(r.hint, "string");
          if (r.offset !== undefined) {
            const len = r.length ?? 0;
            assert.ok(r.offset >= 0 && len >= 0 && r.offset + len <= text.length, `${JSON.stringify(text)} → ${r.offset}+${len}`);
          }
        }
      }),
      { numRuns: 3000 },
    );
  });
}

test.run();
