// The checked-in CST typings (grammar/cst.ts) match what the parser's grammar generates.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync, writeFileSync } from "node:fs";
import { generateCstTypings } from "../../grammar/cstGen.js";

const file = new URL("../../../grammar/cst.ts", import.meta.url);

test("grammar/cst.ts is up to date with grammar/parser.ts", () => {
  const want = generateCstTypings();
  if (process.env.VMSPEC_UPDATE === "1") writeFileSync(file, want);
  const have = readFileSync(file, "utf8");
  assert.is(have, want, "grammar/cst.ts is stale: run VMSPEC_UPDATE=1 node dist/test/grammar/cstTypes.test.js");
});

test.run();
