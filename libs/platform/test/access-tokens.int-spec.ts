import {
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  type Jwk,
  KvBuckets,
  REVOKED_TOKENS_TTL_MS,
} from '@callfleet/contracts';
import { TEST_NATS_URL, testNamespace, waitFor } from '@callfleet/testing';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import {
  AccessTokenVerifier,
  DeclaredNatsUsage,
  JwksKeyring,
  KvStoreService,
  MetricsService,
  NatsConnectionService,
  Revocations,
  SystemClock,
} from '../src';

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

/** Access-token verification as a service uses it: a published key set, the revocations bucket on the real broker. */
describe('AccessTokenVerifier (shared broker, own namespace)', () => {
  const namespace = testNamespace();
  let nats: NatsConnectionService;
  let kv: KvStoreService;
  let revocations: Revocations;
  let keyring: JwksKeyring;
  let verifier: AccessTokenVerifier;
  let current: KeyPair;
  let published: Jwk[];
  let now = Date.now();
  let jtiCounter = 0;

  const publicJwk = async (pair: KeyPair, kid: string) =>
    ({ ...(await exportJWK(pair.publicKey)), kid, alg: 'EdDSA', use: 'sig' }) as unknown as Jwk;

  const sign = (pair: KeyPair, kid: string, expiresInSeconds = 900) => {
    jtiCounter += 1;
    const jti = `jti-${jtiCounter}`;
    const iat = Math.floor(Date.now() / 1000);
    return new SignJWT({ org: 'org-1', roles: ['owner'], jti })
      .setProtectedHeader({ alg: 'EdDSA', kid })
      .setSubject('user-1')
      .setIssuer(ACCESS_TOKEN_ISSUER)
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(iat + expiresInSeconds)
      .sign(pair.privateKey)
      .then((token) => ({ token, jti }));
  };

  beforeAll(async () => {
    current = await generateKeyPair('EdDSA', { extractable: true });
    published = [await publicJwk(current, 'key-1')];
    nats = await NatsConnectionService.connect({
      servers: TEST_NATS_URL,
      name: 'access-tokens-test',
      namespace,
      declared: DeclaredNatsUsage.of({ name: 'access-tokens-test', nats: { kv: [KvBuckets.REVOKED_TOKENS] } }),
    });
    kv = new KvStoreService(nats);
    const metrics = new MetricsService('access-tokens-test');
    revocations = new Revocations(kv, metrics);
    revocations.onApplicationBootstrap();
    keyring = new JwksKeyring(
      {
        fetchKeySet: async () => ({ keys: published }),
        refreshIntervalMs: 60_000,
        unknownKeyRefreshMinIntervalMs: 1_000,
      },
      metrics,
      new SystemClock(),
    );
    verifier = new AccessTokenVerifier(keyring, revocations, { cacheMaxEntries: 2, now: () => now });
  });

  afterAll(async () => {
    revocations?.onApplicationShutdown();
    keyring?.onApplicationShutdown();
    await nats?.onApplicationShutdown();
  });

  beforeEach(() => {
    now = Date.now();
  });

  it('verifies a token once and then remembers it, within a bounded number of tokens', async () => {
    const { token } = await sign(current, 'key-1');
    const before = verifier.cachedTokens;
    expect(await verifier.verify(token)).toMatchObject({ sub: 'user-1', org: 'org-1' });
    expect(await verifier.verify(token)).toMatchObject({ sub: 'user-1' });
    expect(verifier.cachedTokens).toBe(Math.min(2, before + 1));
    for (let i = 0; i < 3; i++) await verifier.verify((await sign(current, 'key-1')).token);
    expect(verifier.cachedTokens).toBe(2);
  });

  it('still checks revocation on every call of a remembered token', async () => {
    const { token, jti } = await sign(current, 'key-1');
    await verifier.verify(token);
    const bucket = await kv.bucket(KvBuckets.REVOKED_TOKENS, { ttlMs: REVOKED_TOKENS_TTL_MS });
    await bucket.put(jti, String(Math.floor(Date.now() / 1000) + 900));
    await waitFor(
      () =>
        verifier.verify(token).then(
          () => false,
          (error: { code?: string }) => error.code === 'INVALID_TOKEN',
        ),
      3_000,
      'the revoked token refused',
    );
  });

  it('forgets a remembered token once it expires', async () => {
    const { token } = await sign(current, 'key-1', 60);
    await verifier.verify(token);
    now += 61_000;
    await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'TOKEN_EXPIRED' });
  });

  it('stops accepting remembered tokens of a key auth no longer publishes', async () => {
    const { token } = await sign(current, 'key-1');
    await verifier.verify(token);
    // Auth rotates: key-2 is published, key-1 retired. A token of key-2 makes the keyring refetch.
    const next = await generateKeyPair('EdDSA', { extractable: true });
    published = [await publicJwk(next, 'key-2')];
    await waitFor(
      async () =>
        verifier.verify((await sign(next, 'key-2')).token).then(
          () => true,
          () => false,
        ),
      5_000,
      'the rotated-in key accepted',
    );
    await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
  });
});
