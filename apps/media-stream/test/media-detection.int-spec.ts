import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { decodeWav } from '@callfleet/audio';
import {
  LiveHumanDetected,
  type LiveHumanDetectedEvent,
  MEDIA_FRAME_SAMPLES,
  type MediaSignal,
  Streams,
} from '@callfleet/contracts';
import { type DetectorOutput, LiveHumanDetector } from '@callfleet/detection';
import { SubjectNamespace } from '@callfleet/platform';
import { plainNatsClient, REPO_ROOT, startTestService, testNamespace, waitFor } from '@callfleet/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { buildCorpus, type ManifestEntry } from '../../../tools/corpus/corpus-builder';
import { liveHumanEventId } from '../src/detection/live-human-event-id';
import { SharedLineMemory } from '../src/line-memory/shared-line-memory';
import { MediaSessionRegistry } from '../src/media-sessions/media-session.registry';
import { mediaStreamService } from '../src/media-stream.definition';
import { FakeMediaSession } from './fake-media-session';

type Service = Awaited<ReturnType<typeof startTestService>>;

function framesOf(file: string): Int16Array[] {
  const { samples, sampleRate } = decodeWav(readFileSync(file));
  if (sampleRate !== 8000) throw new Error(`${file}: ${sampleRate} Hz`);
  const frames: Int16Array[] = [];
  for (let at = 0; at + MEDIA_FRAME_SAMPLES <= samples.length; at += MEDIA_FRAME_SAMPLES)
    frames.push(samples.slice(at, at + MEDIA_FRAME_SAMPLES));
  return frames;
}

/**
 * One dialed line of the labeled corpus (its calls share the line's recordings), streamed call after
 * call through the service as the door would hand it: what a subscriber of media.v1.signals.<callId>
 * sees is the detector's own output, the line's memory carries over from call to call, and every
 * decision is in JetStream once.
 */
describe('media-stream on a corpus line: signals, the decision and its durable event', () => {
  const namespace = testNamespace();
  const ns = new SubjectNamespace(namespace);
  const orgId = randomUUID();
  const outDir = mkdtempSync(join(tmpdir(), 'media-corpus-'));
  let entries: ManifestEntry[];
  let manifestDir: string;
  let service: Service;
  let nc: NatsConnection;

  beforeAll(async () => {
    const [split] = buildCorpus({
      clipsDir: join(REPO_ROOT, 'corpus/clips'),
      outDir,
      splits: ['train'],
      lines: { train: 1 },
      seed: 11,
    });
    entries = split.entries;
    manifestDir = dirname(split.manifest);
    service = await startTestService(mediaStreamService, { namespace });
    nc = await plainNatsClient();
  });

  afterAll(async () => {
    await nc?.close();
    await service?.close();
    rmSync(outDir, { recursive: true, force: true });
  });

  /** Streams that waited for their line's memory and got it (media-stream's own count). */
  async function lineMemoryLoads(): Promise<number> {
    const text = await (await fetch(`${service.url}/metrics`)).text();
    const found = /callfleet_media_line_memory_waits_total\{outcome="loaded",service="media-stream"\} (\d+)/.exec(text);
    return Number(found?.[1] ?? 0);
  }

  it('publishes exactly what the detector says of each call, and stores each decision once', async () => {
    expect(entries.length).toBeGreaterThan(2);
    const registry = service.app.get(MediaSessionRegistry);
    // The same detector, fed the same calls with a memory of its own: what the service must publish.
    const reference = new SharedLineMemory();
    const line = `line-${randomUUID().slice(0, 8)}`;
    const decided: { callId: string; streamId: string; atMs: number }[] = [];
    for (const entry of entries) {
      const frames = framesOf(join(manifestDir, entry.file));
      const detector = new LiveHumanDetector({ lineMemory: reference });
      const expected: DetectorOutput[] = [];
      for (const frame of frames) expected.push(...detector.pushFrame(frame));
      expected.push(...detector.end());

      const session = new FakeMediaSession({ orgId, line });
      const seen: MediaSignal[] = [];
      const sub = nc.subscribe(ns.subject(`media.v1.signals.${session.info.callId}`), {
        callback: (_e, msg) => void seen.push(msg.json<MediaSignal>()),
      });
      await nc.flush();
      // A provider sends 50 frames a second and the line's memory loads in milliseconds; this test sends
      // a whole call at once, so it waits for the load after the first frames, as real time would.
      const loadedBefore = await lineMemoryLoads();
      registry.add(session);
      session.frames(...frames.slice(0, 10));
      await waitFor(async () => (await lineMemoryLoads()) > loadedBefore, 10_000, 'the line memory loaded');
      session.frames(...frames.slice(10));
      session.end('stop');
      await waitFor(async () => seen.some((s) => s.kind === 'stream-stopped'), 20_000, `${entry.file} stopped`);
      sub.unsubscribe();

      const published = seen.filter((s) => s.kind !== 'stream-started' && s.kind !== 'stream-stopped');
      expect({ file: entry.file, signals: published }).toEqual({
        file: entry.file,
        signals: expected.map((output) => ({ callId: session.info.callId, ...output })),
      });
      const decision = published.find((s) => s.kind === 'live-human');
      if (decision) decided.push({ callId: session.info.callId, streamId: session.info.streamId, atMs: decision.atMs });
    }

    // The line has callers with a person on them: the detector decided on some (its accuracy is measured elsewhere).
    expect(decided.length).toBeGreaterThan(0);
    // Nothing else publishes events in this test's namespace: the stream holds exactly the decisions.
    const jsm = await jetstreamManager(nc);
    const stream = ns.stream(Streams.EVENTS.name);
    const subject = ns.subject(LiveHumanDetected.subject);
    const info = await waitFor(
      async () => {
        const found = await jsm.streams.info(stream, { subjects_filter: subject });
        return (found.state.subjects?.[subject] ?? 0) >= decided.length && found;
      },
      10_000,
      'one durable event per decision',
    );
    const stored: LiveHumanDetectedEvent[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && decided.length > 0; seq++) {
      stored.push(
        (await jsm.streams.getMessage(stream, { seq }))?.json<LiveHumanDetectedEvent>() as LiveHumanDetectedEvent,
      );
    }
    expect(
      stored.map((event) => ({ id: event.id, orgId: event.orgId, callId: event.data.callId, atMs: event.data.atMs })),
    ).toEqual(
      decided.map((d) => ({ id: liveHumanEventId(d.callId, d.streamId), orgId, callId: d.callId, atMs: d.atMs })),
    );
  });
});
