import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigValidationError, verifyAccessToken } from '@callfleet/platform';
import { createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet } from 'jose';
import { AccessTokenService } from './access-token.service';
import { generateSigningKey, kidFor, loadSigningKeys, SigningKeySet } from './signing-keys';

const subject = {
  userId: 'a3d5b7c9-1e2f-4a6b-8c0d-2e4f6a8b0c1d',
  orgId: '5b0f8a52-3c0b-4a43-8d7e-3f3c0e9b1a10',
  roles: ['owner' as const],
};

/** What a verifier (the gateway) makes of a token, given the keys auth publishes. */
const verifiedWith = (keys: SigningKeySet, token: string, now?: Date) =>
  verifyAccessToken(token, createLocalJWKSet(keys.jwks() as unknown as JSONWebKeySet), now).catch(() => null);

describe('signing keys and access tokens', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'auth-keys-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('names keys by time so that sorting by name finds the newest', () => {
    expect(kidFor(new Date('2026-11-23T05:00:00.123Z'))).toBe('2026-11-23T05-00-00Z');
  });

  it('signs EdDSA tokens with the claims of the contract, which verify with the published keys', async () => {
    const keys = loadSigningKeys(dir, { generateIfEmpty: true });
    const service = new AccessTokenService(keys);
    const now = new Date();
    const { token, claims } = await service.sign(subject, now);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'EdDSA', kid: keys.current.kid });
    expect(claims).toMatchObject({ sub: subject.userId, org: subject.orgId, roles: ['owner'] });
    expect(claims.iss).toBe('callfleet-auth');
    expect(claims.aud).toBe('callfleet');
    expect(claims.exp - claims.iat).toBe(900);
    expect(await verifiedWith(keys, token, now)).toMatchObject({ sub: subject.userId, jti: claims.jti });
  });

  it('after rotation signs with the newest key and still publishes the old one for its tokens', async () => {
    const oldKey = generateSigningKey(dir, new Date('2026-11-01T00:00:00Z'));
    const oldService = new AccessTokenService(new SigningKeySet([oldKey]));
    const { token: oldToken } = await oldService.sign(subject);

    const newKey = generateSigningKey(dir, new Date('2026-11-23T00:00:00Z'));
    const rotated = loadSigningKeys(dir, { generateIfEmpty: false });
    expect(rotated.current.kid).toBe(newKey.kid);
    expect(rotated.jwks().keys.map((k) => k.kid)).toEqual([oldKey.kid, newKey.kid]);
    const service = new AccessTokenService(rotated);
    const { token } = await service.sign(subject);
    expect(decodeProtectedHeader(token).kid).toBe(newKey.kid);
    expect(await verifiedWith(rotated, oldToken)).not.toBeNull();
    expect(await verifiedWith(rotated, token)).not.toBeNull();
  });

  it('publishes public keys only', () => {
    const keys = loadSigningKeys(dir, { generateIfEmpty: true });
    const [jwk] = keys.jwks().keys;
    expect(jwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig', kid: keys.current.kid });
    expect(jwk).not.toHaveProperty('d');
  });

  it('generates a key in an empty directory only when allowed, and refuses bad key files naming JWT_KEYS_DIR', () => {
    expect(() => loadSigningKeys(dir, { generateIfEmpty: false })).toThrow(ConfigValidationError);
    expect(() => loadSigningKeys(dir, { generateIfEmpty: false })).toThrow(/JWT_KEYS_DIR/);
    loadSigningKeys(join(dir, 'fresh'), { generateIfEmpty: true });
    expect(readdirSync(join(dir, 'fresh'))).toHaveLength(1);

    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' });
    writeFileSync(join(dir, '2026-11-23T00-00-00Z.pem'), rsa);
    expect(() => loadSigningKeys(dir, { generateIfEmpty: true })).toThrow(/JWT_KEYS_DIR: .*not a PKCS8 Ed25519/);
  });
});
