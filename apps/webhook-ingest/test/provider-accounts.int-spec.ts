import { randomBytes, randomUUID } from 'node:crypto';
import {
  AuthEvents,
  type ListDto,
  ProviderAccountCommands,
  type ProviderAccountDto,
  WebhookRoutes,
} from '@callfleet/contracts';
import { eventEnvelope } from '@callfleet/platform';
import { waitFor } from '@callfleet/testing';
import { jetstream } from '@nats-io/jetstream';
import twilio from 'twilio';
import { DEV_ACCOUNTS_CONSUMER } from '../src/dev-provider-accounts/dev-provider-accounts.service';
import { formBody, IngestHarness, TWILIO_FORM } from './ingest-harness';

const AUTH_TOKEN = 'secret-auth-token-0123456789abcdef';
const twilioAccount = (name: string) => ({
  provider: 'twilio' as const,
  name,
  credentials: { accountSid: 'AC22222222222222222222222222222222', authToken: AUTH_TOKEN },
});
const OLD_KEY = `old-2025:${randomBytes(32).toString('base64')}`;
const NEW_KEY = `new-2026:${randomBytes(32).toString('base64')}`;

/** The provider-accounts subjects webhook-ingest answers (the gateway's /api/v1/provider-accounts). */
describe('webhook-ingest: provider accounts over NATS', () => {
  let ingest: IngestHarness;
  const orgA = randomUUID();
  const orgB = randomUUID();

  beforeAll(async () => {
    ingest = await IngestHarness.start({ env: { ENCRYPTION_KEYS: OLD_KEY, DEV_PROVIDER_ACCOUNTS: 'true' } });
  });

  afterAll(async () => {
    await ingest?.stop();
  });

  it('creates an account whose secrets are stored sealed and never answered', async () => {
    const created = await ingest.createAccount(orgA, twilioAccount('main'));
    expect(created).toMatchObject({
      provider: 'twilio',
      name: 'main',
      accountKey: expect.stringMatching(/^twilio-[0-9a-f]{16}$/),
      secretsSet: ['credentials.accountSid', 'credentials.authToken'],
      webhookUrls: { status: ingest.url(WebhookRoutes.twilioStatus(created.accountKey)) },
    });
    expect(JSON.stringify(created)).not.toContain(AUTH_TOKEN);

    const [row] = await ingest.db.query<Record<string, unknown>>(
      'SELECT * FROM ingest.provider_accounts WHERE id = $1',
      [created.id],
    );
    expect(row.secrets_key_id).toBe('old-2025');
    expect(JSON.stringify(row)).not.toContain(AUTH_TOKEN);
    expect(JSON.stringify(row)).not.toContain('AC22222222222222222222222222222222');
  });

  it('keeps each org to its own accounts: another org’s id is not found', async () => {
    const mine = await ingest.createAccount(orgA, twilioAccount('a'));
    const theirs = await ingest.createAccount(orgB, twilioAccount('b'));
    const listA = await ingest.request<ListDto<ProviderAccountDto>>(
      ProviderAccountCommands.List.subject,
      {},
      { orgId: orgA },
    );
    expect(listA.ok && listA.body.items.map((a) => a.id)).toContain(mine.id);
    expect(listA.ok && listA.body.items.map((a) => a.id)).not.toContain(theirs.id);
    for (const subject of [ProviderAccountCommands.Get.subject, ProviderAccountCommands.Delete.subject]) {
      const answer = await ingest.request(subject, { id: theirs.id }, { orgId: orgA });
      expect(answer).toMatchObject({ ok: false, status: 404, body: { code: 'NOT_FOUND' } });
    }
    const stillThere = await ingest.request(ProviderAccountCommands.Get.subject, { id: theirs.id }, { orgId: orgB });
    expect(stillThere.ok).toBe(true);
  });

  it('opens an account’s credentials for a fleet service of its own org only (provider-accounts.v1.credentials)', async () => {
    const mine = await ingest.createAccount(orgA, twilioAccount('downloads'));
    const opened = await ingest.request(
      ProviderAccountCommands.Credentials.subject,
      { accountKey: mine.accountKey },
      { orgId: orgA, roles: [] },
    );
    expect(opened).toEqual({
      ok: true,
      body: {
        id: mine.id,
        provider: 'twilio',
        accountKey: mine.accountKey,
        apiBaseUrl: null,
        credentials: { accountSid: 'AC22222222222222222222222222222222', authToken: AUTH_TOKEN },
        deleteProviderRecordingAfterStore: false,
      },
    });
    const elsewhere = await ingest.request(
      ProviderAccountCommands.Credentials.subject,
      { accountKey: mine.accountKey },
      { orgId: orgB },
    );
    expect(elsewhere).toMatchObject({ ok: false, status: 404, body: { code: 'NOT_FOUND' } });
    // By id (what users name in the API), with the same org check.
    const byId = await ingest.request(ProviderAccountCommands.Credentials.subject, { id: mine.id }, { orgId: orgA });
    expect(byId).toEqual(opened);
    const byIdElsewhere = await ingest.request(
      ProviderAccountCommands.Credentials.subject,
      { id: mine.id },
      { orgId: orgB },
    );
    expect(byIdElsewhere).toMatchObject({ ok: false, status: 404, body: { code: 'NOT_FOUND' } });
    const neither = await ingest.request(ProviderAccountCommands.Credentials.subject, {}, { orgId: orgA });
    expect(neither).toMatchObject({ ok: false, status: 400, body: { code: 'VALIDATION_ERROR' } });
  });

  it('lets only owners and admins manage accounts, and needs an org', async () => {
    for (const roles of [['agent'], ['viewer'], []]) {
      const answer = await ingest.request(ProviderAccountCommands.List.subject, {}, { orgId: orgA, roles });
      expect(answer).toMatchObject({ ok: false, status: 403, body: { code: 'INSUFFICIENT_PERMISSIONS' } });
    }
    const noOrg = await ingest.request(ProviderAccountCommands.List.subject, {}, { orgId: 'not-a-uuid' });
    expect(noOrg).toMatchObject({ ok: false, status: 401 });
  });

  it('refuses accounts that lack what their provider needs, or carry what it does not use', async () => {
    for (const [dto, problem] of [
      [{ provider: 'twilio', name: 'x', credentials: { accountSid: 'AC1' } }, 'credentials.authToken is required'],
      [{ provider: 'exotel', name: 'x' }, 'webhookSecrets.pathSecret is required'],
      [
        { provider: 'generic', name: 'x', webhookSecrets: { signingSecret: 'not base64 !!' } },
        'Standard Webhooks secret',
      ],
      [
        {
          provider: 'jambonz',
          name: 'x',
          webhookSecrets: { signingSecret: 'long enough' },
          credentials: { accessToken: 't' },
        },
        'not used by jambonz',
      ],
      [
        { provider: 'exotel', name: 'x', webhookSecrets: { pathSecret: 'p'.repeat(30) }, ipAllowList: ['10.0.0.0/33'] },
        'ipAllowList',
      ],
      // Credentials would go to cloud metadata: refused even outside production.
      [{ ...twilioAccount('x'), apiBaseUrl: 'http://169.254.169.254/latest' }, 'apiBaseUrl: 169.254.169.254'],
    ] as const) {
      const answer = await ingest.request(ProviderAccountCommands.Create.subject, dto, { orgId: orgA });
      expect(answer).toMatchObject({ ok: false, status: 400, body: { code: 'VALIDATION_ERROR' } });
      expect(JSON.stringify(answer.body)).toContain(problem);
    }
    for (const dto of [
      { provider: 'vonage', name: 'x' },
      { provider: 'twilio' },
      { provider: 'twilio', name: 'x', extra: 1 },
    ]) {
      const answer = await ingest.request(ProviderAccountCommands.Create.subject, dto, { orgId: orgA });
      expect(answer).toMatchObject({ ok: false, status: 400 });
    }
  });

  it('stops accepting webhooks for a deleted account', async () => {
    const account = await ingest.createAccount(orgA, twilioAccount('to delete'));
    const path = WebhookRoutes.twilioStatus(account.accountKey);
    const params = { CallSid: `CA${randomUUID().replace(/-/g, '')}`, CallStatus: 'ringing', SequenceNumber: '1' };
    const post = () =>
      ingest.post(path, formBody(params), {
        'content-type': TWILIO_FORM,
        'x-twilio-signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, ingest.url(path), params),
      });
    expect((await post()).status).toBe(200);
    const deleted = await ingest.request(ProviderAccountCommands.Delete.subject, { id: account.id }, { orgId: orgA });
    expect(deleted).toEqual({ ok: true, body: { ok: true } });
    expect((await post()).status).toBe(404);
  });

  it('gives every newly registered org a ready simulator account, once however often the event comes', async () => {
    const orgId = randomUUID();
    // Published as auth publishes it (webhook-ingest itself only consumes it).
    const js = jetstream(await ingest.client());
    const publishRegistered = (data: object) => {
      const event = eventEnvelope(AuthEvents.USER_REGISTERED, data, { orgId }, new Date());
      return js.publish(ingest.ns.subject(AuthEvents.USER_REGISTERED), JSON.stringify(event), { msgID: event.id });
    };
    const registered = { userId: randomUUID(), orgId, email: 'new@example.com' };
    const handled = () =>
      ingest.metric('callfleet_jetstream_deliveries_total', { consumer: DEV_ACCOUNTS_CONSUMER, outcome: 'ack' });
    const handledBefore = await handled();
    // Delivered twice, as at-least-once delivery may.
    await publishRegistered(registered);
    await publishRegistered(registered);
    const list = async () => {
      const answer = await ingest.request<ListDto<ProviderAccountDto>>(
        ProviderAccountCommands.List.subject,
        {},
        { orgId },
      );
      return answer.ok ? answer.body.items : [];
    };
    const [account] = await waitFor(async () => {
      const items = await list();
      return items.length > 0 && items;
    });
    expect(account).toMatchObject({ provider: 'twilio', apiBaseUrl: 'http://127.0.0.1:3900' });
    // Both deliveries handled and acknowledged, and still one account.
    await waitFor(async () => (await handled()) >= handledBefore + 2, 10_000, 'both deliveries to be handled');
    expect(await list()).toHaveLength(1);
  });

  it('never writes a secret to its logs', async () => {
    const account = await ingest.createAccount(orgA, twilioAccount('logged'));
    const path = WebhookRoutes.twilioStatus(account.accountKey);
    const params = { CallSid: `CA${randomUUID().replace(/-/g, '')}`, CallStatus: 'ringing', SequenceNumber: '1' };
    const post = (signature: string) =>
      ingest.post(path, formBody(params), { 'content-type': TWILIO_FORM, 'x-twilio-signature': signature });
    expect((await post(twilio.getExpectedTwilioSignature(AUTH_TOKEN, ingest.url(path), params))).status).toBe(200);
    // A refused signature is logged with what was expected: never with the secret that signs.
    expect((await post('forged')).status).toBe(401);
    expect(ingest.service.logs.lines.length).toBeGreaterThan(0);
    expect(ingest.service.logs.text()).not.toContain(AUTH_TOKEN);
  });

  it('still opens secrets sealed with the previous key after a key rotation, and seals new ones with the new key', async () => {
    const before = await ingest.createAccount(orgA, twilioAccount('before rotation'));
    await ingest.restartService({ ENCRYPTION_KEYS: `${NEW_KEY},${OLD_KEY}` });
    const path = WebhookRoutes.twilioStatus(before.accountKey);
    const params = { CallSid: `CA${randomUUID().replace(/-/g, '')}`, CallStatus: 'ringing', SequenceNumber: '1' };
    const answer = await ingest.post(path, formBody(params), {
      'content-type': TWILIO_FORM,
      'x-twilio-signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, ingest.url(path), params),
    });
    expect(answer.status).toBe(200);
    const after = await ingest.createAccount(orgA, twilioAccount('after rotation'));
    const rows = await ingest.db.query<{ id: string; secrets_key_id: string }>(
      'SELECT id, secrets_key_id FROM ingest.provider_accounts WHERE id = ANY($1::uuid[])',
      [[before.id, after.id]],
    );
    expect(Object.fromEntries(rows.map((r) => [r.id, r.secrets_key_id]))).toEqual({
      [before.id]: 'old-2025',
      [after.id]: 'new-2026',
    });
  });
});
