import type { MetricsService } from '@callfleet/platform';
import { CircuitOpenError, type ProviderPolicyRegistry, UpstreamHttpError } from '@callfleet/resilience';
import { FakeProviderServer, json } from '../../test/fake-provider.server';
import { metricValue, testPolicies } from '../../test/test-policies';
import type { ProviderAccount } from '../adapter/provider-account';
import { TwilioAdapter } from './twilio.adapter';

const sid = 'AC0123456789abcdef0123456789abcdef';
const callSid = 'CAe1644a7eed5088b159577c5802d8be38';
const basic = `Basic ${Buffer.from(`${sid}:secret-token`).toString('base64')}`;

describe('TwilioAdapter against a Twilio-shaped API', () => {
  let provider: FakeProviderServer;
  let metrics: MetricsService;
  let policies: ProviderPolicyRegistry;
  let adapter: TwilioAdapter;
  let account: ProviderAccount;

  beforeAll(async () => {
    provider = await FakeProviderServer.start();
  });
  afterAll(() => provider.stop());
  beforeEach(() => {
    provider.reset();
    ({ metrics, policies } = testPolicies());
    adapter = new TwilioAdapter({ policies, baseUrl: provider.url });
    account = { accountKey: 'acme', credentials: { accountSid: sid, authToken: 'secret-token' } };
  });

  it('places a call form-encoded, with basic auth and one StatusCallbackEvent per event', async () => {
    provider.answer(json(201, { sid: callSid, status: 'queued' }));
    const placed = await adapter.placeCall(account, {
      to: '+15558675310',
      from: '+15017122661',
      flowUrl: 'https://hooks.example/flow/acme',
      statusCallbackUrl: 'https://hooks.example/webhooks/twilio/acme/status',
      machineDetection: 'DetectMessageEnd',
      amdCallbackUrl: 'https://hooks.example/webhooks/twilio/acme/amd',
      record: true,
      recordingChannels: 'dual',
      recordingStatusCallbackUrl: 'https://hooks.example/webhooks/twilio/acme/recording',
      ringTimeoutSec: 25,
    });

    expect(placed).toEqual({ callId: callSid, status: 'initiated' });
    const [sent] = provider.requests;
    expect(sent.method).toBe('POST');
    expect(sent.path).toBe(`/2010-04-01/Accounts/${sid}/Calls.json`);
    expect(sent.headers.authorization).toBe(basic);
    expect(sent.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(sent.body);
    expect(form.getAll('StatusCallbackEvent')).toEqual(['initiated', 'ringing', 'answered', 'completed']);
    expect(Object.fromEntries(form)).toMatchObject({
      To: '+15558675310',
      From: '+15017122661',
      Url: 'https://hooks.example/flow/acme',
      StatusCallback: 'https://hooks.example/webhooks/twilio/acme/status',
      MachineDetection: 'DetectMessageEnd',
      AsyncAmd: 'true',
      AsyncAmdStatusCallback: 'https://hooks.example/webhooks/twilio/acme/amd',
      Record: 'true',
      RecordingChannels: 'dual',
      RecordingStatusCallback: 'https://hooks.example/webhooks/twilio/acme/recording',
      Timeout: '25',
    });
  });

  it('never places a call twice when Twilio fails after it may have acted', async () => {
    provider.answer(json(500, { code: 20500, message: 'Internal Server Error', status: 500 }));
    const error = await adapter
      .placeCall(account, { to: '+15558675310', from: '+15017122661', flowUrl: 'https://hooks.example/flow' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamHttpError);
    expect((error as UpstreamHttpError).details).toMatchObject({
      upstreamStatus: 500,
      upstreamMessage: '20500: Internal Server Error',
    });
    expect(provider.requests).toHaveLength(1);
  });

  it('places the call again after a 429, once Retry-After has passed', async () => {
    provider.answer(
      json(429, { code: 20429, message: 'Too Many Requests' }, { 'retry-after': '0' }),
      json(201, { sid: callSid, status: 'queued' }),
    );
    const placed = await adapter.placeCall(account, {
      to: '+1555',
      from: '+1444',
      instructions: '<Response><Hangup/></Response>',
    });
    expect(placed.callId).toBe(callSid);
    expect(provider.requests).toHaveLength(2);
    expect(new URLSearchParams(provider.requests[1].body).get('Twiml')).toBe('<Response><Hangup/></Response>');
    expect(await metricValue(metrics, 'callfleet_provider_retries_total', { policy: 'twilio:acme' })).toBe(1);
  });

  it('hangs up with Status=completed, retrying a 503 (ending a call twice is harmless)', async () => {
    provider.answer(json(503, { message: 'busy' }), json(200, { sid: callSid, status: 'completed' }));
    await adapter.hangUp(account, { callId: callSid });
    expect(provider.requests.map((r) => r.path)).toEqual([
      `/2010-04-01/Accounts/${sid}/Calls/${callSid}.json`,
      `/2010-04-01/Accounts/${sid}/Calls/${callSid}.json`,
    ]);
    expect(new URLSearchParams(provider.requests[1].body).get('Status')).toBe('completed');
  });

  it('sends digits by redirecting the call to TwiML that plays them and resumes the flow', async () => {
    await adapter.sendDigits(account, {
      callId: callSid,
      digits: 'ww1#',
      resumeUrl: 'https://hooks.example/flow?step=2&x=1',
    });
    const twiml = new URLSearchParams(provider.requests[0].body).get('Twiml');
    expect(twiml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Play digits="ww1#"/><Redirect method="POST">https://hooks.example/flow?step=2&#38;x=1</Redirect></Response>',
    );
  });

  it('refuses digits Twilio cannot play without calling it', async () => {
    await expect(adapter.sendDigits(account, { callId: callSid, digits: '1"/><Hangup/>' })).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    });
    expect(provider.requests).toHaveLength(0);
  });

  it('transfers by redirecting the call to a <Dial> with an action for the outcome', async () => {
    await adapter.transfer(account, {
      callId: callSid,
      target: { phoneNumber: '+15550001111', sendDigits: 'ww204' },
      callerId: '+15017122661',
      ringTimeoutSec: 20,
      actionUrl: 'https://hooks.example/flow/dial-result',
    });
    expect(new URLSearchParams(provider.requests[0].body).get('Twiml')).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Dial callerId="+15017122661" timeout="20" action="https://hooks.example/flow/dial-result" method="POST"><Number sendDigits="ww204">+15550001111</Number></Dial></Response>',
    );
  });

  it('streams a recording with its content type and length', async () => {
    const wav = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(40, 1)]);
    provider.answer({
      status: 200,
      headers: { 'content-type': 'audio/x-wav', 'content-length': String(wav.length) },
      body: wav,
    });
    const download = await adapter.fetchRecording(account, {
      recordingId: 'RE5f1f2ef3d7e3e1f5fa5d3c0b3b6d1e2a',
      url: `${provider.url}/2010-04-01/Accounts/${sid}/Recordings/RE5f1f2ef3d7e3e1f5fa5d3c0b3b6d1e2a`,
    });
    const chunks: Buffer[] = [];
    for await (const chunk of download.stream) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks)).toEqual(wav);
    expect(download).toMatchObject({ contentType: 'audio/x-wav', contentLength: wav.length });
    expect(provider.requests[0]).toMatchObject({
      method: 'GET',
      path: `/2010-04-01/Accounts/${sid}/Recordings/RE5f1f2ef3d7e3e1f5fa5d3c0b3b6d1e2a.wav`,
    });
    expect(provider.requests[0].headers.authorization).toBe(basic);
  });

  it('deletes the provider copy of a recording with basic auth, retrying a 503; one already gone counts as deleted', async () => {
    const recordingSid = 'RE5f1f2ef3d7e3e1f5fa5d3c0b3b6d1e2a';
    provider.answer(json(503, { message: 'busy' }), { status: 204, headers: {}, body: Buffer.alloc(0) });
    await adapter.deleteRecording(account, { recordingId: recordingSid });
    expect(provider.requests.map((r) => [r.method, r.path])).toEqual([
      ['DELETE', `/2010-04-01/Accounts/${sid}/Recordings/${recordingSid}.json`],
      ['DELETE', `/2010-04-01/Accounts/${sid}/Recordings/${recordingSid}.json`],
    ]);
    expect(provider.requests[1].headers.authorization).toBe(basic);
    provider.answer(json(404, { code: 20404, message: 'not found' }));
    await expect(adapter.deleteRecording(account, { recordingId: recordingSid })).resolves.toBeUndefined();
    provider.answer(json(401, { code: 20003, message: 'Authenticate' }));
    await expect(adapter.deleteRecording(account, { recordingId: recordingSid })).rejects.toBeInstanceOf(
      UpstreamHttpError,
    );
  });

  it('never sends the auth token to a recording URL on another origin', async () => {
    provider.answer({ status: 200, headers: { 'content-type': 'audio/mpeg' }, body: Buffer.from('ID3') });
    const download = await adapter.fetchRecording(account, {
      recordingId: 'RE1',
      url: 'https://attacker.example/steal',
      format: 'mp3',
    });
    download.stream.resume();
    expect(provider.requests[0].path).toBe(`/2010-04-01/Accounts/${sid}/Recordings/RE1.mp3`);
  });

  it('follows the media redirect to signed storage without the auth token, refusing one to cloud metadata', async () => {
    const storage = await FakeProviderServer.start();
    try {
      provider.answer({ status: 302, headers: { location: `${storage.url}/signed/RE1.wav?sig=abc` } });
      storage.answer({ status: 200, headers: { 'content-type': 'audio/x-wav' }, body: Buffer.from('RIFF') });
      const download = await adapter.fetchRecording(account, { recordingId: 'RE1' });
      download.stream.resume();
      expect(provider.requests[0].headers.authorization).toBe(basic);
      expect(storage.requests).toHaveLength(1);
      expect(storage.requests[0].path).toBe('/signed/RE1.wav?sig=abc');
      expect(storage.requests[0].headers.authorization).toBeUndefined();
    } finally {
      await storage.stop();
    }

    provider.reset();
    provider.answer({ status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data/' } });
    await expect(adapter.fetchRecording(account, { recordingId: 'RE2' })).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
      message: expect.stringContaining('169.254.169.254'),
    });
    expect(provider.requests).toHaveLength(1);
  });

  it('opens the breaker of the failing account only, and fails fast while it is open', async () => {
    provider.fallback = json(500, { message: 'down' });
    const other: ProviderAccount = { accountKey: 'other', credentials: { accountSid: sid, authToken: 'secret-token' } };
    for (let i = 0; i < 3; i++) {
      await expect(adapter.hangUp(account, { callId: callSid })).rejects.toBeDefined();
    }
    const before = provider.requests.length;
    await expect(adapter.hangUp(account, { callId: callSid })).rejects.toBeInstanceOf(CircuitOpenError);
    expect(provider.requests.length).toBe(before);
    expect(await metricValue(metrics, 'callfleet_provider_breaker_state', { policy: 'twilio:acme' })).toBe(1);

    provider.fallback = json(200, { sid: callSid, status: 'completed' });
    await expect(adapter.hangUp(other, { callId: callSid })).resolves.toBeUndefined();
    expect(await metricValue(metrics, 'callfleet_provider_breaker_state', { policy: 'twilio:other' })).toBe(0);
  });

  it("lists numbers page by page, following next_page_uri on the account's own base with basic auth", async () => {
    const numbersPath = `/2010-04-01/Accounts/${sid}/IncomingPhoneNumbers.json`;
    provider.answer(
      json(200, {
        incoming_phone_numbers: [{ sid: 'PN01', phone_number: '+15005550100', friendly_name: 'one' }],
        // A hostile host in the link is ignored: only its path and query are followed.
        next_page_uri: `https://attacker.example${numbersPath}?PageSize=100&Page=1&PageToken=PAPN01`,
      }),
      json(200, { incoming_phone_numbers: [{ sid: 'PN02', phone_number: '+15005550101' }], next_page_uri: null }),
    );
    const first = await adapter.listLines(account);
    expect(first.lines).toEqual([{ providerLineId: 'PN01', number: '+15005550100', label: 'one' }]);
    const second = await adapter.listLines(account, first.nextPageToken ?? undefined);
    expect(second).toEqual({
      lines: [{ providerLineId: 'PN02', number: '+15005550101', label: '' }],
      nextPageToken: null,
    });
    expect(provider.requests.map((r) => [r.method, r.path, r.headers.authorization])).toEqual([
      ['GET', `${numbersPath}?PageSize=100`, basic],
      ['GET', `${numbersPath}?PageSize=100&Page=1&PageToken=PAPN01`, basic],
    ]);
  });

  it('refuses an account without credentials, naming what is missing', async () => {
    await expect(
      adapter.hangUp({ accountKey: 'bare', credentials: { accountSid: sid } }, { callId: callSid }),
    ).rejects.toMatchObject({ code: 'VALIDATION_ERROR', message: expect.stringContaining('authToken') });
    expect(provider.requests).toHaveLength(0);
  });
});
