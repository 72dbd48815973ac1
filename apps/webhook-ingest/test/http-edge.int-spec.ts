import { randomUUID } from 'node:crypto';
import { type ProviderAccountDto, WebhookRoutes } from '@callfleet/contracts';
import { expectBusyClientsToRead413, postWholeBodyThenRead } from '@callfleet/testing';
import twilio from 'twilio';
import { formBody, IngestHarness, TWILIO_FORM } from './ingest-harness';

const AUTH_TOKEN = 'f0e1d2c3b4a5968778695a4b3c2d1e0f';
const ACCOUNT_SID = 'AC11111111111111111111111111111111';
const BODY_LIMIT = 16 * 1024;

function statusCallback(): Record<string, string> {
  return {
    AccountSid: ACCOUNT_SID,
    CallSid: `CA${randomUUID().replace(/-/g, '')}`,
    CallStatus: 'ringing',
    Direction: 'outbound-api',
    From: '+15017122661',
    To: '+15558675310',
    ApiVersion: '2010-04-01',
    Timestamp: 'Tue, 14 Jan 2025 17:03:41 +0000',
    SequenceNumber: '1',
    CallbackSource: 'call-progress-events',
  };
}

/**
 * webhook-ingest's door as providers (and impostors) reach it: oversize deliveries on its raw-body
 * routes, and the URL a Twilio signature is checked against, which no client header may move
 * unless a trusted proxy wrote it.
 */
describe('webhook-ingest edge', () => {
  const harnesses: IngestHarness[] = [];
  const start = async (env: Record<string, string> = {}) => {
    const ingest = await IngestHarness.start({ env: { WEBHOOK_BODY_LIMIT_BYTES: String(BODY_LIMIT), ...env } });
    harnesses.push(ingest);
    const account = await ingest.createAccount(randomUUID(), {
      provider: 'twilio',
      name: 'twilio',
      credentials: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN },
    });
    return { ingest, account };
  };
  afterAll(async () => {
    for (const ingest of harnesses) await ingest.stop();
  });

  /** A delivery signed by Twilio's library for `signedUrl`, sent to this service with `headers`. */
  const deliver = (ingest: IngestHarness, account: ProviderAccountDto, signedBase: string, headers = {}) => {
    const path = WebhookRoutes.twilioStatus(account.accountKey);
    const params = statusCallback();
    return ingest.post(path, formBody(params), {
      'content-type': TWILIO_FORM,
      'x-twilio-signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${signedBase}${path}`, params),
      ...headers,
    });
  };

  describe('without a proxy in front (TRUSTED_PROXY_HOPS=0, no WEBHOOK_PUBLIC_BASE_URL)', () => {
    let ingest: IngestHarness;
    let account: ProviderAccountDto;
    beforeAll(async () => {
      ({ ingest, account } = await start());
    });

    it('answers an oversize delivery 413 with the envelope, to busy kept-alive clients and whole-body senders', async () => {
      const url = ingest.url(WebhookRoutes.twilioStatus(account.accountKey));
      for (const size of [BODY_LIMIT + 1, 10_000_000]) {
        await expectBusyClientsToRead413(url, size);
        const whole = await postWholeBodyThenRead(ingest.service.url, new URL(url).pathname, size, {
          'content-type': TWILIO_FORM,
        });
        expect(whole.error).toBeUndefined();
        expect(whole.answer?.status).toBe(413);
      }
    });

    it('checks the signature against the URL it was called on, whatever X-Forwarded-Host/-Proto claim', async () => {
      const forged = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'hooks.example.com' };
      const direct = await deliver(ingest, account, ingest.service.url, forged);
      expect(direct.status).toBe(200);
      const signedForTheClaim = await deliver(ingest, account, 'https://hooks.example.com', forged);
      expect(signedForTheClaim.status).toBe(401);
      expect(signedForTheClaim.json()).toMatchObject({ code: 'UNAUTHORIZED' });
    });
  });

  describe('behind one trusted proxy (TRUSTED_PROXY_HOPS=1)', () => {
    it('checks the signature against the scheme and host the proxy forwarded', async () => {
      const { ingest, account } = await start({ TRUSTED_PROXY_HOPS: '1' });
      const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'hooks.example.com' };
      expect((await deliver(ingest, account, 'https://hooks.example.com', forwarded)).status).toBe(200);
      expect((await deliver(ingest, account, ingest.service.url, forwarded)).status).toBe(401);
    });
  });
});
