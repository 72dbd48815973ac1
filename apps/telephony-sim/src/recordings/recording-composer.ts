import { buildWav } from '@callfleet/audio';
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
  const parts: Buffer[] = [];
  for (const segment of capSegments(segments, maxSeconds)) {
    const bytes = Math.round(segment.seconds * SAMPLE_RATE) * BYTES_PER_SAMPLE;
    const source = clips.get(segment.clip)?.pcm.data;
    const part = Buffer.alloc(bytes);
    if (source && source.length > 0 && segment.clip !== 'silence') {
      for (let at = 0; at < bytes; at += source.length) source.copy(part, at, 0, Math.min(source.length, bytes - at));
    }
    parts.push(part);
  }
  return buildWav({ sampleRate: SAMPLE_RATE, channels: 1, bitsPerSample: 16, data: Buffer.concat(parts) });
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

/** Seconds of audio the composed recording holds. */
export function recordingSeconds(segments: readonly AudioSegment[], maxSeconds: number): number {
  return (
    capSegments(segments, maxSeconds).reduce((sum, s) => sum + Math.round(s.seconds * SAMPLE_RATE), 0) / SAMPLE_RATE
  );
}
