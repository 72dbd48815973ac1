import { randomUUID } from 'node:crypto';
import { decodeMulaw, encodeMulaw } from '@callfleet/audio';
import {
  FleetHeader,
  type ListeningDto,
  MediaHeaders,
  type MediaSignal,
  MediaSubjects,
  NATS_SERVICE_ERROR_CODE,
} from '@callfleet/contracts';
import { SubjectNamespace } from '@callfleet/platform';
import { waitFor } from '@callfleet/testing';
import { type Msg, headers as natsHeaders } from '@nats-io/transport-node';
import { MediaStreamHarness, twilio } from './media-stream-harness';

/**
 * The whole of media-stream, as the orchestrator will use it: a provider's WebSocket (a plain `ws`
 * client speaking Twilio's protocol with a real stream token) on one side, NATS on the other.
 */
describe('media-stream end to end: WebSocket in, NATS out and back', () => {
  let h: MediaStreamHarness;
  let ns: SubjectNamespace;

  beforeAll(async () => {
    h = await MediaStreamHarness.start();
    ns = new SubjectNamespace(h.ns);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('publishes a Twilio stream’s signals, its audio once listened to, and plays what is sent back', async () => {
    const orgId = randomUUID();
    const callId = `call-${randomUUID().slice(0, 8)}`;
    const streamSid = `MZ${randomUUID().replace(/-/g, '')}`;
    const seen: Msg[] = [];
    const sub = h.nc.subscribe(ns.subject(`media.v1.*.${callId}`), { callback: (_e, msg) => void seen.push(msg) });
    await h.nc.flush();
    const signals = () => seen.filter((m) => m.subject.includes('.signals.')).map((m) => m.json<MediaSignal>());
    const audio = () => seen.filter((m) => m.subject.includes('.audio.'));

    const token = await h.token({ callId, orgId, provider: 'twilio', line: 'target-e2e' });
    const socket = await h.connect('twilio');
    socket.send(twilio.connected());
    socket.send(twilio.start(streamSid, { token, bidirectional: 'true' }));
    await waitFor(async () => signals().some((s) => s.kind === 'stream-started'), 10_000, 'stream-started');
    expect(signals()[0]).toEqual({ callId, atMs: 0, kind: 'stream-started', provider: 'twilio' });

    for (let n = 1; n <= 25; n++) socket.send(twilio.media(streamSid, n));
    socket.send(twilio.dtmf(streamSid, '4'));
    await waitFor(async () => signals().some((s) => s.kind === 'dtmf'), 10_000, 'the digit');
    expect(signals().find((s) => s.kind === 'dtmf')).toEqual({ callId, atMs: 500, kind: 'dtmf', digit: '4' });
    expect(audio()).toEqual([]);

    const h2 = natsHeaders();
    h2.set(FleetHeader.REQUEST_ID, randomUUID());
    h2.set(FleetHeader.ORG_ID, orgId);
    const reply = await h.nc.request(ns.subject('media.v1.listen'), JSON.stringify({ callId, durationSeconds: 30 }), {
      headers: h2,
      timeout: 5_000,
    });
    expect(reply.headers?.get(NATS_SERVICE_ERROR_CODE)).toBeUndefined();
    expect(reply.json<ListeningDto>().callId).toBe(callId);
    for (let n = 26; n <= 35; n++) socket.send(twilio.media(streamSid, n));
    await waitFor(async () => audio().length === 10, 10_000, 'ten audio frames');
    expect(audio().map((m) => m.headers?.get(MediaHeaders.SEQUENCE))).toEqual(
      Array.from({ length: 10 }, (_, i) => String(26 + i)),
    );
    // What the caller said, as Twilio's μ-law carried it, in PCM16 little-endian.
    const expected = decodeMulaw(encodeMulaw(new Int16Array(160).fill(26 * 10)));
    expect(Buffer.from(audio()[0].data).equals(Buffer.from(expected.buffer))).toBe(true);

    const prompt = new Int16Array(1600).fill(1200);
    h.nc.publish(ns.subject(MediaSubjects.play(callId)), Buffer.from(prompt.buffer));
    await waitFor(
      async () => socket.received.filter((m) => m.event === 'media').length === 10,
      10_000,
      'the prompt played into the call',
    );
    const clear = natsHeaders();
    clear.set(MediaHeaders.PLAY_ACTION, 'clear');
    h.nc.publish(ns.subject(MediaSubjects.play(callId)), new Uint8Array(), { headers: clear });
    await waitFor(async () => socket.received.some((m) => m.event === 'clear'), 10_000, 'the clear');

    socket.send(twilio.stop(streamSid));
    await waitFor(async () => signals().some((s) => s.kind === 'stream-stopped'), 10_000, 'stream-stopped');
    expect(signals().at(-1)).toMatchObject({ callId, kind: 'stream-stopped', provider: 'twilio', reason: 'stop' });
    sub.unsubscribe();
  });
});
