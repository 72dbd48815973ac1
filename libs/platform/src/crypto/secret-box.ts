import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

export class EncryptionKeyError extends Error {}

/** A sealed secret: the key that sealed it and base64(iv | tag | ciphertext). */
export interface SealedSecret {
  keyId: string;
  sealed: string;
}

/**
 * AES-256-GCM with key ids, for secrets at rest (provider credentials, webhook secrets). The first
 * key seals; every key opens, so a key is rotated by putting a new one first and keeping the old
 * one until every row sealed with it has been sealed again. The additional data binds a ciphertext
 * to its row: copied onto another row, it no longer opens.
 */
export class SecretBox {
  private constructor(
    private readonly keys: ReadonlyMap<string, Buffer>,
    readonly activeKeyId: string,
  ) {}

  /** Reads `kid:base64key,kid2:base64key2` (each key 32 bytes); the first is the one that seals. */
  static fromConfig(text: string): SecretBox {
    const keys = new Map<string, Buffer>();
    for (const item of text
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const colon = item.indexOf(':');
      const keyId = item.slice(0, colon);
      if (colon <= 0 || !KEY_ID.test(keyId)) throw new EncryptionKeyError('each key must look like <kid>:<base64 key>');
      const key = Buffer.from(item.slice(colon + 1), 'base64');
      if (key.length !== 32) throw new EncryptionKeyError(`key ${keyId} must be 32 bytes (base64 of 32 random bytes)`);
      if (keys.has(keyId)) throw new EncryptionKeyError(`key id ${keyId} appears twice`);
      keys.set(keyId, key);
    }
    const [active] = keys.keys();
    if (!active) throw new EncryptionKeyError('at least one key is required');
    return new SecretBox(keys, active);
  }

  seal(plaintext: string, additionalData: string): SealedSecret {
    const key = this.keys.get(this.activeKeyId) as Buffer;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, key, iv);
    cipher.setAAD(Buffer.from(additionalData, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return {
      keyId: this.activeKeyId,
      sealed: Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64'),
    };
  }

  /** The plaintext; throws when the key is unknown or the ciphertext, its row or its key do not match. */
  open(secret: SealedSecret, additionalData: string): string {
    const key = this.keys.get(secret.keyId);
    if (!key) throw new EncryptionKeyError(`no key ${secret.keyId} to open this secret`);
    const bytes = Buffer.from(secret.sealed, 'base64');
    if (bytes.length < IV_BYTES + TAG_BYTES) throw new EncryptionKeyError('sealed secret is too short');
    const decipher = createDecipheriv(ALGORITHM, key, bytes.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(additionalData, 'utf8'));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  }

  /** True when a secret was sealed with an older key and should be sealed again. */
  needsResealing(secret: SealedSecret): boolean {
    return secret.keyId !== this.activeKeyId;
  }
}
