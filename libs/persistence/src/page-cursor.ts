import { ErrorCode } from '@callfleet/contracts';
import { AppException } from '@callfleet/platform';

/** Where a page ended: the last row's creation time and id (keyset pages of any order on (created_at, id)). */
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
