import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Mp3FrameHeader, type PcmAudio, parseWav, splitFrames } from '@callfleet/audio';

/** The recorded sounds of the far end, one fixture each (see fixtures/generate-fixtures.ts). */
export type ClipName =
  | 'ivr-menu'
  | 'hold-music'
  | 'hold-announcement'
  | 'live-agent'
  | 'agent-hello'
  | 'too-busy'
  | 'voicemail-greeting'
  | 'silence';

export const CLIP_NAMES: readonly ClipName[] = [
  'ivr-menu',
  'hold-music',
  'hold-announcement',
  'live-agent',
  'agent-hello',
  'too-busy',
  'voicemail-greeting',
  'silence',
];

export interface AudioClip {
  name: ClipName;
  pcm: PcmAudio;
  mp3: { header: Mp3FrameHeader; frames: Buffer[] };
  /** Length of the spoken or played sound, in seconds. */
  seconds: number;
}

/** Where the fixtures are, from the sources (tests) or from dist/ (a built service run from the repo). */
export function findFixturesDir(configured?: string): string {
  const candidates = [
    configured,
    join(__dirname, '..', '..', 'fixtures', 'audio'),
    join(process.cwd(), 'apps', 'telephony-sim', 'fixtures', 'audio'),
    join(__dirname, '..', '..', '..', '..', '..', 'apps', 'telephony-sim', 'fixtures', 'audio'),
  ].filter((c): c is string => !!c);
  const found = candidates.find((dir) => existsSync(join(dir, 'silence.wav')));
  if (!found) throw new Error(`telephony-sim audio fixtures not found (looked in ${candidates.join(', ')})`);
  return found;
}

export function loadClips(dir: string): Map<ClipName, AudioClip> {
  const clips = new Map<ClipName, AudioClip>();
  for (const name of CLIP_NAMES) {
    const pcm = parseWav(readFileSync(join(dir, `${name}.wav`)));
    if (pcm.sampleRate !== 8000 || pcm.channels !== 1 || pcm.bitsPerSample !== 16) {
      throw new Error(`fixture ${name}.wav must be 8 kHz mono 16-bit`);
    }
    const mp3 = splitFrames(readFileSync(join(dir, `${name}.mp3`)));
    clips.set(name, { name, pcm, mp3, seconds: pcm.data.length / 2 / pcm.sampleRate });
  }
  return clips;
}
