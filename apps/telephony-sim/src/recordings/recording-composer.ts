import { wavHeader } from '@callfleet/audio';
import type { AudioClip, ClipName } from './audio-clips';

/** A stretch of the recording in which the far end played one sound (looped or cut to fit). */
export interface AudioSegment {
  clip: ClipName;
  seconds: number;
}

const SAMPLE_RATE = 8000;
const BYTES_PER_SAMPLE = 2;

function capSegments(segments: readonly AudioSegment[], maxSeconds: number): AudioSegment[] {
  const capped: AudioSegment[] = [];
  let left = maxSeconds;
  for (const s of segments) {
    if (left <= 0) break;
    const seconds = Math.min(s.seconds, left);
    if (seconds > 0) capped.push({ clip: s.clip, seconds });
    left -= seconds;
  }
  return capped;
}

/** `length` items taken from `items` in order, starting over at the end as often as needed. */
function loopTo<T>(items: readonly T[], length: number): T[] {
  const out: T[] = [];
  for (let i = 0; i < length; i++) out.push(items[i % items.length]);
  return out;
}

/** A mono 8 kHz 16-bit WAV of the segments, at most `maxSeconds` long. */
export function composeWav(
  segments: readonly AudioSegment[],
  clips: ReadonlyMap<ClipName, AudioClip>,
  maxSeconds: number,
): Buffer {
  return Buffer.concat([...composeWavStream(segments, clips, maxSeconds)]);
}

/** `bytes` of `source` played on a loop from byte `phase` (silence when there is no source). */
function loopedPcm(source: Buffer | undefined, phase: number, bytes: number): Buffer {
  const part = Buffer.alloc(bytes);
  if (!source || source.length === 0) return part;
  let at = 0;
  let from = phase % source.length;
  while (at < bytes) {
    const n = source.copy(part, at, from, Math.min(source.length, from + bytes - at));
    at += n;
    from = 0;
  }
  return part;
}

/**
 * The WAV of composeWav as a stream of `chunkBytes` pieces, never whole in memory: recordings of
 * hours (the recording benchmark's 500 MB) are made as they are sent.
 */
export function* composeWavStream(
  segments: readonly AudioSegment[],
  clips: ReadonlyMap<ClipName, AudioClip>,
  maxSeconds: number,
  chunkBytes = 1024 * 1024,
): Generator<Buffer> {
  const capped = capSegments(segments, maxSeconds);
  const sizes = capped.map((segment) => Math.round(segment.seconds * SAMPLE_RATE) * BYTES_PER_SAMPLE);
  yield wavHeader(
    { sampleRate: SAMPLE_RATE, channels: 1, bitsPerSample: 16 },
    sizes.reduce((a, b) => a + b, 0),
  );
  for (const [i, segment] of capped.entries()) {
    const source = segment.clip === 'silence' ? undefined : clips.get(segment.clip)?.pcm.data;
    for (let at = 0; at < sizes[i]; at += chunkBytes) yield loopedPcm(source, at, Math.min(chunkBytes, sizes[i] - at));
  }
}

/** The same recording as MP3, by splicing whole frames of the fixtures. */
export function composeMp3(
  segments: readonly AudioSegment[],
  clips: ReadonlyMap<ClipName, AudioClip>,
  maxSeconds: number,
): Buffer {
  const frames: Buffer[] = [];
  for (const segment of capSegments(segments, maxSeconds)) {
    const clip = clips.get(segment.clip) ?? clips.get('silence');
    if (!clip) continue;
    const count = Math.round((segment.seconds * clip.mp3.header.sampleRate) / clip.mp3.header.samplesPerFrame);
    frames.push(...loopTo(clip.mp3.frames, count));
  }
  return Buffer.concat(frames);
}

/** Bytes of the WAV composeWav makes of the segments (header included), without composing it. */
export function wavBytes(segments: readonly AudioSegment[], maxSeconds: number): number {
  const samples = capSegments(segments, maxSeconds).reduce((sum, s) => sum + Math.round(s.seconds * SAMPLE_RATE), 0);
  return wavHeader({ sampleRate: SAMPLE_RATE, channels: 1, bitsPerSample: 16 }, 0).length + samples * BYTES_PER_SAMPLE;
}

/**
 * The segments, lengthened to at least `minSeconds` by the far end's last sound going on (silence if
 * nothing was played): the simulator's switch for recordings large enough to need multipart uploads.
 */
export function padToSeconds(segments: readonly AudioSegment[], minSeconds: number): AudioSegment[] {
  const seconds = segments.reduce((sum, s) => sum + s.seconds, 0);
  if (seconds >= minSeconds) return [...segments];
  return [...segments, { clip: segments.at(-1)?.clip ?? 'silence', seconds: minSeconds - seconds }];
}

/** Seconds of audio the composed recording holds. */
export function recordingSeconds(segments: readonly AudioSegment[], maxSeconds: number): number {
  return (
    capSegments(segments, maxSeconds).reduce((sum, s) => sum + Math.round(s.seconds * SAMPLE_RATE), 0) / SAMPLE_RATE
  );
}
