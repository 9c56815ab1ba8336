/**
 * Which entries are out of place in storage order, given their sequence numbers.
 *
 * An entry is in place when it belongs to EVERY longest strictly increasing subsequence of the
 * sequence numbers (read in storage order): no other explanation of the order needs it moved.
 * The others are reported. This is as precise as the data allows:
 *   1 2 3 5 4 6      → 4 and 5 (a swap of neighbours: either one may have moved)
 *   1 2 7 4 5 6 3 8  → 3 and 7 (a swap at a distance)
 *   1 3 4 5 … 10 2   → 2 only (one entry moved; the rest are not blamed)
 * O(n log n) time, O(n) memory. Pure arithmetic; trusts nothing.
 */

/** Length of the longest strictly increasing subsequence ending at each position. */
function lisEndingAt(a: readonly number[]): number[] {
  const tails: number[] = [];
  const out = new Array<number>(a.length);
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((tails[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
    tails[lo] = x;
    out[i] = lo + 1;
  }
  return out;
}

/** Positions (indexes into `seqs`) of the entries that are out of place. `seqs` must be distinct. */
export function misplaced(seqs: readonly number[]): number[] {
  const n = seqs.length;
  const ending = lisEndingAt(seqs);
  // Longest increasing run starting at i = longest decreasing run of the reversed, negated list ending there.
  const starting = lisEndingAt(seqs.map((_, i) => -(seqs[n - 1 - i] as number))).reverse();
  let longest = 0;
  for (const l of ending) longest = Math.max(longest, l);
  const onSome = (i: number): boolean => (ending[i] as number) + (starting[i] as number) - 1 === longest;
  const perRank = new Map<number, number>();
  for (let i = 0; i < n; i++) if (onSome(i)) perRank.set(ending[i] as number, (perRank.get(ending[i] as number) ?? 0) + 1);
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (!onSome(i) || perRank.get(ending[i] as number) !== 1) out.push(i);
  return out;
}
