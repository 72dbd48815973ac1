import { isProvenCopy } from './provider-copy-deletion.job';

describe("isProvenCopy: the provider's copy goes only while ours is proven", () => {
  const sha256 = 'a'.repeat(64);
  const stored = { state: 'stored' as const, bytes: 1000, sha256 };
  const object = { key: 'org/x/r.wav', bytes: 1000, sha256, contentType: 'audio/x-wav' };

  it('accepts a stored recording whose object has its size and checksum', () => {
    expect(isProvenCopy(stored, object)).toBe(true);
  });

  it('refuses when our object is missing, differs, or the recording is not stored', () => {
    expect(isProvenCopy(stored, null)).toBe(false);
    expect(isProvenCopy(stored, { ...object, sha256: 'b'.repeat(64) })).toBe(false);
    expect(isProvenCopy(stored, { ...object, bytes: 999 })).toBe(false);
    expect(isProvenCopy({ ...stored, state: 'failed' }, object)).toBe(false);
    expect(isProvenCopy({ ...stored, sha256: null }, object)).toBe(false);
  });
});
