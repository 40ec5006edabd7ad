// compiler/arrays.ts: the shared list helpers.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { append, fit, fitted, lastAtMost } from "../../compiler/arrays.js";

test("lastAtMost finds the last element ≤ x, agreeing with a linear scan", () => {
  const lists = [[0], [0, 5], [0, 1, 2, 3], [0, 4, 4, 9, 20], [0, 3, 7, 7, 7, 12, 30, 31]];
  for (const s of lists) {
    for (let x = 0; x <= s[s.length - 1]! + 2; x++) {
      let want = 0;
      for (let i = 0; i < s.length; i++) if (s[i]! <= x) want = i;
      assert.is(lastAtMost(s, x), want, `${JSON.stringify(s)} x=${x}`);
    }
  }
});

test("fit returns an equal array without spare capacity, and one shared frozen empty list", () => {
  const a = [1, 2, 3];
  const b = fit(a);
  assert.equal(b, a);
  assert.is.not(b, a);
  assert.is(fit([]), fit([]));
  assert.ok(Object.isFrozen(fit([])));
});

test("append + fitted: elements in order; none gives the shared frozen empty list, one its own list", () => {
  assert.is(fitted<number>(null), fit([]));
  let one: number[] | null = null;
  one = append(one, 7);
  assert.equal(fitted(one), [7]);
  assert.is(fitted(one), one);
  for (const n of [2, 3, 20]) {
    let list: number[] | null = null;
    for (let i = 0; i < n; i++) list = append(list, i);
    const kept = fitted(list);
    assert.equal(kept, Array.from({ length: n }, (_, i) => i));
    assert.is.not(kept, list, `${n} elements: a copy without the capacity push() added`);
  }
});

test.run();
