import { ErrorCode } from '@callfleet/contracts';
import { decodePageCursor, encodePageCursor } from './page-cursor';

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
});
