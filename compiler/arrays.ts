// Array helpers for the compiler's long-lived output (AST and IR).

/**
 * `a` without spare capacity. V8 grows an array filled by push() to at least 17 slots, so a one-
 * or two-element list kept in the AST or IR wastes ~128 bytes; a large spec keeps tens of
 * thousands of such lists, and every wasted byte is copied by each minor GC they survive
 * (bench/compile). `slice()` allocates exactly `length` slots; the grown original dies young.
 */
export function fit<T>(a: T[]): T[] {
  return a.length === 0 ? (EMPTY as unknown as T[]) : a.slice();
}

/**
 * Appends `x` to a list that may not exist yet (`list = append(list, x)`): the first element makes
 * an exactly-sized `[x]`, and most lists the IR keeps hold one element (a RUN's `--mount`, a COPY's
 * source), so they need no copy; `fitted` finishes the list.
 */
export function append<T>(list: T[] | null, x: T): T[] {
  if (list === null) return [x];
  list.push(x);
  return list;
}

/**
 * A list built with `append`, ready to keep: the shared empty list for none, the list itself when it
 * holds one element (made exactly sized), else `fit`'s copy without the capacity push() added.
 */
export function fitted<T>(list: T[] | null): T[] {
  if (list === null) return EMPTY as unknown as T[];
  return list.length === 1 ? list : list.slice();
}

/**
 * The one empty list `fit` returns for every empty input (tens of thousands of empty `devices`,
 * `files`, `mounts`… in a large spec's IR otherwise cost an array object each). Frozen: the
 * AST and IR are never modified after they are built, and a stray push() fails loudly.
 */
const EMPTY: readonly never[] = Object.freeze([]);

/**
 * Index of the last element of the ascending list `sorted` that is ≤ `x` (0 when none is: callers
 * pass lists that start at or below any `x` they ask about, e.g. line starts beginning with 0).
 */
export function lastAtMost(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (sorted[mid]! <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
