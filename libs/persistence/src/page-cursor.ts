import { ErrorCode } from '@callfleet/contracts';
import { AppException } from '@callfleet/platform';

/**
 * Where a keyset page ended: the last row's creation time and id. Every cursor-paged list of the
 * fleet (recordings, destinations, targets, hunts, lines...) orders by `(created_at, id)` and gives
 * this out as an opaque base64url `nextCursor`.
 */
export interface PageCursor {
  createdAt: Date;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodePageCursor(cursor: PageCursor): string {
  return Buffer.from(`${cursor.createdAt.toISOString()}|${cursor.id}`).toString('base64url');
}

/** The cursor `nextCursor` gave out, or VALIDATION_ERROR for anything else. */
export function decodePageCursor(text: string): PageCursor {
  const [at, id, extra] = Buffer.from(text, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at ?? '');
  if (extra !== undefined || !id || !UUID.test(id) || Number.isNaN(createdAt.getTime())) {
    throw new AppException(ErrorCode.VALIDATION_ERROR, 'cursor is not one this API gave out');
  }
  return { createdAt, id };
}

/**
 * One page from rows read with `LIMIT limit + 1`: the first `limit` rows mapped, and a cursor after
 * the last of them when the extra row shows there is more.
 */
export function toPage<R extends PageCursor, D>(
  rows: R[],
  limit: number,
  toItem: (row: R) => D,
): { items: D[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { items: page.map(toItem), nextCursor: rows.length > limit && last ? encodePageCursor(last) : null };
}
