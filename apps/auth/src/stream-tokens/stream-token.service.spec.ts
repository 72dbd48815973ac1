import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppException, ManualClock, StreamTokenError, verifyAccessToken, verifyStreamToken } from '@callfleet/platform';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, type JSONWebKeySet } from 'jose';
import { AccessTokenService } from '../tokens/access-token.service';
import { loadSigningKeys, type SigningKeySet } from '../tokens/signing-keys';
import { StreamTokenService } from './stream-token.service';

const ORG = '5b0f8a52-3c0b-4a43-8d7e-3f3c0e9b1a10';
const request = { callId: 'CA0123456789abcdef', orgId: ORG, provider: 'exotel' as const, line: 'target-7' };

describe('stream tokens signed by auth', () => {
  let dir: string;
  let keys: SigningKeySet;
  let published: ReturnType<typeof createLocalJWKSet>;
  const clock = new ManualClock(new Date('2026-12-02T03:00:00Z'));

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'auth-keys-'));
    keys = loadSigningKeys(dir, { generateIfEmpty: true });
    published = createLocalJWKSet(keys.jwks() as unknown as JSONWebKeySet);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("are signed with the access tokens' key and verify as the stream they were issued for", async () => {
    const { token, expiresAt } = await new StreamTokenService(keys, clock).issue(request);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'EdDSA', kid: keys.current.kid, typ: 'stream+jwt' });
    expect(expiresAt).toBe('2026-12-02T03:02:00.000Z');
    expect(await verifyStreamToken(token, published, clock.now())).toMatchObject({
      callId: request.callId,
      orgId: ORG,
      provider: 'exotel',
      line: 'target-7',
    });
  });

  it('live two minutes at most, shorter when asked', async () => {
    const service = new StreamTokenService(keys, clock);
    const life = async (ttlSeconds?: number) => {
      const { exp, iat } = decodeJwt((await service.issue({ ...request, ttlSeconds })).token);
      return Number(exp) - Number(iat);
    };
    expect(await life()).toBe(120);
    expect(await life(30)).toBe(30);
    expect(await life(600)).toBe(120);
  });

  it('get a fresh id each time', async () => {
    const service = new StreamTokenService(keys, clock);
    const ids = await Promise.all([1, 2, 3].map(async () => decodeJwt((await service.issue(request)).token).jti));
    expect(new Set(ids).size).toBe(3);
  });

  it('never pass as access tokens, and access tokens never pass as stream tokens', async () => {
    const { token: streamToken } = await new StreamTokenService(keys, clock).issue(request);
    await expect(verifyAccessToken(streamToken, published, clock.now())).rejects.toBeInstanceOf(AppException);

    const { token: accessToken } = await new AccessTokenService(keys).sign(
      { userId: 'a3d5b7c9-1e2f-4a6b-8c0d-2e4f6a8b0c1d', orgId: ORG, roles: ['owner'] },
      clock.now(),
    );
    await expect(verifyAccessToken(accessToken, published, clock.now())).resolves.toBeDefined();
    await expect(verifyStreamToken(accessToken, published, clock.now())).rejects.toEqual(
      new StreamTokenError('wrong-audience'),
    );
  });
});
