/**
 * The candidate closest to a mistyped name (case-insensitive edit distance), if it is close enough to be a typo:
 * at most a third of the name's length.
 *
 * @example
 * closestName('yearbuild', ['yearBuilt', 'neighborhood']) // 'yearBuilt'
 */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  return closestNames(name, candidates, { limit: 1 })[0];
}

/**
 * The candidates that a mistyped name most likely meant, closest first: those within a typo's reach (at most a third
 * of the compared length, a swapped pair of letters counting as one edit) and, failing any, those that contain the
 * name as a whole (so "Grocery" finds "Supermarket / Grocery Store"). `key` reduces both sides before comparing.
 *
 * @example
 * closestNames('Hotle', ['Hotel', 'Hospital']) // ['Hotel']
 */
export function closestNames(
  name: string,
  candidates: readonly string[],
  options: { limit?: number; key?: (value: string) => string } = {},
): string[] {
  const key = options.key ?? ((value: string) => value.toLowerCase());
  const limit = options.limit ?? 3;
  const wanted = key(name);
  if (wanted === '') return [];
  const reach = Math.max(1, Math.floor(wanted.length / 3));
  const near: { candidate: string; distance: number }[] = [];
  const containing: string[] = [];
  // Candidates that reduce to the same key say the same thing: the first one spelled stands for them.
  const seen = new Set<string>();
  for (const candidate of candidates) {
    const other = key(candidate);
    if (seen.has(other)) continue;
    seen.add(other);
    // The distance is at least the difference in length: skip the quadratic work when that alone is too far.
    const distance = Math.abs(wanted.length - other.length) > reach ? Infinity : editDistance(wanted, other);
    if (distance <= reach) near.push({ candidate, distance });
    else if (wanted.length >= 4 && other.includes(wanted)) containing.push(candidate);
  }
  near.sort((a, b) => a.distance - b.distance);
  const found = near.length > 0 ? near.map((n) => n.candidate) : containing;
  return found.slice(0, limit);
}

// Optimal string alignment distance: insertions, deletions, substitutions and swaps of two neighbours cost one each.
function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((row[j] ?? 0) + 1, (next[j - 1] ?? 0) + 1, (row[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, (before[j - 2] ?? 0) + 1);
      next.push(best);
    }
    before = row;
    row = next;
  }
  return row[b.length] ?? 0;
}
