import {
  AuthCommands,
  AuthEvents,
  type EventEnvelope,
  type JwksDto,
  KvBuckets,
  type MeDto,
  type TokenPairDto,
} from '@callfleet/contracts';
import { discoveryAnswerOf } from '@callfleet/testing';
import { jetstream } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { AuthHarness, GOOD_PASSWORD, uniqueEmail } from './auth-harness';

describe('auth sessions over NATS (register, login, me, refresh, reuse, logout)', () => {
  let auth: AuthHarness;
  const register = async (email: string) =>
    auth.request<TokenPairDto>(AuthCommands.Register.subject, {
      email,
      password: GOOD_PASSWORD,
      name: 'Ada Lovelace',
      organizationName: 'Analytical Engines',
    });
  const login = async (email: string, password = GOOD_PASSWORD, headers: Record<string, string> = {}) =>
    auth.request<TokenPairDto>(AuthCommands.Login.subject, { email, password }, headers);
  const refresh = (refreshToken: string) => auth.request<TokenPairDto>(AuthCommands.Refresh.subject, { refreshToken });

  beforeAll(async () => {
    auth = await AuthHarness.start();
  });
  afterAll(async () => {
    await auth?.stop();
  });

  it('registers, logs in, and tells the caller who they are', async () => {
    const email = uniqueEmail('ada');
    const registered = await register(email.toUpperCase());
    expect(registered.status).toBeUndefined();
    expect(registered.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });

    const again = await register(email);
    expect(again.status).toBe('409');
    expect(again.body.code).toBe('DUPLICATE_ENTRY');

    const loggedIn = await login(email);
    expect(loggedIn.status).toBeUndefined();
    const identity = AuthHarness.identityOf(loggedIn.body);
    expect(identity.roles).toEqual(['owner']);

    const me = await auth.request<MeDto>(AuthCommands.Me.subject, {}, AuthHarness.as(identity));
    expect(me.body).toEqual({
      userId: identity.userId,
      email,
      name: 'Ada Lovelace',
      emailVerified: false,
      orgId: identity.orgId,
      organizationName: 'Analytical Engines',
      roles: ['owner'],
    });

    const anonymous = await auth.request(AuthCommands.Me.subject, {});
    expect(anonymous.status).toBe('401');
    expect(anonymous.body.code).toBe('UNAUTHORIZED');
  });

  it('issues access tokens that verify against the published JWKS, which holds public keys only', async () => {
    const jwks = await auth.request<JwksDto>(AuthCommands.Jwks.subject, {});
    expect(jwks.body.keys.length).toBeGreaterThanOrEqual(1);
    for (const key of jwks.body.keys) {
      expect(key).toMatchObject({ kty: 'OKP', alg: 'EdDSA', use: 'sig' });
      expect(key.kid).toEqual(expect.any(String));
      expect(key).not.toHaveProperty('d');
    }
    const email = uniqueEmail('jwks');
    const pair = (await register(email)).body;
    const { payload, protectedHeader } = await jwtVerify(pair.accessToken, createLocalJWKSet(jwks.body), {
      algorithms: ['EdDSA'],
      issuer: 'callfleet-auth',
      audience: 'callfleet',
    });
    expect(protectedHeader.kid).toBe(jwks.body.keys.at(-1)?.kid);
    expect(payload.exp! - payload.iat!).toBe(900);
    expect(payload.jti).toEqual(expect.any(String));
  });

  it('rotates refresh tokens, and reuse of a rotated one kills the whole family', async () => {
    const email = uniqueEmail('rotate');
    await register(email);
    const first = (await login(email)).body;

    const second = await refresh(first.refreshToken);
    expect(second.status).toBeUndefined();
    expect(second.body.refreshToken).not.toBe(first.refreshToken);
    expect(decodeJwt(second.body.accessToken).sub).toBe(decodeJwt(first.accessToken).sub);

    const third = await refresh(second.body.refreshToken);
    expect(third.status).toBeUndefined();

    const reuse = await refresh(first.refreshToken);
    expect(reuse.status).toBe('401');
    expect(reuse.body.code).toBe('INVALID_TOKEN');

    const newest = await refresh(third.body.refreshToken);
    expect(newest.status).toBe('401');
    expect(newest.body.code).toBe('INVALID_TOKEN');

    // Another session of the same user is a different family and lives on.
    const other = (await login(email)).body;
    expect((await refresh(other.refreshToken)).status).toBeUndefined();

    const audit = await auth.db.query<{ event: string; user_id: string }>(
      `SELECT event, user_id FROM auth.audit_log WHERE event = 'refresh_reuse' AND user_id = $1`,
      [decodeJwt(first.accessToken).sub],
    );
    expect(audit).toHaveLength(1);
  });

  it('refuses unknown refresh tokens', async () => {
    const reply = await refresh('x'.repeat(43));
    expect(reply.status).toBe('401');
    expect(reply.body.code).toBe('INVALID_TOKEN');
  });

  it('logs out: the jti lands in the revoked-tokens bucket and the refresh family ends', async () => {
    const email = uniqueEmail('logout');
    await register(email);
    const pair = (await login(email)).body;
    const claims = decodeJwt(pair.accessToken);
    const identity = AuthHarness.identityOf(pair);

    const out = await auth.request(
      AuthCommands.Logout.subject,
      { jti: claims.jti, exp: claims.exp, refreshToken: pair.refreshToken },
      AuthHarness.as(identity),
    );
    expect(out.status).toBeUndefined();
    expect(out.body).toEqual({ ok: true });

    const bucket = await new Kvm(auth.nc).open(`${auth.ns}-${KvBuckets.REVOKED_TOKENS}`);
    const entry = await bucket.get(String(claims.jti));
    expect(entry?.string()).toBe(String(claims.exp));

    const afterLogout = await refresh(pair.refreshToken);
    expect(afterLogout.body.code).toBe('INVALID_TOKEN');
  });

  it('leaves no live refresh token when a logout races a refresh of the same family', async () => {
    const email = uniqueEmail('race');
    await register(email);
    for (let round = 0; round < 20; round++) {
      const pair = (await login(email)).body;
      const claims = decodeJwt(pair.accessToken);
      const [refreshed] = await Promise.all([
        refresh(pair.refreshToken),
        auth.request(
          AuthCommands.Logout.subject,
          { jti: claims.jti, exp: claims.exp, refreshToken: pair.refreshToken },
          AuthHarness.as(AuthHarness.identityOf(pair)),
        ),
      ]);
      // Whichever ran first, the family is over: a token the refresh minted must not work.
      if (refreshed.status === undefined) {
        const minted = await refresh(refreshed.body.refreshToken);
        expect({ round, code: minted.body.code }).toEqual({ round, code: 'INVALID_TOKEN' });
      }
      const live = await auth.db.query(
        `SELECT 1 FROM auth.refresh_tokens t
          WHERE t.revoked_at IS NULL
            AND t.family_id = (SELECT family_id FROM auth.refresh_tokens WHERE token_hash = encode(sha256($1::bytea), 'hex'))`,
        [pair.refreshToken],
      );
      expect({ round, live: live.length }).toEqual({ round, live: 0 });
    }
  });

  it('logout leaves another user’s refresh token alone, and needs a user', async () => {
    const victimEmail = uniqueEmail('victim');
    await register(victimEmail);
    const victim = (await login(victimEmail)).body;
    const attackerEmail = uniqueEmail('attacker');
    const attacker = (await register(attackerEmail)).body;
    const claims = decodeJwt(attacker.accessToken);

    const out = await auth.request(
      AuthCommands.Logout.subject,
      { jti: claims.jti, exp: claims.exp, refreshToken: victim.refreshToken },
      AuthHarness.as(AuthHarness.identityOf(attacker)),
    );
    expect(out.body).toEqual({ ok: true });
    const stillAlive = await refresh(victim.refreshToken);
    expect(stillAlive.status).toBeUndefined();

    const anonymous = await auth.request(AuthCommands.Logout.subject, { jti: 'abc', exp: 1 });
    expect(anonymous.status).toBe('401');
  });

  it('answers a wrong password and an unknown email alike, and audits both with the client IP', async () => {
    const email = uniqueEmail('login');
    await register(email);
    const wrong = await login(email, 'not-the-password-at-all', { 'x-client-ip': '203.0.113.7' });
    const unknown = await login(uniqueEmail('nobody'), GOOD_PASSWORD, { 'x-client-ip': '203.0.113.8' });
    for (const reply of [wrong, unknown]) {
      expect(reply.status).toBe('401');
      expect(reply.body.code).toBe('INVALID_CREDENTIALS');
    }
    expect(wrong.body.message).toBe(unknown.body.message);

    const rows = await auth.db.query<{ ip: string; details: { email: string } }>(
      `SELECT ip, details FROM auth.audit_log WHERE event = 'login_failed' ORDER BY created_at`,
    );
    expect(rows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ ip: '203.0.113.7', details: expect.objectContaining({ email }) }),
        expect.objectContaining({ ip: '203.0.113.8' }),
      ]),
    );
    expect((await login(email, GOOD_PASSWORD, { 'x-client-ip': '203.0.113.9' })).status).toBeUndefined();
    const success = await auth.db.query(`SELECT 1 FROM auth.audit_log WHERE event = 'login_succeeded' AND ip = $1`, [
      '203.0.113.9',
    ]);
    expect(success).toHaveLength(1);
  });

  it('refuses malformed and hostile input with 4xx and an error body, never 500', async () => {
    const missing = await auth.request(AuthCommands.Login.subject, { email: uniqueEmail() });
    expect(missing.status).toBe('400');
    expect(missing.body.code).toBe('VALIDATION_ERROR');
    expect(JSON.stringify(missing.body.details)).toContain('password');

    const weak = await auth.request(AuthCommands.Register.subject, {
      email: uniqueEmail(),
      password: 'Password2024!',
      name: 'Weak',
      organizationName: 'Weak Org',
    });
    expect(weak.status).toBe('400');
    expect(weak.body.code).toBe('VALIDATION_ERROR');
    expect(JSON.stringify(weak.body.details)).toContain('"field":"password"');

    for (const body of ['{not json', 'null', '[1,2]', '"text"', JSON.stringify({ email: 'x', password: 1 })]) {
      const reply = await auth.request(AuthCommands.Login.subject, body);
      expect(reply.status).toMatch(/^4\d\d$/);
      expect(reply.body.code).toEqual(expect.any(String));
    }
    const extra = await auth.request(AuthCommands.Refresh.subject, { refreshToken: 'y'.repeat(43), admin: true });
    expect(extra.body.code).toBe('VALIDATION_ERROR');

    const forgedHeaders = await auth.request(
      AuthCommands.Me.subject,
      {},
      { 'x-user-id': "' OR 1=1 --", 'x-org-id': 'x' },
    );
    expect(forgedHeaders.status).toBe('401');

    const badJti = await auth.request(
      AuthCommands.Logout.subject,
      { jti: 'a.b>*', exp: 1 },
      { 'x-user-id': '00000000-0000-4000-8000-000000000000' },
    );
    expect(badJti.status).toBe('400');
  });

  it('publishes user-registered and notification-requested events, without the code', async () => {
    const email = uniqueEmail('events');
    const pair = (await register(email)).body;
    const { userId } = AuthHarness.identityOf(pair);
    const stream = `${auth.ns.toUpperCase()}_EVENTS`;
    const consumer = await jetstream(auth.nc).consumers.get(stream);
    const seen: EventEnvelope<Record<string, unknown>>[] = [];
    const batch = await consumer.fetch({ max_messages: 500, expires: 1000 });
    for await (const msg of batch) seen.push(msg.json());
    const ours = seen.filter((e) => e.data.userId === userId);
    expect(ours.map((e) => e.type).sort()).toEqual([AuthEvents.NOTIFICATION_REQUESTED, AuthEvents.USER_REGISTERED]);
    const notification = ours.find((e) => e.type === AuthEvents.NOTIFICATION_REQUESTED);
    expect(notification?.data).toMatchObject({ kind: 'email-verification', email });
    expect(notification?.data).not.toHaveProperty('code');
  });

  it('answers $SRV.INFO with its endpoints, auth.v1.jwks among them', async () => {
    const ours = await discoveryAnswerOf<{ endpoints: { name: string; queue_group: string }[] }>(
      auth.nc,
      'INFO',
      'auth',
      auth.ns,
    );
    expect(ours.endpoints.map((e) => e.name)).toEqual(
      expect.arrayContaining(Object.values(AuthCommands).map((c) => c.subject)),
    );
    expect(ours.endpoints[0].queue_group).toBe('auth');
  });

  it('never writes a password or a refresh token to the log', async () => {
    const from = auth.service.logs.lines.length;
    const email = uniqueEmail('secrets');
    const registered = (await register(email)).body;
    expect((await login(email, 'not-the-password-at-all')).status).toBe('401');
    const loggedIn = (await login(email)).body;
    const rotated = (await refresh(loggedIn.refreshToken)).body;
    // Presenting a rotated token again revokes the family and is audited and logged.
    expect((await refresh(loggedIn.refreshToken)).status).toBe('401');
    const written = auth.service.logs.lines.slice(from);
    expect(written.length).toBeGreaterThan(0);
    const text = written.map((line) => JSON.stringify(line)).join('\n');
    for (const secret of [GOOD_PASSWORD, 'not-the-password-at-all', registered, loggedIn, rotated].flatMap((s) =>
      typeof s === 'string' ? [s] : [s.refreshToken, s.accessToken],
    )) {
      expect(text).not.toContain(secret);
    }
  });
});
