import { createPrivateKey, createPublicKey, type JsonWebKeyInput } from 'node:crypto';
import type { ApiKeyDto, CreatedApiKeyDto, ListDto, MeDto, UserDto } from '@callfleet/contracts';
import { waitFor } from '@callfleet/testing';
import { SignJWT, UnsecuredJWT } from 'jose';
import { GatewayConfig } from '../src/gateway.config';
import {
  awayFromWindowEdge,
  envelopeOf,
  type GatewayClient,
  GatewayFleet,
  PASSWORD,
  registration,
  type TokenPair,
  uniqueEmail,
} from './gateway-fleet';

describe('gateway (auth + two gateway replicas, real NATS and PostgreSQL)', () => {
  let fleet: GatewayFleet;
  let a: GatewayClient;
  let b: GatewayClient;
  let orgA: TokenPair;
  let orgB: TokenPair;

  const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());

  beforeAll(async () => {
    // Every call of this file comes from 127.0.0.1: the per-IP budgets (register, anonymous) would
    // otherwise run out halfway. The login budget (per email and IP) keeps its default.
    fleet = await GatewayFleet.start({
      RATE_LIMIT_REGISTER: '50/15m',
      RATE_LIMIT_ANONYMOUS: '1000/15m',
    });
    a = fleet.client(0);
    b = fleet.client(1);
    const registerA = await a.api<TokenPair>('POST', '/auth/register', { body: registration('alpha') });
    const registerB = await b.api<TokenPair>('POST', '/auth/register', { body: registration('bravo') });
    expect([registerA.status, registerB.status]).toEqual([201, 201]);
    orgA = registerA.body;
    orgB = registerB.body;
  });

  afterAll(async () => {
    await fleet?.stop();
  });

  describe('sessions', () => {
    it('register → login → me → refresh; a reused refresh token kills its family; logout kills the access token', async () => {
      const account = registration('session');
      const registered = await a.api<TokenPair>('POST', '/auth/register', { body: account });
      expect(registered.status).toBe(201);
      expect(registered.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });

      const login = await b.api<TokenPair>('POST', '/auth/login', {
        body: { email: account.email.toUpperCase(), password: PASSWORD },
      });
      expect(login.status).toBe(200);

      const me = await a.api<MeDto>('GET', '/auth/me', { token: login.body.accessToken });
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({
        email: account.email,
        organizationName: account.organizationName,
        roles: ['owner'],
      });

      const refreshed = await a.api<TokenPair>('POST', '/auth/refresh', {
        body: { refreshToken: login.body.refreshToken },
      });
      expect(refreshed.status).toBe(200);
      expect(refreshed.body.refreshToken).not.toBe(login.body.refreshToken);

      const reuse = await b.api('POST', '/auth/refresh', { body: { refreshToken: login.body.refreshToken } });
      expect(reuse.status).toBe(401);
      expect(envelopeOf(reuse).code).toBe('INVALID_TOKEN');
      const newestOfFamily = await a.api('POST', '/auth/refresh', {
        body: { refreshToken: refreshed.body.refreshToken },
      });
      expect(newestOfFamily.status).toBe(401);
      expect(envelopeOf(newestOfFamily).code).toBe('INVALID_TOKEN');

      // The access token of the revoked family still works until logout (it is verified locally).
      const session = refreshed.body.accessToken;
      expect((await b.api('GET', '/auth/me', { token: session })).status).toBe(200);
      const logout = await a.api('POST', '/auth/logout', { token: session });
      expect(logout.status).toBe(200);
      expect(logout.body).toEqual({ ok: true });

      const sameReplica = await a.api('GET', '/auth/me', { token: session });
      expect(sameReplica.status).toBe(401);
      expect(envelopeOf(sameReplica).code).toBe('INVALID_TOKEN');
      // The other replica learns of the logout through the KV watch.
      await waitFor(
        async () => (await b.api('GET', '/auth/me', { token: session })).status === 401,
        5_000,
        'replica B',
      );

      // A replica started later knows it too (the bucket's existing entries).
      const late = await fleet.startGateway();
      expect((await late.api('GET', '/auth/me', { token: session })).status).toBe(401);
      expect((await late.api('GET', '/auth/me', { token: orgA.accessToken })).status).toBe(200);
    });

    it('logout also ends the refresh token family it is given', async () => {
      const account = registration('logout');
      const pair = (await a.api<TokenPair>('POST', '/auth/register', { body: account })).body;
      expect(
        (await b.api('POST', '/auth/logout', { token: pair.accessToken, body: { refreshToken: pair.refreshToken } }))
          .status,
      ).toBe(200);
      const refresh = await a.api('POST', '/auth/refresh', { body: { refreshToken: pair.refreshToken } });
      expect(refresh.status).toBe(401);
    });

    it('tells auth the client address for its audit log on refresh reuse and password reset', async () => {
      const account = registration('audited');
      const pair = (await a.api<TokenPair>('POST', '/auth/register', { body: account })).body;
      expect((await a.api('POST', '/auth/refresh', { body: { refreshToken: pair.refreshToken } })).status).toBe(200);
      expect((await b.api('POST', '/auth/refresh', { body: { refreshToken: pair.refreshToken } })).status).toBe(401);

      const request = await a.api('POST', '/auth/password-reset/request', { body: { email: account.email } });
      expect(request.status).toBe(202);
      // Nest's logger is process-wide: in this one-process fleet, auth's lines may land in any service's capture.
      const mailed = [fleet.auth, ...fleet.gateways]
        .flatMap((service) => service.logs.lines)
        .find((line) => line.notification === 'password-reset' && line.email === account.email);
      const confirm = await b.api('POST', '/auth/password-reset/confirm', {
        body: { email: account.email, code: String(mailed?.code), newPassword: 'a-brand-new-passphrase-77' },
      });
      expect(confirm.status).toBe(200);

      const audit = await fleet.db.query<{ event: string; ip: string | null }>(
        `SELECT event, ip FROM auth.audit_log WHERE user_id = $1 ORDER BY event`,
        [claimsOf(pair.accessToken).sub],
      );
      const registeredFrom = audit.find((entry) => entry.event === 'registered')?.ip;
      expect(registeredFrom).toBeTruthy();
      expect(audit).toEqual([
        { event: 'password_reset', ip: registeredFrom },
        { event: 'refresh_reuse', ip: registeredFrom },
        { event: 'registered', ip: registeredFrom },
      ]);
    });

    it('answers a wrong password and an unknown email alike', async () => {
      const wrong = await a.api('POST', '/auth/login', {
        body: { email: claimsEmail(), password: 'not-the-password' },
      });
      const unknown = await a.api('POST', '/auth/login', {
        body: { email: uniqueEmail('ghost'), password: 'whatever-123' },
      });
      expect([wrong.status, unknown.status]).toEqual([401, 401]);
      expect(envelopeOf(wrong).code).toBe('INVALID_CREDENTIALS');
      expect(envelopeOf(unknown).error).toBe(envelopeOf(wrong).error);
    });

    // An address that exists: org A's owner.
    let ownerEmail = '';
    const claimsEmail = () => ownerEmail;
    beforeAll(async () => {
      ownerEmail = (await a.api<MeDto>('GET', '/auth/me', { token: orgA.accessToken })).body.email;
    });
  });

  describe('tenancy and roles', () => {
    let keyOfB: CreatedApiKeyDto;

    beforeAll(async () => {
      const created = await b.api<CreatedApiKeyDto>('POST', '/api-keys', {
        token: orgB.accessToken,
        body: { name: 'b-worker' },
      });
      expect(created.status).toBe(201);
      keyOfB = created.body;
    });

    it('never shows or touches another organization’s API keys or users (404, not 403)', async () => {
      const revoke = await a.api('DELETE', `/api-keys/${keyOfB.id}`, { token: orgA.accessToken });
      expect(revoke.status).toBe(404);
      expect(envelopeOf(revoke).code).toBe('NOT_FOUND');

      const keysOfA = await a.api<ListDto<ApiKeyDto>>('GET', '/api-keys', { token: orgA.accessToken });
      expect(keysOfA.status).toBe(200);
      expect(keysOfA.body.items.map((k) => k.id)).not.toContain(keyOfB.id);

      const usersOfA = await a.api<ListDto<UserDto>>('GET', '/users', { token: orgA.accessToken });
      expect(usersOfA.status).toBe(200);
      const meB = (await b.api<MeDto>('GET', '/auth/me', { token: orgB.accessToken })).body;
      expect(usersOfA.body.items.map((u) => u.id)).not.toContain(meB.userId);
      expect(usersOfA.body.items).toHaveLength(1);

      // B's key still works: A's attempt changed nothing.
      expect((await b.api('GET', '/users', { headers: { 'x-api-key': keyOfB.key } })).status).toBe(200);
    });

    it('ignores identity headers a client sends: the token decides the organization', async () => {
      const forged = await a.api<ListDto<UserDto>>('GET', '/users', {
        token: orgA.accessToken,
        headers: {
          'x-org-id': claimsOf(orgB.accessToken).org,
          'x-user-id': claimsOf(orgB.accessToken).sub,
          'x-roles': 'owner',
        },
      });
      expect(forged.status).toBe(200);
      expect(forged.body.items.map((u) => u.id)).toEqual([claimsOf(orgA.accessToken).sub]);
      const withoutToken = await a.api('GET', '/users', { headers: { 'x-org-id': claimsOf(orgA.accessToken).org } });
      expect(withoutToken.status).toBe(401);
      expect(envelopeOf(withoutToken).code).toBe('MISSING_CREDENTIALS');
    });

    it('lets an API key act with its role only, and stops accepting it once revoked', async () => {
      const viewerKey = await a.api<CreatedApiKeyDto>('POST', '/api-keys', {
        token: orgA.accessToken,
        body: { name: 'dashboard', role: 'viewer' },
      });
      expect(viewerKey.status).toBe(201);
      const key = viewerKey.body.key;

      expect((await a.api('GET', '/users', { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
      const escalate = await a.api('POST', '/api-keys', { headers: { 'x-api-key': key }, body: { name: 'mine now' } });
      expect(escalate.status).toBe(403);
      expect(envelopeOf(escalate).code).toBe('INSUFFICIENT_PERMISSIONS');
      const invite = await a.api('POST', '/users/invite', {
        headers: { 'x-api-key': key },
        body: { email: uniqueEmail('invitee'), name: 'Invitee', role: 'owner' },
      });
      expect(invite.status).toBe(403);

      expect((await a.api('DELETE', `/api-keys/${viewerKey.body.id}`, { token: orgA.accessToken })).status).toBe(200);
      // Replica B never cached the key, so it asks auth and is told no at once.
      const revoked = await b.api('GET', '/users', { headers: { 'x-api-key': key } });
      expect(revoked.status).toBe(401);
      expect(envelopeOf(revoked).code).toBe('INVALID_TOKEN');
      const forgedKey = await b.api('GET', '/users', { headers: { 'x-api-key': `${key.slice(0, -4)}AAAA` } });
      expect(forgedKey.status).toBe(401);
    });

    it('lets an owner invite a member, who then shows up in the organization', async () => {
      const email = uniqueEmail('member');
      const invite = await a.api<UserDto>('POST', '/users/invite', {
        token: orgA.accessToken,
        body: { email, name: 'New Member', role: 'agent' },
      });
      expect(invite.status).toBe(201);
      expect(invite.body).toMatchObject({ email, role: 'agent' });
      const users = await b.api<ListDto<UserDto>>('GET', '/users', { token: orgA.accessToken });
      expect(users.body.items.map((u) => u.email)).toContain(email);
    });
  });

  describe('rate limits shared by the replicas', () => {
    it('refuses the 7th login for one email and IP within the window, whichever replica gets it', async () => {
      await awayFromWindowEdge(15 * 60_000);
      const email = uniqueEmail('brute');
      const attempt = (client: GatewayClient) =>
        client.api('POST', '/auth/login', { body: { email, password: 'guess-guess-guess' } });
      for (let i = 1; i <= 6; i++) {
        const answer = await attempt(i % 2 === 0 ? a : b);
        expect(answer.status).toBe(401);
        expect(answer.headers.get('x-ratelimit-limit')).toBe('6');
        expect(answer.headers.get('x-ratelimit-remaining')).toBe(String(6 - i));
      }
      const seventh = await attempt(a);
      expect(seventh.status).toBe(429);
      expect(envelopeOf(seventh).code).toBe('RATE_LIMIT_EXCEEDED');
      const retryAfter = Number(seventh.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(15 * 60);
      expect(Number(seventh.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
      expect((await attempt(b)).status).toBe(429);

      // Another address is not affected.
      const other = await a.api('POST', '/auth/login', {
        body: { email: uniqueEmail('bystander'), password: 'x-x-x-x-x-x' },
      });
      expect(other.status).toBe(401);
    });

    it('loses no hit when both replicas count the same budget at the same moment', async () => {
      await awayFromWindowEdge(15 * 60_000);
      const email = uniqueEmail('burst');
      // An empty password passes the limiter and is refused by validation (400) before auth hashes:
      // this counts hits, and six argon2 hashes at once on a busy machine only measure its CPU.
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 === 0 ? a : b).api('POST', '/auth/login', { body: { email, password: '' } }),
        ),
      );
      const statuses = answers.map((answer) => answer.status);
      expect(statuses.filter((s) => s === 400)).toHaveLength(6);
      expect(statuses.filter((s) => s === 429)).toHaveLength(4);
    });

    it('counts authenticated calls per organization', async () => {
      const me = await a.api('GET', '/auth/me', { token: orgB.accessToken });
      expect(me.headers.get('x-ratelimit-limit')).toBe('6000');
      expect(Number(me.headers.get('x-ratelimit-remaining'))).toBeLessThan(6000);
    });
  });

  describe('hostile and malformed input: a 4xx with the envelope, never a 500', () => {
    it('refuses malformed JSON, unknown fields, wrong types and non-objects', async () => {
      const cases = [
        { rawBody: '{"email": "a@example.com", "password": ', headers: { 'content-type': 'application/json' } },
        { body: { email: 'a@example.com', password: 'x-long-password', isAdmin: true } },
        { body: { email: 12345, password: ['a'] } },
        { body: ['email', 'password'] },
        { rawBody: '"just a string"', headers: { 'content-type': 'application/json' } },
        {
          rawBody: '{"__proto__": {"isAdmin": true}, "email": "a@example.com"}',
          headers: { 'content-type': 'application/json' },
        },
        { rawBody: '', headers: { 'content-type': 'application/json' } },
        {},
        // Nesting deep enough to overflow a recursive validator's stack.
        { rawBody: `${'['.repeat(5000)}${']'.repeat(5000)}`, headers: { 'content-type': 'application/json' } },
      ];
      for (const options of cases) {
        const answer = await a.api('POST', '/auth/register', options);
        expect({ options, status: answer.status }).toEqual({ options, status: 400 });
        expect(['BAD_REQUEST', 'VALIDATION_ERROR']).toContain(envelopeOf(answer).code);
      }
      const unknownField = await a.api('POST', '/auth/login', {
        body: { email: 'a@example.com', password: 'x', role: 'owner' },
      });
      expect(envelopeOf(unknownField)).toMatchObject({ code: 'VALIDATION_ERROR' });
      expect(JSON.stringify(envelopeOf(unknownField).details)).toContain('role');
    });

    it('answers 400 VALIDATION_ERROR to a lone surrogate in any email field (the email check threw on it)', async () => {
      const token = orgA.accessToken;
      const cases: [string, Record<string, unknown>, string?][] = [
        ['/auth/login', { email: '\ud800', password: 'x' }],
        ['/auth/register', { ...registration('surrogate'), email: 'ada\ud800@example.com' }],
        ['/auth/password-reset/request', { email: '\udfff' }],
        ['/auth/password-reset/confirm', { email: '\ud800', code: '123456', newPassword: PASSWORD }],
        ['/auth/verify-email', { email: '\ud800', code: '123456' }],
        ['/auth/verify-email/resend', { email: '\ud800' }],
        ['/users/invite', { email: '\ud800', name: 'Invitee', role: 'agent' }, token],
      ];
      for (const [path, body, bearer] of cases) {
        const answer = await a.api('POST', path, { body, token: bearer });
        expect({ path, status: answer.status }).toEqual({ path, status: 400 });
        expect(envelopeOf(answer)).toMatchObject({ code: 'VALIDATION_ERROR' });
        expect(JSON.stringify(envelopeOf(answer).details)).toContain('email');
      }
    });

    it('answers 400 VALIDATION_ERROR to a NUL in a name instead of letting PostgreSQL refuse it (a 500)', async () => {
      const token = orgA.accessToken;
      const cases: [string, Record<string, unknown>, string?][] = [
        ['/auth/register', { ...registration('nul-name'), name: 'Ada\u0000' }],
        ['/auth/register', { ...registration('nul-org'), organizationName: 'Engines\u0000Ltd' }],
        ['/users/invite', { email: uniqueEmail('nul-invitee'), name: 'In\u0000vitee', role: 'agent' }, token],
        ['/api-keys', { name: 'worker\u0000' }, token],
        ['/api-keys', { name: 'worker\ud800' }, token],
      ];
      for (const [path, body, bearer] of cases) {
        const answer = await a.api('POST', path, { body, token: bearer });
        expect({ path, body, status: answer.status }).toEqual({ path, body, status: 400 });
        expect(envelopeOf(answer)).toMatchObject({ code: 'VALIDATION_ERROR' });
      }
    });

    it('answers 413 to a 2 MB body and 415 to a body that is not JSON', async () => {
      const huge = await a.api('POST', '/auth/register', {
        rawBody: JSON.stringify({ email: 'a@example.com', name: 'x'.repeat(2 * 1024 * 1024) }),
        headers: { 'content-type': 'application/json' },
      });
      expect(huge.status).toBe(413);
      expect(envelopeOf(huge).code).toBe('PAYLOAD_TOO_LARGE');
      const form = await a.api('POST', '/auth/login', {
        rawBody: 'email=a%40example.com&password=x',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(form.status).toBe(415);
      expect(envelopeOf(form).code).toBe('UNSUPPORTED_MEDIA_TYPE');
      const text = await a.api('POST', '/auth/login', { rawBody: 'hello', headers: { 'content-type': 'text/plain' } });
      expect(text.status).toBe(415);
    });

    it('refuses a bad path parameter and an unknown route with the envelope', async () => {
      const badId = await a.api('DELETE', '/api-keys/not-a-uuid', { token: orgA.accessToken });
      expect(badId.status).toBe(400);
      expect(envelopeOf(badId).code).toBe('VALIDATION_ERROR');
      const nowhere = await a.api('GET', '/no/such/route', { token: orgA.accessToken });
      expect(nowhere.status).toBe(404);
      expect(envelopeOf(nowhere).code).toBe('NOT_FOUND');
    });

    describe('forged and stale access tokens', () => {
      const claims = () => ({ org: claimsOf(orgA.accessToken).org, roles: ['owner'], jti: `forged-${Date.now()}` });
      const sub = () => claimsOf(orgA.accessToken).sub;

      it('refuses alg none', async () => {
        const unsigned = new UnsecuredJWT(claims())
          .setSubject(sub())
          .setIssuer('callfleet-auth')
          .setAudience('callfleet')
          .setIssuedAt()
          .setExpirationTime('15m')
          .encode();
        const answer = await a.api('GET', '/users', { token: unsigned });
        expect(answer.status).toBe(401);
        expect(envelopeOf(answer).code).toBe('INVALID_TOKEN');
      });

      it('refuses HS256 signed with the published public key', async () => {
        const { kid } = fleet.signingKey();
        const jwks = await fetchJwks(fleet);
        const jwk = jwks.keys.find((k) => k.kid === kid);
        // The public key as an attacker gets it, as a PEM string (the classic HMAC-secret confusion).
        const publicPem = createPublicKey({ key: jwk as JsonWebKeyInput['key'], format: 'jwk' })
          .export({ type: 'spki', format: 'pem' })
          .toString();
        const forged = await new SignJWT(claims())
          .setProtectedHeader({ alg: 'HS256', kid })
          .setSubject(sub())
          .setIssuer('callfleet-auth')
          .setAudience('callfleet')
          .setIssuedAt()
          .setExpirationTime('15m')
          .sign(new TextEncoder().encode(publicPem));
        const answer = await a.api('GET', '/users', { token: forged });
        expect(answer.status).toBe(401);
        expect(envelopeOf(answer).code).toBe('INVALID_TOKEN');
      });

      it('says TOKEN_EXPIRED for a genuine but expired token', async () => {
        const { kid, pem } = fleet.signingKey();
        const expired = await new SignJWT(claims())
          .setProtectedHeader({ alg: 'EdDSA', kid })
          .setSubject(sub())
          .setIssuer('callfleet-auth')
          .setAudience('callfleet')
          .setIssuedAt(Math.floor(Date.now() / 1000) - 1000)
          .setExpirationTime(Math.floor(Date.now() / 1000) - 100)
          .sign(createPrivateKey(pem));
        const answer = await b.api('GET', '/users', { token: expired });
        expect(answer.status).toBe(401);
        expect(envelopeOf(answer).code).toBe('TOKEN_EXPIRED');
      });

      it('refuses a well-formed token signed with a key auth never published', async () => {
        const { generateKeyPair } = await import('jose');
        const rogue = await generateKeyPair('EdDSA');
        const forged = await new SignJWT(claims())
          .setProtectedHeader({ alg: 'EdDSA', kid: 'rogue-key' })
          .setSubject(sub())
          .setIssuer('callfleet-auth')
          .setAudience('callfleet')
          .setIssuedAt()
          .setExpirationTime('15m')
          .sign(rogue.privateKey);
        const answer = await a.api('GET', '/users', { token: forged });
        expect(answer.status).toBe(401);
        expect(envelopeOf(answer).code).toBe('INVALID_TOKEN');
      });

      it('refuses other schemes and garbage', async () => {
        for (const authorization of [
          'Basic YWRtaW46YWRtaW4=',
          'Bearer',
          'Bearer not.a.jwt',
          `Bearer ${'a'.repeat(10_000)}`,
        ]) {
          const answer = await a.api('GET', '/users', { headers: { authorization } });
          expect({ authorization: authorization.slice(0, 20), status: answer.status }).toEqual({
            authorization: authorization.slice(0, 20),
            status: 401,
          });
          envelopeOf(answer);
        }
      });
    });
  });

  describe('edge', () => {
    it('serves Swagger UI at /api/docs and an OpenAPI document listing the auth routes', async () => {
      const page = await a.call('GET', '/api/docs');
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      expect(page.text).toContain('swagger-ui');
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
      const bundle = await a.call('GET', '/api/docs/swagger-ui-bundle.js');
      expect(bundle.status).toBe(200);

      const doc = await a.call<{ paths: Record<string, unknown>; components: { securitySchemes: object } }>(
        'GET',
        '/api/docs-json',
      );
      expect(doc.status).toBe(200);
      expect(Object.keys(doc.body.paths)).toEqual(
        expect.arrayContaining([
          '/api/v1/auth/register',
          '/api/v1/auth/login',
          '/api/v1/auth/refresh',
          '/api/v1/auth/logout',
          '/api/v1/auth/me',
          '/api/v1/api-keys',
          '/api/v1/api-keys/{id}',
          '/api/v1/users',
          '/api/v1/users/invite',
        ]),
      );
      expect(Object.keys(doc.body.components.securitySchemes)).toEqual(expect.arrayContaining(['bearer', 'api-key']));
    });

    it('keeps health and metrics outside the API prefix and open to probes', async () => {
      expect((await a.call('GET', '/health/live')).status).toBe(200);
      expect((await a.call('GET', '/health/ready')).status).toBe(200);
      expect((await a.call('GET', '/metrics')).text).toContain('callfleet_gateway_rate_limit_decisions_total');
    });

    it('sets security headers; the API forbids every kind of content', async () => {
      const answer = await a.api('GET', '/auth/me', { token: orgA.accessToken });
      expect(answer.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(answer.headers.get('strict-transport-security')).toBeTruthy();
    });

    it('answers CORS preflights for configured origins only', async () => {
      const preflight = (origin: string) =>
        a.api('OPTIONS', '/auth/login', {
          headers: {
            origin,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'content-type',
          },
        });
      const allowed = await preflight('http://localhost:5173');
      expect(allowed.status).toBeLessThan(300);
      expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
      const denied = await preflight('https://evil.example.com');
      expect(denied.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('echoes a sane X-Request-Id and replaces an insane one', async () => {
      const sane = await a.api('GET', '/auth/me', {
        token: orgA.accessToken,
        headers: { 'x-request-id': 'trace-123' },
      });
      expect(sane.headers.get('x-request-id')).toBe('trace-123');
      const insane = await a.api('POST', '/auth/login', { headers: { 'x-request-id': 'a b<script>' }, body: {} });
      expect(insane.headers.get('x-request-id')).not.toBe('a b<script>');
      expect(envelopeOf(insane).requestId).toBe(insane.headers.get('x-request-id'));
    });

    it('never logs passwords or tokens', async () => {
      const services = [...fleet.gateways, fleet.auth];
      const from = services.map((service) => service.logs.lines.length);
      const account = registration('logged');
      const registered = await a.api<TokenPair>('POST', '/auth/register', { body: account });
      const login = await b.api<TokenPair>('POST', '/auth/login', {
        body: { email: account.email, password: PASSWORD },
      });
      expect((await a.api('GET', '/auth/me', { token: login.body.accessToken })).status).toBe(200);
      const refreshed = await b.api<TokenPair>('POST', '/auth/refresh', {
        body: { refreshToken: login.body.refreshToken },
      });
      expect(refreshed.status).toBe(200);
      // A reused refresh token is refused, audited and logged: the path most likely to log one.
      expect((await a.api('POST', '/auth/refresh', { body: { refreshToken: login.body.refreshToken } })).status).toBe(
        401,
      );
      const written = services.flatMap((service, i) => service.logs.lines.slice(from[i]));
      expect(written.length).toBeGreaterThan(0);
      const logs = written.map((line) => JSON.stringify(line)).join('\n');
      for (const pair of [registered.body, login.body, refreshed.body]) {
        expect(logs).not.toContain(pair.refreshToken);
        expect(logs).not.toContain(pair.accessToken);
      }
      expect(logs).not.toContain(PASSWORD);
    });
  });

  // Last: it restarts auth.
  describe('signing key rotation', () => {
    it('accepts tokens signed with a key rotated in after the gateway loaded the key set', async () => {
      const oldToken = orgA.accessToken;
      const kid = await fleet.rotateSigningKey();
      const account = registration('rotated');
      const pair = (await a.api<TokenPair>('POST', '/auth/register', { body: account })).body;
      expect(JSON.parse(Buffer.from(pair.accessToken.split('.')[0], 'base64url').toString()).kid).toBe(kid);
      // Replica A refetched the key set for the rogue kid above moments ago; it refetches for an
      // unknown kid again once JWKS_REFRESH_MIN_INTERVAL_MS has passed on its clock.
      fleet.clock.advance(new GatewayConfig().JWKS_REFRESH_MIN_INTERVAL_MS);
      await waitFor(async () => (await a.api('GET', '/auth/me', { token: pair.accessToken })).status === 200, 5_000);
      expect((await b.api('GET', '/auth/me', { token: pair.accessToken })).status).toBe(200);
      // Tokens of the previous key stay valid until they expire.
      expect((await b.api('GET', '/users', { token: oldToken })).status).toBe(200);
    });
  });
});

async function fetchJwks(fleet: GatewayFleet): Promise<{ keys: ({ kid: string } & Record<string, unknown>)[] }> {
  const { plainNatsClient } = await import('@callfleet/testing');
  const nc = await plainNatsClient();
  try {
    const reply = await nc.request(`${fleet.namespace}.auth.v1.jwks`, '{}', { timeout: 3000 });
    return reply.json();
  } finally {
    await nc.close();
  }
}
