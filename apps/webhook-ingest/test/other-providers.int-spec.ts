import { createHmac, randomUUID } from 'node:crypto';
import { type ProviderAccountDto, WebhookRoutes } from '@callfleet/contracts';
import { Webhook } from 'standardwebhooks';
import { ProviderAccountsService } from '../src/provider-accounts/provider-accounts.service';
import { envelopeOf, formBody, IngestHarness } from './ingest-harness';

const WHSEC = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const JAMBONZ_SECRET = 'jambonz-webhook-secret-42';
const EXOTEL_PATH_SECRET = 'exo_9f8e7d6c5b4a3f2e1d0c9b8a';

describe('webhook-ingest: Standard Webhooks, Jambonz, Exotel, RingCentral (real NATS and PostgreSQL)', () => {
  let ingest: IngestHarness;
  const orgId = randomUUID();

  beforeAll(async () => {
    ingest = await IngestHarness.start();
  });

  afterAll(async () => {
    await ingest?.stop();
  });

  const storedOf = async (eventId: string) => (await ingest.storedEvents()).filter((s) => s.event.eventId === eventId);

  describe('generic (Standard Webhooks)', () => {
    let account: ProviderAccountDto;
    beforeAll(async () => {
      account = await ingest.createAccount(orgId, {
        provider: 'generic',
        name: 'AI agent platform',
        webhookSecrets: { signingSecret: WHSEC },
      });
    });

    /** A delivery signed by the standardwebhooks reference library, at `sentAt`. */
    const deliver = (
      id: string,
      sentAt: Date,
      payload = { type: 'call.ended', data: { callId: 'c-1' } },
      to: ProviderAccountDto = account,
    ) => {
      const body = JSON.stringify(payload);
      return ingest.post(WebhookRoutes.generic(to.accountKey), body, {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
        'webhook-signature': new Webhook(WHSEC).sign(id, sentAt, body),
      });
    };

    it('accepts a delivery signed with the standardwebhooks package and stores it under its webhook-id', async () => {
      const id = `msg_${randomUUID()}`;
      const answer = await deliver(id, new Date());
      expect(answer.status).toBe(200);
      expect(await storedOf(`generic:${account.accountKey}:${id}`)).toEqual([
        expect.objectContaining({
          subject: 'ingress.generic.v1.generic',
          event: expect.objectContaining({ type: 'call.ended', callId: 'c-1', accountKey: account.accountKey }),
        }),
      ]);
    });

    it("stores another org's delivery that reuses a webhook-id: senders' ids are not unique across tenants", async () => {
      const otherOrgId = randomUUID();
      const otherAccount = await ingest.createAccount(otherOrgId, {
        provider: 'generic',
        name: 'another tenant',
        webhookSecrets: { signingSecret: WHSEC },
      });
      const id = `msg_${randomUUID()}`;
      const ours = await deliver(id, new Date());
      const theirs = await deliver(id, new Date(), { type: 'call.started', data: { callId: 'c-2' } }, otherAccount);
      expect(ours.json()).toEqual({ accepted: 1, duplicates: 0 });
      expect(theirs.json()).toEqual({ accepted: 1, duplicates: 0 });

      const stored = (await ingest.storedEvents()).filter((s) => s.event.eventId.endsWith(`:${id}`));
      expect(stored.map((s) => ({ orgId: s.orgId, accountKey: s.event.accountKey, type: s.event.type }))).toEqual([
        { orgId, accountKey: account.accountKey, type: 'call.ended' },
        { orgId: otherOrgId, accountKey: otherAccount.accountKey, type: 'call.started' },
      ]);
      const marked = await ingest.db.query<{ account_key: string }>(
        'SELECT account_key FROM ingest.processed_webhook_events WHERE event_id LIKE $1',
        [`%:${id}`],
      );
      expect(marked.map((row) => row.account_key).sort()).toEqual([account.accountKey, otherAccount.accountKey].sort());
    });

    it.each([
      ['6 minutes old', -6],
      ['6 minutes ahead', 6],
    ])('refuses a correctly signed delivery %s (replay window) with 401', async (_label, minutes) => {
      const id = `msg_${randomUUID()}`;
      const answer = await deliver(id, new Date(Date.now() + minutes * 60_000));
      expect(answer.status).toBe(401);
      expect(envelopeOf(answer).code).toBe('UNAUTHORIZED');
      expect(await storedOf(`generic:${account.accountKey}:${id}`)).toEqual([]);
    });
  });

  describe('jambonz', () => {
    it('accepts a call status signed with Jambonz-Signature and refuses a wrong one', async () => {
      const account = await ingest.createAccount(orgId, {
        provider: 'jambonz',
        name: 'jambonz',
        webhookSecrets: { signingSecret: JAMBONZ_SECRET },
      });
      const payload = { call_sid: `jb-${randomUUID()}`, call_status: 'in-progress', from: '+1555', to: '+1666' };
      const t = Math.floor(Date.now() / 1000);
      // As jambonz signs: HMAC-SHA256 over "<t>." + JSON.stringify(body), hex.
      const v1 = createHmac('sha256', JAMBONZ_SECRET)
        .update(`${t}.${JSON.stringify(payload)}`)
        .digest('hex');
      const send = (signature: string) =>
        ingest.post(WebhookRoutes.jambonz(account.accountKey), JSON.stringify(payload), {
          'content-type': 'application/json',
          'jambonz-signature': signature,
        });
      expect((await send(`t=${t},v1=${v1}`)).status).toBe(200);
      expect((await send(`t=${t},v1=${v1.replace(/.$/, (c) => (c === '0' ? '1' : '0'))}`)).status).toBe(401);
      const stored = (await ingest.storedEvents()).filter((s) => s.event.callId === payload.call_sid);
      expect(stored).toEqual([
        expect.objectContaining({
          subject: 'ingress.jambonz.v1.call-status',
          event: expect.objectContaining({ status: 'answered' }),
        }),
      ]);
    });
  });

  describe('exotel (unsigned: secret path segment, optional IP allow-list)', () => {
    const callback = (callSid: string) =>
      formBody({
        CallSid: callSid,
        EventType: 'terminal',
        Status: 'completed',
        From: '09900000001',
        To: '08000000002',
        Direction: 'outbound-api',
        ConversationDuration: '42',
        DateUpdated: '2025-01-14 22:33:41',
      });

    it('accepts a callback on the secret path and refuses any other secret', async () => {
      const account = await ingest.createAccount(orgId, {
        provider: 'exotel',
        name: 'exotel',
        webhookSecrets: { pathSecret: EXOTEL_PATH_SECRET },
      });
      expect(account.webhookUrls.status).toMatch(/\/webhooks\/exotel\/exotel-[0-9a-f]+\/\{pathSecret\}\/status$/);
      const callSid = `exo-${randomUUID()}`;
      const headers = { 'content-type': 'application/x-www-form-urlencoded' };
      const right = await ingest.post(
        WebhookRoutes.exotelStatus(account.accountKey, EXOTEL_PATH_SECRET),
        callback(callSid),
        headers,
      );
      expect(right.status).toBe(200);
      const wrong = await ingest.post(
        WebhookRoutes.exotelStatus(account.accountKey, `${EXOTEL_PATH_SECRET.slice(0, -1)}X`),
        callback(`exo-${randomUUID()}`),
        headers,
      );
      expect(wrong.status).toBe(401);
      const [stored] = (await ingest.storedEvents()).filter((s) => s.event.callId === callSid);
      expect(stored).toMatchObject({
        subject: 'ingress.exotel.v1.call-status',
        event: { status: 'completed', occurredAt: '2025-01-14T17:03:41.000Z' },
      });
    });

    it('takes the right secret only from an allowed address, whatever X-Forwarded-For claims', async () => {
      const allowListed = (ipAllowList: string[]) =>
        ingest.createAccount(orgId, {
          provider: 'exotel',
          name: 'exotel behind allow-list',
          webhookSecrets: { pathSecret: EXOTEL_PATH_SECRET },
          ipAllowList,
        });
      const send = (accountKey: string) =>
        ingest.post(WebhookRoutes.exotelStatus(accountKey, EXOTEL_PATH_SECRET), callback(`exo-${randomUUID()}`), {
          'content-type': 'application/x-www-form-urlencoded',
          'x-forwarded-for': '203.0.113.7',
        });
      expect((await send((await allowListed(['203.0.113.0/24'])).accountKey)).status).toBe(401);
      expect((await send((await allowListed(['127.0.0.1/32', '::1'])).accountKey)).status).toBe(200);
    });
  });

  describe('ringcentral', () => {
    let account: ProviderAccountDto;
    let verificationToken: string;

    beforeAll(async () => {
      account = await ingest.createAccount(orgId, {
        provider: 'ringcentral',
        name: 'ringcentral',
        apiBaseUrl: 'http://127.0.0.1:9',
        credentials: { accessToken: 'rc-access-token' },
      });
      // The token is ours and never shown: read it the way the subscription job does.
      verificationToken = await readVerificationToken(account.accountKey);
    });

    async function readVerificationToken(accountKey: string): Promise<string> {
      const resolved = await ingest.service.app.get(ProviderAccountsService).resolve('ringcentral', accountKey);
      return resolved?.webhookSecrets.verificationToken ?? '';
    }

    it('echoes the Validation-Token of the subscription handshake', async () => {
      const answer = await ingest.post(WebhookRoutes.ringcentral(account.accountKey), '', {
        'validation-token': 'b3f5c0e2-5f8a-4a44-9b7c-1d2e3f4a5b6c',
      });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('validation-token')).toBe('b3f5c0e2-5f8a-4a44-9b7c-1d2e3f4a5b6c');
    });

    it('stores a telephony notification carrying our Verification-Token, one event per party, and refuses another token', async () => {
      const uuid = randomUUID();
      const notification = JSON.stringify({
        uuid,
        event: '/restapi/v1.0/account/400000001/extension/200000001/telephony/sessions',
        timestamp: '2025-01-14T17:03:41.000Z',
        subscriptionId: 'sub-1',
        body: {
          sequence: 7,
          telephonySessionId: 's-abc',
          parties: [{ id: 'p-1', status: { code: 'Answered' }, to: { phoneNumber: '+15558675310' } }],
        },
      });
      const send = (token: string) =>
        ingest.post(WebhookRoutes.ringcentral(account.accountKey), notification, {
          'content-type': 'application/json',
          'verification-token': token,
        });
      expect((await send('not-our-token')).status).toBe(401);
      expect((await send(verificationToken)).status).toBe(200);
      expect(await storedOf(`ringcentral:${account.accountKey}:${uuid}:p-1`)).toEqual([
        expect.objectContaining({
          subject: 'ingress.ringcentral.v1.call-status',
          event: expect.objectContaining({ callId: 's-abc', partyId: 'p-1', status: 'answered', sequence: 7 }),
        }),
      ]);
    });
  });
});
