import { waitFor } from '@callfleet/testing';
import { GatewayConfig } from '../src/gateway.config';
import {
  awayFromWindowEdge,
  envelopeOf,
  type GatewayClient,
  GatewayFleet,
  PASSWORD,
  registration,
  type TokenPair,
} from './gateway-fleet';

const ANONYMOUS_LIMIT = 15;
/** The gateways refetch the key set this often (their default): the test moves their clock by it. */
const { JWKS_REFRESH_INTERVAL_MS } = new GatewayConfig();

describe('gateway token upkeep: signing keys auth retires, and refreshing behind one address', () => {
  let fleet: GatewayFleet;
  let a: GatewayClient;
  let b: GatewayClient;
  let account: ReturnType<typeof registration>;
  let registered: TokenPair;

  const kidOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()).kid;
  const login = async () => {
    const answer = await a.api<TokenPair>('POST', '/auth/login', {
      body: { email: account.email, password: PASSWORD },
    });
    expect(answer.status).toBe(200);
    return answer.body;
  };
  const jwksFetchFailures = async (client: GatewayClient) =>
    Number(
      /^callfleet_jwks_fetch_failures_total(?:\{[^}]*\})? (\d+)/m.exec(
        (await client.call('GET', '/metrics')).text,
      )?.[1],
    );

  beforeAll(async () => {
    fleet = await GatewayFleet.start({
      RATE_LIMIT_ANONYMOUS: `${ANONYMOUS_LIMIT}/15m`,
      RATE_LIMIT_REFRESH: '3/15m',
    });
    a = fleet.client(0);
    b = fleet.client(1);
    account = registration('upkeep');
    const answer = await a.api<TokenPair>('POST', '/auth/register', { body: account });
    expect(answer.status).toBe(201);
    registered = answer.body;
  });

  afterAll(async () => {
    await fleet?.stop();
  });

  it('keeps its keys while auth is away, and refuses tokens of a key auth no longer publishes', async () => {
    const retiredKid = kidOf(registered.accessToken);
    const newKid = await fleet.rotateSigningKey();
    const current = await login();
    expect(kidOf(current.accessToken)).toBe(newKid);
    for (const client of [a, b]) {
      await waitFor(async () => (await client.api('GET', '/users', { token: current.accessToken })).status === 200);
    }

    // A refresh that fails keeps the key set: the token still verifies, only the call finds auth away.
    const failuresBefore = await jwksFetchFailures(a);
    await fleet.stopAuth();
    fleet.clock.advance(JWKS_REFRESH_INTERVAL_MS);
    await waitFor(async () => (await jwksFetchFailures(a)) > failuresBefore, 5_000, 'a failed key refresh');
    const whileAway = await a.api('GET', '/users', { token: registered.accessToken });
    expect(envelopeOf(whileAway).code).toBe('SERVICE_UNAVAILABLE');

    await fleet.retireSigningKey(retiredKid);
    for (const client of [a, b]) {
      const refused = await waitFor(
        async () => {
          // The next scheduled refresh (due each time the clock moves) finds the key gone.
          fleet.clock.advance(JWKS_REFRESH_INTERVAL_MS);
          const answer = await client.api('GET', '/users', { token: registered.accessToken });
          return answer.status === 401 && answer;
        },
        5_000,
        'the retired key refused',
      );
      expect(envelopeOf(refused).code).toBe('INVALID_TOKEN');
      expect((await client.api('GET', '/users', { token: current.accessToken })).status).toBe(200);
    }
  });

  it('refreshes when the address has used up its anonymous budget, counting each refresh token on its own', async () => {
    const session = await login();
    // Every anonymous call of this file shares one budget (one address); use it up within one window.
    await awayFromWindowEdge(15 * 60_000);
    let anonymous = await a.api('GET', '/auth/me');
    for (let i = 0; i < ANONYMOUS_LIMIT && anonymous.status !== 429; i++) anonymous = await a.api('GET', '/auth/me');
    expect(anonymous.status).toBe(429);

    // Same replica: the anonymous budget is tallied locally between flushes, so this one surely knows it is spent.
    const refreshed = await a.api<TokenPair>('POST', '/auth/refresh', {
      body: { refreshToken: session.refreshToken },
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.headers.get('x-ratelimit-limit')).toBe('3');
    expect(refreshed.headers.get('x-ratelimit-remaining')).toBe('2');
    const next = await b.api('POST', '/auth/refresh', { body: { refreshToken: refreshed.body.refreshToken } });
    expect(next.status).toBe(200);
    expect(next.headers.get('x-ratelimit-remaining')).toBe('2');

    // Replaying one token runs out of that token's budget.
    const replays = [];
    for (let i = 0; i < 3; i++) {
      replays.push((await a.api('POST', '/auth/refresh', { body: { refreshToken: session.refreshToken } })).status);
    }
    expect(replays).toEqual([401, 401, 429]);
  });
});
