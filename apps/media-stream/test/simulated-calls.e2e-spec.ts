import { randomUUID } from 'node:crypto';
import { decodeMulaw, decodeWav, encodeMulaw, pcm16ToLittleEndian } from '@callfleet/audio';
import { MediaHeaders, type MediaSignal, MediaSubjects } from '@callfleet/contracts';
import { startTestService, waitFor } from '@callfleet/testing';
import { type Msg, headers as natsHeaders, type Subscription } from '@nats-io/transport-node';
import type { MediaStreamRecord } from '../../telephony-sim/src/media/media-stream-session';
import { telephonySimService } from '../../telephony-sim/src/telephony-sim.definition';
import { ADMIN_TOKEN, SimClient } from '../../telephony-sim/test/sim-client';
import { MediaStreamHarness, ORG_A } from './media-stream-harness';

/** 4x: a 20 s hold takes 5 s; the detector works in audio time, whatever the pace. */
const TIME_SCALE = 4;
/** The issue's bound: the decision within 3 s (audio) of the labeled onset. */
const DECISION_WITHIN_MS = 3000;
/** The evaluation's rule: no decision within 10 s after the onset is a miss. */
const SCORING_WINDOW_MS = 10_000;

/**
 * The whole path as a hunt leg will use it: the simulated provider places a call whose TwiML forks
 * its audio (`<Start><Stream>` with a stream token from auth) into media-stream, the hunt's digits
 * (a call update with `<Play digits>`) move the IVR on without ending the stream, and media-stream's
 * signals say when a person comes on — compared with the simulator's own label of that moment.
 */
describe('simulated calls streamed into media-stream', () => {
  let h: MediaStreamHarness;
  let sim: Awaited<ReturnType<typeof startTestService>>;
  let client: SimClient;
  let account: { sid: string; authToken: string };

  beforeAll(async () => {
    h = await MediaStreamHarness.start();
    sim = await startTestService(telephonySimService, {
      namespace: h.ns,
      env: { SIM_ADMIN_TOKEN: ADMIN_TOKEN, LOG_LEVEL: 'warn' },
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
    await h?.stop();
  });

  /** Every signal media-stream publishes for the call. */
  const watch = async (callId: string) => {
    const messages: Msg[] = [];
    const sub: Subscription = h.nc.subscribe(`${h.ns}.media.v1.signals.${callId}`, {
      callback: (_e, msg) => void messages.push(msg),
    });
    await h.nc.flush();
    return {
      signals: () => messages.map((m) => m.json<MediaSignal>()),
      stop: () => sub.unsubscribe(),
    };
  };

  /** A call to `to` whose TwiML forks its audio to media-stream with a token for `callId`, then waits. */
  const placeStreamedCall = async (to: string, callId: string) => {
    const token = await h.token({ callId, orgId: ORG_A, provider: 'twilio', line: `line-${to}` });
    const response = await client.twilio(account, 'POST', '/Calls.json', [
      ['To', to],
      ['From', '+15005550006'],
      ['Twiml', h.forkTwiml(token)],
    ]);
    expect(response.status).toBe(201);
    return ((await response.json()) as { sid: string }).sid;
  };
  const streamOf = async (sid: string) =>
    ((await (await client.admin('GET', `/calls/${sid}/streams`)).json()) as { items: MediaStreamRecord[] }).items[0];
  const update = async (sid: string, form: [string, string][]) => {
    expect((await client.twilio(account, 'POST', `/Calls/${sid}.json`, form)).status).toBe(200);
  };

  /** An ivr-hold-agent call: the menu plays, the hunt presses 1 with a call update, the hold begins. */
  const throughTheIvr = async (callId: string) => {
    const sid = await placeStreamedCall('+15550000001', callId);
    await waitFor(async () => (await streamOf(sid))?.sent.audioMs > 2000, 20_000, 'the IVR menu on the stream');
    await update(sid, [['Twiml', '<Response><Play digits="1"/><Pause length="3600"/></Response>']]);
    await waitFor(async () => (await client.call(sid)).farEndPhase === 'hold', 20_000, 'the hold queue');
    return sid;
  };

  it('ivr-hold-agent: the digits move the IVR on over one stream, which media-stream hears from the menu to the agent', async () => {
    const callId = `leg-${randomUUID()}`;
    const signals = await watch(callId);
    const sid = await throughTheIvr(callId);
    // Past the agent's first words, in the stream's audio.
    const stream = await waitFor(
      async () => {
        const record = await streamOf(sid);
        return record.liveHumanAtMs !== null && record.sent.audioMs > record.liveHumanAtMs + 2000 && record;
      },
      30_000,
      'the agent on the stream',
    );
    const onset = stream.liveHumanAtMs as number;
    await waitFor(
      async () => signals.signals().some((s) => s.kind !== 'stream-started' && s.atMs > onset),
      20_000,
      'media-stream to hear the agent',
    );
    await update(sid, [['Status', 'completed']]);
    await waitFor(async () => signals.signals().some((s) => s.kind === 'stream-stopped'), 20_000, 'the stream to end');
    signals.stop();

    // One stream from the first menu to the agent: the update replaced the TwiML, not the fork.
    expect(stream.status).toBe('streaming');
    expect(h.heard.filter((s) => s.session.info.callId === callId)).toHaveLength(1);
    const lifecycle = signals.signals().filter((s) => s.kind === 'stream-started' || s.kind === 'stream-stopped');
    expect(lifecycle.map((s) => s.kind)).toEqual(['stream-started', 'stream-stopped']);
    // media-stream heard the far end's audio change class before the agent (the menu's speech, the hold).
    const kinds = signals
      .signals()
      .filter((s) => s.atMs < onset && ['speech', 'music', 'silence', 'tone'].includes(s.kind))
      .map((s) => s.kind);
    expect(kinds).toContain('speech');
    expect(new Set(kinds).size).toBeGreaterThanOrEqual(2);
  });

  /** An ivr-hold-agent call's decision and the simulator's label of the agent's first word. */
  const decisionOnTheHoldLine = async () => {
    const callId = `leg-${randomUUID()}`;
    const signals = await watch(callId);
    const sid = await throughTheIvr(callId);
    const decision = await waitFor(
      async () => signals.signals().find((s) => s.kind === 'live-human'),
      45_000,
      'the live-human decision',
    );
    const stream = await streamOf(sid);
    await update(sid, [['Status', 'completed']]);
    signals.stop();
    const onset = stream.liveHumanAtMs as number;
    expect(onset).toEqual(expect.any(Number));
    return { decision, onset };
  };

  it('ivr-hold-agent: live-human comes after the labeled onset (never before it), within the 10 s scoring window', async () => {
    const { decision, onset } = await decisionOnTheHoldLine();
    expect(decision.atMs).toBeGreaterThanOrEqual(onset);
    expect(decision.atMs).toBeLessThanOrEqual(onset + SCORING_WINDOW_MS);
  });

  // The issue's bound, not met yet: main's detector decides at the agent's first turn pause (its first
  // sentence plus 1.35 s; docs/detection.md "Limits"). Measured here on 5 calls: 4.0-5.1 s after the onset.
  // `failing` keeps the gap visible: once the detector meets the bound this fails and becomes a plain `it`.
  it.failing('ivr-hold-agent: live-human comes within 3 s of the labeled onset', async () => {
    const { decision, onset } = await decisionOnTheHoldLine();
    expect(decision.atMs).toBeGreaterThanOrEqual(onset);
    expect(decision.atMs).toBeLessThanOrEqual(onset + DECISION_WITHIN_MS);
  });

  it.each([
    ['voicemail', '+15550000006'],
    ['too-busy', '+15550000005'],
    ['hold-forever', '+15550000008'],
  ])('%s: the whole call streams and no live-human decision ever comes', async (scenario, to) => {
    const callId = `leg-${randomUUID()}`;
    const signals = await watch(callId);
    const sid = await placeStreamedCall(to, callId);
    // Past the recording: the too-busy line hangs up by itself, the voicemail records silence.
    await waitFor(
      async () => {
        const stream = await streamOf(sid);
        return stream && (stream.status === 'closed' || stream.sent.audioMs > 20_000);
      },
      30_000,
      'the recorded part to play',
    );
    if ((await client.call(sid)).status === 'in-progress') await update(sid, [['Status', 'completed']]);
    await waitFor(
      async () => signals.signals().some((s) => s.kind === 'stream-stopped'),
      20_000,
      'media-stream to see the stream end',
    );
    signals.stop();
    const heard = h.heard.find((s) => s.session.info.callId === callId);
    const call = await client.call(sid);
    expect(call.scenario).toBe(scenario);
    expect(call.mediaStreams[0]).toMatchObject({ liveHumanAtMs: null, scenarioHasLiveHuman: false });
    expect(heard?.frames.length).toBeGreaterThan(250);
    expect(signals.signals().some((s) => s.kind === 'speech')).toBe(true);
    expect(signals.signals().filter((s) => s.kind === 'live-human')).toEqual([]);
  });

  /** Plays `pcm` (and then a mark) into the call through media-stream, as the orchestrator would. */
  const playInto = (callId: string, pcm: Int16Array, mark: string) => {
    const subject = `${h.ns}.${MediaSubjects.play(callId)}`;
    h.nc.publish(subject, pcm16ToLittleEndian(pcm));
    const headers = natsHeaders();
    headers.set(MediaHeaders.PLAY_ACTION, 'mark');
    headers.set(MediaHeaders.MARK_NAME, mark);
    h.nc.publish(subject, new Uint8Array(), { headers });
  };
  const tone = (samples: number) =>
    Int16Array.from({ length: samples }, (_, i) => Math.round(6000 * Math.sin((2 * Math.PI * 440 * i) / 8000)));

  // The fleet marks a stream it may play into with `bidirectional=true` (a <Parameter>, or Exotel's URL query).
  it('Twilio <Connect><Stream>: audio published on media.v1.play.<callId> is played into the call, and the mark comes back', async () => {
    const callId = `leg-${randomUUID()}`;
    const signals = await watch(callId);
    const token = await h.token({ callId, orgId: ORG_A, provider: 'twilio' });
    const response = await client.twilio(account, 'POST', '/Calls.json', [
      ['To', '+15550000002'],
      ['From', '+15005550006'],
      [
        'Twiml',
        `<Response><Connect><Stream url="${h.url('twilio')}"><Parameter name="token" value="${token}"/><Parameter name="bidirectional" value="true"/></Stream></Connect></Response>`,
      ],
    ]);
    const { sid } = (await response.json()) as { sid: string };
    await waitFor(async () => signals.signals().some((s) => s.kind === 'stream-started'), 20_000, 'the stream');
    const pcm = tone(8000);
    playInto(callId, pcm, 'greeting-played');
    const stream = await waitFor(
      async () => {
        const record = await streamOf(sid);
        return record.sent.marksEchoed.includes('greeting-played') && record;
      },
      20_000,
      'the mark to come back',
    );
    const wav = await client.admin('GET', `/calls/${sid}/streams/${stream.streamSid}/received.wav`);
    await update(sid, [['Status', 'completed']]);
    signals.stop();

    expect(stream).toMatchObject({
      kind: 'connect',
      received: { audioMs: 1000, playedMs: 1000, marks: [{ name: 'greeting-played' }] },
    });
    const received = decodeWav(Buffer.from(await wav.arrayBuffer()));
    // What the call heard is our audio through Twilio's μ-law, sample for sample.
    expect([...received.samples]).toEqual([...decodeMulaw(encodeMulaw(pcm))]);
  });

  it('Exotel Voicebot at 16 kHz: the token rides in the URL, and played audio reaches the call at the stream rate', async () => {
    const exotel = await client.createAccount({ flavour: 'exotel', apiKey: 'e2e-key', timeScale: TIME_SCALE });
    const callId = `leg-${randomUUID()}`;
    const signals = await watch(callId);
    const token = await h.token({ callId, orgId: ORG_A, provider: 'exotel' });
    const response = await client.raw(`/v1/Accounts/${exotel.sid}/Calls/connect.json`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`e2e-key:${exotel.authToken}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams([
        ['From', '+15550000002'],
        ['CallerId', '+918047491899'],
        ['StreamUrl', h.url('exotel', { token, bidirectional: 'true', 'sample-rate': '16000' })],
      ]).toString(),
    });
    expect(response.status).toBe(200);
    const { Call } = (await response.json()) as { Call: { Sid: string } };
    await waitFor(async () => signals.signals().some((s) => s.kind === 'stream-started'), 20_000, 'the stream');
    playInto(callId, tone(8000), 'said-hello');
    const stream = await waitFor(
      async () => {
        const record = (await client.call(Call.Sid)).mediaStreams[0];
        return record?.sent.marksEchoed.includes('said-hello') && record;
      },
      20_000,
      'the mark to come back',
    );
    signals.stop();
    expect(stream).toMatchObject({ provider: 'exotel', kind: 'voicebot', sampleRate: 16000 });
    // 1 s of audio at 16 kHz, in chunks Exotel accepts (whole 320-byte multiples; the last one padded).
    expect(stream.received.audioMs).toBeGreaterThanOrEqual(1000);
    expect(stream.received.audioBytes % 320).toBe(0);
    expect(signals.signals().some((s) => s.kind === 'speech')).toBe(true);
  });
});
