import { join } from 'node:path';
import { findFixturesDir, loadClips } from '../recordings/audio-clips';
import { StreamClipLibrary } from './stream-clip-library';
import { streamClipsFromFixtures } from './stream-clips';

const fixtures = streamClipsFromFixtures(loadClips(findFixturesDir()));
const corpusDir = join(__dirname, '..', '..', '..', '..', 'corpus', 'clips');

describe('the far end sounds of each call', () => {
  const library = StreamClipLibrary.load(fixtures, corpusDir);

  it('uses the corpus when it is there', () => {
    expect(library.source).toBe('corpus');
  });

  it("gives a line the same recordings on every call, and a new agent's voice or words on some", () => {
    const calls = Array.from({ length: 8 }, (_, attempt) => library.clipsFor('+1 555 010 0001', attempt));
    for (const clips of calls) {
      expect(clips['ivr-menu']).toBe(calls[0]['ivr-menu']);
      expect(clips['hold-announcement']).toBe(calls[0]['hold-announcement']);
      expect(clips['hold-music']).toBe(calls[0]['hold-music']);
      expect(clips['too-busy']).toBe(calls[0]['too-busy']);
    }
    expect(new Set(calls.map((c) => c['live-agent'])).size).toBeGreaterThan(1);
    // Nothing is borrowed from the fixtures when the corpus has the sound.
    expect(calls[0]['ivr-menu']).not.toBe(fixtures['ivr-menu']);
    expect(calls[0]['live-agent']).not.toBe(fixtures['live-agent']);
  });

  it('gives other lines other recordings, and is the same for a number however it is written', () => {
    const lines = Array.from({ length: 12 }, (_, i) => library.clipsFor(`+1555010${String(i).padStart(4, '0')}`, 0));
    expect(new Set(lines.map((c) => c['ivr-menu'])).size).toBeGreaterThan(2);
    expect(library.clipsFor('+1 (555) 010-0003', 2)).toBe(library.clipsFor('15550100003', 2));
  });

  it('ends the voicemail greeting with its tone, and keeps to the fixtures without a corpus', () => {
    const greeting = library.clipsFor('+15550000006', 0)['voicemail-greeting'];
    const tail = greeting.subarray(greeting.length - 2000 - 400, greeting.length - 2000);
    expect(Math.max(...tail.map(Math.abs))).toBeGreaterThan(5000);
    expect(StreamClipLibrary.fixturesOnly(fixtures).clipsFor('+15550000001', 3)).toBe(fixtures);
  });
});
