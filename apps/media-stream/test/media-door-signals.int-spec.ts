import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { decodeMulaw, decodeWav, encodeMulaw } from '@callfleet/audio';
import { MEDIA_FRAME_SAMPLES, type MediaSignal } from '@callfleet/contracts';
import { type DetectorOutput, LiveHumanDetector } from '@callfleet/detection';
import { SubjectNamespace } from '@callfleet/platform';
import { REPO_ROOT, waitFor } from '@callfleet/testing';
import { buildCorpus, type ManifestEntry } from '../../../tools/corpus/corpus-builder';
import { exotel, MediaStreamHarness, type ProviderSocket, twilio } from './media-stream-harness';

function samplesOf(file: string): Int16Array {
  const { samples, sampleRate } = decodeWav(readFileSync(file));
  if (sampleRate !== 8000) throw new Error(`${file}: ${sampleRate} Hz`);
  return samples.subarray(0, samples.length - (samples.length % MEDIA_FRAME_SAMPLES));
}

/** What the detector says of these 8 kHz samples, frame by frame: what the service must publish. */
function detectorSays(samples: Int16Array): DetectorOutput[] {
  const detector = new LiveHumanDetector();
  const out: DetectorOutput[] = [];
  for (let at = 0; at < samples.length; at += MEDIA_FRAME_SAMPLES) {
    out.push(...detector.pushFrame(samples.subarray(at, at + MEDIA_FRAME_SAMPLES)));
  }
  out.push(...detector.end());
  return out;
}

async function paced(socket: ProviderSocket): Promise<void> {
  await socket.flushed();
  await new Promise((resolve) => setTimeout(resolve, 20));
}

/** 16 kHz from 8 kHz by repeating samples: what an Exotel account at 16 kHz would send of the call. */
const doubled = (samples: Int16Array) => Int16Array.from({ length: samples.length * 2 }, (_, i) => samples[i >> 1]);

/**
 * The whole way, as a provider's media server and another team see it: a plain `ws` client streams a
 * corpus call with a stream token from auth, and a subscriber of media.v1.signals.<callId> gets what
 * the detector says of that audio. (The detector's quality is measured by `npm run detection:eval`;
 * this checks that the door hands it the call's audio unchanged, in order, with its timing.)
 */
describe('media-stream: a corpus call through the WebSocket door to media.v1.signals', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'media-door-corpus-'));
  let h: MediaStreamHarness;
  let entry: ManifestEntry;
  let manifestDir: string;

  beforeAll(async () => {
    const [split] = buildCorpus({
      clipsDir: join(REPO_ROOT, 'corpus/clips'),
      outDir,
      splits: ['train'],
      lines: { train: 1 },
      seed: 23,
    });
    manifestDir = dirname(split.manifest);
    // A call with a live person in it, so there is a decision (once the detector makes one) to carry.
    entry = split.entries.find((e) => typeof e.liveHumanAtMs === 'number') ?? split.entries[0];
    // The call is streamed at 50 times real time; on a loaded machine the detector can fall seconds
    // behind, and the default queue (5 s) would then drop audio and shift every decision. This spec is
    // about the audio arriving unchanged, so the queue holds a whole call (the bound has its own spec).
    h = await MediaStreamHarness.start({ MEDIA_STREAM_QUEUE_FRAMES: '15000' });
  });
  afterAll(async () => {
    await h?.stop();
    rmSync(outDir, { recursive: true, force: true });
  });

  async function signalsOf(callId: string, stream: () => Promise<ProviderSocket>): Promise<MediaSignal[]> {
    const seen: MediaSignal[] = [];
    const subject = new SubjectNamespace(h.ns).subject(`media.v1.signals.${callId}`);
    const sub = h.nc.subscribe(subject, { callback: (_e, msg) => void seen.push(msg.json<MediaSignal>()) });
    await h.nc.flush();
    const socket = await stream();
    expect((await socket.closed).code).toBe(1000);
    await waitFor(async () => seen.some((s) => s.kind === 'stream-stopped'), 30_000, 'stream-stopped');
    sub.unsubscribe();
    return seen;
  }

  const analysed = (signals: MediaSignal[]) =>
    signals.filter((s) => s.kind !== 'stream-started' && s.kind !== 'stream-stopped');

  it('Twilio (μ-law 8 kHz, 20 ms frames): the signals are the detector’s on the decoded call', async () => {
    const samples = samplesOf(join(manifestDir, entry.file));
    const callId = `door-twilio-${Date.now().toString(36)}`;
    const streamSid = `MZ${callId}`;
    const token = await h.token({ callId, provider: 'twilio' });
    const signals = await signalsOf(callId, async () => {
      const socket = await h.connect('twilio');
      socket.send(twilio.connected());
      socket.send(twilio.start(streamSid, { token }));
      for (let n = 1; n * MEDIA_FRAME_SAMPLES <= samples.length; n++) {
        const frame = samples.subarray((n - 1) * MEDIA_FRAME_SAMPLES, n * MEDIA_FRAME_SAMPLES);
        socket.send(twilio.media(streamSid, n, frame));
        // Paced, as a provider is (here at 50 times real time): a second of audio per 20 ms.
        if (n % 50 === 0) await paced(socket);
      }
      socket.send(twilio.stop(streamSid));
      return socket;
    });
    expect(signals[0]).toMatchObject({ callId, kind: 'stream-started', provider: 'twilio' });
    expect(signals.at(-1)).toMatchObject({ callId, kind: 'stream-stopped', reason: 'stop' });
    expect(analysed(signals)).toEqual(
      detectorSays(decodeMulaw(encodeMulaw(samples))).map((output) => ({ callId, ...output })),
    );
    expect(analysed(signals).length).toBeGreaterThan(0);
  });

  it('Exotel (PCM16 at 16 kHz, 100 ms chunks): the call is classified and decided as at 8 kHz', async () => {
    const samples = samplesOf(join(manifestDir, entry.file));
    const callId = `door-exotel-${Date.now().toString(36)}`;
    const streamSid = `ex${callId}`;
    const token = await h.token({ callId, provider: 'exotel' });
    const wide = doubled(samples);
    const signals = await signalsOf(callId, async () => {
      const socket = await h.connect('exotel', { token });
      socket.send({ event: 'connected' });
      socket.send(exotel.start(streamSid, 16000));
      for (let c = 0, at = 0; at < wide.length; c++, at += 1600) {
        socket.send(exotel.media(streamSid, c + 1, wide.subarray(at, at + 1600)));
        if (c % 10 === 9) await paced(socket);
      }
      socket.send(exotel.stop(streamSid));
      return socket;
    });
    expect(signals[0]).toMatchObject({ callId, kind: 'stream-started', provider: 'exotel' });
    expect(signals.at(-1)).toMatchObject({ callId, kind: 'stream-stopped', reason: 'stop' });
    // Resampled, not bit-exact: what it hears is classified, and the decision (when the call at 8 kHz
    // gets one) comes at about the same audio time.
    expect(analysed(signals).some((s) => s.kind === 'speech' || s.kind === 'music' || s.kind === 'silence')).toBe(true);
    const reference = detectorSays(samples).find((o) => o.kind === 'live-human');
    const decision = signals.find((s) => s.kind === 'live-human');
    if (reference)
      expect(Math.abs((decision?.atMs ?? Number.POSITIVE_INFINITY) - reference.atMs)).toBeLessThanOrEqual(500);
  });
});
