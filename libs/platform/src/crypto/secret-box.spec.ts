import { randomBytes } from 'node:crypto';
import { EncryptionKeyError, SecretBox } from './secret-box';

const keyA = randomBytes(32).toString('base64');
const keyB = randomBytes(32).toString('base64');

describe('SecretBox', () => {
  it('seals with the first key and opens with the same additional data', () => {
    const box = SecretBox.fromConfig(`2026-01:${keyA}`);
    const sealed = box.seal('{"authToken":"s3cret"}', 'provider-account:1');
    expect(sealed.keyId).toBe('2026-01');
    expect(sealed.sealed).not.toContain('s3cret');
    expect(box.open(sealed, 'provider-account:1')).toBe('{"authToken":"s3cret"}');
  });

  it('never produces the same ciphertext twice for the same secret', () => {
    const box = SecretBox.fromConfig(`k:${keyA}`);
    expect(box.seal('same', 'row').sealed).not.toBe(box.seal('same', 'row').sealed);
  });

  it('refuses a ciphertext moved to another row, tampered with, or under an unknown key', () => {
    const box = SecretBox.fromConfig(`k:${keyA}`);
    const sealed = box.seal('secret', 'provider-account:1');
    expect(() => box.open(sealed, 'provider-account:2')).toThrow();
    const bytes = Buffer.from(sealed.sealed, 'base64');
    bytes[bytes.length - 1] ^= 1;
    expect(() => box.open({ ...sealed, sealed: bytes.toString('base64') }, 'provider-account:1')).toThrow();
    expect(() => box.open({ ...sealed, keyId: 'other' }, 'provider-account:1')).toThrow(EncryptionKeyError);
  });

  it('rotates: a new first key seals, the old one still opens what it sealed', () => {
    const before = SecretBox.fromConfig(`old:${keyA}`);
    const sealedBefore = before.seal('secret', 'row');
    const after = SecretBox.fromConfig(`new:${keyB},old:${keyA}`);
    expect(after.open(sealedBefore, 'row')).toBe('secret');
    expect(after.needsResealing(sealedBefore)).toBe(true);
    expect(after.seal('secret', 'row').keyId).toBe('new');
  });

  it('refuses key lists that would seal badly', () => {
    for (const bad of ['', 'nokey', `:${keyA}`, 'k:c2hvcnQ=', `k:${keyA},k:${keyB}`, `bad id:${keyA}`]) {
      expect(() => SecretBox.fromConfig(bad)).toThrow(EncryptionKeyError);
    }
  });
});
