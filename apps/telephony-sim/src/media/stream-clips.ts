import type { AudioClip, ClipName } from '../recordings/audio-clips';
import type { StreamClipName, StreamClips } from './far-end-audio';

/** The recording fixture each stream sound comes from (fixtures/audio/<name>.wav, 8 kHz mono PCM16). */
const FIXTURE_OF: Record<StreamClipName, ClipName> = {
  'ivr-menu': 'ivr-menu',
  'hold-music': 'hold-music',
  'hold-announcement': 'hold-announcement',
  'live-agent': 'live-agent',
  'agent-hello': 'agent-hello',
  'too-busy': 'too-busy',
  'voicemail-greeting': 'voicemail-greeting',
};

/** The far end's stream sounds, from the simulator's audio fixtures (already checked to be 8 kHz mono 16-bit). */
export function streamClipsFromFixtures(clips: ReadonlyMap<ClipName, AudioClip>): StreamClips {
  const entries = Object.entries(FIXTURE_OF).map(([name, fixture]) => {
    const clip = clips.get(fixture);
    if (!clip) throw new Error(`audio fixture ${fixture} is missing`);
    const { data } = clip.pcm;
    // A copy: the WAV buffer's byte offset need not be 2-aligned.
    const samples = new Int16Array(data.length / 2);
    for (let i = 0; i < samples.length; i++) samples[i] = data.readInt16LE(i * 2);
    return [name, samples] as const;
  });
  return Object.fromEntries(entries) as unknown as StreamClips;
}
