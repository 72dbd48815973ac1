import { startTestService, testNamespace, waitFor } from '@callfleet/testing';
import twilio from 'twilio';
import type { SimCall } from '../src/calls/sim-call';
import { telephonySimService } from '../src/telephony-sim.definition';
import { ADMIN_TOKEN, SimClient } from './sim-client';
import { type ReceivedRequest, WebhookReceiver } from './webhook-receiver';

/**
 * The simulator as the Twilio adapter and webhook-ingest meet it: REST in, signed callbacks out,
 * against a plain HTTP receiver standing in for webhook-ingest.
 */
describe('telephony-sim: Twilio calls', () => {
  let sim: Awaited<ReturnType<typeof startTestService>>;
  let client: SimClient;
  let receiver: WebhookReceiver;
  let account: { sid: string; authToken: string };

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    sim = await startTestService(telephonySimService, {
      namespace: testNamespace(),
      env: { SIM_ADMIN_TOKEN: ADMIN_TOKEN, WEBHOOK_RETRY_BASE_MS: '20', LOG_LEVEL: 'warn' },
    });
    client = new SimClient(sim.url);
    // 100x: a 45-90 s conversation takes under a second; hold is kept short for the IVR test.
    account = await client.createAccount({ flavour: 'twilio', timeScale: 100, holdSeconds: { min: 20, max: 20 } });
  });
  afterAll(async () => {
    await sim?.close();
    await receiver?.stop();
  });

  const isSigned = (request: ReceivedRequest) =>
    twilio.validateRequest(account.authToken, String(request.headers['x-twilio-signature']), request.url, request.form);

  const placeCall = async (to: string, params: [string, string][]) => {
    const response = await client.twilio(account, 'POST', '/Calls.json', [
      ['To', to],
      ['From', '+15005550006'],
      ...params,
    ]);
    expect(response.status).toBe(201);
    return (await response.json()) as { sid: string; status: string };
  };

  const finished = (sid: string) =>
    waitFor(
      async () => {
        const call = await client.call(sid);
        return ['completed', 'busy', 'no-answer', 'failed', 'canceled'].includes(call.status) && call;
      },
      15_000,
      `call ${sid} to end`,
    );

  it('reports initiated, ringing, answered and completed in order, signed, then the recording, which downloads', async () => {
    receiver.on('/voice', () => ({
      status: 200,
      headers: { 'content-type': 'text/xml' },
      body: '<Response><Pause length="30"/><Hangup/></Response>',
    }));
    const created = await placeCall('+15550000002', [
      ['Url', `${receiver.url}/voice`],
      ['StatusCallback', `${receiver.url}/status?leg=1`],
      ['StatusCallbackEvent', 'initiated'],
      ['StatusCallbackEvent', 'ringing'],
      ['StatusCallbackEvent', 'answered'],
      ['StatusCallbackEvent', 'completed'],
      ['Record', 'true'],
      ['RecordingStatusCallback', `${receiver.url}/recording`],
    ]);
    expect(created.sid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(created.status).toBe('queued');

    const recordingCallback = await waitFor(
      async () => receiver.at('/recording').find((r) => r.form.CallSid === created.sid),
      15_000,
      'recording callback',
    );
    const statuses = receiver.at('/status').filter((r) => r.form.CallSid === created.sid);
    expect(statuses.map((r) => r.form.CallStatus)).toEqual(['initiated', 'ringing', 'in-progress', 'completed']);
    expect(statuses.map((r) => r.form.SequenceNumber)).toEqual(['0', '1', '2', '3']);
    expect(statuses.every(isSigned)).toBe(true);
    expect(statuses[3].form.CallDuration).toMatch(/^\d+$/);
    expect(Number(statuses[3].form.CallDuration)).toBeGreaterThanOrEqual(29);

    const fetchOfTwiml = receiver.at('/voice').find((r) => r.form.CallSid === created.sid) as ReceivedRequest;
    expect(fetchOfTwiml.form).toMatchObject({ CallStatus: 'in-progress', To: '+15550000002', AccountSid: account.sid });
    expect(isSigned(fetchOfTwiml)).toBe(true);

    expect(isSigned(recordingCallback)).toBe(true);
    expect(recordingCallback.form).toMatchObject({ RecordingStatus: 'completed', RecordingChannels: '1' });
    const seconds = Number(recordingCallback.form.RecordingDuration);
    expect(seconds).toBeGreaterThanOrEqual(29);

    const wav = await fetch(`${recordingCallback.form.RecordingUrl}.wav`);
    expect(wav.status).toBe(200);
    expect(wav.headers.get('content-type')).toBe('audio/x-wav');
    const bytes = Buffer.from(await wav.arrayBuffer());
    expect(Number(wav.headers.get('content-length'))).toBe(bytes.length);
    expect(bytes.toString('ascii', 0, 4)).toBe('RIFF');
    expect(bytes.toString('ascii', 8, 12)).toBe('WAVE');
    expect(bytes.readUInt32LE(4)).toBe(bytes.length - 8);
    expect(bytes.readUInt32LE(24)).toBe(8000);
    const dataBytes = bytes.readUInt32LE(40);
    expect(dataBytes).toBe(bytes.length - 44);
    expect(Math.abs(dataBytes / 16000 - seconds)).toBeLessThanOrEqual(0.5);

    const mp3 = await fetch(`${recordingCallback.form.RecordingUrl}.mp3`);
    expect(mp3.headers.get('content-type')).toBe('audio/mpeg');
    const mp3Bytes = Buffer.from(await mp3.arrayBuffer());
    expect(Number(mp3.headers.get('content-length'))).toBe(mp3Bytes.length);
    expect(mp3Bytes[0]).toBe(0xff);
    expect(mp3Bytes[1] & 0xe0).toBe(0xe0);
  });

  it('retries a callback answered with 5xx or not in time, recording every attempt, with one signature', async () => {
    receiver.on('/flaky-status', (_, nth) => (nth <= 2 ? { status: 503 } : { status: 204 }));
    receiver.on('/slow-status', (_, nth) => (nth === 1 ? { status: 200, delayMs: 1500 } : { status: 200 }));
    const created = await placeCall('+15550000003', [
      ['Twiml', '<Response><Hangup/></Response>'],
      ['StatusCallback', `${receiver.url}/flaky-status`],
    ]);
    const second = await placeCall('+15550000003', [
      ['Twiml', '<Response><Hangup/></Response>'],
      ['StatusCallback', `${receiver.url}/slow-status#rt=300&rc=2`],
    ]);
    await waitFor(async () => receiver.at('/flaky-status').length >= 3 && receiver.at('/slow-status').length >= 2);

    const flaky = receiver.at('/flaky-status');
    expect(flaky.map((r) => r.form.CallStatus)).toEqual(['busy', 'busy', 'busy']);
    expect(new Set(flaky.map((r) => r.headers['x-twilio-signature'])).size).toBe(1);
    expect(new Set(flaky.map((r) => r.headers['i-twilio-idempotency-token'])).size).toBe(1);
    expect(flaky.every(isSigned)).toBe(true);

    const history = await waitFor(async () => {
      const call = await client.call(created.sid);
      const delivery = webhooks(call).find((d) => d.kind === 'status-callback');
      return delivery?.outcome === 'delivered' && delivery;
    });
    expect(history.attempts.map((a) => a.status)).toEqual([503, 503, 204]);

    const slow = await waitFor(async () => {
      const delivery = webhooks(await client.call(second.sid)).find((d) => d.kind === 'status-callback');
      return delivery?.outcome === 'delivered' && delivery;
    });
    expect(slow.attempts).toHaveLength(2);
    expect(slow.attempts[0].error).toMatch(/no answer within 300 ms/);
    expect(slow.attempts[1].status).toBe(200);
    // The fragment is Twilio's instruction to itself, never sent to (or signed for) the receiver.
    expect(receiver.at('/slow-status')[1].url).not.toContain('#');
    expect(isSigned(receiver.at('/slow-status')[1])).toBe(true);
  });

  it('ends a busy call as busy and an unanswered one as no-answer, never reporting an answer', async () => {
    const events = ['initiated', 'ringing', 'answered', 'completed'].map((e): [string, string] => [
      'StatusCallbackEvent',
      e,
    ]);
    const busy = await placeCall('+15550000003', [
      ['Twiml', '<Response/>'],
      ['StatusCallback', `${receiver.url}/outcomes`],
      ...events,
    ]);
    const unanswered = await placeCall('+15550000004', [
      ['Twiml', '<Response/>'],
      ['StatusCallback', `${receiver.url}/outcomes`],
      ['Timeout', '15'],
      ...events,
    ]);
    expect((await finished(busy.sid)).status).toBe('busy');
    const noAnswer = await finished(unanswered.sid);
    expect(noAnswer.status).toBe('no-answer');
    expect(noAnswer.answeredAt).toBeUndefined();
    await waitFor(async () => receiver.at('/outcomes').filter((r) => r.form.CallSid === unanswered.sid).length >= 3);
    const statusesOf = (sid: string) =>
      receiver
        .at('/outcomes')
        .filter((r) => r.form.CallSid === sid)
        .map((r) => r.form.CallStatus);
    expect(statusesOf(busy.sid)).toEqual(['initiated', 'busy']);
    expect(statusesOf(unanswered.sid)).toEqual(['initiated', 'ringing', 'no-answer']);
  });

  it('follows an IVR: digits, hold music, a live speaker; then a redirect to <Dial> bridges, and Status=completed hangs up', async () => {
    const created = await placeCall('+15550000001', [
      [
        'Twiml',
        // Nobody listens at media.example: the stream fails and, as on Twilio, the TwiML goes on (to the pause).
        '<Response><Play digits="w1"/><Connect><Stream url="wss://media.example/ws"><Parameter name="leg" value="L1"/></Stream></Connect><Pause length="3600"/></Response>',
      ],
      ['MachineDetection', 'Enable'],
      ['AsyncAmd', 'true'],
      ['AsyncAmdStatusCallback', `${receiver.url}/amd`],
    ]);
    await waitFor(async () => (await client.call(created.sid)).farEndPhase === 'live-agent', 10_000, 'a live speaker');
    const redirect = await client.twilio(account, 'POST', `/Calls/${created.sid}.json`, [
      ['Twiml', '<Response><Dial><Queue>support</Queue></Dial></Response>'],
    ]);
    expect(redirect.status).toBe(200);
    await waitFor(async () => (await client.call(created.sid)).bridgedTo);
    const hangUp = await client.twilio(account, 'POST', `/Calls/${created.sid}.json`, [['Status', 'completed']]);
    expect(hangUp.status).toBe(200);
    const call = await finished(created.sid);

    expect(call.status).toBe('completed');
    expect(call.digitsReceived).toEqual(['1']);
    expect(call.streams).toEqual([{ url: 'wss://media.example/ws', parameters: { leg: 'L1' } }]);
    expect(call.mediaStreams).toMatchObject([{ kind: 'connect', status: 'failed' }]);
    expect(call.bridgedTo).toEqual({ kind: 'queue', value: 'support' });
    const phases = call.history.flatMap((h) => (h.type === 'far-end' ? [h.phase] : []));
    expect(phases).toEqual(['ringing', 'ivr-menu', 'hold', 'live-agent', 'bridged']);
    expect(call.history.some((h) => h.type === 'hang-up' && h.by === 'api')).toBe(true);
    const amd = await waitFor(async () => receiver.at('/amd').find((r) => r.form.CallSid === created.sid));
    expect(amd.form.AnsweredBy).toBe('machine_start');
    expect(isSigned(amd)).toBe(true);
  });

  it('answers the failing-API numbers with 500, 429 + Retry-After and 503-then-success, placing no call for them', async () => {
    const twiml: [string, string] = ['Twiml', '<Response/>'];
    const failing = await client.twilio(account, 'POST', '/Calls.json', [
      ['To', '+15550000500'],
      ['From', '+1500'],
      twiml,
    ]);
    expect(failing.status).toBe(500);
    expect(await failing.json()).toMatchObject({ code: 20500, status: 500 });

    const limited = await client.twilio(account, 'POST', '/Calls.json', [
      ['To', '+15550000429'],
      ['From', '+1500'],
      twiml,
    ]);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(await limited.json()).toMatchObject({ code: 20429 });

    const flaky = [];
    for (let i = 0; i < 3; i++) {
      flaky.push(
        (await client.twilio(account, 'POST', '/Calls.json', [['To', '+15550000503'], ['From', '+1500'], twiml]))
          .status,
      );
    }
    expect(flaky).toEqual([503, 503, 201]);

    const listed = (await (await client.admin('GET', `/calls?accountSid=${account.sid}`)).json()) as {
      items: SimCall[];
    };
    expect(listed.items.filter((c) => c.to === '+15550000500' || c.to === '+15550000429')).toEqual([]);
    const log = (await (await client.admin('GET', '/requests?path=/Calls.json')).json()) as {
      items: { status: number }[];
    };
    expect(log.items.map((r) => r.status)).toEqual(expect.arrayContaining([500, 429, 503]));
  });

  it('makes every request of an account fail while the admin switch is on, then recover', async () => {
    const patch = await client.admin('PATCH', `/accounts/${account.sid}`, {
      apiFault: { mode: 'rate-limited', remaining: 2, retryAfterSeconds: 7 },
    });
    expect(patch.status).toBe(200);
    const first = await client.twilio(account, 'GET', '/Calls.json');
    const second = await client.twilio(account, 'GET', '/Calls.json');
    const third = await client.twilio(account, 'GET', '/Calls.json');
    expect([first.status, second.status, third.status]).toEqual([429, 429, 200]);
    expect(first.headers.get('retry-after')).toBe('7');
  });

  it('refuses wrong credentials, bad input and other accounts’ calls in Twilio’s format, never a 500', async () => {
    const wrong = await client.twilio({ sid: account.sid, authToken: 'not-the-token' }, 'POST', '/Calls.json', [
      ['To', '+1'],
    ]);
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ code: 20003 });
    expect((await client.raw(`/2010-04-01/Accounts/${account.sid}/Calls.json`, { method: 'POST' })).status).toBe(401);

    const noTo = await client.twilio(account, 'POST', '/Calls.json', [['From', '+1555']]);
    expect(noTo.status).toBe(400);
    expect(await noTo.json()).toMatchObject({ code: 21201 });
    const badTwiml = await client.twilio(account, 'POST', '/Calls.json', [
      ['To', '+15550000002'],
      ['From', '+1555'],
      ['Twiml', 'x'.repeat(4001)],
    ]);
    expect(badTwiml.status).toBe(400);
    const badUrl = await client.twilio(account, 'POST', '/Calls.json', [
      ['To', '+15550000002'],
      ['From', '+1555'],
      ['Url', 'javascript:alert(1)'],
    ]);
    expect(badUrl.status).toBe(400);

    const other = await client.createAccount({ flavour: 'twilio', timeScale: 100 });
    const theirs = await client.twilio(other, 'POST', '/Calls.json', [
      ['To', '+15550000003'],
      ['From', '+1555'],
      ['Twiml', '<Response/>'],
    ]);
    const { sid } = (await theirs.json()) as { sid: string };
    const peek = await client.twilio(account, 'GET', `/Calls/${sid}.json`);
    expect(peek.status).toBe(404);
    expect(await peek.json()).toMatchObject({ code: 20404 });
    const hostile = await client.twilio(account, 'POST', '/Calls/..%2F..%2Fadmin.json', [['Status', 'completed']]);
    expect(hostile.status).toBe(404);
  });

  it('keeps the admin API behind its token and shows each call’s requests and webhooks', async () => {
    expect((await client.raw('/admin/calls')).status).toBe(401);
    expect((await client.raw('/admin/calls', { headers: { authorization: 'Bearer wrong-token-value' } })).status).toBe(
      401,
    );
    const bad = await client.admin('POST', '/accounts', { flavour: 'carrier-pigeon' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'VALIDATION_ERROR' });

    const created = await placeCall('+15550000005', [
      ['Twiml', '<Response><Pause length="60"/></Response>'],
      ['StatusCallback', `${receiver.url}/too-busy`],
    ]);
    const call = await finished(created.sid);
    expect(call.status).toBe('completed');
    expect(call.history.find((h) => h.type === 'hang-up')).toMatchObject({
      by: 'far-end',
      reason: 'too busy, call back later',
    });
    expect(call.history[0]).toMatchObject({ type: 'status', status: 'queued' });
    expect(call.history.find((h) => h.type === 'api-request')).toMatchObject({ method: 'POST', status: 201 });
    const delivery = await waitFor(async () => {
      const d = webhooks(await client.call(created.sid)).find((w) => w.kind === 'status-callback');
      return d?.outcome === 'delivered' && d;
    });
    expect(delivery.attempts[0]).toMatchObject({ attempt: 1, status: 200, responseBody: 'ok' });
    expect((await client.admin('GET', '/calls/CA00000000000000000000000000000000')).status).toBe(404);
  });
});

function webhooks(call: SimCall) {
  return call.history.flatMap((h) => (h.type === 'webhook' ? [h.delivery] : []));
}
