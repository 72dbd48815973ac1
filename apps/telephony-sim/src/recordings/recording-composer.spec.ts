import { parseWav, splitFrames } from '@callfleet/audio';
import { findFixturesDir, loadClips } from './audio-clips';
import {
  composeMp3,
  composeWav,
  composeWavStream,
  padToSeconds,
  recordingSeconds,
  wavBytes,
} from './recording-composer';

const clips = loadClips(findFixturesDir());

describe('recordings made of fixture audio', () => {
  const segments = [
    { clip: 'ivr-menu', seconds: 3.5 },
    { clip: 'hold-music', seconds: 20 },
    { clip: 'live-agent', seconds: 2.25 },
  ] as const;

  it('composes a WAV of exactly the segments length, 8 kHz mono 16-bit', () => {
    const wav = composeWav(segments, clips, 300);
    const audio = parseWav(wav);
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
    expect(wav.readUInt32LE(4)).toBe(wav.length - 8);
    expect(audio).toMatchObject({ sampleRate: 8000, channels: 1, bitsPerSample: 16 });
    expect(audio.data.length).toBe(25.75 * 8000 * 2);
    // Hold music is really there: the stretch is not silent.
    const hold = audio.data.subarray(4 * 16000, 5 * 16000);
    expect(Math.max(...new Int16Array(hold.buffer, hold.byteOffset, hold.length / 2))).toBeGreaterThan(1000);
  });

  it('cuts a long call at the configured maximum', () => {
    const long = [{ clip: 'hold-music', seconds: 3600 }] as const;
    expect(parseWav(composeWav(long, clips, 60)).data.length).toBe(60 * 16000);
    expect(recordingSeconds(long, 60)).toBe(60);
  });

  it('composes an MP3 of whole, valid frames of about the same length', () => {
    const mp3 = composeMp3(segments, clips, 300);
    const { header, frames } = splitFrames(mp3);
    expect(header).toMatchObject({ sampleRate: 8000, bitrateKbps: 16, samplesPerFrame: 576 });
    expect(frames.length * frames[0].length).toBe(mp3.length);
    expect(Math.abs((frames.length * 576) / 8000 - 25.75)).toBeLessThan(0.2);
  });

  it('streams the same WAV in pieces, for recordings too long to hold', () => {
    const pieces = [...composeWavStream(segments, clips, 300, 10_000)];
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThanOrEqual(10_000);
    const wav = Buffer.concat(pieces);
    expect(parseWav(wav).data.length).toBe(25.75 * 8000 * 2);
    // Each stretch loops its clip from the start, whatever the piece size.
    expect(wav.equals(Buffer.concat([...composeWavStream(segments, clips, 300, 4096)]))).toBe(true);
  });

  it('knows the WAV size without composing it, cut or not', () => {
    expect(wavBytes(segments, 300)).toBe(composeWav(segments, clips, 300).length);
    expect(wavBytes(segments, 10)).toBe(composeWav(segments, clips, 10).length);
  });

  it('pads a short call to the minimum with its last sound, and leaves a long one alone', () => {
    const padded = padToSeconds(segments, 1000);
    expect(padded).toEqual([...segments, { clip: 'live-agent', seconds: 1000 - 25.75 }]);
    expect(recordingSeconds(padded, 3600)).toBe(1000);
    expect(wavBytes(padded, 3600)).toBe(44 + 1000 * 16000);
    expect(padToSeconds(segments, 10)).toEqual(segments);
    expect(padToSeconds([], 5)).toEqual([{ clip: 'silence', seconds: 5 }]);
  });
});
