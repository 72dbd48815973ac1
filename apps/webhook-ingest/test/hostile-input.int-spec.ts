import { createHmac, randomUUID } from 'node:crypto';
import { ProviderAccountCommands, type ProviderAccountDto, WebhookRoutes } from '@callfleet/contracts';
import { waitFor } from '@callfleet/testing';
import { Webhook } from 'standardwebhooks';
import twilio from 'twilio';
import { type DeliveryLogRow, DeliveryLogWriter } from '../src/delivery-log/delivery-log.writer';
import { envelopeOf, formBody, type HttpAnswer, IngestHarness, TWILIO_FORM } from './ingest-harness';

const WHSEC = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const AUTH_TOKEN = 'f0e1d2c3b4a5968778695a4b3c2d1e0f';
const BODY_LIMIT = 16 * 1024;

/**
 * Whatever arrives (malformed, mislabelled, oversized, unauthenticated, addressed to nobody), the
 * answer is a 4xx with the error envelope: never a 500, never an event stored.
 */
describe('webhook-ingest: hostile and malformed requests', () => {
  let ingest: IngestHarness;
  let generic: ProviderAccountDto;
  let twilioAccount: ProviderAccountDto;

  beforeAll(async () => {
    ingest = await IngestHarness.start({ env: { WEBHOOK_BODY_LIMIT_BYTES: String(BODY_LIMIT) } });
    const orgId = randomUUID();
    generic = await ingest.createAccount(orgId, {
      provider: 'generic',
      name: 'generic',
      webhookSecrets: { signingSecret: WHSEC },
    });
    twilioAccount = await ingest.createAccount(orgId, {
      provider: 'twilio',
      name: 'twilio',
      credentials: { accountSid: 'AC11111111111111111111111111111111', authToken: AUTH_TOKEN },
    });
  });

  afterAll(async () => {
    await ingest?.stop();
  });

  /** Signed correctly (so the check passes and the body itself is what is judged). */
  const signedGeneric = (body: string | Buffer, contentType = 'application/json') => {
    const id = `msg_${randomUUID()}`;
    const now = new Date();
    const timestamp = Math.floor(now.getTime() / 1000);
    // The reference library decodes a Buffer as UTF-8 before signing; bytes that are not UTF-8 are
    // signed raw here, as the specification says (the signature covers the raw body).
    const signature =
      typeof body === 'string'
        ? new Webhook(WHSEC).sign(id, now, body)
        : `v1,${createHmac('sha256', Buffer.from(WHSEC.slice(6), 'base64'))
            .update(`${id}.${timestamp}.`)
            .update(body)
            .digest('base64')}`;
    return ingest.post(WebhookRoutes.generic(generic.accountKey), body, {
      'content-type': contentType,
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signature,
    });
  };

  const signedTwilio = (params: Record<string, string>) => {
    const path = WebhookRoutes.twilioStatus(twilioAccount.accountKey);
    return ingest.post(path, formBody(params), {
      'content-type': TWILIO_FORM,
      'x-twilio-signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, ingest.url(path), params),
    });
  };

  const expectRefused = (answer: HttpAnswer, status: number, code?: string) => {
    expect(answer.status).toBe(status);
    const envelope = envelopeOf(answer);
    if (code) expect(envelope.code).toBe(code);
  };

  it('refuses unknown providers, unknown or malformed account keys and unknown routes with 404', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    for (const path of [
      '/webhooks/vonage/acct-1',
      '/webhooks/generic/generic-0000000000000000',
      '/webhooks/generic/..%2F..%2Fadmin',
      '/webhooks/twilio/twilio-0000000000000000/transcription',
      `/webhooks/twilio/${twilioAccount.accountKey}`,
      '/webhooks',
      '/nothing-here',
    ]) {
      expectRefused(await ingest.post(path, 'a=1', form), 404, 'NOT_FOUND');
    }
    const get = await fetch(ingest.url(WebhookRoutes.twilioStatus(twilioAccount.accountKey)));
    expect(get.status).toBe(404);
    // URLs the router itself refuses (a segment longer than it takes, a broken escape): still the envelope.
    expectRefused(await ingest.post(`/webhooks/generic/${'a'.repeat(300)}`, '{}', form), 400, 'BAD_REQUEST');
    expectRefused(await ingest.post('/webhooks/generic/%E0%A4%A', '{}', form), 400, 'BAD_REQUEST');
  });

  it('refuses requests without or with garbage signatures with 401', async () => {
    const body = JSON.stringify({ type: 'call.ended' });
    expectRefused(
      await ingest.post(WebhookRoutes.generic(generic.accountKey), body, { 'content-type': 'application/json' }),
      401,
      'UNAUTHORIZED',
    );
    expectRefused(
      await ingest.post(WebhookRoutes.generic(generic.accountKey), body, {
        'content-type': 'application/json',
        'webhook-id': 'x',
        'webhook-timestamp': 'yesterday',
        'webhook-signature': 'v1,%%%not-base64%%% v2 ,,,',
      }),
      401,
    );
    expectRefused(
      await ingest.post(WebhookRoutes.twilioStatus(twilioAccount.accountKey), 'CallSid=CA1', {
        'content-type': TWILIO_FORM,
        'x-twilio-signature': '\u00ff'.repeat(10),
      }),
      401,
    );
  });

  it('refuses malformed bodies that carry a valid signature with 400', async () => {
    for (const body of ['{"type": ', '[1,2,3]', 'null', '{"data": {}}', '', '\u0000\u0001\u0002', '{"type": 42}']) {
      expectRefused(await signedGeneric(body), 400);
    }
    expectRefused(await signedGeneric(Buffer.from([0xff, 0xfe, 0x7b, 0x22, 0x74])), 400);
    expectRefused(await signedTwilio({ CallStatus: 'ringing' }), 400, 'VALIDATION_ERROR');
    expectRefused(await signedTwilio({ CallSid: 'CA1', CallStatus: 'teleported' }), 400, 'VALIDATION_ERROR');
    expectRefused(
      await signedTwilio({ CallSid: 'CA1', __proto__: 'x', constructor: 'y' } as Record<string, string>),
      400,
    );
  });

  it('refuses over NATS with 400 the strings PostgreSQL cannot store, instead of a 500 DATABASE_ERROR', async () => {
    const caller = { orgId: randomUUID() };
    for (const name of ['main\u0000', 'main\ud800']) {
      const answer = await ingest.request(
        ProviderAccountCommands.Create.subject,
        { provider: 'generic', name, webhookSecrets: { signingSecret: WHSEC } },
        caller,
      );
      expect(answer).toMatchObject({ ok: false, status: 400, body: { code: 'VALIDATION_ERROR' } });
    }
  });

  it('refuses a NUL in the account key of a webhook URL with 400', async () => {
    expectRefused(
      await ingest.post('/webhooks/generic/generic-%00', '{}', { 'content-type': 'application/json' }),
      400,
    );
  });

  it('refuses signed bodies nested thousands deep with 400, like every other body', async () => {
    // As deep as the 16 KiB body limit of this file allows.
    const deep = `{"type":"call.ended","data":${'{"a":'.repeat(2500)}1${'}'.repeat(2500)}}`;
    expectRefused(await signedGeneric(deep), 400, 'VALIDATION_ERROR');
    const deepArrays = `{"type":"call.ended","data":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    expectRefused(await signedGeneric(deepArrays), 400, 'VALIDATION_ERROR');
  });

  it('refuses with 400, once, a signed Twilio delivery whose ids are huge or carry CR/LF (no 503 retried for ever)', async () => {
    const callSid = 'CAe1644a7eed5088b159577c5802d8be38';
    const status = { AccountSid: 'AC11111111111111111111111111111111', CallStatus: 'ringing', SequenceNumber: '1' };
    const recording = {
      AccountSid: 'AC11111111111111111111111111111111',
      CallSid: callSid,
      RecordingStatus: 'completed',
      RecordingUrl: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1',
    };
    for (const params of [
      { ...status, CallSid: `CA${'a'.repeat(12_000)}` },
      { ...status, CallSid: `${callSid}\r\nNats-Expected-Stream: OTHER` },
      { ...recording, RecordingSid: `RE${'0'.repeat(12_000)}` },
      { ...recording, RecordingSid: 'RE0123456789abcdef0123456789abcdef\r\n' },
    ]) {
      for (let attempt = 0; attempt < 2; attempt++) {
        expectRefused(await signedTwilio(params), 400, 'VALIDATION_ERROR');
      }
    }
  });

  it('refuses bodies of a type the provider never sends with 415', async () => {
    const body = JSON.stringify({ type: 'call.ended' });
    for (const type of [
      'text/plain',
      'application/xml',
      'multipart/form-data; boundary=x',
      'application/x-www-form-urlencoded',
    ]) {
      expectRefused(await signedGeneric(body, type), 415, 'UNSUPPORTED_MEDIA_TYPE');
    }
  });

  it('refuses bodies over the limit with 413 before reading them', async () => {
    const huge = JSON.stringify({ type: 'x', data: 'a'.repeat(BODY_LIMIT) });
    expectRefused(await signedGeneric(huge), 413, 'PAYLOAD_TOO_LARGE');
    expectRefused(
      await ingest.post(WebhookRoutes.twilioStatus(twilioAccount.accountKey), `CallSid=${'a'.repeat(BODY_LIMIT)}`, {
        'content-type': TWILIO_FORM,
      }),
      413,
    );
  });

  it('writes every delivery log row of a batch when one of them cannot be stored as it came', async () => {
    const writer = ingest.service.app.get(DeliveryLogWriter);
    const requestId = randomUUID();
    const row = (accountKey: string, statusCode = 404): DeliveryLogRow => ({
      receivedAt: new Date(),
      requestId,
      provider: 'generic',
      accountKey,
      kind: 'notification',
      statusCode,
      latencyMs: 1.5,
      verification: 'unknown-account',
      eventCount: 0,
      error: `No such provider account ${accountKey}`,
    });
    const droppedBefore = await ingest.metric('callfleet_webhooks_delivery_log_dropped_total', {});
    // A key with %00 (text refuses NUL), a lone surrogate, and a row no cleaning can save (int overflow).
    for (const accountKey of ['generic-a', 'generic-\u0000', 'generic-b', 'generic-\ud800', 'generic-c']) {
      writer.record(row(accountKey));
    }
    writer.record(row('generic-overflow', 2 ** 40));
    await writer.flush();

    const written = await ingest.db.query<{ account_key: string }>(
      'SELECT account_key FROM ingest.webhook_delivery_log WHERE request_id = $1',
      [requestId],
    );
    expect(written.map((r) => r.account_key).sort()).toEqual(
      ['generic-a', 'generic-b', 'generic-c', 'generic-\uFFFD', 'generic-\uFFFD'].sort(),
    );
    expect(await ingest.metric('callfleet_webhooks_delivery_log_dropped_total', {})).toBe(droppedBefore + 1);
  });

  it('stores none of it and counts each refusal under its reason', async () => {
    const outcomes = ['invalid-signature', 'malformed', 'unknown-account', 'error'];
    const counts = () =>
      Promise.all(outcomes.map((outcome) => ingest.metric('callfleet_webhooks_received_total', { outcome })));
    const before = await counts();
    const form = { 'content-type': TWILIO_FORM };
    const twilioPath = WebhookRoutes.twilioStatus(twilioAccount.accountKey);
    expectRefused(await ingest.post(twilioPath, 'CallSid=CA1', { ...form, 'x-twilio-signature': 'forged' }), 401);
    expectRefused(await signedGeneric('{"type": '), 400);
    expectRefused(await ingest.post(WebhookRoutes.twilioStatus('twilio-0000000000000000'), 'CallSid=CA1', form), 404);
    const counted = async () => {
      const after = await counts();
      return Object.fromEntries(outcomes.map((outcome, i) => [outcome, after[i] - before[i]]));
    };
    await waitFor(async () => Object.values(await counted()).filter((n) => n > 0).length >= 3, 5_000, 'the counts');
    expect(await counted()).toEqual({ 'invalid-signature': 1, malformed: 1, 'unknown-account': 1, error: 0 });
    expect(await ingest.storedEvents()).toEqual([]);
  });
});
