import { randomUUID } from 'node:crypto';
import { ManualClock, MetricsService } from '@callfleet/platform';
import { startTestService, testNamespace, waitFor } from '@callfleet/testing';
import { mediaStreamService } from '../src/media-stream.definition';
import { MediaStreamHarness, ProviderSocket, twilio } from './media-stream-harness';

let counter = 0;
const ids = () => {
  counter += 1;
  const suffix = `${Date.now().toString(36)}t${counter}`;
  return { callId: `call-${suffix}`, streamSid: `MZ${suffix}` };
};

/**
 * The door's timeouts and shutdown, on a media-stream whose clock the test moves (auth keeps the real
 * one, so the clock is set to real time before each token is used).
 */
describe('media-stream door: timeouts, capacity and shutdown', () => {
  const clock = new ManualClock(Date.now());
  let h: MediaStreamHarness;
  let mediaClosed = false;

  beforeAll(async () => {
    h = await MediaStreamHarness.start(
      { MEDIA_IDLE_TIMEOUT_MS: '15000', MEDIA_START_TIMEOUT_MS: '5000', MEDIA_MAX_STREAMS: '3' },
      clock,
    );
  });
  beforeEach(() => clock.set(Date.now()));
  afterAll(async () => {
    if (mediaClosed) Object.assign(h.media, { close: async () => undefined });
    await h?.stop();
  });

  async function streaming() {
    const { callId, streamSid } = ids();
    const token = await h.token({ callId, orgId: randomUUID() });
    const socket = await h.connect('twilio');
    socket.send(twilio.start(streamSid, { token }));
    socket.send(twilio.media(streamSid, 1));
    const heard = await h.sessionOf(callId);
    await waitFor(async () => heard.frames.length === 1, 10_000, 'the first frame');
    return { callId, streamSid, socket, heard };
  }

  it('closes a stream that goes quiet with 4000 and ends its session with idle-timeout', async () => {
    const { socket, heard } = await streaming();
    clock.advance(14_000);
    // Still within the limit: a message resets it.
    socket.send(twilio.media(heard.session.info.streamId, 2));
    await waitFor(async () => heard.frames.length === 2, 10_000, 'the second frame');
    clock.advance(14_000);
    expect(socket.ws.readyState).toBe(socket.ws.OPEN);
    clock.advance(2_000);
    expect(await socket.closed).toEqual({ code: 4000, reason: 'idle timeout' });
    await waitFor(async () => heard.ended, 10_000, 'the session to end');
    expect(heard.ended?.reason).toBe('idle-timeout');
  });

  it('closes a socket that sends no start within the start timeout with 1008', async () => {
    const before = await h.metric('callfleet_media_streams_rejected_total', { reason: 'start-timeout' });
    const socket = await h.connect('twilio');
    socket.send(twilio.connected());
    socket.send(twilio.media('MZnostart', 1));
    clock.advance(5_000);
    expect(await socket.closed).toEqual({ code: 1008, reason: 'no start with a stream token in time' });
    expect(await h.metric('callfleet_media_streams_rejected_total', { reason: 'start-timeout' })).toBe(before + 1);
  });

  it('refuses an expired token with 1008 and counts it as expired', async () => {
    const { callId, streamSid } = ids();
    const token = await h.token({ callId, ttlSeconds: 5 });
    const before = await h.metric('callfleet_media_stream_token_failures_total', { reason: 'expired' });
    clock.set(Date.now() + 6_000);
    const socket = await h.connect('twilio');
    socket.send(twilio.start(streamSid, { token }));
    expect(await socket.closed).toEqual({ code: 1008, reason: 'invalid stream token' });
    expect(await h.metric('callfleet_media_stream_token_failures_total', { reason: 'expired' })).toBe(before + 1);
    expect(h.hasSession(callId)).toBe(false);
  });

  it('closes sockets beyond the replica limit with 1013 before reading them', async () => {
    const open = [await streaming(), await streaming(), await streaming()];
    const socket = await h.connect('twilio');
    expect(await socket.closed).toEqual({ code: 1013, reason: 'too many streams, try again later' });
    for (const stream of open) await stream.socket.close();
    await waitFor(async () => open.every((s) => s.heard.ended), 10_000, 'the streams to end');
  });

  it('on shutdown ends every session with reason shutdown and closes its socket with 1001', async () => {
    const { socket, heard } = await streaming();
    await h.media.close();
    mediaClosed = true;
    expect(await socket.closed).toEqual({ code: 1001, reason: 'shutting down' });
    expect(heard.ended?.reason).toBe('shutdown');
  });
});

describe('media-stream door without auth', () => {
  let h: MediaStreamHarness;
  let lonely: Awaited<ReturnType<typeof startTestService>>;

  beforeAll(async () => {
    h = await MediaStreamHarness.start();
    // Its own namespace: auth.v1.jwks has no responder there, so no key set can ever be fetched.
    lonely = await startTestService(mediaStreamService, { namespace: testNamespace() });
  });
  afterAll(async () => {
    await lonely?.close();
    await h?.stop();
  });

  it('closes a stream whose token cannot be checked with 1013 (try again), not as a bad token', async () => {
    const { callId, streamSid } = ids();
    const token = await h.token({ callId });
    const socket = await ProviderSocket.open(`${lonely.url.replace('http', 'ws')}/media/twilio`);
    socket.send(twilio.start(streamSid, { token }));
    expect(await socket.closed).toEqual({ code: 1013, reason: 'stream token cannot be checked now, try again later' });
    const registry = lonely.app.get(MetricsService).registry;
    const failures = await registry.getSingleMetric('callfleet_media_stream_token_failures_total')?.get();
    expect(failures?.values.reduce((sum, v) => sum + v.value, 0)).toBe(0);
    const rejected = await registry.getSingleMetric('callfleet_media_streams_rejected_total')?.get();
    expect(rejected?.values.find((v) => v.labels.reason === 'token-unverifiable')?.value).toBe(1);
  });
});
