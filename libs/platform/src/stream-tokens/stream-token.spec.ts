import { createHmac, KeyObject } from 'node:crypto';
import {
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  STREAM_TOKEN_AUDIENCE,
  STREAM_TOKEN_ISSUER,
  STREAM_TOKEN_TYPE,
} from '@callfleet/contracts';
import { createLocalJWKSet, exportJWK, generateKeyPair, type JWTVerifyGetKey, SignJWT } from 'jose';
import {
  MAX_STREAM_TOKEN_LENGTH,
  StreamTokenError,
  type StreamTokenFailureReason,
  verifyStreamToken,
} from './stream-token';

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

const ORG = '5b0f8a52-3c0b-4a43-8d7e-3f3c0e9b1a10';
const NOW = new Date('2026-12-02T03:00:00Z');
const NOW_S = NOW.getTime() / 1000;

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('verifyStreamToken', () => {
  let pair: KeyPair;
  let keys: JWTVerifyGetKey;

  interface Spec {
    header?: Record<string, unknown>;
    claims?: Record<string, unknown>;
    iat?: number;
    exp?: number;
    aud?: string;
    iss?: string;
    sub?: string;
    key?: KeyPair;
  }
  const sign = (spec: Spec = {}) => {
    const iat = spec.iat ?? NOW_S;
    return new SignJWT({ org: ORG, provider: 'twilio', line: 'target-7', ...spec.claims })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'key-1', typ: STREAM_TOKEN_TYPE, ...spec.header })
      .setIssuer(spec.iss ?? STREAM_TOKEN_ISSUER)
      .setAudience(spec.aud ?? STREAM_TOKEN_AUDIENCE)
      .setSubject(spec.sub ?? 'CA0123456789abcdef')
      .setJti('token-1')
      .setIssuedAt(iat)
      .setExpirationTime(spec.exp ?? iat + 120)
      .sign((spec.key ?? pair).privateKey);
  };

  const refusal = (token: string, at = NOW): Promise<StreamTokenFailureReason | 'accepted'> =>
    verifyStreamToken(token, keys, at).then(
      () => 'accepted',
      (error: unknown) => {
        if (!(error instanceof StreamTokenError)) throw error;
        return error.reason;
      },
    );

  beforeAll(async () => {
    pair = await generateKeyPair('EdDSA', { extractable: true });
    keys = createLocalJWKSet({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'key-1', alg: 'EdDSA' }] });
  });

  it('accepts a token of ours and reports the call, organization, provider and line it is for', async () => {
    expect(await verifyStreamToken(await sign(), keys, NOW)).toEqual({
      callId: 'CA0123456789abcdef',
      orgId: ORG,
      provider: 'twilio',
      line: 'target-7',
      expiresAt: NOW_S + 120,
      tokenId: 'token-1',
    });
  });

  it('leaves the line out when the token has none', async () => {
    const claims = await verifyStreamToken(await sign({ claims: { line: undefined } }), keys, NOW);
    expect(claims).not.toHaveProperty('line');
  });

  it('refuses an expired token, and one issued in the future', async () => {
    expect(await refusal(await sign(), new Date((NOW_S + 121) * 1000))).toBe('expired');
    expect(await refusal(await sign({ iat: NOW_S + 60 }))).toBe('invalid-claims');
  });

  it('refuses a token minted with more than two minutes to live, though signed with our key', async () => {
    expect(await refusal(await sign({ exp: NOW_S + 121 }))).toBe('invalid-claims');
    expect(await refusal(await sign({ exp: NOW_S + 3600 }))).toBe('invalid-claims');
  });

  it('refuses an access token signed with the same key (other audience and typ)', async () => {
    const accessToken = await new SignJWT({ org: ORG, roles: ['owner'], jti: 'a-1' })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'key-1', typ: 'JWT' })
      .setIssuer(ACCESS_TOKEN_ISSUER)
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setSubject('a3d5b7c9-1e2f-4a6b-8c0d-2e4f6a8b0c1d')
      .setIssuedAt(NOW_S)
      .setExpirationTime(NOW_S + 60)
      .sign(pair.privateKey);
    expect(await refusal(accessToken)).toBe('wrong-audience');
    // Either check alone refuses it.
    expect(await refusal(await sign({ aud: ACCESS_TOKEN_AUDIENCE }))).toBe('wrong-audience');
    expect(await refusal(await sign({ header: { typ: 'JWT' } }))).toBe('wrong-audience');
    expect(await refusal(await sign({ iss: 'someone-else' }))).toBe('invalid-claims');
  });

  it('refuses alg none and an HS256 token keyed with our public key', async () => {
    const payload = { sub: 'CA1', org: ORG, provider: 'twilio', jti: 'x', iat: NOW_S, exp: NOW_S + 60 };
    const claims = { ...payload, iss: STREAM_TOKEN_ISSUER, aud: STREAM_TOKEN_AUDIENCE };
    const none = `${b64url({ alg: 'none', typ: STREAM_TOKEN_TYPE })}.${b64url(claims)}.`;
    expect(await refusal(none)).toBe('bad-signature');

    const publicPem = KeyObject.from(pair.publicKey).export({ format: 'pem', type: 'spki' });
    const signingInput = `${b64url({ alg: 'HS256', kid: 'key-1', typ: STREAM_TOKEN_TYPE })}.${b64url(claims)}`;
    const mac = createHmac('sha256', publicPem).update(signingInput).digest('base64url');
    expect(await refusal(`${signingInput}.${mac}`)).toBe('bad-signature');
  });

  it('refuses a payload changed after signing (another call id)', async () => {
    const [header, payload, signature] = (await sign()).split('.');
    const changed = { ...JSON.parse(Buffer.from(payload, 'base64url').toString()), sub: 'CA-other-call' };
    expect(await refusal(`${header}.${b64url(changed)}.${signature}`)).toBe('bad-signature');
  });

  it('refuses a token signed with a key auth does not publish as an unknown key', async () => {
    const stranger = await generateKeyPair('EdDSA');
    expect(await refusal(await sign({ key: stranger, header: { kid: 'key-2' } }))).toBe('unknown-key');
    expect(await refusal(await sign({ key: stranger }))).toBe('bad-signature');
  });

  it('refuses claims of the wrong shape', async () => {
    expect(await refusal(await sign({ sub: '../../etc' }))).toBe('invalid-claims');
    expect(await refusal(await sign({ sub: 'x'.repeat(65) }))).toBe('invalid-claims');
    expect(await refusal(await sign({ claims: { provider: 'vonage' } }))).toBe('invalid-claims');
    expect(await refusal(await sign({ claims: { org: 'not-a-uuid' } }))).toBe('invalid-claims');
    expect(await refusal(await sign({ claims: { line: 'has spaces' } }))).toBe('invalid-claims');
    expect(await refusal(await sign({ claims: { line: 42 } }))).toBe('invalid-claims');
  });

  it('refuses garbage, an empty token and one longer than 4 KB without parsing it', async () => {
    expect(await refusal('')).toBe('missing');
    expect(await refusal('not a token')).toBe('malformed');
    expect(await refusal('a.b.c')).toBe('malformed');
    expect(await refusal(`${await sign()}.extra`)).toBe('malformed');
    const huge = await sign({ claims: { pad: 'x'.repeat(MAX_STREAM_TOKEN_LENGTH) } });
    expect(huge.length).toBeGreaterThan(MAX_STREAM_TOKEN_LENGTH);
    expect(await refusal(huge)).toBe('malformed');
  });
});
