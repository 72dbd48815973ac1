import { randomUUID } from 'node:crypto';
import { CallCommands, type ProviderAccountDto, TelephonyIngress, WebhookRoutes } from '@callfleet/contracts';
import { waitFor } from '@callfleet/testing';
import type { Subscription } from '@nats-io/transport-node';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import twilio from 'twilio';
import { envelopeOf, formBody, IngestHarness, TWILIO_FORM } from './ingest-harness';

const AUTH_TOKEN = 'f0e1d2c3b4a5968778695a4b3c2d1e0f';
const ACCOUNT_SID = 'AC11111111111111111111111111111111';

function statusCallback(callSid: string, status: string, sequence: number): Record<string, string> {
  return {
    AccountSid: ACCOUNT_SID,
    CallSid: callSid,
    CallStatus: status,
    Direction: 'outbound-api',
    From: '+15017122661',
    To: '+15558675310',
    ApiVersion: '2010-04-01',
    Timestamp: 'Tue, 14 Jan 2025 17:03:41 +0000',
    SequenceNumber: String(sequence),
    CallbackSource: 'call-progress-events',
  };
}

const newCallSid = () => `CA${randomUUID().replace(/-/g, '')}`;

describe('webhook-ingest: Twilio webhooks (real NATS and PostgreSQL)', () => {
  let ingest: IngestHarness;
  const orgId = randomUUID();
  const accountOf = async (name: string) =>
    ingest.createAccount(orgId, {
      provider: 'twilio',
      name,
      credentials: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN },
    });

  /** What Twilio sends: the form and X-Twilio-Signature computed by the official helper library. */
  const signedPost = (
    path: string,
    params: Record<string, string>,
    tamper: Partial<Record<'body' | 'url' | 'signature', true>> = {},
  ) => {
    const signedPath = `${path}?leg=7`;
    let signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, ingest.url(signedPath), params);
    let body = formBody(params);
    let target = signedPath;
    if (tamper.signature) signature = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
    if (tamper.body) body = body.replace('CallStatus=ringing', 'CallStatus=rinGing');
    if (tamper.url) target = `${path}?leg=8`;
    return ingest.post(target, body, { 'content-type': TWILIO_FORM, 'x-twilio-signature': signature });
  };

  beforeAll(async () => {
    ingest = await IngestHarness.start({
      env: { WEBHOOK_RATE_LIMIT_PER_MINUTE: '40', CALL_FLOW_TIMEOUT_MS: '300' },
    });
  });

  afterAll(async () => {
    await ingest?.stop();
  });

  it('accepts a status callback signed by the twilio library and stores it once, normalized, with its org', async () => {
    const account = await accountOf('signed');
    const callSid = newCallSid();
    const answer = await signedPost(
      WebhookRoutes.twilioStatus(account.accountKey),
      statusCallback(callSid, 'ringing', 1),
    );
    expect(answer.status).toBe(200);
    expect(answer.json()).toEqual({ accepted: 1, duplicates: 0 });

    const stored = (await ingest.storedEvents()).filter((s) => s.event.callId === callSid);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      subject: 'ingress.twilio.v1.call-status',
      msgId: `twilio:${account.accountKey}:${callSid}:ringing`,
      orgId,
      event: {
        orgId,
        provider: 'twilio',
        accountKey: account.accountKey,
        kind: 'call-status',
        status: 'ringing',
        sequence: 1,
      },
    });
    // What an INGRESS consumer checks its payloads against (JetStreamService.consume).
    const asConsumed = plainToInstance(TelephonyIngress.payload, stored[0].event);
    expect(validateSync(asConsumed, { whitelist: true, forbidNonWhitelisted: true })).toEqual([]);
  });

  it.each([['body'], ['url'], ['signature']] as const)(
    'refuses the same request with one byte of the %s changed: 401, nothing stored, counted',
    async (part) => {
      const account = await accountOf(`tampered ${part}`);
      const callSid = newCallSid();
      const before = await ingest.metric('callfleet_webhooks_received_total', {
        provider: 'twilio',
        outcome: 'invalid-signature',
      });
      const answer = await signedPost(
        WebhookRoutes.twilioStatus(account.accountKey),
        statusCallback(callSid, 'ringing', 1),
        { [part]: true },
      );
      expect(answer.status).toBe(401);
      expect(envelopeOf(answer).code).toBe('UNAUTHORIZED');
      expect(
        await ingest.metric('callfleet_webhooks_received_total', { provider: 'twilio', outcome: 'invalid-signature' }),
      ).toBe(before + 1);
      expect((await ingest.storedEvents()).filter((s) => s.event.callId === callSid)).toEqual([]);
    },
  );

  it('answers the same delivery sent five times with 200 each time and stores it once', async () => {
    const account = await accountOf('five times');
    const callSid = newCallSid();
    const params = statusCallback(callSid, 'completed', 3);
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await signedPost(WebhookRoutes.twilioStatus(account.accountKey), params));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(answers.map((a) => a.json())).toEqual([
      { accepted: 1, duplicates: 0 },
      ...Array(4).fill({ accepted: 0, duplicates: 1 }),
    ]);
    // Five more at once: the table has not seen them when they arrive; JetStream's Nats-Msg-Id drops them.
    const burstSid = newCallSid();
    const burst = await Promise.all(
      Array.from({ length: 5 }, () =>
        signedPost(WebhookRoutes.twilioStatus(account.accountKey), statusCallback(burstSid, 'ringing', 1)),
      ),
    );
    expect(burst.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    const stored = await ingest.storedEvents();
    expect(stored.filter((s) => s.event.callId === callSid)).toHaveLength(1);
    expect(stored.filter((s) => s.event.callId === burstSid)).toHaveLength(1);
  });

  it('stores a captured delivery once, however its signed fields are split again', async () => {
    const account = await accountOf('re-split');
    const path = WebhookRoutes.twilioStatus(account.accountKey);
    const callSid = newCallSid();
    const original = statusCallback(callSid, 'completed', 3);
    const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, ingest.url(path), original);
    const { Timestamp, SequenceNumber, From, ...rest } = original;
    // Twilio signs names and values run together, so each of these carries the original's valid signature.
    const resplits = [
      { ...rest, From, SequenceNumber: `${SequenceNumber}Timestamp${Timestamp}` },
      { ...rest, From: `${From}SequenceNumber${SequenceNumber}`, Timestamp },
      { ...rest, From, SequenceNumbe: `r${SequenceNumber}`, Timestamp },
    ];
    const replay = (params: Record<string, string>) =>
      ingest.post(path, formBody(params), { 'content-type': TWILIO_FORM, 'x-twilio-signature': signature });

    expect((await replay(original)).json()).toEqual({ accepted: 1, duplicates: 0 });
    for (const params of resplits) {
      const answer = await replay(params);
      // Refused as malformed, or recognised as the event already stored: never accepted again.
      if (answer.status === 400) expect(envelopeOf(answer).code).toBe('VALIDATION_ERROR');
      else
        expect({ status: answer.status, body: answer.json() }).toEqual({
          status: 200,
          body: { accepted: 0, duplicates: 1 },
        });
    }
    const stored = (await ingest.storedEvents()).filter((s) => s.event.callId === callSid);
    expect(stored).toHaveLength(1);
  });

  it('refuses with 400, every time, a signed callback whose CallSid or RecordingSid is 100,000 characters', async () => {
    const account = await accountOf('huge ids');
    const callSid = newCallSid();
    const hugeCall = { ...statusCallback(callSid, 'ringing', 1), CallSid: `CA${'f'.repeat(100_000)}` };
    const hugeRecording = {
      AccountSid: ACCOUNT_SID,
      CallSid: callSid,
      RecordingSid: `RE${'0'.repeat(100_000)}`,
      RecordingUrl: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1',
      RecordingStatus: 'completed',
    };
    for (const [path, params] of [
      [WebhookRoutes.twilioStatus(account.accountKey), hugeCall],
      [WebhookRoutes.twilioRecording(account.accountKey), hugeRecording],
    ] as const) {
      // A provider retries a 5xx for ever; a 400 ends it at the first answer.
      for (let attempt = 0; attempt < 2; attempt++) {
        const answer = await signedPost(path, params);
        expect(answer.status).toBe(400);
        expect(envelopeOf(answer).code).toBe('VALIDATION_ERROR');
      }
    }
    expect((await ingest.storedEvents()).filter((s) => s.event.callId === callSid)).toEqual([]);
  });

  it('stores a recording callback as a recording event', async () => {
    const account = await accountOf('recording');
    const callSid = newCallSid();
    const answer = await signedPost(WebhookRoutes.twilioRecording(account.accountKey), {
      AccountSid: ACCOUNT_SID,
      CallSid: callSid,
      RecordingSid: 'RE0123456789abcdef0123456789abcdef',
      RecordingUrl: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE0123456789abcdef0123456789abcdef',
      RecordingStatus: 'completed',
      RecordingDuration: '42',
      RecordingChannels: '1',
    });
    expect(answer.status).toBe(200);
    const [stored] = (await ingest.storedEvents()).filter((s) => s.event.callId === callSid);
    expect(stored).toMatchObject({
      subject: 'ingress.twilio.v1.recording',
      event: { kind: 'recording', recording: { recordingId: 'RE0123456789abcdef0123456789abcdef', durationSec: 42 } },
    });
  });

  it('refuses an account of another provider and a key that does not exist with 404', async () => {
    const generic = await ingest.createAccount(orgId, {
      provider: 'generic',
      name: 'generic',
      webhookSecrets: { signingSecret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' },
    });
    for (const key of [generic.accountKey, 'twilio-0000000000000000']) {
      const answer = await signedPost(WebhookRoutes.twilioStatus(key), statusCallback(newCallSid(), 'ringing', 1));
      expect(answer.status).toBe(404);
      expect(envelopeOf(answer).code).toBe('NOT_FOUND');
    }
  });

  it('limits each account to its budget per minute: 503 with Retry-After (providers retry 5xx), other accounts unaffected', async () => {
    const busy = await accountOf('busy');
    const calm = await accountOf('calm');
    // Budgets are per minute since the epoch: keep the burst inside one minute.
    const left = 60_000 - (Date.now() % 60_000);
    if (left < 5_000) await new Promise((r) => setTimeout(r, left + 50));
    const answers = await Promise.all(
      Array.from({ length: 41 }, (_, i) =>
        signedPost(WebhookRoutes.twilioStatus(busy.accountKey), statusCallback(newCallSid(), 'ringing', i)),
      ),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(40);
    const refused = answers.filter((a) => a.status === 503);
    expect(refused).toHaveLength(1);
    const retryAfter = Number(refused[0].headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    // The limiter's own wait (until its window ends), not the generic outage one.
    expect(envelopeOf(refused[0])).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      details: { retryAfterSeconds: retryAfter },
    });
    expect(
      await ingest.metric('callfleet_webhooks_received_total', { provider: 'twilio', outcome: 'rate-limited' }),
    ).toBe(1);
    const other = await signedPost(
      WebhookRoutes.twilioStatus(calm.accountKey),
      statusCallback(newCallSid(), 'ringing', 1),
    );
    expect(other.status).toBe(200);
  });

  it('writes every delivery to the delivery log: status, verification, latency, account', async () => {
    const account = await accountOf('logged');
    await signedPost(WebhookRoutes.twilioStatus(account.accountKey), statusCallback(newCallSid(), 'ringing', 1));
    await signedPost(WebhookRoutes.twilioStatus(account.accountKey), statusCallback(newCallSid(), 'ringing', 1), {
      signature: true,
    });
    const rows = await waitFor(async () => {
      const found = await ingest.db.query<{
        status_code: number;
        verification: string;
        latency_ms: number;
        kind: string;
      }>(
        'SELECT status_code, verification, latency_ms, kind FROM ingest.webhook_delivery_log WHERE account_key = $1 ORDER BY id',
        [account.accountKey],
      );
      return found.length === 2 && found;
    });
    expect(rows.map((r) => [r.status_code, r.verification, r.kind])).toEqual([
      [200, 'valid', 'status'],
      [401, 'invalid', 'status'],
    ]);
    expect(rows.every((r) => r.latency_ms >= 0)).toBe(true);
  });

  describe('call flow (voice Url)', () => {
    let account: ProviderAccountDto;
    let orchestrator: Subscription | undefined;
    const voiceRequest = () => ({
      AccountSid: ACCOUNT_SID,
      CallSid: newCallSid(),
      CallStatus: 'in-progress',
      From: '+15017122661',
      To: '+15558675310',
      Direction: 'outbound-api',
      AnsweredBy: 'human',
    });

    beforeAll(async () => {
      account = await accountOf('voice');
    });

    // Flushed, so the broker has dropped the stand-in before the next test asks (else its request
    // reaches a subscription the client already left, and times out instead of finding no responder).
    afterEach(async () => {
      orchestrator?.unsubscribe();
      orchestrator = undefined;
      await (await ingest.client()).flush();
    });

    const answerFlows = async (answer: (request: Record<string, unknown>) => Promise<unknown> | unknown) => {
      const nc = await ingest.client();
      orchestrator = nc.subscribe(ingest.ns.subject(CallCommands.Flow.subject), {
        callback: (_error, msg) => {
          void Promise.resolve(answer(msg.json())).then((reply) => msg.respond(JSON.stringify(reply)));
        },
      });
      await nc.flush();
    };

    it("answers with the orchestrator's TwiML for the call", async () => {
      const seen: Record<string, unknown>[] = [];
      await answerFlows((request) => {
        seen.push(request);
        return { contentType: 'application/xml', body: '<Response><Play digits="1"/></Response>' };
      });
      const params = voiceRequest();
      const answer = await signedPost(WebhookRoutes.twilioVoice(account.accountKey), params);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toMatch(/application\/xml/);
      expect(answer.text).toBe('<Response><Play digits="1"/></Response>');
      expect(seen).toEqual([
        {
          provider: 'twilio',
          accountKey: account.accountKey,
          callId: params.CallSid,
          from: params.From,
          to: params.To,
          params: expect.objectContaining({ AnsweredBy: 'human', CallStatus: 'in-progress' }),
          // The signed voice URL's own query (our ids in it) reaches the orchestrator as given.
          query: { leg: '7' },
        },
      ]);
    });

    it.each([
      ['nobody answers', undefined, 'no-responder'],
      [
        'the answer is too slow',
        () => new Promise((r) => setTimeout(() => r({ contentType: 'x', body: 'late' }), 1_000)),
        'timeout',
      ],
      ['the answer is not a call flow', () => ({ nonsense: true }), 'invalid-reply'],
    ] as const)('falls back to pause and hang-up when %s, and counts the miss', async (_case, responder, reason) => {
      if (responder) await answerFlows(responder);
      const before = await ingest.metric('callfleet_webhooks_call_flow_fallbacks_total', {
        provider: 'twilio',
        reason,
      });
      const answer = await signedPost(WebhookRoutes.twilioVoice(account.accountKey), voiceRequest());
      expect(answer.status).toBe(200);
      expect(answer.text).toBe(
        '<?xml version="1.0" encoding="UTF-8"?><Response><Pause length="1"/><Hangup/></Response>',
      );
      expect(await ingest.metric('callfleet_webhooks_call_flow_fallbacks_total', { provider: 'twilio', reason })).toBe(
        before + 1,
      );
    });

    it('refuses an unsigned call-flow request without asking anyone', async () => {
      let asked = 0;
      await answerFlows(() => {
        asked += 1;
        return { contentType: 'application/xml', body: '<Response/>' };
      });
      const answer = await signedPost(WebhookRoutes.twilioVoice(account.accountKey), voiceRequest(), {
        signature: true,
      });
      expect(answer.status).toBe(401);
      expect(asked).toBe(0);
    });
  });
});
