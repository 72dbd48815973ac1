import { ErrorCode } from '@callfleet/contracts';
import { decodePageCursor, encodePageCursor, toPage } from './page-cursor';

describe('page cursors', () => {
  it('give back the position they were made from', () => {
    const cursor = { createdAt: new Date('2026-12-01T10:00:00.123Z'), id: '7c9e6679-7425-40de-944b-e07fc1f90ae7' };
    const text = encodePageCursor(cursor);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodePageCursor(text)).toEqual(cursor);
  });

  it('refuse text that is not a cursor', () => {
    for (const text of ['abc', Buffer.from('2026-12-01T10:00:00Z|not-a-uuid').toString('base64url')]) {
      expect(() => decodePageCursor(text)).toThrow(expect.objectContaining({ code: ErrorCode.VALIDATION_ERROR }));
    }
  });

  it('make a page with a cursor only when an extra row shows there is more', () => {
    const rows = [1, 2, 3].map((n) => ({
      createdAt: new Date(Date.UTC(2026, 0, n)),
      id: `00000000-0000-4000-8000-00000000000${n}`,
    }));
    const more = toPage(rows, 2, (row) => row.id);
    expect(more.items).toEqual([rows[0].id, rows[1].id]);
    expect(decodePageCursor(more.nextCursor ?? '')).toEqual(rows[1]);
    expect(toPage(rows, 3, (row) => row.id)).toEqual({ items: rows.map((row) => row.id), nextCursor: null });
    expect(toPage([], 3, (row) => row)).toEqual({ items: [], nextCursor: null });
  });
});
