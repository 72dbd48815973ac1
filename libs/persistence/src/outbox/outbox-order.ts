export interface ClaimedOutboxRow {
  /** A bigint, as PostgreSQL's driver gives it: a decimal string. */
  id: string;
  orderKey: string | null;
}

/**
 * The claimed rows one relay pass may publish, in publication order. Rows of one order key go out
 * in id order, so a row may only go if no unsent row of its key with a smaller id is out of this
 * pass's hands: `firstUnclaimed` holds, per key, the smallest unsent id this pass did not claim
 * (locked by another relay, or not due yet after a failed publish). Rows without a key never wait.
 */
export function publishableInOrder<R extends ClaimedOutboxRow>(claimed: R[], firstUnclaimed: Map<string, string>): R[] {
  return [...claimed]
    .sort((a, b) => compareIds(a.id, b.id))
    .filter((row) => {
      if (row.orderKey === null) return true;
      const blocker = firstUnclaimed.get(row.orderKey);
      return blocker === undefined || compareIds(row.id, blocker) < 0;
    });
}

function compareIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
