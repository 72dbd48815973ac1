import type { CreatedApiKeyDto, UserDto } from '@callfleet/contracts';
import { waitFor } from '@callfleet/testing';
import {
  awayFromWindowEdge,
  envelopeOf,
  type GatewayClient,
  GatewayFleet,
  registration,
  type TokenPair,
  uniqueEmail,
} from './gateway-fleet';

/**
 * What the hostile run of the fleet found around credentials: bursts on one budget, revoked API keys,
 * invitations that tell whether an address has an account, and the cost of hashing per client address.
 * The gateways trust one proxy hop here, so each test speaks from an address of its own (X-Forwarded-For).
 */
const LOGIN_BUDGET = 48;
const ANONYMOUS_BUDGET = 100;
const BURST = 64;

describe('gateway under credential abuse (auth + two gateway replicas, real NATS and PostgreSQL)', () => {
  let fleet: GatewayFleet;
  let a: GatewayClient;
  let b: GatewayClient;
  let addressCount = 0;
  const newAddress = () => {
    addressCount += 1;
    return `198.51.100.${addressCount}`;
  };

  beforeAll(async () => {
    // A login budget larger than the bursts a compare-and-set loop gives up under.
    fleet = await GatewayFleet.start({
      TRUSTED_PROXY_HOPS: '1',
      RATE_LIMIT_ANONYMOUS: `${ANONYMOUS_BUDGET}/15m`,
      RATE_LIMIT_LOGIN: `${LOGIN_BUDGET}/15m`,
    });
    a = fleet.client(0);
    b = fleet.client(1);
  });

  afterAll(async () => {
    await fleet?.stop();
  });

  /**
   * A login with an empty password: it passes the limiter and is then refused by validation (400)
   * before auth hashes anything, so a 400 stands for a login that would have cost a hash. Dozens of
   * real argon2 hashes at once would measure this machine's CPU, not the limiter.
   */
  const login = (client: GatewayClient, address: string, email: string) =>
    client.api('POST', '/auth/login', {
      body: { email, password: '' },
      headers: { 'x-forwarded-for': address },
    });

  it('answers a burst on one login budget with the login’s answer up to the budget and 429 after it, never 503', async () => {
    await awayFromWindowEdge(15 * 60_000);
    const address = newAddress();
    const email = uniqueEmail('burst');
    const answers = await Promise.all(
      Array.from({ length: BURST }, (_, i) => login(i % 2 === 0 ? a : b, address, email)),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(answers.filter((s) => s.status === 503).map((s) => s.text)).toEqual([]);
    expect(statuses.filter((s) => s === 400)).toHaveLength(LOGIN_BUDGET);
    expect(statuses.filter((s) => s === 429)).toHaveLength(BURST - LOGIN_BUDGET);
    for (const refused of answers.filter((answer) => answer.status === 429)) {
      expect(envelopeOf(refused).code).toBe('RATE_LIMIT_EXCEEDED');
    }
  });

  it('lets one address reach the hashing at most its anonymous budget, however many replicas and emails it uses', async () => {
    await awayFromWindowEdge(15 * 60_000);
    const address = newAddress();
    // Every try names a new email, so the per-email login budget never stops it; only the
    // address's anonymous budget does.
    const answers = await Promise.all(
      Array.from({ length: 2 * ANONYMOUS_BUDGET }, (_, i) => login(i % 2 === 0 ? a : b, address, uniqueEmail('spray'))),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((s) => s !== 400 && s !== 429)).toEqual([]);
    expect(statuses.filter((s) => s === 400)).toHaveLength(ANONYMOUS_BUDGET);
  });

  it('stops a revoked API key on every replica at once, though each remembered it as verified', async () => {
    const owner = await a.api<TokenPair>('POST', '/auth/register', {
      body: registration('keys'),
      headers: { 'x-forwarded-for': newAddress() },
    });
    expect(owner.status).toBe(201);
    const created = await a.api<CreatedApiKeyDto>('POST', '/api-keys', {
      token: owner.body.accessToken,
      body: { name: 'dashboard', role: 'viewer' },
    });
    expect(created.status).toBe(201);
    const useKey = (client: GatewayClient) =>
      client.api('GET', '/users', { headers: { 'x-api-key': created.body.key } });
    // Both replicas verify the key once and remember it (API_KEY_CACHE_TTL_MS: 30 s by default).
    expect([(await useKey(a)).status, (await useKey(b)).status]).toEqual([200, 200]);

    expect((await a.api('DELETE', `/api-keys/${created.body.id}`, { token: owner.body.accessToken })).status).toBe(200);
    const sameReplica = await useKey(a);
    expect(sameReplica.status).toBe(401);
    expect(envelopeOf(sameReplica).code).toBe('INVALID_TOKEN');
    // The other replica learns it through the watched bucket, in moments rather than a cache lifetime.
    await waitFor(async () => (await useKey(b)).status === 401, 3_000, 'replica B refusing the revoked key');
  });

  it('answers an invitation of an address registered in another organization as for a new address', async () => {
    const elsewhere = registration('elsewhere');
    const inviter = registration('inviter');
    const [registeredElsewhere, registeredInviter] = await Promise.all([
      a.api('POST', '/auth/register', { body: elsewhere, headers: { 'x-forwarded-for': newAddress() } }),
      b.api<TokenPair>('POST', '/auth/register', { body: inviter, headers: { 'x-forwarded-for': newAddress() } }),
    ]);
    expect([registeredElsewhere.status, registeredInviter.status]).toEqual([201, 201]);
    const invite = (email: string) =>
      a.api<UserDto>('POST', '/users/invite', {
        token: registeredInviter.body.accessToken,
        body: { email, name: 'Invited Person', role: 'agent' },
      });

    const known = await invite(elsewhere.email);
    const fresh = await invite(uniqueEmail('fresh'));
    expect([known.status, fresh.status]).toEqual([201, 201]);
    const shape = ({ id, email, createdAt, ...rest }: UserDto) => ({
      ...rest,
      id: typeof id,
      createdAt: typeof createdAt,
    });
    expect(shape(known.body)).toEqual(shape(fresh.body));
    expect(known.body).toMatchObject({ email: elsewhere.email, name: 'Invited Person', emailVerified: false });
    expect(Date.parse(known.body.createdAt)).toBeGreaterThan(Date.now() - 60_000);

    // Inviting someone who is already a member of the inviter's own organization is still refused.
    const again = await invite(elsewhere.email);
    expect(again.status).toBe(409);
    expect(envelopeOf(again).code).toBe('DUPLICATE_ENTRY');
    // The account elsewhere is untouched: its owner still signs in to their own organization.
    const ownLogin = await b.api<TokenPair>('POST', '/auth/login', {
      body: { email: elsewhere.email, password: elsewhere.password },
      headers: { 'x-forwarded-for': newAddress() },
    });
    expect(ownLogin.status).toBe(200);
    const me = await b.api('GET', '/auth/me', { token: ownLogin.body.accessToken });
    expect(me.body).toMatchObject({ organizationName: elsewhere.organizationName });
  });
});
