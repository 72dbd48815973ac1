import { decodeMulaw, encodeMulaw, parseWav, pcm16FromLittleEndian } from '@callfleet/audio';
import { startTestService, testNamespace, waitFor } from '@callfleet/testing';
import type { SimCall } from '../src/calls/sim-call';
import type { MediaStreamRecord } from '../src/media/media-stream-session';
import { telephonySimService } from '../src/telephony-sim.definition';
import { ADMIN_TOKEN, SimClient } from './sim-client';
import { type StreamConnection, StreamReceiver } from './stream-receiver';
import { WebhookReceiver } from './webhook-receiver';

/** 10x: a 20 s hold takes 2 s; 20 ms of audio is sent every 2 ms of real time. */
const TIME_SCALE = 10;

/**
 * The simulator's media streams as media-stream meets them: a plain `ws` server stands in for it and
 * records what the simulated provider sends, and answers on bidirectional streams.
 */
describe('telephony-sim: media streams', () => {
  let sim: Awaited<ReturnType<typeof startTestService>>;
  let client: SimClient;
  let receiver: WebhookReceiver;
  let streams: StreamReceiver;
  let account: { sid: string; authToken: string };
  let leg = 0;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    streams = await StreamReceiver.start();
    sim = await startTestService(telephonySimService, {
      namespace: testNamespace(),
      env: { SIM_ADMIN_TOKEN: ADMIN_TOKEN, WEBHOOK_RETRY_BASE_MS: '20', LOG_LEVEL: 'warn' },
    });
    client = new SimClient(sim.url);
    account = await client.createAccount({
      flavour: 'twilio',
      timeScale: TIME_SCALE,
      holdSeconds: { min: 20, max: 20 },
    });
  });
  afterAll(async () => {
    await sim?.close();
    await streams?.stop();
    await receiver?.stop();
  });

  /** Places a Twilio call to `to` whose first TwiML is `twiml`; returns its sid. */
  const placeCall = async (to: string, twiml: string) => {
    const response = await client.twilio(account, 'POST', '/Calls.json', [
      ['To', to],
      ['From', '+15005550006'],
      ['Twiml', twiml],
    ]);
    expect(response.status).toBe(201);
    return ((await response.json()) as { sid: string }).sid;
  };
  const update = async (sid: string, form: [string, string][]) => {
    const response = await client.twilio(account, 'POST', `/Calls/${sid}.json`, form);
    expect(response.status).toBe(200);
  };
  const streamsOf = async (sid: string) =>
    ((await (await client.admin('GET', `/calls/${sid}/streams`)).json()) as { items: MediaStreamRecord[] }).items;
  const finished = (sid: string) =>
    waitFor(
      async () => {
        const call = await client.call(sid);
        return ['completed', 'canceled'].includes(call.status) && call;
      },
      20_000,
      `call ${sid} to end`,
    );
  const connection = (path: string, media = 1) =>
    waitFor(
      async () => {
        const found = streams.at(path);
        return found && found.events('media').length >= media && found;
      },
      15_000,
      `a stream on ${path}`,
    );
  const nextPath = (provider: 'twilio' | 'exotel', query = '') => `/media/${provider}?leg=${++leg}${query}`;
  const decoded = (conn: StreamConnection) =>
    Buffer.concat(conn.events('media').map((m) => Buffer.from(m.media.payload, 'base64')));

  it('streams a <Start><Stream> fork in Twilio format, paced by the call clock, through DTMF and a TwiML update, to the agent', async () => {
    const path = nextPath('twilio');
    const sid = await placeCall(
      '+15550000001',
      `<Response><Start><Stream url="${streams.url}${path}" name="ears"><Parameter name="token" value="stream-token-1"/></Stream></Start><Pause length="600"/></Response>`,
    );
    const conn = await connection(path, 25);
    // The hunt presses 1 with a call update: new TwiML replaces the old, the fork streams on.
    await update(sid, [['Twiml', '<Response><Play digits="1"/><Pause length="600"/></Response>']]);
    await waitFor(async () => (await client.call(sid)).farEndPhase === 'hold', 10_000, 'the hold queue');
    const [live] = await waitFor(
      async () => {
        const items = await streamsOf(sid);
        const onset = items[0]?.liveHumanAtMs;
        return onset !== null && onset !== undefined && items[0].sent.audioMs > onset + 2000 && items;
      },
      15_000,
      'the live agent on the stream',
    );
    await update(sid, [['Status', 'completed']]);
    const call = await finished(sid);
    await waitFor(async () => conn.closed, 5000, 'the stream to close');

    expect(streams.connections.filter((c) => c.path === path)).toHaveLength(1);
    const [connected, start] = conn.messages.map((m) => m.message);
    expect(connected).toEqual({ event: 'connected', protocol: 'Call', version: '1.0.0' });
    expect(start).toEqual({
      event: 'start',
      sequenceNumber: '1',
      streamSid: live.streamSid,
      start: {
        accountSid: account.sid,
        callSid: sid,
        streamSid: live.streamSid,
        tracks: ['inbound'],
        customParameters: { token: 'stream-token-1' },
        mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
      },
    });
    // One stream through the digits and the update: media only, then a single stop at the hang-up.
    const names = conn.eventNames;
    expect(names.slice(2, -1).every((n) => n === 'media')).toBe(true);
    expect(names.at(-1)).toBe('stop');
    expect(conn.events('stop')[0]).toMatchObject({
      streamSid: live.streamSid,
      stop: { accountSid: account.sid, callSid: sid },
    });
    expect(conn.closed?.code).toBe(1000);

    const media = conn.messages.filter((m) => m.message.event === 'media');
    media.forEach(({ message, arrivedMs }, i) => {
      expect(message.streamSid).toBe(live.streamSid);
      expect(message.media.track).toBe('inbound');
      expect(message.media.chunk).toBe(String(i + 1));
      expect(message.media.timestamp).toBe(String(i * 20));
      expect(Buffer.from(message.media.payload, 'base64')).toHaveLength(160);
      // Never ahead of the call's clock: 20 ms of audio per 20 ms / TIME_SCALE of real time.
      expect(i * 20).toBeLessThanOrEqual(arrivedMs * TIME_SCALE + 20);
    });
    const sequence = conn.messages.slice(1).map((m) => Number(m.message.sequenceNumber));
    expect(sequence).toEqual(sequence.map((_, i) => i + 1));

    const final = (await streamsOf(sid))[0];
    expect(final).toMatchObject({
      kind: 'fork',
      name: 'ears',
      status: 'closed',
      closedBy: 'sim',
      scenarioHasLiveHuman: true,
    });
    expect(final.sent.frames).toBe(media.length);
    expect(final.parameterNames).toEqual(['token']);
    // The far end heard "1" during its first menu, held (20 s of audio), then the agent spoke.
    const phases = call.history.flatMap((h) => (h.type === 'far-end' ? [h.phase] : []));
    expect(phases.slice(0, 4)).toEqual(['ringing', 'ivr-menu', 'hold', 'live-agent']);
    const onset = final.liveHumanAtMs as number;
    expect(onset).toBeGreaterThan(20_000);
    // The audio is the far end's: the IVR speaks at the start, the agent right after the labeled onset.
    const pcm = decodeMulaw(decoded(conn));
    const level = (fromMs: number, toMs: number) => rms(pcm.subarray(fromMs * 8, toMs * 8));
    expect(level(0, 3000)).toBeGreaterThan(300);
    expect(level(onset, onset + 500)).toBeGreaterThan(300);
  });

  it('keeps what our side sends back on <Connect><Stream>, echoes marks as they play, clears, sends DTMF, and ends on redirect', async () => {
    const path = nextPath('twilio');
    const sid = await placeCall(
      '+15550000002',
      `<Response><Connect><Stream url="${streams.url}${path}"><Parameter name="token" value="t2"/></Stream></Connect><Hangup/></Response>`,
    );
    const conn = await connection(path);
    const streamSid = conn.events('start')[0].streamSid as string;
    const tone = encodeMulaw(sine(440, 8000 * 1.5));
    const frames = Array.from({ length: 75 }, (_, i) => Buffer.from(tone.subarray(i * 160, (i + 1) * 160)));
    for (const frame of frames.slice(0, 50))
      conn.send({ event: 'media', streamSid, media: { payload: frame.toString('base64') } });
    conn.send({ event: 'mark', streamSid, mark: { name: 'one-second' } });
    for (const frame of frames.slice(50))
      conn.send({ event: 'media', streamSid, media: { payload: frame.toString('base64') } });
    conn.send({ event: 'mark', streamSid, mark: { name: 'all-played' } });
    await waitFor(async () => conn.events('mark').length === 2, 10_000, 'both marks to come back');
    // 10 s more, then barge-in: the queued audio is dropped, its mark comes back at once.
    const long = Buffer.alloc(80_000, 0xd5).toString('base64');
    conn.send({ event: 'media', streamSid, media: { payload: long } });
    conn.send({ event: 'mark', streamSid, mark: { name: 'never-played' } });
    conn.send({ event: 'clear', streamSid });
    conn.send({ event: 'media', streamSid: 'MZ-someone-else', media: { payload: long } });
    await waitFor(async () => conn.events('mark').length === 3, 10_000, 'the cleared mark');
    const dtmf = await client.admin('POST', `/calls/${sid}/far-end-digits`, { digits: '5#' });
    expect(dtmf.status).toBe(200);
    await waitFor(async () => conn.events('dtmf').length === 2, 10_000, 'DTMF on the stream');

    await update(sid, [['Twiml', '<Response><Pause length="600"/></Response>']]);
    await waitFor(async () => conn.closed, 5000, 'the connected stream to close on redirect');
    expect((await client.call(sid)).status).toBe('in-progress');
    const [record] = await streamsOf(sid);
    await update(sid, [['Status', 'completed']]);
    await finished(sid);

    expect(conn.events('mark').map((m) => m.mark.name)).toEqual(['one-second', 'all-played', 'never-played']);
    expect(conn.events('dtmf').map((m) => m.dtmf)).toEqual([
      { track: 'inbound_track', digit: '5' },
      { track: 'inbound_track', digit: '#' },
    ]);
    expect(conn.eventNames.at(-1)).toBe('stop');
    expect(record).toMatchObject({
      kind: 'connect',
      bidirectional: true,
      status: 'closed',
      closedBy: 'sim',
      closeReason: 'instructions replaced',
      sent: { marksEchoed: ['one-second', 'all-played', 'never-played'], dtmf: ['5', '#'] },
      received: {
        mediaMessages: 76,
        audioBytes: 75 * 160 + 80_000,
        audioMs: 1500 + 10_000,
        clears: 1,
        invalid: 1,
        lastInvalid: 'media for another streamSid',
      },
    });
    expect(record.received.marks.map((m) => m.name)).toEqual(['one-second', 'all-played', 'never-played']);
    expect(record.received.playedMs).toBeLessThan(11_500);

    const wav = await client.admin('GET', `/calls/${sid}/streams/${record.streamSid}/received.wav`);
    expect(wav.status).toBe(200);
    expect(wav.headers.get('content-type')).toBe('audio/x-wav');
    const audio = parseWav(Buffer.from(await wav.arrayBuffer()));
    expect(audio.sampleRate).toBe(8000);
    expect(audio.data.length).toBe((1500 + 10_000) * 16);
    expect([...pcm16FromLittleEndian(audio.data.subarray(0, 75 * 320))]).toEqual([
      ...decodeMulaw(Buffer.concat(frames)),
    ]);
  });

  it('goes on with the TwiML after <Connect> when our side closes the stream', async () => {
    const path = nextPath('twilio');
    const sid = await placeCall(
      '+15550000002',
      `<Response><Connect><Stream url="${streams.url}${path}"/></Connect><Play digits="9"/><Hangup/></Response>`,
    );
    const conn = await connection(path);
    conn.ws.close(1000, 'done');
    const call = await finished(sid);
    expect(call.digitsReceived).toEqual(['9']);
    expect(call.history.some((h) => h.type === 'hang-up' && h.by === 'instructions')).toBe(true);
    const [record] = await streamsOf(sid);
    expect(record).toMatchObject({ status: 'closed', closedBy: 'server', closeCode: 1000 });
  });

  it('ends a fork with <Stop><Stream name>, and records a stream it could not open without ending the call', async () => {
    const path = nextPath('twilio');
    const sid = await placeCall(
      '+15550000002',
      `<Response><Start><Stream name="ears" url="${streams.url}${path}"/></Start>` +
        '<Start><Stream name="nowhere" url="ws://127.0.0.1:1/refused"/></Start><Pause length="600"/></Response>',
    );
    const conn = await connection(path);
    await update(sid, [['Twiml', '<Response><Stop><Stream name="ears"/></Stop><Pause length="600"/></Response>']]);
    await waitFor(async () => conn.closed, 5000, 'the fork to stop');
    expect(conn.eventNames.at(-1)).toBe('stop');
    const records = await streamsOf(sid);
    expect((await client.call(sid)).status).toBe('in-progress');
    await update(sid, [['Status', 'completed']]);
    await finished(sid);
    expect(records.find((r) => r.name === 'ears')).toMatchObject({
      status: 'closed',
      closeReason: 'stopped by <Stop><Stream>',
    });
    expect(records.find((r) => r.name === 'nowhere')).toMatchObject({ status: 'failed', error: expect.any(String) });
  });

  it("starts and stops a fork with Twilio's Streams API, its sid the streamSid on the wire", async () => {
    const path = nextPath('twilio');
    const sid = await placeCall('+15550000002', '<Response><Pause length="600"/></Response>');
    await waitFor(async () => (await client.call(sid)).status === 'in-progress', 10_000, 'the answer');
    const started = await client.twilio(account, 'POST', `/Calls/${sid}/Streams.json`, [
      ['Url', `${streams.url}${path}`],
      ['Name', 'api-ears'],
      ['Parameter1.Name', 'token'],
      ['Parameter1.Value', 'rest-token'],
    ]);
    expect(started.status).toBe(201);
    const resource = (await started.json()) as { sid: string; status: string; name: string; call_sid: string };
    expect(resource).toMatchObject({ status: 'in-progress', name: 'api-ears', call_sid: sid });
    const conn = await connection(path, 5);
    expect(conn.events('start')[0]).toMatchObject({
      streamSid: resource.sid,
      start: { customParameters: { token: 'rest-token' } },
    });
    const stopped = await client.twilio(account, 'POST', `/Calls/${sid}/Streams/api-ears.json`, [
      ['Status', 'stopped'],
    ]);
    expect(stopped.status).toBe(200);
    expect(await stopped.json()).toMatchObject({ sid: resource.sid, status: 'stopped' });
    await waitFor(async () => conn.closed, 5000, 'the fork to stop');
    expect(conn.eventNames.at(-1)).toBe('stop');
    const unknown = await client.twilio(account, 'POST', `/Calls/${sid}/Streams/nope.json`, [['Status', 'stopped']]);
    expect(unknown.status).toBe(404);
    const badUrl = await client.twilio(account, 'POST', `/Calls/${sid}/Streams.json`, [['Url', 'https://x']]);
    expect(badUrl.status).toBe(400);
    await update(sid, [['Status', 'completed']]);
    await finished(sid);
  });

  it.each([
    ['too-busy', '+15550000005'],
    ['voicemail', '+15550000006'],
    ['hold-forever', '+15550000008'],
  ])('labels no live human on a %s stream', async (scenario, to) => {
    const path = nextPath('twilio');
    const sid = await placeCall(
      to,
      `<Response><Start><Stream url="${streams.url}${path}"/></Start><Pause length="600"/></Response>`,
    );
    const conn = await connection(path);
    // Past the recorded part: the announcement, the greeting and its beep, two rounds of hold.
    await waitFor(async () => (await streamsOf(sid))[0]?.sent.audioMs > 12_000 || conn.closed, 15_000, 'audio');
    if (!conn.closed) await update(sid, [['Status', 'completed']]);
    const call = await finished(sid);
    expect(call.scenario).toBe(scenario);
    const [record] = await streamsOf(sid);
    expect(record).toMatchObject({ liveHumanAtMs: null, scenarioHasLiveHuman: false, status: 'closed' });
    expect(rms(decodeMulaw(decoded(conn)).subarray(0, 3 * 8000))).toBeGreaterThan(300);
  });

  describe('Exotel Voicebot', () => {
    let exotel: { sid: string; authToken: string };
    beforeAll(async () => {
      exotel = await client.createAccount({ flavour: 'exotel', apiKey: 'stream-key', timeScale: TIME_SCALE });
    });
    const connect = (form: [string, string][]) =>
      client.raw(`/v1/Accounts/${exotel.sid}/Calls/connect.json`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`stream-key:${exotel.authToken}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams([['From', '+15550000002'], ['CallerId', '+918047491899'], ...form]).toString(),
      });

    it.each([
      [8000, ''],
      [16000, '&sample-rate=16000'],
    ])(
      'streams PCM16 at %i Hz in ~100 ms chunks with the URL token, plays what comes back, ends with the stream',
      async (rate, query) => {
        const path = nextPath('exotel', `&token=exo-token${query}`);
        const response = await connect([['StreamUrl', `${streams.url}${path}`]]);
        expect(response.status).toBe(200);
        const { Call } = (await response.json()) as { Call: { Sid: string } };
        const conn = await connection(path, 5);
        const streamSid = conn.events('start')[0].stream_sid as string;
        conn.send({
          event: 'media',
          stream_sid: streamSid,
          media: { payload: Buffer.alloc(rate / 5).toString('base64') },
        });
        conn.send({ event: 'mark', stream_sid: streamSid, mark: { name: 'said-hi' } });
        await waitFor(async () => conn.events('mark').length === 1, 10_000, 'the mark back');
        conn.ws.close(1000, 'bot done');
        const call = (await finished(Call.Sid)) as SimCall;

        expect(conn.messages[0].message).toEqual({ event: 'connected' });
        expect(conn.events('start')[0]).toEqual({
          event: 'start',
          sequence_number: '1',
          stream_sid: streamSid,
          start: {
            stream_sid: streamSid,
            call_sid: Call.Sid,
            account_sid: exotel.sid,
            from: '+918047491899',
            to: '+15550000002',
            custom_parameters: { leg: String(leg), token: 'exo-token' },
            media_format: { encoding: 'base64', sample_rate: String(rate), bit_rate: `${(rate * 16) / 1000}kbps` },
          },
        });
        const media = conn.events('media');
        media.forEach((m, i) => {
          expect(m.stream_sid).toBe(streamSid);
          expect(m.media.chunk).toBe(String(i + 1));
          expect(m.media.timestamp).toBe(String((i + 1) * 100));
          expect(Buffer.from(m.media.payload, 'base64')).toHaveLength(rate / 5);
        });
        const sequence = conn.messages.slice(1).map((m) => Number(m.message.sequence_number));
        expect(sequence).toEqual(sequence.map((_, i) => i + 1));
        // A person answered at once: their speech is in the first chunks.
        const pcm = pcm16FromLittleEndian(decodedExotel(conn));
        expect(rms(pcm.subarray(0, rate * 2))).toBeGreaterThan(300);
        expect(conn.events('mark')[0]).toEqual({
          event: 'mark',
          sequence_number: expect.any(String),
          stream_sid: streamSid,
          mark: { name: 'said-hi' },
        });
        const [record] = call.mediaStreams;
        expect(record).toMatchObject({
          provider: 'exotel',
          kind: 'voicebot',
          sampleRate: rate,
          closedBy: 'server',
          liveHumanAtMs: expect.any(Number),
          received: { mediaMessages: 1, audioMs: 100, marks: [{ name: 'said-hi' }] },
        });
        expect(record.url).toContain('token=%E2%80%A6');
        expect(call.history.some((h) => h.type === 'hang-up' && h.by === 'instructions')).toBe(true);
      },
    );

    it('runs a flow whose Voicebot applet asks a dynamic endpoint for the stream URL (with the per-call token)', async () => {
      const appId = '926';
      receiver.on('/exotel-stream-url', (request) => {
        const callSid = new URL(request.url).searchParams.get('CallSid');
        return {
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ url: `${streams.url}/media/exotel?leg=flow-${callSid}&token=for-${callSid}` }),
        };
      });
      const defined = await client.admin('PUT', `/accounts/${exotel.sid}/exotel-flows/${appId}`, {
        applet: 'voicebot',
        url: `${receiver.url}/exotel-stream-url`,
      });
      expect(defined.status).toBe(200);
      const response = await connect([['Url', `http://my.exotel.com/${exotel.sid}/exoml/start_voice/${appId}`]]);
      expect(response.status).toBe(200);
      const { Call } = (await response.json()) as { Call: { Sid: string } };
      const conn = await connection(`/media/exotel?leg=flow-${Call.Sid}`);
      expect(conn.events('start')[0].start.custom_parameters).toEqual({
        leg: `flow-${Call.Sid}`,
        token: `for-${Call.Sid}`,
      });
      conn.ws.close(1000, 'done');
      const call = await finished(Call.Sid);
      expect(call.mediaStreams).toMatchObject([
        { kind: 'voicebot', provider: 'exotel', sampleRate: 8000, closedBy: 'server' },
      ]);
      const asked = receiver.at('/exotel-stream-url').find((r) => r.url.includes(Call.Sid));
      expect(asked?.method).toBe('GET');
    });

    it('refuses a StreamUrl that is not a WebSocket or asks for a rate Exotel does not have', async () => {
      expect((await connect([['StreamUrl', 'https://bot.example/ws']])).status).toBe(400);
      expect((await connect([['StreamUrl', `${streams.url}/x?sample-rate=11025`]])).status).toBe(400);
      expect(
        (
          await connect([
            ['StreamUrl', `${streams.url}/x`],
            ['StreamType', 'sideways'],
          ])
        ).status,
      ).toBe(400);
    });
  });
});

function decodedExotel(conn: StreamConnection): Buffer {
  return Buffer.concat(conn.events('media').map((m) => Buffer.from(m.media.payload, 'base64')));
}

function rms(pcm: Int16Array): number {
  if (pcm.length === 0) return 0;
  let sum = 0;
  for (const s of pcm) sum += s * s;
  return Math.sqrt(sum / pcm.length);
}

function sine(frequency: number, samples: number): Int16Array {
  return Int16Array.from({ length: samples }, (_, i) =>
    Math.round(8000 * Math.sin((2 * Math.PI * frequency * i) / 8000)),
  );
}
