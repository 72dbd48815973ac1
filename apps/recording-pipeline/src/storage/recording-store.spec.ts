import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertObjectKey, recordingKey, resolveRange, UnsatisfiableRangeError } from './recording-store';
import { Sha256MismatchError, Sha256Tap, s3Sha256Checksum } from './sha256-tap';

const ids = { orgId: 'org_1', callId: 'call-7', recordingId: 'rec_9' };

describe('recording keys', () => {
  it('are org/<org>/<yyyy>/<mm>/<dd>/<call>/<recording>.<ext>, dated in UTC', () => {
    const createdAt = new Date('2026-03-01T23:30:00-05:00');
    expect(recordingKey({ ...ids, createdAt, ext: 'wav' })).toBe('org/org_1/2026/03/02/call-7/rec_9.wav');
  });

  it('refuse ids and extensions that would change the path', () => {
    const createdAt = new Date();
    expect(() => recordingKey({ ...ids, orgId: '../other', createdAt, ext: 'wav' })).toThrow('orgId');
    expect(() => recordingKey({ ...ids, callId: 'a/b', createdAt, ext: 'wav' })).toThrow('callId');
    expect(() => recordingKey({ ...ids, createdAt, ext: 'wav/../x' })).toThrow('extension');
    expect(() => recordingKey({ ...ids, createdAt: new Date('nope'), ext: 'wav' })).toThrow('date');
  });

  it('are the only keys the stores take', () => {
    expect(() => assertObjectKey(recordingKey({ ...ids, createdAt: new Date(), ext: 'mp3' }))).not.toThrow();
    for (const bad of ['', '/org/x', 'org//x', 'org/../x', 'org/./x', 'org/.hidden', 'org/x y']) {
      expect(() => assertObjectKey(bad)).toThrow('not an object key');
    }
  });
});

describe('byte ranges', () => {
  it('are inclusive, clamped to the object, and refused past its end', () => {
    expect(resolveRange(undefined, 1000)).toEqual({ start: 0, end: 999 });
    expect(resolveRange({ start: 100, end: 199 }, 1000)).toEqual({ start: 100, end: 199 });
    expect(resolveRange({ start: 900 }, 1000)).toEqual({ start: 900, end: 999 });
    expect(resolveRange({ start: 900, end: 5000 }, 1000)).toEqual({ start: 900, end: 999 });
    expect(() => resolveRange({ start: 1000 }, 1000)).toThrow(UnsatisfiableRangeError);
    expect(() => resolveRange({ start: 10, end: 5 }, 1000)).toThrow('not a byte range');
  });
});

describe('the SHA-256 tap', () => {
  const bytes = Buffer.from(Array.from({ length: 2500 }, (_, i) => (i * 7) % 256));
  const digest = (b: Buffer) => createHash('sha256').update(b).digest();

  async function tapped(options: ConstructorParameters<typeof Sha256Tap>[0]) {
    const tap = new Sha256Tap(options);
    const chunks = [bytes.subarray(0, 333), bytes.subarray(333, 1500), bytes.subarray(1500)];
    await pipeline(Readable.from(chunks), tap, async (source) => {
      for await (const _ of source);
    });
    return tap;
  }

  it('computes the checksum S3 reports, single-part and multipart (composite of the parts)', async () => {
    const tap = await tapped({ partSizeBytes: 1000 });
    expect(tap.sha256).toBe(digest(bytes).toString('hex'));
    expect(s3Sha256Checksum(tap, false)).toBe(digest(bytes).toString('base64'));
    const parts = [bytes.subarray(0, 1000), bytes.subarray(1000, 2000), bytes.subarray(2000)].map(digest);
    expect(s3Sha256Checksum(tap, true)).toBe(`${digest(Buffer.concat(parts)).toString('base64')}-3`);
  });

  it('fails the stream at its end when the bytes do not hash to the expected checksum', async () => {
    await expect(tapped({ expectedSha256: digest(Buffer.from('x')).toString('hex') })).rejects.toBeInstanceOf(
      Sha256MismatchError,
    );
    await expect(tapped({ expectedSha256: digest(bytes).toString('hex') })).resolves.toBeDefined();
  });
});
