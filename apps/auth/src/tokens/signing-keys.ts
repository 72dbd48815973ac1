import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Jwk, type JwksDto, ServiceName } from '@callfleet/contracts';
import { ConfigValidationError } from '@callfleet/platform';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

const KID = /^[A-Za-z0-9._-]{1,64}$/;
export const JWT_ALG = 'EdDSA';

/** `2026-11-23T05:00:00.123Z` → `2026-11-23T05-00-00Z`: sorts by time and is a safe file name. */
export function kidFor(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/:/g, '-');
}

/**
 * The signing keys found in JWT_KEYS_DIR. The newest kid (by name) signs; every key verifies and
 * is published, so rotation is: add a newer key file, and remove the old one once the tokens it
 * signed have expired (ACCESS_TOKEN_TTL_SECONDS).
 */
export class SigningKeySet {
  private readonly byKid: ReadonlyMap<string, SigningKey>;
  readonly current: SigningKey;

  constructor(keys: SigningKey[]) {
    if (keys.length === 0) throw new Error('a key set needs at least one key');
    const sorted = [...keys].sort((a, b) => (a.kid < b.kid ? -1 : a.kid > b.kid ? 1 : 0));
    this.byKid = new Map(sorted.map((k) => [k.kid, k]));
    this.current = sorted[sorted.length - 1];
  }

  /** Public keys only: a JWK export of the public KeyObject has no private member (`d`). */
  jwks(): JwksDto {
    return {
      keys: [...this.byKid.values()].map(
        (k): Jwk => ({
          ...(k.publicKey.export({ format: 'jwk' }) as { kty: string }),
          kid: k.kid,
          alg: JWT_ALG,
          use: 'sig',
        }),
      ),
    };
  }
}

export function signingKeyFromPem(kid: string, pem: string): SigningKey {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new Error(`${kid}.pem is a ${privateKey.asymmetricKeyType ?? 'non-asymmetric'} key, not Ed25519`);
  }
  return { kid, privateKey, publicKey: createPublicKey(privateKey) };
}

/** Writes a new Ed25519 key as `<kid>.pem` (PKCS8, owner-only) and returns it. */
export function generateSigningKey(dir: string, now = new Date()): SigningKey {
  const kid = kidFor(now);
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  // Only the key directory itself is owner-only: a recursive mode would also lock its parents (e.g.
  // `.data`, which the embedded PostgreSQL's own user must still be able to enter).
  mkdirSync(dirname(dir), { recursive: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, `${kid}.pem`), pem, { mode: 0o600, flag: 'wx' });
  return signingKeyFromPem(kid, pem);
}

/** The `<kid>.pem` files of `dir`; none when it does not exist. */
export function keyFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.pem')) : [];
}

/**
 * Loads every `<kid>.pem` of `dir`. An empty or missing directory gets a fresh key when
 * `generateIfEmpty` (outside production); otherwise it stops the start like any bad config.
 */
export function loadSigningKeys(dir: string, options: { generateIfEmpty: boolean }): SigningKeySet {
  const fail = (problem: string) => new ConfigValidationError(ServiceName.AUTH, [`JWT_KEYS_DIR: ${problem}`]);
  const keys: SigningKey[] = [];
  for (const file of keyFiles(dir)) {
    const kid = file.slice(0, -'.pem'.length);
    if (!KID.test(kid)) throw fail(`${file}: a kid may only hold letters, digits, '.', '_' and '-'`);
    try {
      keys.push(signingKeyFromPem(kid, readFileSync(join(dir, file), 'utf8')));
    } catch (error) {
      throw fail(`${file} is not a PKCS8 Ed25519 private key (${(error as Error).message})`);
    }
  }
  if (keys.length === 0) {
    if (!options.generateIfEmpty) throw fail(`no <kid>.pem Ed25519 private key in ${dir}`);
    keys.push(generateSigningKey(dir));
  }
  return new SigningKeySet(keys);
}
