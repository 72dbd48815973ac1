import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER } from '@callfleet/contracts';
import {
  createLocalJWKSet,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  type JWTVerifyGetKey,
  SignJWT,
  UnsecuredJWT,
} from 'jose';
import type { AppException } from '../errors/app.exception';
import { MAX_ACCESS_TOKEN_LENGTH, UnknownSigningKeyError, verifyAccessToken } from './access-token';

const KID = '2026-11-23T05-00-00Z';
const claims = { org: 'org-1', roles: ['owner'], jti: 'token-1' };

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

describe('verifyAccessToken', () => {
  let signing: KeyPair;
  let keys: JWTVerifyGetKey;

  const sign = (
    options: { kid?: string; key?: KeyPair['privateKey']; iss?: string; aud?: string; exp?: number | string } = {},
    payload: Record<string, unknown> = claims,
  ) =>
    new SignJWT(payload)
      .setProtectedHeader({ alg: 'EdDSA', kid: options.kid ?? KID })
      .setSubject('user-1')
      .setIssuer(options.iss ?? ACCESS_TOKEN_ISSUER)
      .setAudience(options.aud ?? ACCESS_TOKEN_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(options.exp ?? '15m')
      .sign(options.key ?? signing.privateKey);

  const refusal = (token: string) =>
    verifyAccessToken(token, keys).then(
      () => undefined,
      (error: AppException | Error) => error,
    );

  beforeAll(async () => {
    signing = await generateKeyPair('EdDSA', { extractable: true });
    const jwk = await exportJWK(signing.publicKey);
    keys = createLocalJWKSet({ keys: [{ ...jwk, kid: KID, alg: 'EdDSA', use: 'sig' }] });
  });

  it('accepts a token signed by a published key and returns its claims', async () => {
    const verified = await verifyAccessToken(await sign(), keys);
    expect(verified).toMatchObject({ sub: 'user-1', org: 'org-1', roles: ['owner'], jti: 'token-1' });
  });

  it('refuses an unsigned token (alg none)', async () => {
    const unsigned = new UnsecuredJWT(claims)
      .setSubject('user-1')
      .setIssuer(ACCESS_TOKEN_ISSUER)
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('15m')
      .encode();
    expect(await refusal(unsigned)).toMatchObject({ code: 'INVALID_TOKEN' });
  });

  it('refuses an HS256 token whose secret is the public key (algorithm confusion)', async () => {
    const publicPem = await exportSPKI(signing.publicKey);
    const forged = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', kid: KID })
      .setSubject('user-1')
      .setIssuer(ACCESS_TOKEN_ISSUER)
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('15m')
      .sign(new TextEncoder().encode(publicPem));
    expect(await refusal(forged)).toMatchObject({ code: 'INVALID_TOKEN' });
  });

  it('refuses a token signed by another key under a published kid', async () => {
    const other = await generateKeyPair('EdDSA');
    expect(await refusal(await sign({ key: other.privateKey }))).toMatchObject({ code: 'INVALID_TOKEN' });
  });

  it('refuses a tampered payload', async () => {
    const [header, , signature] = (await sign()).split('.');
    const payload = Buffer.from(JSON.stringify({ ...claims, roles: ['owner'], org: 'org-2' })).toString('base64url');
    expect(await refusal(`${header}.${payload}.${signature}`)).toMatchObject({ code: 'INVALID_TOKEN' });
  });

  it('says TOKEN_EXPIRED for an expired token, so the client knows to refresh', async () => {
    const expired = await sign({ exp: Math.floor(Date.now() / 1000) - 60 });
    expect(await refusal(expired)).toMatchObject({ code: 'TOKEN_EXPIRED', status: 401 });
  });

  it('refuses a token for another audience or from another issuer', async () => {
    expect(await refusal(await sign({ aud: 'someone-else' }))).toMatchObject({ code: 'INVALID_TOKEN' });
    expect(await refusal(await sign({ iss: 'evil-issuer' }))).toMatchObject({ code: 'INVALID_TOKEN' });
  });

  it('reports a kid it does not know, so the caller can refresh the key set', async () => {
    expect(await refusal(await sign({ kid: 'rotated-in-later' }))).toBeInstanceOf(UnknownSigningKeyError);
  });

  it('refuses validly signed tokens whose claims have the wrong shape', async () => {
    expect(await refusal(await sign({}, { ...claims, roles: ['superuser'] }))).toMatchObject({ code: 'INVALID_TOKEN' });
    expect(await refusal(await sign({}, { roles: ['owner'], jti: 'x' }))).toMatchObject({ code: 'INVALID_TOKEN' });
    expect(await refusal(await sign({}, { org: 'org-1', roles: ['owner'] }))).toMatchObject({ code: 'INVALID_TOKEN' });
  });

  it('refuses garbage and oversized tokens without trying to parse them', async () => {
    expect(await refusal('not-a-jwt')).toMatchObject({ code: 'INVALID_TOKEN' });
    expect(await refusal('a.b.c')).toMatchObject({ code: 'INVALID_TOKEN' });
    expect(await refusal('x'.repeat(MAX_ACCESS_TOKEN_LENGTH + 1))).toMatchObject({ code: 'INVALID_TOKEN' });
  });
});
