import { randomUUID } from 'node:crypto';
import {
  AUDIO_CLASSES,
  type ErrorBody,
  FleetHeader,
  type ListeningDto,
  ListenToCallDto,
  LiveHumanDetected,
  type LiveHumanDetectedEvent,
  MEDIA_AUDIO_CONTENT_TYPE,
  MediaHeaders,
  type MediaSignal,
  NATS_SERVICE_ERROR_CODE,
  Streams,
} from '@callfleet/contracts';
import { ManualClock, type OrgCaller, SubjectNamespace } from '@callfleet/platform';
import { plainNatsClient, startTestService, testNamespace, waitFor } from '@callfleet/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import { type Msg, type NatsConnection, headers as natsHeaders, type Subscription } from '@nats-io/transport-node';
import { LiveHumanPublisher } from '../src/detection/live-human.publisher';
import { liveHumanEventId } from '../src/detection/live-human-event-id';
import { lineMemoryKey } from '../src/line-memory/line-key';
import { LineMemoryStore } from '../src/line-memory/line-memory.store';
import { parseSegments } from '../src/line-memory/shared-line-memory';
import { CallDirectory } from '../src/listen/call-directory';
import { ListenHandlers } from '../src/listen/listen.handlers';
import { MediaSessionRegistry } from '../src/media-sessions/media-session.registry';
import { mediaStreamService } from '../src/media-stream.definition';
import { FakeMediaSession, fingerprint, loudVoiceLike, numbered, silence } from './fake-media-session';

type Service = Awaited<ReturnType<typeof startTestService>>;

/** Everything a plain client sees of one call on `media.v1.*.<callId>`, in the order the broker delivered it. */
class CallWatcher {
  readonly messages: Msg[] = [];
  private readonly sub: Subscription;

  constructor(nc: NatsConnection, ns: SubjectNamespace, callId: string) {
    this.sub = nc.subscribe(ns.subject(`media.v1.*.${callId}`), {
      callback: (_e, msg) => void this.messages.push(msg),
    });
  }

  ready(nc: NatsConnection): Promise<void> {
    return nc.flush();
  }

  signals(): MediaSignal[] {
    return this.messages.filter((m) => m.subject.includes('.signals.')).map((m) => m.json<MediaSignal>());
  }

  audio(): Msg[] {
    return this.messages.filter((m) => m.subject.includes('.audio.'));
  }

  /** Waits for the DTMF signal `digit`: everything published before it has arrived by then. */
  async until(digit: string): Promise<void> {
    await waitFor(
      async () => this.signals().some((s) => s.kind === 'dtmf' && s.digit === digit),
      10_000,
      `dtmf ${digit}`,
    );
  }

  stop(): void {
    this.sub.unsubscribe();
  }
}

describe('media-stream on NATS: signals, the durable decision, listen, playback, line memory', () => {
  const namespace = testNamespace();
  const ns = new SubjectNamespace(namespace);
  const orgId = randomUUID();
  const otherOrgId = randomUUID();
  const clock = new ManualClock(Date.now());
  let service: Service;
  let registry: MediaSessionRegistry;
  let nc: NatsConnection;

  beforeAll(async () => {
    service = await startTestService(mediaStreamService, { namespace, clock });
    registry = service.app.get(MediaSessionRegistry);
    nc = await plainNatsClient();
  });

  afterAll(async () => {
    await nc?.close();
    await service?.close();
  });

  /** A session the door would have registered, once the fleet can find it (media-sessions bucket). */
  async function streaming(session: FakeMediaSession): Promise<FakeMediaSession> {
    registry.add(session);
    const directory = service.app.get(CallDirectory);
    await waitFor(async () => (await directory.lookup(session.info.callId))?.sessionId === session.info.sessionId);
    return session;
  }

  async function listen(callId: string, asOrg: string, durationSeconds: number) {
    const h = natsHeaders();
    h.set(FleetHeader.REQUEST_ID, randomUUID());
    h.set(FleetHeader.ORG_ID, asOrg);
    h.set(FleetHeader.USER_ID, randomUUID());
    h.set(FleetHeader.ROLES, 'admin');
    const reply = await nc.request(ns.subject('media.v1.listen'), JSON.stringify({ callId, durationSeconds }), {
      headers: h,
      timeout: 5_000,
    });
    const status = reply.headers?.get(NATS_SERVICE_ERROR_CODE);
    return status
      ? { status: Number(status), body: reply.json<ErrorBody>() }
      : { status: 200, body: reply.json<ListeningDto>() };
  }

  it('publishes a stream’s start, its audio classes, its DTMF and its end on media.v1.signals.<callId>', async () => {
    const session = new FakeMediaSession({ orgId });
    const watcher = new CallWatcher(nc, ns, session.info.callId);
    await watcher.ready(nc);
    await streaming(session);
    session.frames(...silence(50), ...loudVoiceLike(100), ...silence(50));
    session.dtmf('5');
    session.end('stop');
    await waitFor(async () => watcher.signals().some((s) => s.kind === 'stream-stopped'), 10_000, 'stream-stopped');
    const signals = watcher.signals();
    expect(signals[0]).toEqual({ callId: session.info.callId, atMs: 0, kind: 'stream-started', provider: 'twilio' });
    expect(signals.at(-1)).toEqual({
      callId: session.info.callId,
      atMs: 4000,
      kind: 'stream-stopped',
      provider: 'twilio',
      reason: 'stop',
    });
    expect(signals).toContainEqual({ callId: session.info.callId, atMs: 4000, kind: 'dtmf', digit: '5' });
    const classes = signals.filter((s) => (AUDIO_CLASSES as readonly string[]).includes(s.kind));
    expect(classes.length).toBeGreaterThan(0);
    for (const signal of classes) {
      expect(signal.callId).toBe(session.info.callId);
      expect(signal.atMs % 20).toBe(0);
      expect(signal.atMs).toBeLessThan(4000);
    }
    // No one listened: no audio left the service.
    expect(watcher.audio()).toEqual([]);
    watcher.stop();
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).toMatch(/callfleet_media_signals_total\{kind="stream-started",service="media-stream"\} [1-9]/);
    expect(metrics).toMatch(/callfleet_media_frame_processing_seconds_count\{service="media-stream"\} [1-9]\d*/);
  });

  it('stores the live-human decision in JetStream once per stream, also when it is published again', async () => {
    const session = new FakeMediaSession({ orgId, line: 'target-42', provider: 'exotel' });
    const publisher = service.app.get(LiveHumanPublisher);
    const decision = {
      callId: session.info.callId,
      atMs: 12_340,
      kind: 'live-human' as const,
      confidence: 0.97,
      evidence: ['novel-speech', 'turn-taking-pause'],
    };
    await publisher.publish(session.info, decision);
    await publisher.publish(session.info, { ...decision, atMs: 12_360 });

    const jsm = await jetstreamManager(nc);
    const stream = ns.stream(Streams.EVENTS.name);
    const subject = ns.subject(LiveHumanDetected.subject);
    const info = await jsm.streams.info(stream, { subjects_filter: subject });
    const stored = await jsm.streams.getMessage(stream, { last_by_subj: subject });
    const event = stored?.json<LiveHumanDetectedEvent>();
    expect(event).toMatchObject({
      id: liveHumanEventId(session.info.callId, session.info.streamId),
      type: LiveHumanDetected.subject,
      orgId,
      data: {
        callId: session.info.callId,
        provider: 'exotel',
        providerCallId: session.info.providerCallId,
        streamId: session.info.streamId,
        line: 'target-42',
        atMs: 12_340,
        confidence: 0.97,
        evidence: ['novel-speech', 'turn-taking-pause'],
      },
    });
    expect(info.state.subjects?.[subject]).toBe(1);
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).toMatch(
      /callfleet_media_live_human_publishes_total\{outcome="duplicate",service="media-stream"\} 1/,
    );
  });

  it('publishes a call’s audio only while it is listened to, and stops when the listen runs out', async () => {
    const session = await streaming(new FakeMediaSession({ orgId }));
    const watcher = new CallWatcher(nc, ns, session.info.callId);
    await watcher.ready(nc);

    session.frames(...numbered(10, 1));
    session.dtmf('1');
    await watcher.until('1');
    expect(watcher.audio()).toEqual([]);

    const answer = await listen(session.info.callId, orgId, 2);
    expect(answer).toEqual({
      status: 200,
      body: { callId: session.info.callId, listeningUntil: new Date(clock.nowMs() + 2000).toISOString() },
    });
    const listened = numbered(10, 11);
    session.frames(...listened);
    session.dtmf('2');
    await watcher.until('2');
    const audio = watcher.audio();
    expect(audio.map((m) => m.headers?.get(MediaHeaders.SEQUENCE))).toEqual(
      Array.from({ length: 10 }, (_, i) => String(11 + i)),
    );
    expect(audio.map((m) => Number(m.headers?.get(MediaHeaders.TIMESTAMP_MS)))).toEqual(
      Array.from({ length: 10 }, (_, i) => (10 + i) * 20),
    );
    expect(new Set(audio.map((m) => m.headers?.get(MediaHeaders.CONTENT_TYPE)))).toEqual(
      new Set([MEDIA_AUDIO_CONTENT_TYPE]),
    );
    // PCM16 little-endian, exactly the frame's samples.
    for (const [i, msg] of audio.entries()) {
      expect(Buffer.from(msg.data).equals(Buffer.from(listened[i].buffer))).toBe(true);
    }

    clock.advance(2_001);
    session.frames(...numbered(10, 21));
    session.dtmf('3');
    await watcher.until('3');
    expect(watcher.audio()).toHaveLength(10);
    watcher.stop();
    session.end('closed');
  });

  it('answers NOT_FOUND for a call of another org and for a call no replica holds', async () => {
    const session = await streaming(new FakeMediaSession({ orgId }));
    for (const answer of [
      await listen(session.info.callId, otherOrgId, 10),
      await listen('call-nobody-holds', orgId, 10),
    ]) {
      expect(answer.status).toBe(404);
      expect(answer.body).toMatchObject({ code: 'NOT_FOUND' });
    }
    const invalid = await listen('not a call id!', orgId, 10);
    expect(invalid).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR' } });
    session.end('stop');
    // Once the stream ended, its own org cannot listen either.
    const directory = service.app.get(CallDirectory);
    await waitFor(async () => (await directory.lookup(session.info.callId)) === null, 10_000, 'the entry removed');
    expect((await listen(session.info.callId, orgId, 10)).status).toBe(404);
  });

  it('plays what arrives on media.v1.play.<callId> into the call, clears and marks, and drops malformed audio', async () => {
    const session = await streaming(new FakeMediaSession({ orgId, bidirectional: true }));
    const subject = ns.subject(`media.v1.play.${session.info.callId}`);
    nc.publish(subject, new Uint8Array([1, 2, 3])); // odd length: not PCM16
    nc.publish(subject, new Uint8Array([1, 0, 2, 0, 0xff, 0xff, 0x00, 0x80]));
    const clear = natsHeaders();
    clear.set(MediaHeaders.PLAY_ACTION, 'clear');
    nc.publish(subject, new Uint8Array(), { headers: clear });
    const mark = natsHeaders();
    mark.set(MediaHeaders.PLAY_ACTION, 'mark');
    mark.set(MediaHeaders.MARK_NAME, 'greeting-done');
    nc.publish(subject, new Uint8Array(), { headers: mark });
    await waitFor(async () => session.marks.length === 1, 10_000, 'the mark');
    expect(session.played.map((pcm) => [...pcm])).toEqual([[1, 2, -1, -32768]]);
    expect(session.clears).toBe(1);
    expect(session.marks).toEqual(['greeting-done']);
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).toMatch(/callfleet_media_play_messages_total\{outcome="odd-length",service="media-stream"\} 1/);
    session.end('stop');
  });

  it('is ready with NATS and its KV buckets', async () => {
    const ready = await fetch(`${service.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ info: { nats: { status: 'up' }, 'nats-kv': { status: 'up' } } });
  });

  describe('two replicas', () => {
    let second: Service;

    beforeAll(async () => {
      second = await startTestService(mediaStreamService, { namespace });
    });
    afterAll(() => second?.close());

    it('publish the audio from the replica holding the call when the other took the listen', async () => {
      const session = new FakeMediaSession({ orgId });
      second.app.get(MediaSessionRegistry).add(session);
      await waitFor(async () => (await service.app.get(CallDirectory).lookup(session.info.callId)) !== null);
      const watcher = new CallWatcher(nc, ns, session.info.callId);
      await watcher.ready(nc);
      const answer = await service.app
        .get(ListenHandlers)
        .listen(Object.assign(new ListenToCallDto(), { callId: session.info.callId, durationSeconds: 60 }), {
          orgId,
          roles: ['admin'],
        } as OrgCaller);
      expect(answer.callId).toBe(session.info.callId);
      // The holder learns of the listen through the bucket's watch; frames flow once it has.
      await waitFor(
        async () => {
          session.frames(...silence(1));
          await nc.flush();
          return watcher.audio().length > 0;
        },
        10_000,
        'audio from the holding replica',
      );
      watcher.stop();
      session.end('stop');
    });

    it('persist a line’s memory when a session ends, loaded by the other for the same org and line only', async () => {
      const first = service.app.get(LineMemoryStore);
      const lease = first.acquire(orgId, '+15550001111');
      await lease.loaded;
      lease.memory.remember(fingerprint(1_000, 1));
      await lease.release();
      expect(first.heldLines).toBe(0);

      const other = second.app.get(LineMemoryStore);
      const loaded = other.acquire(orgId, '+15550001111');
      await loaded.loaded;
      expect(loaded.memory.match(fingerprint(5_000, 1))).toMatchObject({ of: 1_000 });
      const elsewhere = other.acquire(otherOrgId, '+15550001111');
      await elsewhere.loaded;
      expect(elsewhere.memory.match(fingerprint(5_000, 1))).toBeNull();
      await Promise.all([loaded.release(), elsewhere.release()]);
    });

    it('replace a corrupt stored line memory instead of failing the line', async () => {
      const store = service.app.get(LineMemoryStore);
      await (await store.bucket()).put(lineMemoryKey(orgId, 'corrupt-line'), 'not json {');
      const lease = store.acquire(orgId, 'corrupt-line');
      await lease.loaded;
      lease.memory.remember(fingerprint(700, 21));
      await lease.release();
      const stored = await (await store.bucket()).get(lineMemoryKey(orgId, 'corrupt-line'));
      expect(parseSegments(stored?.json())).toHaveLength(1);
      const again = second.app.get(LineMemoryStore).acquire(orgId, 'corrupt-line');
      await again.loaded;
      expect(again.memory.match(fingerprint(0, 21))).toMatchObject({ of: 700 });
      await again.release();
    });

    it('keep what both learned of one line at the same time, and each sees the other’s', async () => {
      const a = service.app.get(LineMemoryStore).acquire(orgId, 'shared-line');
      const b = second.app.get(LineMemoryStore).acquire(orgId, 'shared-line');
      await Promise.all([a.loaded, b.loaded]);
      a.memory.remember(fingerprint(100, 7));
      b.memory.remember(fingerprint(200, 8));
      await Promise.all([a.release(), b.release()]);

      const third = service.app.get(LineMemoryStore).acquire(orgId, 'shared-line');
      await third.loaded;
      expect(third.memory.match(fingerprint(0, 7))).toMatchObject({ of: 100 });
      expect(third.memory.match(fingerprint(0, 8))).toMatchObject({ of: 200 });

      // While both hold the line, one's write reaches the other through the bucket's watch.
      const fourth = second.app.get(LineMemoryStore).acquire(orgId, 'shared-line');
      await fourth.loaded;
      third.memory.remember(fingerprint(300, 9));
      await service.app.get(LineMemoryStore).flushAll();
      await waitFor(async () => fourth.memory.match(fingerprint(0, 9)) !== null, 10_000, 'the other write');
      await Promise.all([third.release(), fourth.release()]);
    });
  });
});
