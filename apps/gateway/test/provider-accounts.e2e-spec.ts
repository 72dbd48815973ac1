import { type CreatedApiKeyDto, type ListDto, type ProviderAccountDto, Streams } from '@callfleet/contracts';
import { SubjectNamespace } from '@callfleet/platform';
import { plainNatsClient, startTestService, TestDatabase, waitFor } from '@callfleet/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import { webhookIngestService } from '../../webhook-ingest/src/webhook-ingest.definition';
import { envelopeOf, type GatewayClient, GatewayFleet, registration, type TokenPair } from './gateway-fleet';

const AUTH_TOKEN = 'twilio-auth-token-must-stay-secret';

/** /api/v1/provider-accounts: gateway → NATS → webhook-ingest, with auth issuing the identities. */
describe('gateway: provider accounts (auth + gateway + webhook-ingest, real NATS and PostgreSQL)', () => {
  let fleet: GatewayFleet;
  let ingestDb: TestDatabase;
  let ingest: Awaited<ReturnType<typeof startTestService>>;
  let api: GatewayClient;
  let orgA: TokenPair;
  let orgB: TokenPair;

  const twilioAccount = { provider: 'twilio', name: 'Main', credentials: { accountSid: 'AC1', authToken: AUTH_TOKEN } };

  beforeAll(async () => {
    fleet = await GatewayFleet.start({ RATE_LIMIT_REGISTER: '50/15m', RATE_LIMIT_ANONYMOUS: '1000/15m' });
    ingestDb = await TestDatabase.create();
    ingest = await startTestService(webhookIngestService, {
      namespace: fleet.namespace,
      databaseUrl: ingestDb.url,
      env: { DEV_PROVIDER_ACCOUNTS: 'true' },
    });
    api = fleet.client();
    orgA = (await api.api<TokenPair>('POST', '/auth/register', { body: registration('provider-a') })).body;
    orgB = (await api.api<TokenPair>('POST', '/auth/register', { body: registration('provider-b') })).body;
  });

  afterAll(async () => {
    await ingest?.close();
    await ingestDb?.drop();
    if (fleet) {
      const nc = await plainNatsClient();
      const jsm = await jetstreamManager(nc);
      await jsm.streams
        .delete(new SubjectNamespace(fleet.namespace).stream(Streams.INGRESS.name))
        .catch(() => undefined);
      await nc.close();
    }
    await fleet?.stop();
  });

  it('gives a newly registered org a ready simulator account (outside production)', async () => {
    const [simulator] = await waitFor(async () => {
      const list = await api.api<ListDto<ProviderAccountDto>>('GET', '/provider-accounts', { token: orgA.accessToken });
      return list.body.items?.length > 0 && list.body.items;
    });
    expect(simulator).toMatchObject({ provider: 'twilio', apiBaseUrl: 'http://127.0.0.1:3900' });
  });

  it('creates, lists, gets and deletes an account for its org; secrets go in, never out, and are stored encrypted', async () => {
    const created = await api.api<ProviderAccountDto>('POST', '/provider-accounts', {
      token: orgA.accessToken,
      body: twilioAccount,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      provider: 'twilio',
      name: 'Main',
      secretsSet: ['credentials.accountSid', 'credentials.authToken'],
      webhookUrls: { status: expect.stringContaining(`/webhooks/twilio/${created.body.accountKey}/status`) },
    });
    const listed = await api.api<ListDto<ProviderAccountDto>>('GET', '/provider-accounts', { token: orgA.accessToken });
    const fetched = await api.api<ProviderAccountDto>('GET', `/provider-accounts/${created.body.id}`, {
      token: orgA.accessToken,
    });
    expect(listed.body.items.map((a) => a.id)).toContain(created.body.id);
    expect(fetched.body.id).toBe(created.body.id);
    for (const answer of [created, listed, fetched]) expect(answer.text).not.toContain(AUTH_TOKEN);

    const rows = await ingestDb.query('SELECT * FROM ingest.provider_accounts WHERE id = $1', [created.body.id]);
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(AUTH_TOKEN);

    const deleted = await api.api('DELETE', `/provider-accounts/${created.body.id}`, { token: orgA.accessToken });
    expect(deleted).toMatchObject({ status: 200, body: { ok: true } });
    const gone = await api.api('GET', `/provider-accounts/${created.body.id}`, { token: orgA.accessToken });
    expect(gone.status).toBe(404);
  });

  it("answers another org's account id with 404, for reads and deletes alike", async () => {
    const theirs = await api.api<ProviderAccountDto>('POST', '/provider-accounts', {
      token: orgB.accessToken,
      body: twilioAccount,
    });
    for (const method of ['GET', 'DELETE']) {
      const answer = await api.api(method, `/provider-accounts/${theirs.body.id}`, { token: orgA.accessToken });
      expect(answer.status).toBe(404);
      expect(envelopeOf(answer).code).toBe('NOT_FOUND');
    }
    const list = await api.api<ListDto<ProviderAccountDto>>('GET', '/provider-accounts', { token: orgA.accessToken });
    expect(list.body.items.map((a) => a.id)).not.toContain(theirs.body.id);
    const stillThere = await api.api('GET', `/provider-accounts/${theirs.body.id}`, { token: orgB.accessToken });
    expect(stillThere.status).toBe(200);
  });

  it('is for owners and admins only: an agent gets 403, an admin key gets in, nobody without credentials', async () => {
    const keyOf = async (role: string) =>
      (
        await api.api<CreatedApiKeyDto>('POST', '/api-keys', {
          token: orgA.accessToken,
          body: { name: `${role} key`, role },
        })
      ).body.key;
    const agent = await keyOf('agent');
    const admin = await keyOf('admin');
    for (const [method, path] of [
      ['GET', '/provider-accounts'],
      ['POST', '/provider-accounts'],
    ]) {
      const refused = await api.api(method, path, {
        headers: { 'x-api-key': agent },
        ...(method === 'POST' ? { body: twilioAccount } : {}),
      });
      expect(refused.status).toBe(403);
      expect(envelopeOf(refused).code).toBe('INSUFFICIENT_PERMISSIONS');
    }
    const allowed = await api.api('GET', '/provider-accounts', { headers: { 'x-api-key': admin } });
    expect(allowed.status).toBe(200);
    const anonymous = await api.api('GET', '/provider-accounts');
    expect(anonymous.status).toBe(401);
  });

  it('answers malformed and incomplete accounts with 400 and the envelope', async () => {
    for (const body of [
      { ...twilioAccount, provider: 'vonage' },
      { ...twilioAccount, unexpected: true },
      { ...twilioAccount, credentials: { accountSid: 'AC1' } },
      { ...twilioAccount, apiBaseUrl: 'file:///etc/passwd' },
      { provider: 'exotel', name: 'x', webhookSecrets: { pathSecret: 'short' } },
      // PostgreSQL cannot store these (it answered 500 DATABASE_ERROR).
      { ...twilioAccount, name: 'Main\u0000' },
      { ...twilioAccount, credentials: { ...twilioAccount.credentials, authToken: `${AUTH_TOKEN}\ud800` } },
    ]) {
      const answer = await api.api('POST', '/provider-accounts', { token: orgA.accessToken, body });
      expect(answer.status).toBe(400);
      expect(envelopeOf(answer).code).toBe('VALIDATION_ERROR');
    }
    const notUuid = await api.api('GET', '/provider-accounts/not-a-uuid', { token: orgA.accessToken });
    expect(notUuid.status).toBe(400);
  });
});
