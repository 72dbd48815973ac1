import { createHash, randomBytes } from 'node:crypto';
import { API_KEY_PREFIX } from '@callfleet/contracts';
import { constantTimeEqual } from '@callfleet/platform';

/** `cf_<keyId>_<secret>`: keyId is 16 hex chars (public, finds the row), secret 32 random bytes base64url. */
const KEY_FORMAT = new RegExp(`^${API_KEY_PREFIX}([0-9a-f]{16})_([A-Za-z0-9_-]{43})$`);

export interface GeneratedApiKey {
  /** The whole key, shown to its owner once. */
  key: string;
  /** `cf_<keyId>`: stored, listed, and used to look the key up. */
  prefix: string;
  secretHash: string;
}

export interface ParsedApiKey {
  prefix: string;
  secret: string;
}

/** SHA-256 is enough for a 256-bit random secret (argon2 is for low-entropy passwords). */
export function hashApiKeySecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function generateApiKey(): GeneratedApiKey {
  const prefix = `${API_KEY_PREFIX}${randomBytes(8).toString('hex')}`;
  const secret = randomBytes(32).toString('base64url');
  return { key: `${prefix}_${secret}`, prefix, secretHash: hashApiKeySecret(secret) };
}

/** Splits a presented key; null when it cannot be one of ours. */
export function parseApiKey(key: string): ParsedApiKey | null {
  const match = KEY_FORMAT.exec(key);
  return match ? { prefix: `${API_KEY_PREFIX}${match[1]}`, secret: match[2] } : null;
}

/** Constant-time comparison of the presented secret's hash with the stored one. */
export function apiKeySecretMatches(secret: string, storedHash: string): boolean {
  return constantTimeEqual(hashApiKeySecret(secret), storedHash);
}
