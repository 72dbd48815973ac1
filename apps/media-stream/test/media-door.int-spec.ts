import { randomUUID } from 'node:crypto';
import { decodeMulaw, encodeMulaw, pcm16FromLittleEndian } from '@callfleet/audio';
import { waitFor } from '@callfleet/testing';
import { MediaSessionRegistry } from '../src/media-sessions/media-session.registry';
import type { WebSocketMediaSession } from '../src/media-sessions/websocket-media-session';
import { exotel, MediaStreamHarness, numberedFrame, type ProviderSocket, twilio } from './media-stream-harness';

/** What a frame sounds like after Twilio's μ-law: the decoder must give exactly this. */
const viaMulaw = (pcm: Int16Array) => decodeMulaw(encodeMulaw(pcm));
const rms = (pcm: Int16Array) => Math.sqrt(pcm.reduce((sum, s) => sum + s * s, 0) / pcm.length);
const sine = (rate: number, samples: number, from = 0, hz = 400, amplitude = 8000) =>
  Int16Array.from({ length: samples }, (_, i) =>
    Math.round(amplitude * Math.sin((2 * Math.PI * hz * (from + i)) / rate)),
  );

let counter = 0;
const ids = () => {
  counter += 1;
  const suffix = `${Date.now().toString(36)}${counter}`;
  return { callId: `call-${suffix}`, streamSid: `MZ${suffix}` };
};

describe('media-stream WebSocket door (real auth tokens, real NATS)', () => {
  let h: MediaStreamHarness;

  beforeAll(async () => {
    h = await MediaStreamHarness.start({
      MEDIA_MAX_STREAMS_PER_ORG: '3',
      MEDIA_MAX_BAD_FRAMES: '20',
      // A stream lasts as long as the call: far beyond the HTTP request and idle limits, which are short here.
      HTTP_REQUEST_TIMEOUT_MS: '1000',
      HTTP_HEADERS_TIMEOUT_MS: '1000',
      HTTP_IDLE_TIMEOUT_MS: '1000',
    });
  });
  afterAll(async () => {
    await h?.stop();
  });

  /** A Twilio stream with a valid token, `start` sent and its session registered. */
  async function twilioStream(orgId = randomUUID(), parameters: Record<string, string> = {}) {
    const { callId, streamSid } = ids();
    const token = await h.token({ callId, orgId, provider: 'twilio' });
    const socket = await h.connect('twilio');
    socket.send(twilio.connected());
    socket.send(twilio.start(streamSid, { token, ...parameters }));
    const heard = await h.sessionOf(callId);
    return { callId, streamSid, socket, heard };
  }

  it('delivers a Twilio stream to the registry as 160-sample frames in order, with audio time, gaps, DTMF and the end', async () => {
    const { callId, streamSid } = ids();
    const orgId = randomUUID();
    const token = await h.token({ callId, orgId, provider: 'twilio', line: 'target-7' });
    const socket = await h.connect('twilio');
    socket.send(twilio.connected());
    socket.send(twilio.start(streamSid, { token }));
    for (let n = 1; n <= 50; n++) socket.send(twilio.media(streamSid, n));
    socket.send(twilio.dtmf(streamSid, '5'));
    // Frames 51..59 never arrive (Twilio's timestamps skip them).
    socket.send(twilio.media(streamSid, 60));
    socket.send(twilio.stop(streamSid));

    expect(await socket.closed).toEqual({ code: 1000, reason: 'stream stopped' });
    const heard = await h.sessionOf(callId);
    await waitFor(async () => heard.ended, 10_000, 'the session to end');
    expect(heard.session.info).toEqual({
      sessionId: expect.any(String),
      callId,
      orgId,
      provider: 'twilio',
      line: 'target-7',
      providerCallId: `CA${streamSid.slice(2)}`,
      streamId: streamSid,
      bidirectional: false,
    });
    expect(heard.frames.map((f) => f.sequence)).toEqual([...Array.from({ length: 50 }, (_, i) => i + 1), 60]);
    expect(heard.frames.map((f) => f.atMs)).toEqual([...Array.from({ length: 50 }, (_, i) => i * 20), 1180]);
    for (const frame of heard.frames) {
      expect(frame.pcm).toHaveLength(160);
      expect(frame.pcm).toEqual(viaMulaw(numberedFrame(frame.sequence)));
    }
    expect(heard.gaps).toEqual([{ frames: 9, atMs: 1000 }]);
    expect(heard.dtmf).toEqual([{ digit: '5', atMs: 1000 }]);
    expect(heard.ended).toEqual({ reason: 'stop', atMs: 1200 });
    expect(h.media.app.get(MediaSessionRegistry).get(callId)).toBeUndefined();
  });

  it.each([8000, 16000, 24000])(
    'delivers an Exotel stream of PCM16 at %d Hz as 8 kHz frames, token in the URL',
    async (rate) => {
      const { callId, streamSid } = ids();
      const token = await h.token({ callId, provider: 'exotel', orgId: randomUUID() });
      const socket = await h.connect('exotel', { token });
      socket.send({ event: 'connected' });
      socket.send(exotel.start(streamSid, rate));
      // Exotel's chunks are ~100 ms: one second of a 400 Hz tone in ten.
      const chunk = rate / 10;
      for (let c = 0; c < 10; c++) socket.send(exotel.media(streamSid, c + 1, sine(rate, chunk, c * chunk)));
      socket.send(exotel.stop(streamSid));
      expect((await socket.closed).code).toBe(1000);

      const heard = await h.sessionOf(callId);
      await waitFor(async () => heard.ended, 10_000, 'the session to end');
      expect(heard.session.info).toMatchObject({
        provider: 'exotel',
        providerCallId: `call-${streamSid}`,
        bidirectional: false,
      });
      expect(heard.frames.map((f) => f.atMs)).toEqual(Array.from({ length: 50 }, (_, i) => i * 20));
      expect(heard.frames.every((f) => f.pcm.length === 160)).toBe(true);
      // After the resampler's start-up, the tone comes through at its level (8000 peak → ~5657 RMS).
      for (const frame of heard.frames.slice(5)) expect(rms(frame.pcm)).toBeGreaterThan(5000);
      for (const frame of heard.frames.slice(5)) expect(rms(frame.pcm)).toBeLessThan(6300);
    },
  );

  describe('refuses a stream without a valid token: 1008, counted, no session', () => {
    const refusals: [string, () => Promise<{ socket: ProviderSocket; callId: string }>, string][] = [
      [
        'no token in start',
        async () => {
          const { callId, streamSid } = ids();
          const socket = await h.connect('twilio');
          socket.send(twilio.start(streamSid, { callId }));
          return { socket, callId };
        },
        'missing',
      ],
      [
        'a garbage token',
        async () => {
          const { callId, streamSid } = ids();
          const socket = await h.connect('twilio');
          socket.send(twilio.start(streamSid, { token: 'garbage' }));
          return { socket, callId };
        },
        'malformed',
      ],
      [
        "the other provider's token",
        async () => {
          const { callId, streamSid } = ids();
          const token = await h.token({ callId, provider: 'exotel' });
          const socket = await h.connect('twilio');
          socket.send(twilio.start(streamSid, { token }));
          return { socket, callId };
        },
        'wrong-provider',
      ],
      [
        'a token for another call',
        async () => {
          const { callId, streamSid } = ids();
          const token = await h.token({ callId: `${callId}-other`, provider: 'twilio' });
          const socket = await h.connect('twilio');
          socket.send(twilio.start(streamSid, { token, callId }));
          return { socket, callId };
        },
        'wrong-call',
      ],
      [
        'an Exotel URL without a token',
        async () => {
          const { callId, streamSid } = ids();
          const socket = await h.connect('exotel');
          socket.send(exotel.start(streamSid, 8000));
          return { socket, callId };
        },
        'missing',
      ],
    ];

    it.each(refusals)('%s', async (_name, open, reason) => {
      const before = await h.metric('callfleet_media_stream_token_failures_total', { reason });
      const { socket, callId } = await open();
      // Audio sent right behind `start` is never used.
      for (let n = 1; n <= 5; n++) socket.send(twilio.media('MZx', n));
      expect(await socket.closed).toEqual({ code: 1008, reason: 'invalid stream token' });
      expect(await h.metric('callfleet_media_stream_token_failures_total', { reason })).toBe(before + 1);
      expect(h.hasSession(callId)).toBe(false);
    });
  });

  it('survives hostile frames on other sockets while a good stream gets every frame, in order', async () => {
    const orgId = randomUUID();
    const good = await twilioStream(orgId);
    const burst = await twilioStream(orgId);
    const dropped = async (reason: string) => h.metric('callfleet_media_frames_dropped_total', { reason });
    const before = {
      json: await dropped('malformed-json'),
      event: await dropped('unknown-event'),
      base64: await dropped('bad-base64'),
      early: await dropped('before-start'),
      large: await dropped('too-large'),
    };

    const hostile = await h.connect('twilio');
    const huge = await h.connect('twilio');
    let sent = 0;
    const goodFrames = 300;
    // The good stream is paced (a few frames per turn) while the others do their worst.
    const pacer = setInterval(() => {
      for (let i = 0; i < 10 && sent < goodFrames; i++) good.socket.send(twilio.media(good.streamSid, ++sent));
    }, 5);
    try {
      hostile.send('{"event":"media","media":');
      hostile.send('[]');
      hostile.send({ event: 'hangup' });
      hostile.send(twilio.media('MZhostile', 1));
      hostile.send({ ...twilio.media('MZhostile', 2), media: { payload: '%%%not-base64%%%' } });
      huge.send(`{"event":"media","media":{"payload":"${'A'.repeat(1024 * 1024)}"}}`);
      // 10,000 frames in one burst on a verified stream: its queue drops the oldest, nobody else notices.
      for (let n = 1; n <= 10_000; n++) burst.socket.send(twilio.media(burst.streamSid, n));
      await burst.socket.flushed();
      expect((await huge.closed).code).toBe(1009);
      await waitFor(async () => sent >= goodFrames, 30_000, 'the good stream to be sent');
    } finally {
      clearInterval(pacer);
    }
    good.socket.send(twilio.stop(good.streamSid));
    await good.socket.closed;
    await waitFor(async () => good.heard.ended, 30_000, 'the good stream to end');
    expect(good.heard.frames.map((f) => f.sequence)).toEqual(Array.from({ length: goodFrames }, (_, i) => i + 1));

    burst.socket.send(twilio.stop(burst.streamSid));
    await waitFor(async () => burst.heard.ended, 30_000, 'the burst stream to end');
    const burstSequences = burst.heard.frames.map((f) => f.sequence);
    expect(burstSequences.every((s, i) => i === 0 || s > burstSequences[i - 1])).toBe(true);
    expect(burstSequences.at(-1)).toBe(10_000);

    expect(await dropped('malformed-json')).toBe(before.json + 1);
    expect(await dropped('unknown-event')).toBe(before.event + 1);
    expect(await dropped('bad-base64')).toBe(before.base64 + 1);
    expect(await dropped('before-start')).toBeGreaterThanOrEqual(before.early + 1);
    expect(await dropped('too-large')).toBe(before.large + 1);
    // The hostile socket is still open (under the bad-frame limit) and the service still answers.
    expect(hostile.ws.readyState).toBe(hostile.ws.OPEN);
    expect((await fetch(`${h.media.url}/health`)).status).toBeLessThan(500);
    await hostile.close();
  });

  it('keeps delivering to the other listeners when one throws', async () => {
    const faulty = new Set<string>();
    h.media.app.get(MediaSessionRegistry).onSessionStarted((session) => {
      if (!faulty.has(session.info.orgId)) return;
      session.subscribe({
        frame: () => {
          throw new Error('a detector bug');
        },
      });
    });
    const orgId = randomUUID();
    faulty.add(orgId);
    const { socket, streamSid, heard } = await twilioStream(orgId);
    for (let n = 1; n <= 20; n++) socket.send(twilio.media(streamSid, n));
    socket.send(twilio.stop(streamSid));
    await waitFor(async () => heard.ended, 10_000, 'the stream to end');
    expect(heard.frames).toHaveLength(20);
    expect(heard.ended?.reason).toBe('stop');
    expect(h.media.logs.lines.some((l) => l.msg === 'media session listener failed in frame')).toBe(true);
  });

  it('ends only its own stream (1011) when a feature throws as the session starts', async () => {
    const doomed = randomUUID();
    h.media.app.get(MediaSessionRegistry).onSessionStarted((session) => {
      if (session.info.orgId === doomed) throw new Error('a feature bug at start');
    });
    const { callId, streamSid } = ids();
    const socket = await h.connect('twilio');
    socket.send(twilio.start(streamSid, { token: await h.token({ callId, orgId: doomed }) }));
    expect(await socket.closed).toEqual({ code: 1011, reason: 'internal error' });
    const heard = await h.sessionOf(callId);
    await waitFor(async () => heard.ended, 10_000, 'the session to end');
    expect(heard.ended?.reason).toBe('error');
    await waitFor(async () => h.media.app.get(MediaSessionRegistry).get(callId) === undefined, 10_000, 'unregistered');
    const other = await twilioStream();
    other.socket.send(twilio.media(other.streamSid, 1));
    await waitFor(async () => other.heard.frames.length === 1, 10_000, 'a frame on another stream');
    await other.socket.close();
  });

  it('closes a socket that keeps sending frames it cannot use with 1007', async () => {
    const socket = await h.connect('twilio');
    for (let i = 0; i < 30; i++) socket.send('not json');
    expect(await socket.closed).toEqual({ code: 1007, reason: 'too many malformed frames' });
  });

  it('plays audio back into a bidirectional Twilio stream as μ-law frames, then a mark; clear empties it', async () => {
    const { socket, heard, streamSid } = await twilioStream(randomUUID(), { bidirectional: 'true' });
    const session = heard.session as WebSocketMediaSession;
    expect(session.info.bidirectional).toBe(true);
    const prompt = sine(8000, 8000);
    const playFramesBefore = await h.metric('callfleet_media_play_frames_total', { provider: 'twilio' });
    expect(session.play(prompt)).toBe(true);
    expect(session.mark('prompt-done')).toBe(true);
    await waitFor(async () => socket.received.some((m) => m.event === 'mark'), 10_000, 'the mark');
    const media = socket.received.filter((m) => m.event === 'media') as {
      streamSid: string;
      media: { payload: string };
    }[];
    expect(media).toHaveLength(50);
    expect(media.every((m) => m.streamSid === streamSid)).toBe(true);
    const played = Buffer.concat(media.map((m) => Buffer.from(m.media.payload, 'base64')));
    expect(played).toHaveLength(8000);
    expect(Buffer.from(played)).toEqual(Buffer.from(encodeMulaw(prompt)));
    expect(socket.received.at(-1)).toEqual({ event: 'mark', streamSid, mark: { name: 'prompt-done' } });
    expect(await h.metric('callfleet_media_play_frames_total', { provider: 'twilio' })).toBe(playFramesBefore + 50);

    // Ten seconds queued, then cleared: Twilio is told, and little of it was ever sent.
    session.play(sine(8000, 80_000));
    expect(session.queuedPlayMs).toBeGreaterThan(9000);
    expect(session.clear()).toBe(true);
    expect(session.queuedPlayMs).toBe(0);
    await waitFor(async () => socket.received.some((m) => m.event === 'clear'), 10_000, 'the clear');
    expect(socket.received.filter((m) => m.event === 'media').length).toBeLessThan(50 + 50);

    // The provider echoes our mark when played: listeners hear of it.
    socket.send({ event: 'mark', streamSid, sequenceNumber: '7', mark: { name: 'prompt-done' } });
    await waitFor(async () => heard.marks.includes('prompt-done'), 10_000, 'the mark echoed to listeners');
    await socket.close();
  });

  it('does not play into a listen-only stream', async () => {
    const { socket, heard } = await twilioStream();
    expect(heard.session.play(new Int16Array(160))).toBe(false);
    expect(heard.session.mark('x')).toBe(false);
    await socket.close();
  });

  it('plays into a bidirectional Exotel stream at its rate in chunks Exotel accepts', async () => {
    const { callId, streamSid } = ids();
    const token = await h.token({ callId, provider: 'exotel', orgId: randomUUID() });
    const socket = await h.connect('exotel', { token, bidirectional: 'true' });
    socket.send(exotel.start(streamSid, 16000));
    const heard = await h.sessionOf(callId);
    expect(heard.session.play(sine(8000, 8000))).toBe(true);
    heard.session.mark('end');
    await waitFor(async () => socket.received.some((m) => m.event === 'mark'), 10_000, 'the mark');
    const chunks = socket.received
      .filter((m) => m.event === 'media')
      .map((m) => Buffer.from((m as { media: { payload: string } }).media.payload, 'base64'));
    expect(chunks.every((c) => c.length % 320 === 0 && c.length >= 3200 && c.length <= 100_000)).toBe(true);
    // One second at 16 kHz, PCM16: 32,000 bytes (the last chunk padded to the next 320).
    const total = chunks.reduce((sum, c) => sum + c.length, 0);
    expect(total).toBeGreaterThanOrEqual(32_000);
    expect(total).toBeLessThan(32_000 + 3200);
    expect(rms(pcm16FromLittleEndian(Buffer.concat(chunks).subarray(3200, 28_800)))).toBeGreaterThan(5000);
    expect(socket.received.at(-1)).toEqual({ event: 'mark', stream_sid: streamSid, mark: { name: 'end' } });
    await socket.close();
  });

  it('holds an organization to its stream limit with 1013, others unaffected', async () => {
    const orgId = randomUUID();
    const open = [await twilioStream(orgId), await twilioStream(orgId), await twilioStream(orgId)];
    const rejectedBefore = await h.metric('callfleet_media_streams_rejected_total', { reason: 'org-limit' });
    const { callId, streamSid } = ids();
    const socket = await h.connect('twilio');
    socket.send(twilio.start(streamSid, { token: await h.token({ callId, orgId }) }));
    expect(await socket.closed).toEqual({ code: 1013, reason: 'too many streams, try again later' });
    expect(h.hasSession(callId)).toBe(false);
    expect(await h.metric('callfleet_media_streams_rejected_total', { reason: 'org-limit' })).toBe(rejectedBefore + 1);

    const other = await twilioStream(randomUUID());
    await open[0].socket.close();
    await waitFor(async () => open[0].heard.ended, 10_000, 'the first stream to end');
    const again = await twilioStream(orgId);
    expect(again.heard.session.info.orgId).toBe(orgId);
    for (const stream of [...open.slice(1), other, again]) await stream.socket.close();
  });

  it('lets a newer stream for the same call replace the older one (4001), as on a provider reconnect', async () => {
    const { callId, streamSid } = ids();
    const orgId = randomUUID();
    const token = await h.token({ callId, orgId });
    const first = await h.connect('twilio');
    first.send(twilio.start(streamSid, { token }));
    const older = await h.sessionOf(callId);
    const second = await h.connect('twilio');
    second.send(twilio.start(`${streamSid}b`, { token }));
    expect(await first.closed).toEqual({ code: 4001, reason: 'replaced by a newer stream' });
    await waitFor(async () => older.ended, 10_000, 'the older session to end');
    expect(older.ended?.reason).toBe('replaced');
    const registry = h.media.app.get(MediaSessionRegistry);
    await waitFor(async () => registry.get(callId)?.info.streamId === `${streamSid}b`, 10_000, 'the newer session');
    await second.close();
  });

  it('keeps a stream open past the HTTP request and idle timeouts', async () => {
    const { socket, streamSid, heard } = await twilioStream();
    // Three seconds of real-time audio against one-second HTTP limits.
    for (let n = 1; n <= 150; n++) {
      socket.send(twilio.media(streamSid, n));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await waitFor(async () => heard.frames.length === 150, 10_000, 'all 150 frames');
    // A pause longer than the HTTP idle limit (but not MEDIA_IDLE_TIMEOUT_MS) does not end it either.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    socket.send(twilio.media(streamSid, 151));
    await waitFor(async () => heard.frames.length === 151, 10_000, 'the frame after the pause');
    expect(socket.ws.readyState).toBe(socket.ws.OPEN);
    expect(heard.ended).toBeUndefined();
    await socket.close();
  });

  it('counts open streams by provider', async () => {
    const before = await h.metric('callfleet_media_streams_open', { provider: 'twilio' });
    const stream = await twilioStream();
    expect(await h.metric('callfleet_media_streams_open', { provider: 'twilio' })).toBe(before + 1);
    await stream.socket.close();
    await waitFor(async () => stream.heard.ended, 10_000, 'the stream to end');
    expect(await h.metric('callfleet_media_streams_open', { provider: 'twilio' })).toBe(before);
  });
});
