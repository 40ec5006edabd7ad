// "Did you mean": close package names for an unknown one, by edit distance and shared prefix.

/** Levenshtein distance, stopping early (returns `limit + 1`) once it must exceed `limit`. */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (cur[j]! < rowMin) rowMin = cur[j]!;
    }
    if (rowMin > limit) return limit + 1;
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}

/**
 * Up to `max` names from `names` close to `wanted`: edit distance ≤ max(1, ⌊len/4⌋+1), or names
 * that extend `wanted` with a `-suffix`; ordered by distance, then name. Deterministic.
 */
export function suggestNames(wanted: string, names: Iterable<string>, max = 5): string[] {
  const limit = Math.max(1, Math.floor(wanted.length / 4) + 1);
  const hits: [number, string][] = [];
  for (const n of names) {
    if (n === wanted) continue;
    const d = editDistance(wanted, n, limit);
    if (d <= limit) hits.push([d, n]);
    else if (n.startsWith(`${wanted}-`) || wanted.startsWith(`${n}-`)) hits.push([limit + 1, n]);
  }
  hits.sort((x, y) => x[0] - y[0] || (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0));
  return hits.slice(0, max).map((h) => h[1]);
}
