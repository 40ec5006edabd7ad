// Dockerfile compatibility of word expansion: every table case in cases.ts through expandWord /
// expandWords, checking values, words, refs and error codes with their spans.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { expandWord, expandWords, type ExpandEnv } from "../../../compiler/words/expand.js";
import {
  backtickCases,
  baseEnv,
  errorCases,
  operatorCases,
  quotingCases,
  referenceCases,
  skipQuotesCases,
  splitCases,
  type WordCase,
} from "./cases.js";

function envOf(vars: Record<string, string> | undefined): ExpandEnv {
  const m = new Map(Object.entries(vars ?? baseEnv));
  return { get: (k) => m.get(k) };
}

function addWordCases(title: string, cases: WordCase[], skipQuotes = false): void {
  const s = suite(title);
  for (const c of cases) {
    s(`${c.name ? c.name + ": " : ""}${JSON.stringify(c.in)}`, () => {
      const r = expandWord(c.in, envOf(c.env), c.esc ?? "\\", { skipQuotes });
      if (c.err) {
        assert.is(r.errors.length, 1, `expected an error, got value ${JSON.stringify(r.value)}`);
        const e = r.errors[0];
        assert.equal([e.code, e.offset, e.length], c.err, e.message);
        assert.is(r.value, "");
      } else {
        assert.equal(r.errors, [], r.errors[0]?.message);
        assert.is(r.value, c.out);
      }
      if (c.refs) assert.equal(r.refs, c.refs);
    });
  }
  s.run();
}

addWordCases("quoting", quotingCases);
addWordCases("references", referenceCases);
addWordCases("operators", operatorCases);
addWordCases("errors", errorCases);
addWordCases("backtick escape", backtickCases);
addWordCases("heredoc bodies (quotes are ordinary)", skipQuotesCases, true);

const split = suite("word splitting");
for (const c of splitCases) {
  split(`${c.name ? c.name + ": " : ""}${JSON.stringify(c.in)}`, () => {
    const r = expandWords(c.in, envOf(c.env), c.esc ?? "\\");
    if (c.err) {
      assert.is(r.errors[0]?.code, c.err);
      assert.equal(r.words, []);
    } else {
      assert.equal(r.errors, []);
      assert.equal(r.words, c.words);
    }
  });
}
split.run();

const agree = suite("ProcessWord and ProcessWords agree");
for (const c of [...quotingCases, ...referenceCases, ...operatorCases, ...errorCases]) {
  agree(JSON.stringify(c.in), () => {
    const env = envOf(c.env);
    const one = expandWord(c.in, env, "\\");
    const many = expandWords(c.in, env, "\\");
    assert.equal(many.errors, one.errors);
    assert.equal(many.refs, one.refs);
    // Without whitespace anywhere, splitting yields the single word (or nothing when empty).
    if (one.errors.length === 0 && !/\s/u.test(one.value) && !/\s/u.test(c.in)) {
      assert.equal(many.words, one.value === "" ? [] : [one.value]);
    }
  });
}
agree.run();
