import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigValidationError } from '@callfleet/platform';
import { decodeProtectedHeader, SignJWT, UnsecuredJWT } from 'jose';
import { AccessTokenService } from './access-token.service';
import { generateSigningKey, kidFor, loadSigningKeys, SigningKeySet } from './signing-keys';

const subject = {
  userId: 'a3d5b7c9-1e2f-4a6b-8c0d-2e4f6a8b0c1d',
  orgId: '5b0f8a52-3c0b-4a43-8d7e-3f3c0e9b1a10',
  roles: ['owner' as const],
};

describe('signing keys and access tokens', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'auth-keys-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('names keys by time so that sorting by name finds the newest', () => {
    expect(kidFor(new Date('2026-11-23T05:00:00.123Z'))).toBe('2026-11-23T05-00-00Z');
  });

  it('signs EdDSA tokens with the claims of the contract, and verifies them', async () => {
    const keys = loadSigningKeys(dir, { generateIfEmpty: true });
    const service = new AccessTokenService(keys);
    const now = new Date();
    const { token, claims } = await service.sign(subject, now);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'EdDSA', kid: keys.current.kid });
    expect(claims).toMatchObject({ sub: subject.userId, org: subject.orgId, roles: ['owner'] });
    expect(claims.iss).toBe('callfleet-auth');
    expect(claims.aud).toBe('callfleet');
    expect(claims.exp - claims.iat).toBe(900);
    expect(await service.verify(token, now)).toMatchObject({ sub: subject.userId, jti: claims.jti });
  });

  it('after rotation signs with the newest key and still verifies tokens of the old one', async () => {
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
    expect(await service.verify(oldToken)).not.toBeNull();
    expect(await service.verify(token)).not.toBeNull();
  });

  it('refuses tokens it cannot vouch for: expired, unknown kid, unsigned, tampered', async () => {
    const keys = loadSigningKeys(dir, { generateIfEmpty: true });
    const service = new AccessTokenService(keys);
    const { token } = await service.sign(subject, new Date('2026-01-01T00:00:00Z'));
    expect(await service.verify(token, new Date('2026-01-01T00:16:00Z'))).toBeNull();

    const stranger = generateKeyPairSync('ed25519').privateKey;
    const foreign = await new SignJWT({ sub: subject.userId, jti: 'x' })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'unknown' })
      .setIssuer('callfleet-auth')
      .setAudience('callfleet')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(stranger);
    expect(await service.verify(foreign)).toBeNull();

    const unsigned = new UnsecuredJWT({ sub: subject.userId, jti: 'x' })
      .setIssuer('callfleet-auth')
      .setAudience('callfleet')
      .setIssuedAt()
      .setExpirationTime('5m')
      .encode();
    expect(await service.verify(unsigned)).toBeNull();

    const fresh = (await service.sign(subject)).token;
    const [h, p, s] = fresh.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), roles: ['owner', 'admin'] }),
    ).toString('base64url');
    expect(await service.verify(`${h}.${forged}.${s}`)).toBeNull();
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
